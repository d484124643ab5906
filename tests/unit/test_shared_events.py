from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from shared.events import Envelope, Payload, follow_up, new_event, validation_reasons

pytestmark = pytest.mark.unit

NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


class Pinged(Payload):
    EVENT_TYPE = "test.thing.pinged"
    thing_id: str
    count: int


def test_a_new_event_starts_its_own_flow():
    event = new_event(Pinged(thing_id="t1", count=1), source="/test", now=NOW, subject="t1")
    assert event.correlationid == event.id and event.causationid is None
    assert event.type == "test.thing.pinged" and event.specversion == "1.0"
    assert event.dataschema == "urn:partnerops:schema:test.thing.pinged:v1"


def test_a_follow_up_event_keeps_the_correlation_and_names_its_cause():
    cause = new_event(Pinged(thing_id="t1", count=1), source="/a", now=NOW)
    effect = follow_up(cause, Pinged(thing_id="t1", count=2), source="/b", now=NOW)
    again = follow_up(effect, Pinged(thing_id="t1", count=3), source="/c", now=NOW)
    assert effect.causationid == cause.id and effect.correlationid == cause.id
    assert again.causationid == effect.id and again.correlationid == cause.id


def test_the_envelope_round_trips_through_json_in_structured_mode():
    event = new_event(Pinged(thing_id="t1", count=7), source="/test", now=NOW, subject="t1")
    parsed = Envelope.from_json(event.to_json())
    assert parsed == event
    assert parsed.parse_data(Pinged).count == 7


def test_an_envelope_without_a_timezone_or_with_another_specversion_is_refused():
    base = new_event(Pinged(thing_id="t", count=1), source="/t", now=NOW).model_dump(mode="json")
    with pytest.raises(ValidationError):
        Envelope.model_validate({**base, "time": "2026-11-23T09:30:00"})
    with pytest.raises(ValidationError):
        Envelope.model_validate({**base, "specversion": "0.3"})


def test_unknown_fields_in_data_are_tolerated_and_wrong_types_give_machine_readable_reasons():
    event = new_event(Pinged(thing_id="t", count=1), source="/t", now=NOW)
    tolerant = event.model_copy(update={"data": {**event.data, "added_later": True}})
    assert tolerant.parse_data(Pinged).thing_id == "t"
    broken = event.model_copy(update={"data": {"thing_id": "t", "count": "x"}})
    with pytest.raises(ValidationError) as caught:
        broken.parse_data(Pinged)
    assert validation_reasons(caught.value) == [
        {
            "field": "count",
            "code": "int_parsing",
            "message": "Input should be a valid integer, unable to parse string as an integer",
        }
    ]
