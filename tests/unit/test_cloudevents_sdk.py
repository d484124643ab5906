"""Every event we publish, and every documented example, is read by the official
CloudEvents SDK (PyPI `cloudevents`) exactly as our publisher puts it on Kafka."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from cloudevents.core.bindings import kafka as ce_kafka
from cloudevents.v1 import kafka as ce_v1_kafka

from shared.events import Envelope, Payload, new_event
from shared.kafka.publisher import Publisher
from tools.catalogue import all_catalogues

pytestmark = pytest.mark.unit

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "docs" / "examples").glob("*.json"))
PATTERNS = {"^[A-Z]{2}$": "GB"}
BY_NAME = {"time_zone": "Europe/London", "tier1_partner_id": "P-100100"}  # a direct order


def sample(schema: dict[str, Any], root: dict[str, Any], name: str = "") -> Any:
    """The smallest valid value of a JSON Schema (required properties, and those named)."""
    if name in BY_NAME:
        return BY_NAME[name]
    if "$ref" in schema:
        return sample(root["$defs"][schema["$ref"].split("/")[-1]], root, name)
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return schema["enum"][0]
    if schema.get("default") is not None:
        return schema["default"]
    for key in ("anyOf", "oneOf"):
        if key in schema:
            options = [o for o in schema[key] if o.get("type") != "null"]
            return sample(options[0], root, name) if options else None
    kind = schema.get("type")
    if kind == "string":
        formats = {
            "date-time": "2026-06-01T09:00:00Z",
            "date": "2026-06-01",
            "email": "a@example.com",
        }
        if schema.get("format") in formats:
            return formats[schema["format"]]
        return PATTERNS.get(schema.get("pattern", ""), "x" * max(1, schema.get("minLength", 1)))
    if kind in ("integer", "number"):
        return max(1, schema.get("minimum", 1))
    if kind == "boolean":
        return True
    if kind == "array":
        return [sample(schema.get("items", {}), root) for _ in range(schema.get("minItems", 0))]
    properties = schema.get("properties", {})
    required = set(schema.get("required", []))
    return {
        k: sample(v, root, k)
        for k, v in properties.items()
        if k in required or "const" in v or k in BY_NAME
    }


def published_models() -> list[type[Payload]]:
    models: dict[str, type[Payload]] = {}
    for catalogue in all_catalogues():
        for listed in catalogue.publishes.values():
            models.update({m.EVENT_TYPE: m for m in listed})
    return [models[t] for t in sorted(models)]


class _CapturingBroker:
    def __init__(self) -> None:
        self.records: list[tuple[bytes, dict[str, Any]]] = []

    async def publish(self, body: bytes, **options: Any) -> None:
        self.records.append((body, options))


async def as_published(envelope: Envelope) -> ce_kafka.KafkaMessage:
    """The record our publisher code path produces for `envelope`."""
    broker = _CapturingBroker()
    await Publisher(broker).publish("any.events", envelope)  # type: ignore[arg-type]
    [(value, options)] = broker.records
    headers = {k: v.encode() for k, v in options["headers"].items()}
    return ce_kafka.KafkaMessage(headers=headers, key=options["key"], value=value)


def assert_read_by_the_sdk(message: ce_kafka.KafkaMessage, envelope: Envelope) -> None:
    assert not [h for h in message.headers if h.lower().startswith("ce_")]
    for read in (ce_kafka.from_kafka_event, ce_kafka.from_structured_event):
        event = read(message)
        attributes = event.get_attributes()
        assert (attributes["id"], attributes["type"]) == (envelope.id, envelope.type)
        assert attributes["source"] == envelope.source
        assert attributes.get("subject") == envelope.subject
        assert attributes["correlationid"] == envelope.correlation
        assert event.get_data() == envelope.data
    legacy = ce_v1_kafka.from_structured(
        ce_v1_kafka.KafkaMessage(message.headers, message.key, message.value)
    )
    assert legacy["id"] == envelope.id and legacy.get_data() == envelope.data


@pytest.mark.parametrize("model", published_models(), ids=lambda m: m.EVENT_TYPE)
async def test_every_published_event_type_is_read_by_the_cloudevents_sdk(model: type[Payload]):
    schema = model.model_json_schema()
    payload = model.model_validate(sample(schema, schema))
    envelope = new_event(payload, source="/svc", now=NOW, subject="agg-1", causation_id="c0")
    assert_read_by_the_sdk(await as_published(envelope), envelope)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
async def test_every_documented_example_is_read_by_the_cloudevents_sdk(path: Path):
    envelope = Envelope.from_json(path.read_bytes())
    message = await as_published(envelope)
    assert_read_by_the_sdk(message, envelope)
    assert json.loads(message.value) == json.loads(envelope.to_json())


def test_every_service_publishes_something_to_check():
    types = {m.EVENT_TYPE.split(".")[0] for m in published_models()}
    assert {"onboarding", "porting", "orders", "carrier"} <= types
