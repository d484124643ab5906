"""The CloudEvents Kafka protocol binding: what a record may hold, and what it is read as."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from shared.binding import STRUCTURED_CONTENT_TYPE, Record, UnreadableEvent, decode
from shared.binding import encode_structured as encode
from shared.events import Payload, new_event

pytestmark = pytest.mark.unit

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
STRUCTURED = ("content-type", STRUCTURED_CONTENT_TYPE.encode())


class Ping(Payload):
    EVENT_TYPE = "porting.port.ping"
    port_id: str


def event_json(**changes: Any) -> dict[str, Any]:
    body = json.loads(new_event(Ping(port_id="p1"), source="/t", now=NOW, subject="p1").to_json())
    body.update(changes)
    return {k: v for k, v in body.items() if v is not None}


def structured(body: Any, *headers: tuple[str, bytes | None]) -> Record:
    value = body if isinstance(body, bytes) else json.dumps(body).encode()
    return Record(value, b"p1", (STRUCTURED, *headers))


def refused(record: Record) -> UnreadableEvent:
    with pytest.raises(UnreadableEvent) as caught:
        decode(record)
    assert caught.value.reasons and all(
        {"field", "code", "message"} <= set(r) for r in caught.value.reasons
    )
    return caught.value


def test_a_published_record_is_structured_with_one_content_type_and_no_ce_headers():
    envelope = new_event(Ping(port_id="p1"), source="/t", now=NOW, subject="p1")
    value, headers = encode(envelope)
    assert headers == {"content-type": "application/cloudevents+json; charset=utf-8"}
    assert (
        decode(Record(value, b"p1", tuple((k, v.encode()) for k, v in headers.items()))) == envelope
    )


def test_a_structured_event_without_any_optional_attribute_is_read_with_defaults():
    minimal = {"specversion": "1.0", "id": "e1", "source": "/o", "type": "porting.port.ping"}
    envelope = decode(structured(minimal))
    assert envelope.time is None and envelope.subject is None
    assert envelope.datacontenttype == "application/json" and envelope.data == {}
    assert envelope.correlation == "e1"


def test_extension_attributes_are_kept_and_data_null_means_no_data():
    envelope = decode(structured(event_json(partitionkey="p1", comexampleext="x", data=None)))
    assert envelope.model_extra == {"partitionkey": "p1", "comexampleext": "x"}
    assert envelope.data == {}


def test_a_record_without_headers_is_read_as_structured_json():
    assert decode(Record(json.dumps(event_json()).encode())).type == "porting.port.ping"


def test_a_record_of_an_earlier_version_with_ce_headers_beside_the_structured_body_is_read():
    body = event_json()
    record = structured(body, ("ce_type", b"porting.port.ping"), ("ce_id", b"other"))
    assert decode(record).id == body["id"]


def test_binary_mode_takes_attributes_from_ce_headers_and_data_from_the_value():
    record = Record(
        b'{"port_id": "p9"}',
        b"p9",
        (
            ("ce_specversion", b"1.0"),
            ("ce_id", b"b1"),
            ("ce_source", b"/gateway"),
            ("ce_type", b"porting.port.ping"),
            ("ce_time", b"2026-03-02T10:00:00Z"),
            ("ce_traceparent", b"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"),
            ("content-type", b"application/json"),
            ("x-other", b"\xc3\x28"),
        ),
    )
    envelope = decode(record)
    assert (envelope.id, envelope.source, envelope.data) == ("b1", "/gateway", {"port_id": "p9"})
    assert envelope.time == NOW and envelope.traceparent is not None


def test_binary_mode_without_a_value_is_an_event_without_data():
    headers = (
        ("ce_specversion", b"1.0"),
        ("ce_id", b"b2"),
        ("ce_source", b"/g"),
        ("ce_type", b"t"),
    )
    assert decode(Record(None, None, headers)).data == {}


def test_structured_data_base64_holding_json_is_read():
    body = event_json(data=None, data_base64=base64.b64encode(b'{"port_id": "p2"}').decode())
    assert decode(structured(body)).data == {"port_id": "p2"}


@pytest.mark.parametrize(
    ("record", "code", "field"),
    [
        (Record(None, b"k"), "invalid_envelope", "$"),  # tombstone
        (Record(b"", b"k"), "invalid_envelope", "$"),  # empty value
        (structured(b'{"id": "\xc3\x28"}'), "invalid_envelope", "$"),  # invalid UTF-8
        (structured(b"{not json"), "invalid_envelope", "$"),
        (structured(b'{"a": NaN}'), "invalid_envelope", "$"),
        (structured(b'{"id": "\\udcc3"}'), "invalid_envelope", "$"),  # lone surrogate
        (structured([event_json()]), "invalid_envelope", "$"),  # an array
        (structured(42), "invalid_envelope", "$"),  # a number
        (structured(event_json(specversion="0.3")), "invalid_envelope", "specversion"),
        (structured(event_json(specversion=None)), "invalid_envelope", "specversion"),
        (structured(event_json(time="2026-03-02T10:00:00")), "invalid_envelope", "time"),
        (structured(event_json(data=[1, 2])), "invalid_envelope", "data"),
        (structured(event_json(data="text")), "invalid_envelope", "data"),
        (structured(event_json(id="")), "invalid_envelope", "id"),
        (
            structured(event_json(datacontenttype="text/plain", data="hi")),
            "unsupported_datacontenttype",
            "datacontenttype",
        ),
    ],
    ids=[
        "null-value",
        "empty-value",
        "invalid-utf8",
        "invalid-json",
        "nan",
        "lone-surrogate",
        "array",
        "number",
        "specversion-0.3",
        "no-specversion",
        "time-without-offset",
        "data-array",
        "data-string",
        "empty-id",
        "data-text",
    ],
)
def test_a_record_that_holds_no_usable_event_is_refused_with_reasons(record, code, field):
    error = refused(record)
    assert error.code == code
    assert error.reasons[0]["field"] == field


def test_a_refusal_keeps_the_attributes_it_could_read_to_answer_a_command():
    error = refused(structured(event_json(id="c1", type="porting.port.submit", data=[1])))
    assert error.attributes["id"] == "c1" and error.attributes["type"] == "porting.port.submit"


@pytest.mark.parametrize(
    "headers",
    [
        (("content-type", b"application/cloudevents-batch+json"),),
        (("content-type", b"application/cloudevents+avro"),),
        (("content-type", b"\xc3\x28"),),
        (("content-type", None),),
        (STRUCTURED, ("content-type", b"application/json")),  # contradicting duplicates
    ],
    ids=["batch", "avro", "content-type-not-utf8", "content-type-null", "conflicting"],
)
def test_headers_that_cannot_be_read_as_one_content_mode_are_refused(headers):
    refused(Record(json.dumps(event_json()).encode(), b"k", headers))


def test_identical_duplicate_headers_and_odd_but_valid_header_names_are_tolerated():
    record = structured(
        event_json(), STRUCTURED, ("", b"empty name"), ("x-\u00e9\u0000", b"v"), ("X", None)
    )
    assert decode(record).type == "porting.port.ping"


@pytest.mark.parametrize(
    "headers",
    [
        (("ce_specversion", b"1.0"), ("ce_id", b"a"), ("ce_id", b"b")),
        (("ce_specversion", b"1.0"), ("ce_id", b"\xc3\x28")),
        (("ce_specversion", b"1.0"), ("ce_", b"x")),
        (("ce_specversion", b"1.0"), ("ce_id", b"a"), ("ce_source", b"/s")),  # no type
        (("ce_id", b"a"), ("ce_source", b"/s"), ("ce_type", b"t")),  # no specversion
        (
            ("ce_specversion", b"1.0"),
            ("ce_id", b"a"),
            ("ce_source", b"/s"),
            ("ce_type", b"t"),
            ("content-type", b"text/plain"),
        ),
    ],
    ids=[
        "conflicting-id",
        "id-not-utf8",
        "no-attribute-name",
        "no-type",
        "no-specversion",
        "text-data",
    ],
)
def test_binary_mode_records_with_unusable_attributes_are_refused(headers):
    refused(Record(b'{"port_id": "p1"}', b"k", headers))
