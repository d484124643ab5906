"""Every record gets exactly one outcome, whatever its bytes, headers, key or size."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from aiokafka import ConsumerRecord
from cloudevents.core.bindings import kafka as ce_kafka
from cloudevents.core.v1.event import CloudEvent
from faststream.kafka.message import KafkaAckableMessage
from faststream.kafka.parser import AioKafkaParser
from pydantic import Field

from shared.binding import STRUCTURED_CONTENT_TYPE
from shared.dead_letter import record_size
from shared.errors import EventTooLarge
from shared.events import Envelope, Payload, new_event
from shared.kafka import Dispatcher, Publisher, RetryPolicy
from shared.kafka.broker import lenient_parser
from shared.topics import PORTING_COMMANDS, PORTING_EVENTS
from tests.unit.test_shared_dispatcher import META, FakePublisher

pytestmark = pytest.mark.unit

NOW = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)
STRUCTURED = ("content-type", STRUCTURED_CONTENT_TYPE.encode())


class Submit(Payload):
    EVENT_TYPE = "porting.port.ping"
    port_id: str
    numbers: list[int] = Field(default_factory=list)


def make() -> tuple[Dispatcher, FakePublisher, list[Submit]]:
    publisher = FakePublisher()
    dispatcher = Dispatcher(
        "porting", publisher=publisher, retry=RetryPolicy(first_delay=0.001), clock=lambda: NOW
    )
    handled: list[Submit] = []

    @dispatcher.on(PORTING_COMMANDS, Submit)
    async def handler(envelope: Envelope, payload: Submit) -> None:
        if payload.port_id == "too-big":
            raise EventTooLarge("event porting.port.submitted", 2_000_000, 1_048_576)
        handled.append(payload)

    return dispatcher, publisher, handled


def command(port_id: str = "p1", **data: Any) -> Envelope:
    return new_event(Submit(port_id=port_id, **data), source="/t", now=NOW, subject=port_id)


def rejection(publisher: FakePublisher) -> Envelope:
    [event] = [Envelope.from_json(b) for t, _, b, _ in publisher.sent if t == "porting.events"]
    return event


async def test_a_valid_command_with_a_header_that_is_not_utf8_is_handled():
    dispatcher, publisher, handled = make()
    headers = (STRUCTURED, ("x-trace", b"\xc3\x28"), ("x-trace", b"\xc3\x28"))
    await dispatcher.dispatch(PORTING_COMMANDS.name, command().to_json(), META, headers)
    assert [h.port_id for h in handled] == ["p1"] and publisher.sent == []


async def test_the_lenient_parser_reads_what_fast_streams_parser_refuses_and_ignores_reply_to():
    record = ConsumerRecord(
        "porting.commands", 0, 5, 0, 0, b"k", b"{}", None, 1, 2,
        [("reply_to", b"porting.events"), ("x", b"\xc3\x28")],
    )  # fmt: skip
    parser = AioKafkaParser(msg_class=KafkaAckableMessage, regex=None)
    with pytest.raises(UnicodeDecodeError):  # so the record would be neither acked nor nacked
        await parser.parse_message(record)
    message = await lenient_parser(record, parser.parse_message)
    assert message.raw_message is record and message.reply_to == ""
    assert record.headers[1] == ("x", b"\xc3\x28")


async def test_a_binary_mode_command_made_by_the_cloudevents_sdk_is_handled():
    dispatcher, _, handled = make()
    event = CloudEvent(
        attributes={"type": "porting.port.ping", "source": "/sdk", "id": "sdk-1"},
        data={"port_id": "p7"},
    )
    message = ce_kafka.to_binary_event(event)
    await dispatcher.dispatch(
        PORTING_COMMANDS.name, message.value, META, tuple(message.headers.items())
    )
    assert [h.port_id for h in handled] == ["p7"]


async def test_an_unreadable_command_with_a_readable_id_and_type_is_dead_lettered_and_answered():
    dispatcher, publisher, handled = make()
    body = json.loads(command().to_json())
    body["data"] = [1, 2]
    await dispatcher.dispatch(PORTING_COMMANDS.name, json.dumps(body).encode(), META, (STRUCTURED,))
    assert handled == []
    assert publisher.sent[0][0] == "porting.commands.dlq"
    answer = rejection(publisher)
    assert answer.type == "porting.command.rejected" and answer.causationid == body["id"]
    assert answer.data["code"] == "invalid_envelope"
    assert answer.data["reasons"][0]["field"] == "data"


async def test_a_command_whose_effect_would_be_too_large_to_publish_is_refused_with_a_reason():
    dispatcher, publisher, _ = make()
    await dispatcher.dispatch(PORTING_COMMANDS.name, command("too-big").to_json(), META)
    [dlq] = [s for s in publisher.sent if s[0] == "porting.commands.dlq"]
    assert dlq[3]["x-dlq-error-code"] == "event_too_large"
    answer = rejection(publisher)
    assert answer.data["code"] == "event_too_large"
    assert "1048576" in answer.data["reasons"][0]["message"]


async def test_thousands_of_validation_errors_are_answered_with_a_rejection_that_fits():
    dispatcher, publisher, _ = make()
    body = json.loads(command().to_json())
    body["data"]["numbers"] = ["x"] * 20_000
    await dispatcher.dispatch(PORTING_COMMANDS.name, json.dumps(body).encode(), META)
    answer = rejection(publisher)
    assert len(answer.data["reasons"]) == 100
    assert answer.data["reasons"][-1]["code"] == "more_reasons"
    for _, key, value, headers in publisher.sent:
        assert record_size(value, key if isinstance(key, bytes) else None, headers) <= 1_048_576


async def test_a_rejection_is_the_same_event_when_the_command_comes_again():
    dispatcher, publisher, _ = make()
    bad = command().model_copy(update={"data": {}})
    await dispatcher.dispatch(PORTING_COMMANDS.name, bad.to_json(), META)
    await dispatcher.dispatch(PORTING_COMMANDS.name, bad.to_json(), META)
    answers = [Envelope.from_json(b) for t, _, b, _ in publisher.sent if t == "porting.events"]
    assert len(answers) == 2 and answers[0].id == answers[1].id


@pytest.mark.parametrize(
    "value",
    [None, b"", b"\xff", b"[]", b"7", b'{"specversion": "2.0"}'],
    ids=["tombstone", "empty", "not-utf8", "array", "number", "specversion-2"],
)
async def test_an_event_record_holding_no_event_is_dead_lettered_and_never_raises(value):
    dispatcher, publisher, _ = make()
    dispatcher.on(PORTING_EVENTS, Submit)(lambda envelope, payload: None)  # type: ignore[arg-type,return-value]
    await dispatcher.dispatch(PORTING_EVENTS.name, value, {**META, "key": None})
    [(topic, key, _, headers)] = publisher.sent
    assert topic == "porting.events.dlq" and key is None
    assert headers["x-dlq-error-code"] == "invalid_envelope"


class _Broker:
    def __init__(self) -> None:
        self.sent: list[Any] = []

    async def publish(self, body: bytes, **kwargs: Any) -> None:
        self.sent.append((body, kwargs))


async def test_the_publisher_sends_structured_records_without_ce_headers_and_refuses_oversize():
    broker = _Broker()
    publisher = Publisher(broker, max_message_bytes=20_000)  # type: ignore[arg-type]
    await publisher.publish("porting.events", command())
    [(_, options)] = broker.sent
    assert options["headers"] == {"content-type": STRUCTURED_CONTENT_TYPE}
    assert options["key"] == b"p1"
    with pytest.raises(EventTooLarge):
        await publisher.publish("porting.events", command(numbers=list(range(10_000))))
    assert len(broker.sent) == 1
