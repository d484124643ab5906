"""The shared plumbing on the real Kafka broker and the real Mongo-wire server."""

from __future__ import annotations

import asyncio
import json
import sys
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from shared.clock import FixedClock
from shared.documents import Write
from shared.events import Envelope, new_event
from shared.outbox import OutboxRelay
from shared.outbox_clears import DeferredClears
from shared.store import Change, Outgoing, Stored, Timer
from shared.timers import TimerPoller
from tests.conftest import eventually
from tests.integration.counter_service import Bump, Bumped, make_context, wiring

AT = datetime(2031, 3, 3, 8, 0, tzinfo=UTC)
"""The instant these tests pin (timers, event times); never today's date."""

pytestmark = pytest.mark.integration


async def _publish(bootstrap: str, topic: str, key: str, body: bytes) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        await producer.send_and_wait(topic, body, key=key.encode())
    finally:
        await producer.stop()


def _bump(counter_id: str, **extra: Any) -> Envelope:
    return new_event(
        Bump(counter_id=counter_id, **extra),
        source="/tests",
        now=AT,
        subject=counter_id,
    )


async def _collect(bootstrap: str, topic: str, count: int, timeout: float = 30) -> list[Any]:
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest", group_id=None
    )
    await consumer.start()
    got: list[Any] = []
    try:
        deadline = asyncio.get_running_loop().time() + timeout
        while len(got) < count and asyncio.get_running_loop().time() < deadline:
            batch = await consumer.getmany(timeout_ms=500)
            for records in batch.values():
                got.extend(records)
    finally:
        await consumer.stop()
    return got


async def test_faststream_round_trip_stores_the_effect_and_publishes_the_event(
    kafka_bootstrap, mongo_url, mongo_db, topics, unique
):
    commands, events = topics
    broker, ctx, client = make_context(
        kafka_bootstrap, mongo_url, mongo_db.name, wiring(commands, events)
    )
    ctx.dispatcher.bind(broker, group_id=unique("g"))
    async with broker:
        await broker.start()
        cmd = _bump("c1", by=5)
        await _publish(kafka_bootstrap, commands, "c1", cmd.to_json())
        doc = await eventually(lambda: mongo_db.counters.find_one({"_id": "c1"}))
        assert doc["state"]["value"] == 5
        records = await _collect(kafka_bootstrap, events, 1)
        bumped = Envelope.from_json(records[0].value)
        assert bumped.parse_data(Bumped).value == 5
        assert bumped.causationid == cmd.id and bumped.correlationid == cmd.id
        assert records[0].key == b"c1"

        # Published; its outbox is emptied by the next write or the deferred clear.
        async def noted() -> bool:
            return ctx.clears.published_ids("counters", "c1") == {bumped.id}

        await eventually(noted)
        await ctx.clear_published_outboxes()
        assert (await mongo_db.counters.find_one({"_id": "c1"}))["outbox"] == []
    await client.close()


async def test_a_handler_that_crashes_after_its_effect_is_redelivered_and_the_effect_happens_once(
    kafka_bootstrap, mongo_url, mongo_db, topics, unique
):
    commands, events = topics
    group = unique("g")
    first, crashing, last = _bump("c2"), _bump("c2"), _bump("c2")
    for envelope in (first, crashing, last):
        await _publish(kafka_bootstrap, commands, "c2", envelope.to_json())
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.integration.counter_service",
        kafka_bootstrap,
        mongo_url,
        mongo_db.name,
        commands,
        events,
        group,
        crashing.id,
    )
    assert await asyncio.wait_for(process.wait(), 90) == 17  # died right after the effect
    assert (await mongo_db.counters.find_one({"_id": "c2"}))["state"]["value"] == 2

    broker, ctx, client = make_context(
        kafka_bootstrap, mongo_url, mongo_db.name, wiring(commands, events)
    )
    ctx.dispatcher.bind(broker, group_id=group)
    async with broker:
        await broker.start()
        await eventually(lambda: mongo_db.deliveries.find_one({"_id": last.id}))
        redelivered = await mongo_db.deliveries.find_one({"_id": crashing.id})
        assert redelivered["n"] == 2  # the crashed message came again ...
        doc = await mongo_db.counters.find_one({"_id": "c2"})
        assert doc["state"]["value"] == 3  # ... and changed nothing the second time
        assert doc["handled"] == [first.id, crashing.id, last.id]
        # The events stranded by the crash went out too (the redelivery flushed them).
        records = await _collect(kafka_bootstrap, events, 3)
        values = sorted(Envelope.from_json(r.value).parse_data(Bumped).value for r in records)
        assert values == [1, 2, 3]
    await client.close()


async def test_a_malformed_message_goes_to_the_dlq_with_its_error_and_the_next_is_processed(
    kafka_bootstrap, mongo_url, mongo_db, topics, unique
):
    commands, events = topics
    broker, ctx, client = make_context(
        kafka_bootstrap, mongo_url, mongo_db.name, wiring(commands, events)
    )
    ctx.dispatcher.bind(broker, group_id=unique("g"))
    invalid_data = _bump("c3").model_copy(update={"data": {"counter_id": "c3", "by": "many"}})
    async with broker:
        await broker.start()
        await _publish(kafka_bootstrap, commands, "c3", b"{not json")
        await _publish(kafka_bootstrap, commands, "c3", invalid_data.to_json())
        await _publish(kafka_bootstrap, commands, "c3", _bump("c3", by=2).to_json())
        doc = await eventually(lambda: mongo_db.counters.find_one({"_id": "c3"}))
        assert doc["state"]["value"] == 2
    await client.close()
    parked = await _collect(kafka_bootstrap, f"{commands}.dlq", 2)
    assert [r.value for r in parked] == [b"{not json", invalid_data.to_json()]
    headers = [dict(r.headers) for r in parked]
    assert headers[0]["x-dlq-error-code"] == b"invalid_envelope"
    assert headers[1]["x-dlq-error-code"] == b"invalid_data"
    reasons = json.loads(headers[1]["x-dlq-error"])
    assert reasons[0]["field"] == "by" and reasons[0]["code"] == "int_parsing"
    assert headers[1]["x-dlq-original-topic"] == commands.encode()


async def test_a_timer_scheduled_once_fires_once_while_two_instances_compete(
    kafka_bootstrap, mongo_url, mongo_db, topics, unique
):
    commands, events = topics
    clock = FixedClock(AT)
    contexts = []
    for name in ("a", "b"):
        broker, ctx, client = make_context(
            kafka_bootstrap, mongo_url, mongo_db.name, wiring(commands, events), name, clock
        )
        contexts.append((broker, ctx, client))
    # Store a counter with 20 timers already due, as a handler would have.
    _, ctx_a, _ = contexts[0]
    due = AT - timedelta(seconds=1)
    timers = [Timer(id=f"t{i}", kind="remind", due_at=due) for i in range(20)]
    await ctx_a.store("counters").save(
        "c4", Change({"value": 0}, [], timers), expected_version=0, handled_id="seed"
    )
    pollers = [
        TimerPoller(ctx.db["counters"], clock, ctx.timer_callbacks["counters"], owner=name)
        for name, (_, ctx, _) in zip(("a", "b"), contexts, strict=True)
    ]
    for broker, _, _ in contexts:
        await broker.start()
    try:
        await asyncio.gather(*(p.fire_due() for p in pollers), *(p.fire_due() for p in pollers))
        doc = await mongo_db.counters.find_one({"_id": "c4"})
        assert sorted(doc["state"]["fired"]) == sorted(t.id for t in timers)
        assert len(doc["state"]["fired"]) == 20  # each exactly once
        assert doc["timers"] == [] and doc["next_due_at"] is None
    finally:
        for broker, _, client in contexts:
            await broker.stop()
            await client.close()


async def test_a_timer_survives_a_restart_and_fires_when_due(
    kafka_bootstrap, mongo_url, mongo_db, topics, unique
):
    commands, events = topics
    broker, ctx, client = make_context(
        kafka_bootstrap, mongo_url, mongo_db.name, wiring(commands, events)
    )
    clock = FixedClock(AT)
    due = AT + timedelta(seconds=2)
    await ctx.store("counters").save(
        "c5",
        Change({"value": 0}, [], [Timer(id="later", kind="remind", due_at=due)]),
        expected_version=0,
        handled_id="seed",
    )
    await client.close()  # "restart": a new process finds the timer in the database
    broker, ctx, client = make_context(
        kafka_bootstrap, mongo_url, mongo_db.name, wiring(commands, events), clock=clock
    )
    poller = TimerPoller(ctx.db["counters"], clock, ctx.timer_callbacks["counters"], owner="x")
    await broker.start()
    try:
        assert await poller.fire_due() == 0  # not yet due
        clock.advance(timedelta(seconds=3))
        assert await poller.fire_due() == 1
        doc = await mongo_db.counters.find_one({"_id": "c5"})
        assert doc["state"]["fired"] == ["later"]
    finally:
        await broker.stop()
        await client.close()


async def test_an_outgoing_event_survives_a_crash_between_the_write_and_the_publish(
    kafka_bootstrap, mongo_url, mongo_db, topics, unique
):
    commands, events = topics
    broker, ctx, client = make_context(
        kafka_bootstrap, mongo_url, mongo_db.name, wiring(commands, events)
    )
    event = _bump("c6")
    # The write happens; the process "dies" before publishing (no flush is called).
    await ctx.store("counters").save(
        "c6",
        Change({"value": 1}, [Outgoing(events, event)]),
        expected_version=0,
        handled_id="cmd-1",
    )
    await client.close()
    broker, ctx, client = make_context(
        kafka_bootstrap, mongo_url, mongo_db.name, wiring(commands, events)
    )
    await broker.start()
    try:
        relay = OutboxRelay([ctx.db["counters"]], ctx.publisher, FixedClock(AT))
        assert await relay.sweep() == 1
        assert await relay.sweep(full=True) == 0  # marked sent: not published twice
        records = await _collect(kafka_bootstrap, events, 1)
        assert Envelope.from_json(records[0].value).id == event.id
        doc = await mongo_db.counters.find_one({"_id": "c6"})
        assert doc["outbox"] == [] and doc["outbox_pending"] is False
    finally:
        await broker.stop()
        await client.close()


async def test_a_full_sweep_leaves_a_document_its_writer_is_publishing_alone(
    kafka_bootstrap, mongo_url, mongo_db, topics
):
    """A full sweep looks for documents flagged with unpublished events: what a crash left.
    One this instance is still writing and publishing (`hold`) is not taken for stranded —
    the sweep published such an event a second time in a run without faults (the demo's
    `support.ticket.opened`). A hold older than `hold_seconds` is ignored."""
    commands, events = topics
    broker, ctx, client = make_context(
        kafka_bootstrap, mongo_url, mongo_db.name, wiring(commands, events)
    )
    await ctx.store("counters").save(
        "c9",
        Change({"value": 1}, [Outgoing(events, _bump("c9"))]),
        expected_version=0,
        handled_id="cmd-9",
    )
    await broker.start()
    try:
        relay = OutboxRelay([ctx.db["counters"]], ctx.publisher, FixedClock(AT))
        relay.hold("counters", "c9")
        relay.hold("counters", "c9")  # holds nest
        assert await relay.sweep(full=True) == 0
        relay.release("counters", "c9")
        assert await relay.sweep(full=True) == 0  # one hold left
        relay.release("counters", "c9")
        assert await relay.sweep(full=True) == 1  # released and still there: stranded
        stale = OutboxRelay([ctx.db["counters"]], ctx.publisher, FixedClock(AT), hold_seconds=0)
        await ctx.store("counters").save(
            "c10",
            Change({"value": 1}, [Outgoing(events, _bump("c10"))]),
            expected_version=0,
            handled_id="m",
        )
        stale.hold("counters", "c10")  # never released: ignored once older than 0 s
        assert await stale.sweep(full=True) == 1
    finally:
        await broker.stop()
        await client.close()


async def test_a_published_outbox_is_emptied_by_the_next_write_and_never_sent_again(
    kafka_bootstrap, mongo_url, mongo_db, topics
):
    """The deferred outbox clear (`shared.outbox_clears`) on the real servers: the next
    write replaces the published outbox, and the relay neither re-sends a noted event nor
    leaves it behind."""
    commands, events = topics
    broker, ctx, client = make_context(
        kafka_bootstrap, mongo_url, mongo_db.name, wiring(commands, events)
    )
    store = ctx.store("counters")
    first, second, third = (Outgoing(events, _bump("c8")).to_doc() for _ in range(3))

    def stored(version: int) -> Stored:
        return Stored("c8", version, {"value": version}, [f"m{version}"], [])

    clears = DeferredClears(window_seconds=60.0)
    await broker.start()
    try:
        relay = OutboxRelay([ctx.db["counters"]], ctx.publisher, FixedClock(AT), clears=clears)
        assert await store.write_batch([Write(stored(1), 0, [first])]) == set()
        clears.add(store, "c8", 1, [first["id"]])  # the batch published it
        # The next write from that version replaces the outbox instead of appending.
        assert await store.write_batch([Write(stored(2), 1, [second], True)]) == set()
        doc = await mongo_db.counters.find_one({"_id": "c8"})
        assert [e["id"] for e in doc["outbox"]] == [second["id"]]
        assert doc["outbox_pending"] is True and doc["version"] == 2
        # A stale replacing write conflicts and changes nothing.
        assert await store.write_batch([Write(stored(2), 1, [third], True)]) == {"c8"}
        # Published and noted again, then a writer appends an event nobody published.
        clears.add(store, "c8", 2, [second["id"]])
        assert await store.write_batch([Write(stored(3), 2, [third])]) == set()
        relay.note_written("counters", "c8")  # (what the writer tells the relay)
        assert relay.pending("counters", "c8")  # a batch now leaves c8's events to the relay
        assert await relay.flush("counters", "c8") == 1  # only the unpublished one goes out
        assert not relay.pending("counters", "c8")
        records = await _collect(kafka_bootstrap, events, 1)
        assert [Envelope.from_json(r.value).id for r in records] == [third["id"]]
        doc = await mongo_db.counters.find_one({"_id": "c8"})
        assert doc["outbox"] == [] and doc["outbox_pending"] is False
        assert clears.pending_at("counters", "c8") is None  # emptied: the note is dropped
        # A note still pending at a full sweep is cleared first, and nothing is re-sent.
        await store.write_batch([Write(stored(4), 3, [first])])
        clears.add(store, "c8", 4, [first["id"]])
        assert await relay.sweep(full=True) == 0
        doc = await mongo_db.counters.find_one({"_id": "c8"})
        assert doc["outbox"] == [] and doc["outbox_pending"] is False and len(clears) == 0
    finally:
        await broker.stop()
        await client.close()


async def test_consumer_lag_counts_what_the_group_has_not_committed_yet(
    kafka_bootstrap, kafka_settings, mongo_url, mongo_db, topics, unique
):
    from shared.lag import LagMonitor

    commands, events = topics
    group = unique("g")
    for _ in range(3):
        await _publish(kafka_bootstrap, commands, "c7", _bump("c7").to_json())
    monitor = LagMonitor(kafka_settings, group, [commands])
    assert sum((await monitor.measure()).values()) == 3  # nothing consumed yet

    broker, ctx, client = make_context(
        kafka_bootstrap, mongo_url, mongo_db.name, wiring(commands, events)
    )
    ctx.dispatcher.bind(broker, group_id=group)
    async with broker:
        await broker.start()

        async def caught_up() -> bool:
            return sum((await monitor.measure()).values()) == 0

        await eventually(caught_up)
    await client.close()
