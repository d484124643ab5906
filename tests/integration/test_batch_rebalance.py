"""A rebalance in the middle of a batch changes nothing twice (the batch path, real servers)."""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest
from aiokafka import AIOKafkaProducer

from shared.events import Envelope
from tests.conftest import eventually
from tests.integration.counter_service import Bumped, make_context, wiring
from tests.integration.test_plumbing import _bump, _collect

pytestmark = pytest.mark.integration

COUNTERS = ("rb-a", "rb-b", "rb-c")
PER_COUNTER = 4


async def test_a_rebalance_in_the_middle_of_a_batch_changes_nothing_twice(
    kafka_bootstrap, mongo_url, mongo_db, topics, unique
):
    commands, events = topics
    group = unique("g")
    bumps = [(cid, _bump(cid)) for _ in range(PER_COUNTER) for cid in COUNTERS]
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
    await producer.start()
    try:
        for cid, envelope in bumps:
            await producer.send(commands, envelope.to_json(), key=cid.encode())
        await producer.flush()
    finally:
        await producer.stop()
    held = next(e for cid, e in bumps[3:] if cid == "rb-a")  # rb-a's second bump
    reached, release = asyncio.Event(), asyncio.Event()

    async def pause(envelope: Envelope) -> None:
        if envelope.id == held.id and not release.is_set():
            reached.set()  # decided in memory, nothing of this batch written yet
            await release.wait()

    # Instance A takes the first batch and stops half-way through it; it stops polling
    # for longer than its max poll interval, so the group moves its partitions to B.
    broker_a, ctx_a, client_a = make_context(
        kafka_bootstrap, mongo_url, mongo_db.name, wiring(commands, events, pause=pause), "a"
    )
    ctx_a.dispatcher.bind(broker_a, group_id=group, max_poll_interval_ms=2_000)
    broker_b, ctx_b, client_b = make_context(
        kafka_bootstrap, mongo_url, mongo_db.name, wiring(commands, events), "b"
    )
    ctx_b.dispatcher.bind(broker_b, group_id=group)
    await broker_a.start()
    try:
        await asyncio.wait_for(reached.wait(), 60)
        await broker_b.start()

        async def b_did_everything() -> bool:
            docs = await mongo_db.counters.find({"_id": {"$in": list(COUNTERS)}}).to_list()
            return len(docs) == len(COUNTERS) and all(
                d["state"]["value"] == PER_COUNTER for d in docs
            )

        await eventually(b_did_everything, timeout=60)
        release.set()  # A finishes its batch: its writes conflict, the redo finds every id
        held_twice = await eventually(
            lambda: mongo_db.deliveries.find_one({"_id": held.id, "n": {"$gte": 2}}), timeout=60
        )
        assert held_twice["n"] >= 2  # the held message really was handled by both
        await asyncio.sleep(1)  # let A's batch reach its write (nothing may change)
    finally:
        release.set()
        await broker_a.stop()
        await broker_b.stop()
        await client_a.close()
        await client_b.close()

    for cid in COUNTERS:
        doc = await mongo_db.counters.find_one({"_id": cid})
        assert doc["state"]["value"] == PER_COUNTER
        assert sorted(doc["handled"]) == sorted(e.id for c, e in bumps if c == cid)
    published = await _collect(kafka_bootstrap, events, len(bumps) + 1, timeout=10)
    told = [Envelope.from_json(r.value) for r in published]
    # Every change told once per value (a duplicate would carry the same id).
    by_change = Counter((e.subject, e.parse_data(Bumped).value) for e in told)
    assert set(by_change) == {(cid, v) for cid in COUNTERS for v in range(1, PER_COUNTER + 1)}
    assert all(
        len({e.id for e in told if (e.subject, e.parse_data(Bumped).value) == k}) == 1
        for k in by_change
    )
