"""The CloudEvents Kafka protocol binding (1.0): how one event travels in one Kafka record.

**Published**: structured mode only. The record value is the whole event as JSON
(`specversion`, `id`, `source`, `type`, `time`, `subject`, `datacontenttype`,
`dataschema`, extensions, `data`), its only CloudEvents header is
`content-type: application/cloudevents+json; charset=utf-8`, and it carries **no** `ce_*`
header (a reader would take those for binary mode). The key is the event's `subject`.

**Accepted**, whatever else the record carries:

* structured mode — `content-type` starts with `application/cloudevents` (the `+json`
  format only; `ce_*` headers beside it are ignored, as the binding says);
* binary mode — any `ce_*` header: attributes from `ce_<name>` headers (UTF-8),
  `datacontenttype` from `content-type`, `data` = the value parsed as JSON;
* a record with neither (a producer that sets no headers) is read as structured JSON.

Optional attributes may be missing: no `time` (left empty: nothing here needs the
producer's clock), no `subject` (the handlers take the aggregate id from `data`), no
`datacontenttype` (JSON assumed), no `data` (an empty object). Extension attributes are
kept. Refused, with machine-readable reasons: a specversion other than 1.0, a missing
`id`/`source`/`type`/`specversion`, a `time` without a UTC offset, `data` that is not a
JSON object (handlers read named fields), a non-JSON `datacontenttype`, a JSON batch,
invalid UTF-8 or JSON (including NaN, Infinity and lone surrogates), a null value
(tombstone), and headers that contradict each other (one name, different values).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from pydantic_core import from_json

from shared.events import CONTENT_TYPE, Envelope, validation_reasons

STRUCTURED_CONTENT_TYPE = CONTENT_TYPE
CE_PREFIX = "ce_"

Header = tuple[str, bytes | None]
Reason = dict[str, str]


@dataclass(frozen=True)
class Record:
    """One consumed Kafka record as it came: value and key may be null."""

    value: bytes | None
    key: bytes | None = None
    headers: Sequence[Header] = ()


@dataclass
class UnreadableEvent(ValueError):
    """The record holds no CloudEvent we can act on: `code` and `reasons` say why;
    `attributes` holds what could be read (id, type...) to answer a command."""

    code: str
    reasons: list[Reason]
    attributes: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.code}: {self.reasons[:3]}"


def reason(where: str, code: str, message: str) -> Reason:
    """One machine-readable reason (field path, code, message)."""
    return {"field": where, "code": code, "message": message}


def encode_structured(envelope: Envelope) -> tuple[bytes, dict[str, str]]:
    """The value and headers of a structured-mode record for `envelope`."""
    return envelope.to_json(), {"content-type": STRUCTURED_CONTENT_TYPE}


def decode(record: Record) -> Envelope:
    """The event a record carries, in either content mode (raises UnreadableEvent)."""
    headers = _grouped(record.headers)
    content_type = _single_text(headers, "content-type")
    media = (content_type or "").split(";")[0].strip().lower()
    if media.startswith("application/cloudevents-batch"):
        raise UnreadableEvent(
            "unsupported_content_mode",
            [reason("content-type", "batch_mode", "one event per record, batch mode is not used")],
        )
    if media.startswith("application/cloudevents"):
        if media != "application/cloudevents+json":
            raise UnreadableEvent(
                "unsupported_event_format",
                [reason("content-type", "unsupported_format", f"{media}: only +json is read")],
            )
        return _structured(record.value)
    if any(name.startswith(CE_PREFIX) for name in headers):
        return _binary(record.value, headers, content_type)
    return _structured(record.value)


def _grouped(raw: Iterable[Header]) -> dict[str, list[bytes | None]]:
    grouped: dict[str, list[bytes | None]] = {}
    for name, value in raw:
        grouped.setdefault(name.lower(), []).append(value)
    return grouped


def _single_text(headers: dict[str, list[bytes | None]], name: str) -> str | None:
    """The one value of a header as text (None when absent); contradictions refused."""
    values = headers.get(name)
    if not values:
        return None
    if len(set(values)) > 1:
        raise UnreadableEvent(
            "invalid_headers",
            [reason(name, "conflicting_header", f"{len(values)} different values for {name}")],
        )
    value = values[0]
    if value is None:
        raise UnreadableEvent("invalid_headers", [reason(name, "null_header", "no value")])
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError as error:
        raise UnreadableEvent(
            "invalid_headers", [reason(name, "invalid_utf8", str(error)[:200])]
        ) from None


def _json(raw: bytes | None, where: str) -> Any:
    if raw is None:
        raise UnreadableEvent(
            "invalid_envelope", [reason(where, "null_value", "null value (tombstone): no event")]
        )
    try:
        return from_json(raw, allow_inf_nan=False)
    except ValueError as error:
        raise UnreadableEvent(
            "invalid_envelope", [reason(where, "invalid_json", str(error)[:300])]
        ) from None


def _structured(value: bytes | None) -> Envelope:
    body = _json(value, "$")
    if not isinstance(body, dict):
        kind = type(body).__name__
        raise UnreadableEvent(
            "invalid_envelope", [reason("$", "not_an_object", f"a JSON {kind}, not an event")]
        )
    if not _is_json(body.get("datacontenttype")):
        raise _not_json(body, body.get("datacontenttype"))
    if "data_base64" in body:
        encoded = body.pop("data_base64")
        try:
            body["data"] = _json(base64.b64decode(str(encoded), validate=True), "data_base64")
        except binascii.Error as error:
            raise UnreadableEvent(
                "invalid_envelope", [reason("data_base64", "invalid_base64", str(error))]
            ) from None
    return _validated(body)


def _binary(
    value: bytes | None, headers: dict[str, list[bytes | None]], content_type: str | None
) -> Envelope:
    attributes: dict[str, Any] = {}
    for name in headers:
        if not name.startswith(CE_PREFIX):
            continue
        attribute = name[len(CE_PREFIX) :]
        if not attribute:
            raise UnreadableEvent(
                "invalid_headers", [reason(name, "invalid_attribute", "no attribute name")]
            )
        attributes[attribute] = _single_text(headers, name)
    if content_type is not None:
        attributes["datacontenttype"] = content_type
    if not _is_json(content_type):
        raise _not_json(attributes, content_type)
    if value:  # a null or empty value: an event without data
        attributes["data"] = _json(value, "data")
    return _validated(attributes)


def _is_json(content_type: Any) -> bool:
    if content_type is None:
        return True
    media = str(content_type).split(";")[0].strip().lower()
    return media in ("application/json", "text/json") or media.endswith("+json")


def _not_json(attributes: dict[str, Any], content_type: Any) -> UnreadableEvent:
    return UnreadableEvent(
        "unsupported_datacontenttype",
        [reason("datacontenttype", "not_json", f"{content_type}: data must be a JSON object")],
        _readable(attributes),
    )


def _validated(attributes: dict[str, Any]) -> Envelope:
    if attributes.get("data", {}) is None:
        attributes.pop("data")  # JSON null: no data
    missing = [reason("specversion", "missing", "Field required")]
    if "specversion" not in attributes:
        raise UnreadableEvent("invalid_envelope", missing, _readable(attributes))
    try:
        return Envelope.model_validate(attributes)
    except ValidationError as error:
        raise UnreadableEvent(
            "invalid_envelope", validation_reasons(error), _readable(attributes)
        ) from None


def _readable(attributes: dict[str, Any]) -> dict[str, str]:
    """The attributes a rejection can echo (strings only)."""
    names = ("id", "type", "source", "subject", "correlationid")
    return {n: attributes[n] for n in names if isinstance(attributes.get(n), str) and attributes[n]}
