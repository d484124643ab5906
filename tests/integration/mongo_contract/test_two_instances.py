"""Two instances of one service share the work and every effect happens exactly once.

Two real `run_service` instances of the counter service (tests/integration/counter_service)
join one consumer group on a 6-partition topic; every command bumps a counter and
schedules a timer that is due at once, and both instances' timer pollers compete for it.
Commands are published in rounds until each instance has handled some, so the test
proves sharing, not just two processes side by side.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from shared.events import Envelope
from shared.runtime import ServiceContext, run_service
from shared.settings import KafkaSettings, MongoSettings, ServiceSettings
from tests.conftest import eventually
from tests.integration.counter_service import Bumped, Reminded, wiring
from tests.integration.test_plumbing import _bump

pytestmark = pytest.mark.integration

COUNTERS = [f"c{i:02d}" for i in range(12)]


@contextlib.asynccontextmanager
async def instance(
    name: str, instance_id: str, wire: Any, kafka: str, mongo_url: str, database: str
) -> AsyncIterator[None]:
    settings = ServiceSettings(
        kafka=KafkaSettings(bootstrap_servers=kafka, create_topics=False),
        mongo=MongoSettings(url=mongo_url),
        database=database,
        http_port=0,
        timer_poll_seconds=0.2,
        outbox_sweep_seconds=0.5,
        instance_id=instance_id,
    )
    stop = asyncio.Event()
    task = asyncio.create_task(run_service(name, settings, wire, stop=stop))
    try:
        yield
    finally:
        stop.set()
        await asyncio.wait_for(task, 60)


async def everything_in(bootstrap: str, topic: str) -> list[Envelope]:
    """Every record of `topic` up to its current end offsets."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None)
    await consumer.start()
    try:
        count = KafkaSettings().topic_partitions  # what the `topics` fixture created
        partitions = [TopicPartition(topic, p) for p in range(count)]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        end = await consumer.end_offsets(partitions)
        got: list[Envelope] = []
        for _ in range(200):  # bounded: 200 polls of at most 0.5 s
            positions = {tp: await consumer.position(tp) for tp in partitions}
            if all(positions[tp] >= end[tp] for tp in partitions):
                return got
            batch = await consumer.getmany(timeout_ms=500)
            got.extend(Envelope.from_json(r.value) for rs in batch.values() for r in rs)
        raise AssertionError(f"{topic} not read to its end")
    finally:
        await consumer.stop()


def recording(commands: str, events: str, applied: list[str]) -> Any:
    """The counter wiring, recording the commands this instance decided to apply.

    On the batch path a decision is applied in memory and stored by the batch's write
    (`shared.batch`), so a command delivered to both instances around a rebalance may be
    decided by both: the later write conflicts and is redone on the stored state, or the
    revoked instance's batch is given up. What was *stored* once is read from the
    counters themselves (value, tracking ids, timers fired), not from these lists.
    """
    inner = wiring(commands, events, count_deliveries=False)

    def wire(ctx: ServiceContext) -> None:
        inner(ctx)
        original = ctx.apply

        async def apply(
            collection: str,
            aggregate_id: str,
            message_id: str,
            decide: Any,
            *,
            fingerprint: str | None = None,
        ) -> bool:
            changed = await original(
                collection, aggregate_id, message_id, decide, fingerprint=fingerprint
            )
            if changed:
                applied.append(message_id)
            return changed

        ctx.apply = apply  # type: ignore[method-assign]

    return wire


async def test_two_instances_share_commands_and_timers_and_apply_each_once(
    kafka_bootstrap, mongo_url, mongo_db, topics, unique
):
    commands, events = topics
    name = unique("counter")
    by_a: list[str] = []
    by_b: list[str] = []
    sent: list[Envelope] = []
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
    await producer.start()

    async def all_done() -> bool:
        """Every command and timer handled, every event published."""
        done = [d async for d in mongo_db.counters.find({})]
        handled = sum(len(d["handled"]) for d in done)
        return handled == 2 * len(sent) and all(d["timers"] == d["outbox"] == [] for d in done)

    try:
        async with (
            instance(
                name,
                "a",
                recording(commands, events, by_a),
                kafka_bootstrap,
                mongo_url,
                mongo_db.name,
            ),
            instance(
                name,
                "b",
                recording(commands, events, by_b),
                kafka_bootstrap,
                mongo_url,
                mongo_db.name,
            ),
        ):
            for _round in range(20):
                for counter in COUNTERS:
                    envelope = _bump(counter, remind_in_seconds=0.0)
                    await producer.send_and_wait(commands, envelope.to_json(), key=counter.encode())
                    sent.append(envelope)
                await eventually(all_done, timeout=60)
                if by_a and by_b and _round >= 2:
                    break
    finally:
        await producer.stop()

    rounds = len(sent) // len(COUNTERS)
    assert by_a and by_b  # both instances handled commands
    assert set(by_a) | set(by_b) == {e.id for e in sent}  # each command decided somewhere
    # Each command's effect stored once: the values, tracking ids and fired timers below.
    docs = {d["_id"]: d async for d in mongo_db.counters.find({})}
    assert sorted(docs) == COUNTERS
    timer_ids = {e.id: f"remind-{e.id}" for e in sent}
    for counter, doc in docs.items():
        mine = [e.id for e in sent if e.data["counter_id"] == counter]
        assert doc["state"]["value"] == rounds
        assert sorted(doc["state"]["fired"]) == sorted(timer_ids[i] for i in mine)  # once each
        assert sorted(doc["handled"]) == sorted(mine + [f"timer:{timer_ids[i]}" for i in mine])
        assert doc["timers"] == [] and doc["next_due_at"] is None
    # Publication is at-least-once (same event ids): every expected event, maybe twice.
    published = await everything_in(kafka_bootstrap, events)
    bumped = {
        (p.data["counter_id"], p.data["value"]) for p in published if p.type == Bumped.EVENT_TYPE
    }
    reminded = {p.data["timer_id"] for p in published if p.type == Reminded.EVENT_TYPE}
    assert bumped == {(c, v) for c in COUNTERS for v in range(1, rounds + 1)}
    assert reminded == set(timer_ids.values())
