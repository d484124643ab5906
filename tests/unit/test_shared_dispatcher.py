"""The dispatcher's reliability rules, with a fake publisher (no broker)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import pytest
from pymongo.errors import AutoReconnect

from shared.events import Envelope, Payload, new_event
from shared.kafka import ConcurrencyConflict, Dispatcher, Publisher, RetryPolicy
from shared.topics import PORTING_COMMANDS, PORTING_EVENTS

pytestmark = pytest.mark.unit

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
META = {"partition": 0, "offset": 7, "key": "p1", "consumer-group": "porting"}


class Ping(Payload):
    EVENT_TYPE = "porting.port.ping"
    port_id: str


class FakePublisher(Publisher):
    def __init__(self) -> None:
        self.sent: list[tuple[str, str | bytes | None, bytes, dict[str, str]]] = []

    async def publish_raw(self, topic, key, body, headers=None) -> None:
        self.sent.append((topic, key, body, headers or {}))


def make(handler: Any) -> tuple[Dispatcher, FakePublisher]:
    publisher = FakePublisher()
    dispatcher = Dispatcher(
        "porting",
        publisher=publisher,
        retry=RetryPolicy(first_delay=0.001, max_delay=0.002, transient_budget_seconds=0.05),
        clock=lambda: NOW,
    )
    dispatcher.on(PORTING_COMMANDS, Ping)(handler)
    return dispatcher, publisher


def ping() -> Envelope:
    return new_event(Ping(port_id="p1"), source="/t", now=NOW, subject="p1")


async def test_an_undecodable_message_is_dead_lettered_and_the_handler_never_runs():
    calls: list[Any] = []

    async def handler(envelope, payload):
        calls.append(payload)

    dispatcher, publisher = make(handler)
    await dispatcher.dispatch(PORTING_COMMANDS.name, b"\xff\xfe", META)
    assert calls == []
    [(topic, key, body, headers)] = publisher.sent
    assert topic == "porting.commands.dlq" and key == b"p1" and body == b"\xff\xfe"
    assert headers["x-dlq-error-code"] == "invalid_envelope"
    assert headers["x-dlq-offset"] == "7"


async def test_a_command_with_invalid_data_is_dead_lettered_and_rejected_with_reasons():
    async def handler(envelope, payload):
        raise AssertionError("must not run")

    dispatcher, publisher = make(handler)
    bad = ping().model_copy(update={"data": {}})
    await dispatcher.dispatch(PORTING_COMMANDS.name, bad.to_json(), META)
    (dlq, rejection) = publisher.sent
    assert dlq[0] == "porting.commands.dlq"
    assert rejection[0] == PORTING_EVENTS.name
    event = Envelope.from_json(rejection[2])
    assert event.type == "porting.command.rejected"
    assert event.causationid == bad.id
    assert event.data["reasons"] == [
        {"field": "port_id", "code": "missing", "message": "Field required", "number": None}
    ]  # v2: every reason is a `shared.contracts.common.Reason`


async def test_an_unknown_command_is_rejected_and_an_unknown_event_type_is_dead_lettered():
    async def handler(envelope, payload):
        pass

    dispatcher, publisher = make(handler)
    other = ping().model_copy(update={"type": "porting.port.teleport"})
    await dispatcher.dispatch(PORTING_COMMANDS.name, other.to_json(), META)
    assert [s[0] for s in publisher.sent] == ["porting.commands.dlq", "porting.events"]
    dispatcher.on(PORTING_EVENTS, Ping)(handler)
    publisher.sent.clear()
    await dispatcher.dispatch(PORTING_EVENTS.name, other.to_json(), META)
    [(topic, _, _, headers)] = publisher.sent
    assert topic == "porting.events.dlq"
    assert headers["x-dlq-error-code"] == "unknown_event_type"


async def test_a_known_type_this_service_does_not_consume_is_handled_by_doing_nothing():
    async def handler(envelope, payload):
        raise AssertionError("not routed")

    dispatcher, publisher = make(handler)
    dispatcher.on(PORTING_EVENTS, Ping)(handler)
    dispatcher.known_types = {PORTING_EVENTS.name: frozenset({"porting.port.submitted"})}
    other = ping().model_copy(update={"type": "porting.port.submitted"})
    await dispatcher.dispatch(PORTING_EVENTS.name, other.to_json(), META)
    assert publisher.sent == []


async def test_a_transient_fault_is_retried_until_the_handler_succeeds():
    attempts: list[int] = []

    async def handler(envelope, payload):
        attempts.append(1)
        if len(attempts) < 3:
            raise ConcurrencyConflict("someone else wrote")

    dispatcher, publisher = make(handler)
    await dispatcher.dispatch(PORTING_COMMANDS.name, ping().to_json(), META)
    assert len(attempts) == 3 and publisher.sent == []


async def test_a_persistent_transient_fault_is_raised_so_the_message_is_redelivered_not_lost():
    async def handler(envelope, payload):
        raise AutoReconnect("database down")

    dispatcher, publisher = make(handler)
    with pytest.raises(AutoReconnect):
        await dispatcher.dispatch(PORTING_COMMANDS.name, ping().to_json(), META)
    assert publisher.sent == []  # nothing dead-lettered: the data is fine


async def test_a_poison_message_is_dead_lettered_after_three_attempts_so_the_partition_moves_on():
    attempts: list[int] = []

    async def handler(envelope, payload):
        attempts.append(1)
        raise KeyError("bug")

    dispatcher, publisher = make(handler)
    await dispatcher.dispatch(PORTING_COMMANDS.name, ping().to_json(), META)
    assert len(attempts) == 3
    [(topic, _, _, headers)] = publisher.sent
    assert topic == "porting.commands.dlq" and headers["x-dlq-error-code"] == "handler_failed"
    assert "KeyError" in headers["x-dlq-error"]


async def test_in_demo_mode_a_message_waits_for_the_tick_of_its_time_and_never_moves_the_clock():
    from datetime import timedelta

    from shared.clock import ControllableClock
    from shared.runtime import demo_time_gate

    start = datetime(2019, 6, 3, 9, 0, tzinfo=UTC)
    clock = ControllableClock(start)
    seen: list[datetime] = []

    async def handler(envelope, payload):
        seen.append(clock.now())

    dispatcher, _ = make(handler)
    dispatcher.await_time = demo_time_gate(clock, timeout=5)
    later = start + timedelta(days=3)
    message = new_event(Ping(port_id="p1"), source="/t", now=later, subject="p1")
    handling = asyncio.create_task(
        dispatcher.dispatch(PORTING_COMMANDS.name, message.to_json(), META)
    )
    await asyncio.sleep(0.05)
    assert seen == [] and clock.now() == start  # the message's time did not move the clock
    clock.advance_to(later)  # the tick arrives
    await asyncio.wait_for(handling, 5)
    assert seen == [later]


async def test_in_demonstration_mode_a_message_beyond_every_tick_is_handled_at_the_clock_time():
    from datetime import timedelta

    from shared.clock import ControllableClock
    from shared.runtime import demo_time_gate

    start = datetime(2019, 6, 3, 9, 0, tzinfo=UTC)
    clock = ControllableClock(start)
    seen: list[datetime] = []

    async def handler(envelope, payload):
        seen.append(clock.now())

    dispatcher, _ = make(handler)
    dispatcher.await_time = demo_time_gate(clock, timeout=0.05)
    far = new_event(Ping(port_id="p1"), source="/t", now=start + timedelta(days=400), subject="p1")
    await dispatcher.dispatch(PORTING_COMMANDS.name, far.to_json(), META)
    assert seen == [start]
