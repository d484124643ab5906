"""Which model and topic a message type has, and how the CLI turns JSON into a CloudEvent.

The table is the published contracts: every event type a publisher declares
(`shared.contracts.*.PUBLISHES`, on its topic) and every command type of a service's
contracts (`shared.contracts.<service>.COMMANDS`, on `<service>.commands`). A unit test
checks it against the routing tables the catalogue reads (`tools.catalogue`).

Input (`publish FILE`): a JSON object, either an event — `{"type": ..., "data": {...}}`
with optional `subject`, `id`, `source`, `correlationid`, `causationid` (other CloudEvents
attributes are taken from the CLI) — or, with `--type`, the data alone. The data is
validated against the type's model and wrapped by `shared.events.new_event`, exactly as
the services and the demonstration driver publish: structured mode, `dataschema`
`urn:partnerops:schema:<type>:v<version>`, a fresh id, `correlationid` = the id unless one
is given, the key = `subject`.
"""

from __future__ import annotations

import builtins
import functools
import importlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from pydantic_core import from_json

from cli.context import EXIT_INVALID, SERVICES, Failure
from shared.contracts import published_models
from shared.events import Envelope, Payload, new_event, validation_reasons
from shared.topics import BY_NAME, TopicKind

ENVELOPE_KEYS = {
    "type",
    "data",
    "subject",
    "id",
    "source",
    "correlationid",
    "causationid",
    "specversion",
    "time",
    "datacontenttype",
    "dataschema",
}
"""Attributes an input event may carry; `specversion`, `time`, `datacontenttype` and
`dataschema` are accepted and replaced (the CLI stamps its own)."""


@dataclass(frozen=True)
class MessageType:
    """One publishable type: its model and the (logical) topic it travels on."""

    name: str
    model: builtins.type[Payload]
    topic: str

    @property
    def is_command(self) -> bool:
        known = BY_NAME.get(self.topic)
        return known is not None and known.kind is TopicKind.COMMANDS


@functools.cache
def message_types() -> dict[str, MessageType]:
    """Every type the CLI can publish, by CloudEvents type."""
    table: dict[str, MessageType] = {}
    for topic, models in published_models().items():
        for model in models:
            table.setdefault(model.EVENT_TYPE, MessageType(model.EVENT_TYPE, model, topic))
    for service in SERVICES:
        module = importlib.import_module(f"shared.contracts.{service}")
        for model in getattr(module, "COMMANDS", ()):
            table[model.EVENT_TYPE] = MessageType(model.EVENT_TYPE, model, f"{service}.commands")
    return table


def invalid(code: str, message: str, reasons: list[dict[str, Any]] | None = None) -> Failure:
    return Failure(code, message, reasons, exit_code=EXIT_INVALID)


def parse_input(
    raw: bytes, type_option: str | None
) -> tuple[MessageType, dict[str, Any], dict[str, Any]]:
    """`(type, data, attributes)` from the input bytes (raises an invalid-input `Failure`).
    A leading UTF-8 byte order mark (editors on Windows write one) is ignored, as RFC 8259
    §8.1 allows."""
    raw = raw.removeprefix(b"\xef\xbb\xbf")
    try:
        body = from_json(raw, allow_inf_nan=False)
    except ValueError as error:
        raise invalid(
            "invalid_json",
            f"the input is not JSON: {error}",
            [{"field": "$", "code": "invalid_json", "message": str(error)[:300]}],
        ) from None
    if not isinstance(body, dict):
        raise invalid(
            "not_an_object",
            f"the input is a JSON {type(body).__name__}, not an object",
            [{"field": "$", "code": "not_an_object", "message": "expected an object"}],
        )
    if "type" in body and "data" in body and type_option is None:
        unknown = sorted(set(body) - ENVELOPE_KEYS)
        if unknown:
            raise invalid(
                "invalid_envelope",
                f"unknown attributes {unknown}",
                [
                    {
                        "field": k,
                        "code": "unknown_attribute",
                        "message": "not a CloudEvents attribute the CLI takes",
                    }
                    for k in unknown
                ],
            )
        kind, data = body["type"], body["data"]
        attributes = {
            k: body[k]
            for k in ("subject", "id", "source", "correlationid", "causationid")
            if body.get(k) is not None
        }
        for key, value in attributes.items():
            if not isinstance(value, str) or not value:
                raise invalid(
                    "invalid_envelope",
                    f"{key} must be a non-empty string",
                    [{"field": key, "code": "string_type", "message": "a string"}],
                )
    elif type_option is not None:
        kind, data, attributes = type_option, body, {}
    else:
        raise invalid(
            "missing_type",
            'say which type: an object {"type", "data"} or --type',
            [{"field": "type", "code": "missing", "message": "Field required"}],
        )
    if not isinstance(kind, str) or kind not in message_types():
        raise invalid(
            "unknown_type",
            f"{kind!r} is no type anyone consumes or publishes",
            [{"field": "type", "code": "unknown_type", "message": str(kind)[:200]}],
        )
    if not isinstance(data, dict):
        raise invalid(
            "invalid_data",
            "data must be a JSON object",
            [{"field": "data", "code": "not_an_object", "message": "expected an object"}],
        )
    return message_types()[kind], data, attributes


def validated(message: MessageType, data: dict[str, Any]) -> Payload:
    """The data as its model (raises an invalid-input `Failure` naming every violation)."""
    try:
        return message.model.model_validate(data)
    except ValidationError as error:
        reasons = validation_reasons(error)
        raise invalid(
            "invalid_data",
            f"{len(reasons)} problem(s) with the data of {message.name}",
            [{**r, "field": f"data.{r['field']}"} for r in reasons],
        ) from None


def default_subject(payload: Payload) -> str | None:
    """The Kafka key when none is given: the first `…_id` field of the data other than
    `request_id` (the aggregate), else the actor's partner, else the request id."""
    data = payload.model_dump(mode="json")
    for name, value in data.items():
        if name.endswith("_id") and name != "request_id" and isinstance(value, str) and value:
            return value
    actor = data.get("actor")
    if isinstance(actor, dict) and actor.get("partner_id"):
        return str(actor["partner_id"])
    request = data.get("request_id")
    return str(request) if request else None


def wrap(payload: Payload, attributes: dict[str, Any], source: str, now: datetime) -> Envelope:
    """The CloudEvent the services would publish for `payload`."""
    return new_event(
        payload,
        source=attributes.get("source") or source,
        now=now,
        subject=attributes.get("subject") or default_subject(payload),
        correlation_id=attributes.get("correlationid"),
        causation_id=attributes.get("causationid"),
        event_id=attributes.get("id"),
    )


def ignored_fields(payload: Payload, data: dict[str, Any]) -> list[str]:
    """Top-level fields of the input the model does not know (events tolerate them and
    drop them; commands refuse them during validation)."""
    return sorted(set(data) - set(type(payload).model_fields))


def is_refusal(event_type: str) -> bool:
    """An outcome that refuses what was sent (`*.action_refused`, `*.command.rejected`,
    `*.refused`, `*.submission_rejected`)."""
    return event_type.endswith(
        ("action_refused", ".command.rejected", ".refused", "submission_rejected")
    )
