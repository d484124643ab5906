"""Dead-letter copies: what `<topic>.dlq` receives for a record that cannot be handled.

A copy is itself a record the broker accepts and that holds no secret:

* value — the original bytes, except that values under secret keys (passwords, PINs,
  SIP secrets: `shared.logging.is_secret_key`, the rule the logs use) are masked, and
  that it is cut to fit the broker's limit, ending with a marker;
* key — the original key, byte for byte;
* headers — `x-dlq-original-topic`, `x-dlq-partition`, `x-dlq-offset`,
  `x-dlq-consumer-group`, `x-dlq-service`, `x-dlq-failed-at` (UTC, ISO 8601),
  `x-dlq-error-code`, `x-dlq-error` (JSON `[{field, code, message}]`),
  `x-dlq-original-headers` (JSON `[[name, text]]`, or `[name, {"base64": ...}]` for a
  value that is not UTF-8, `[name, null]` for a null one; secret ones masked), and, when
  they apply, `x-dlq-redacted` (JSON paths masked), `x-dlq-truncated` (the original
  size in bytes), `x-dlq-key-truncated` (a key over 4 KiB, cut), `x-dlq-null-value:
  true` (a tombstone), `content-type` (the original's, else application/octet-stream).
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass
from typing import Any

from pydantic_core import from_json

from shared.binding import Header, Reason, Record, reason
from shared.logging import REDACTED, is_secret_key, redact_secrets

DEFAULT_MAX_MESSAGE_BYTES = 1_048_576
"""Kafka's default maximum record size (producer `max.request.size`, 1 MiB)."""
RECORD_OVERHEAD_BYTES = 512
"""Reserved under the limit for the record and batch framing around key, value, headers."""
MAX_ERROR_HEADER = 8_000
MAX_HEADERS_HEADER = 16_000
MAX_REJECTION_REASONS = 100
MAX_KEY_BYTES = 4_096
_TRUNCATED = b"\n...[truncated by partnerops: see header x-dlq-truncated]"
# `"key": "value"` or `"key": 1234` in text that is not valid JSON (a best effort; a
# string cut off at the end counts).
_JSON_PAIR = re.compile(
    rb'"((?:[^"\\]|\\.){1,200})"(\s*:\s*)("(?:[^"\\]|\\.)*(?:"|\Z)|-?[0-9][0-9.eE+-]*)'
)


@dataclass(frozen=True)
class DeadLetter:
    """The record to publish to a dead-letter topic."""

    value: bytes
    key: bytes | None
    headers: dict[str, str]


def record_size(value: bytes | None, key: bytes | None, headers: dict[str, str]) -> int:
    """Bytes a record takes against the broker's limit (framing included)."""
    size = len(value or b"") + len(key or b"") + RECORD_OVERHEAD_BYTES
    return size + sum(len(k.encode()) + len(v.encode()) for k, v in headers.items())


MAX_REASON_TEXT = 500
"""Characters kept of each text in a reason (`field`, `code`, `message`): a message may
echo what the sender sent (an unknown id of a megabyte), and a reason too long for the
dead letter's `x-dlq-error` header would leave the header without any reason at all."""


def shortened(reasons: list[Reason], limit: int = MAX_REASON_TEXT) -> list[Reason]:
    """`reasons` with every text cut to `limit` characters (counting what was cut)."""
    return [
        {
            k: v if not isinstance(v, str) or len(v) <= limit else _cut(v, limit)
            for k, v in r.items()
        }
        for r in reasons
    ]


def _cut(text: str, limit: int) -> str:
    return f"{text[:limit]}…[{len(text) - limit} more characters]"


def capped_reasons(reasons: list[Reason], max_items: int = MAX_REJECTION_REASONS) -> list[Reason]:
    """At most `max_items` reasons, the last saying how many more there were; each text
    cut to `MAX_REASON_TEXT` characters (`shortened`)."""
    if len(reasons) <= max_items:
        return shortened(reasons)
    more = len(reasons) - (max_items - 1)
    kept = shortened(reasons[: max_items - 1])
    return [*kept, reason("$", "more_reasons", f"{more} more reasons")]


def dead_letter_copy(
    record: Record,
    *,
    code: str,
    reasons: list[Reason],
    context: dict[str, Any],
    limit: int = DEFAULT_MAX_MESSAGE_BYTES,
) -> DeadLetter:
    """The dead-letter copy of `record` (see the module doc); `context` adds the
    `x-dlq-*` headers that locate it (topic, partition, offset, service...)."""
    value, masked = redact_value_bytes(record.value)
    headers = {f"x-dlq-{k}": str(v) for k, v in context.items() if v is not None}
    headers["x-dlq-error-code"] = code
    headers["x-dlq-error"] = _json_within(shortened(reasons), min(MAX_ERROR_HEADER, limit // 8))
    headers["x-dlq-original-headers"] = _json_within(
        _headers_copy(record.headers), min(MAX_HEADERS_HEADER, limit // 8)
    )
    if masked:
        headers["x-dlq-redacted"] = _json_within(masked, 2_000)
    if record.value is None:
        headers["x-dlq-null-value"] = "true"
    headers["content-type"] = _original_content_type(record.headers) or "application/octet-stream"
    key = record.key
    if key is not None and len(key) > MAX_KEY_BYTES:
        headers["x-dlq-key-truncated"] = str(len(key))
        key = key[:MAX_KEY_BYTES]
    room = limit - record_size(None, key, headers) - len("x-dlq-truncated") - 12
    if len(value) > room:
        headers["x-dlq-truncated"] = str(len(record.value or b""))
        value = value[: max(0, room - len(_TRUNCATED))] + _TRUNCATED
    return DeadLetter(value, key, headers)


def redact_value_bytes(value: bytes | None) -> tuple[bytes, list[str]]:
    """The value with secrets masked by key, and the paths masked.

    JSON is redacted structurally (and re-serialised only when something was masked);
    anything else is searched for `"key": value` pairs, so even a broken body loses
    its secrets.
    """
    if not value:
        return b"", []
    try:
        parsed = from_json(value, allow_inf_nan=True)
    except ValueError:
        return _redact_text_pairs(value)
    redacted, masked = redact_secrets(parsed)
    if not masked:
        return value, []
    return json.dumps(redacted, ensure_ascii=False, separators=(",", ":")).encode(), masked


def _redact_text_pairs(value: bytes) -> tuple[bytes, list[str]]:
    masked: list[str] = []

    def mask(match: re.Match[bytes]) -> bytes:
        name = match.group(1).decode("utf-8", errors="replace")
        if not is_secret_key(name):
            return match.group(0)
        masked.append(name)
        return b'"' + match.group(1) + b'"' + match.group(2) + f'"{REDACTED}"'.encode()

    return _JSON_PAIR.sub(mask, value), masked


def _headers_copy(headers: tuple[Header, ...] | list[Header] | Any) -> list[list[Any]]:
    copied: list[list[Any]] = []
    for name, value in headers:
        if value is None:
            copied.append([name, None])
        elif is_secret_key(name):
            copied.append([name, REDACTED])
        else:
            try:
                copied.append([name, value.decode("utf-8")])
            except UnicodeDecodeError:
                copied.append([name, {"base64": base64.b64encode(value).decode()}])
    return copied


def _original_content_type(headers: Any) -> str | None:
    for name, value in headers:
        if name.lower() == "content-type" and value:
            try:
                return str(value.decode("utf-8"))[:200]
            except UnicodeDecodeError:
                return None
    return None


def _json_within(items: list[Any], limit: int) -> str:
    """`items` as JSON of at most `limit` characters: whole items, then a count of the rest."""
    text = json.dumps(items, ensure_ascii=False)
    kept = len(items)
    while len(text) > limit and kept > 0:
        kept = kept // 2 if kept > 8 else kept - 1
        text = json.dumps([*items[:kept], {"omitted": len(items) - kept}], ensure_ascii=False)
    return text[:limit]
