"""The dispatcher bound to a FastStream broker, in memory with TestKafkaBroker."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import pytest
from faststream.kafka import KafkaBroker, TestKafkaBroker
from faststream.kafka.subscriber.usecase import LogicSubscriber

from shared.events import Envelope, Payload, new_event
from shared.kafka import Dispatcher, RetryPolicy
from shared.topics import CARRIER_EVENTS, PORTING_COMMANDS

pytestmark = pytest.mark.unit

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


class Ping(Payload):
    EVENT_TYPE = "porting.port.ping"
    port_id: str


async def test_a_bound_dispatcher_routes_by_type_and_parks_bad_messages_in_the_dlq():
    broker = KafkaBroker()
    handled: list[str] = []
    parked: list[bytes] = []
    dispatcher = Dispatcher("porting", retry=RetryPolicy(first_delay=0.001), clock=lambda: NOW)

    @dispatcher.on(PORTING_COMMANDS, Ping)
    async def on_ping(envelope: Envelope, payload: Ping) -> None:
        handled.append(payload.port_id)

    @broker.subscriber("porting.commands.dlq")
    async def on_dead_letter(body: bytes) -> None:
        parked.append(body)

    rejections: list[Envelope] = []

    @broker.subscriber("porting.events")
    async def on_event(body: bytes) -> None:
        rejections.append(Envelope.from_json(body))

    dispatcher.bind(broker, group_id="porting")
    async with TestKafkaBroker(broker) as test_broker:
        ping = new_event(Ping(port_id="p1"), source="/t", now=NOW, subject="p1")
        await test_broker.publish(ping.to_json(), "porting.commands", key=b"p1")
        await test_broker.publish(b"not json", "porting.commands", key=b"p2")
        invalid = ping.model_copy(update={"id": "bad-1", "data": {"port_id": 7}})
        await test_broker.publish(invalid.to_json(), "porting.commands", key=b"p3")
    assert handled == ["p1"]
    assert parked == [b"not json", invalid.to_json()]
    [rejection] = rejections  # only the readable command can be answered
    assert rejection.type == "porting.command.rejected" and rejection.causationid == "bad-1"


async def test_one_subscriber_takes_every_topic_and_routes_each_record_by_its_topic():
    broker = KafkaBroker()
    handled: list[tuple[str, str]] = []
    dispatcher = Dispatcher("porting", retry=RetryPolicy(first_delay=0.001), clock=lambda: NOW)

    @dispatcher.on(PORTING_COMMANDS, Ping)
    async def on_command(envelope: Envelope, payload: Ping) -> None:
        handled.append(("command", payload.port_id))

    @dispatcher.on(CARRIER_EVENTS, Ping)  # the same type on another topic: another handler
    async def on_carrier(envelope: Envelope, payload: Ping) -> None:
        handled.append(("carrier", payload.port_id))

    dispatcher.bind(broker, group_id="porting")
    [subscriber] = broker.subscribers  # one consumer, one member of the group
    assert isinstance(subscriber, LogicSubscriber)
    assert sorted(subscriber.topic_names) == ["carrier.events", "porting.commands"]
    async with TestKafkaBroker(broker) as test_broker:
        for topic, port_id in [("carrier.events", "c1"), ("porting.commands", "p1")]:
            ping = new_event(Ping(port_id=port_id), source="/t", now=NOW, subject=port_id)
            await test_broker.publish(ping.to_json(), topic, key=port_id.encode())
    assert handled == [("carrier", "c1"), ("command", "p1")]


async def test_a_batch_from_several_topics_runs_each_topic_and_key_in_offset_order():
    """One consumer's fetched batch mixes topics: each record goes to its topic's handler
    (prefix taken off), and records with the same partition and key on two topics are two
    ordered runs, not one."""
    from aiokafka.structs import ConsumerRecord

    from shared.batch import Batch

    class NoPublisher:
        async def enqueue_raw(self, topic: str, key: Any, body: bytes) -> Any:
            raise AssertionError("nothing to publish")

        async def enqueue(self, topic: str, envelope: Envelope) -> Any:
            raise AssertionError("nothing to publish")

    handled: list[tuple[str, str]] = []
    dispatcher = Dispatcher(
        "porting",
        retry=RetryPolicy(first_delay=0.001),
        clock=lambda: NOW,
        batch_records=10,
        new_batch=lambda: Batch(NoPublisher()),
    )

    released = asyncio.Event()

    @dispatcher.on(PORTING_COMMANDS, Ping)
    async def on_command(envelope: Envelope, payload: Ping) -> None:
        handled.append(("command", payload.port_id))
        released.set()

    @dispatcher.on(CARRIER_EVENTS, Ping)
    async def on_carrier(envelope: Envelope, payload: Ping) -> None:
        # Waits for the command run: one run of both topics (offset order) would wait here
        # before the command, and the handler would fail.
        await asyncio.wait_for(released.wait(), timeout=5)
        handled.append(("carrier", payload.port_id))

    def record(topic: str, offset: int, port_id: str) -> ConsumerRecord[bytes, bytes]:
        ping = new_event(Ping(port_id=port_id), source="/t", now=NOW, subject="p1")
        value = ping.to_json()
        return ConsumerRecord(
            "env1." + topic, 0, offset, 0, 0, b"p1", value, None, 2, len(value), ()
        )

    records = [
        record("carrier.events", 7, "c1"),
        record("porting.commands", 7, "p1"),
        record("carrier.events", 8, "c2"),
        record("porting.commands", 8, "p2"),
    ]
    await dispatcher.dispatch_batch(records, "porting", prefix="env1.")
    assert [h for h in handled if h[0] == "carrier"] == [("carrier", "c1"), ("carrier", "c2")]
    assert [h for h in handled if h[0] == "command"] == [("command", "p1"), ("command", "p2")]
