"""Hypothesis strategies for hostile Kafka records on one consumed topic (no tests here).

A record starts as a schema-valid message — its `data` drawn by `hypothesis-jsonschema`
from the JSON Schema of one of the models the topic's consumer routes — and is then
mutated: wrong types, missing and extra fields, huge strings and arrays, a body that is
not UTF-8, header values that are not UTF-8, null keys, tombstones, binary content mode,
unknown `specversion`, an id reused with a different body. Every record also carries a
recognisable secret (`SECRET`) in fields and headers whose names say they are secret, so
the test can prove it never reaches a log line or a dead letter.
"""

from __future__ import annotations

import copy
import functools
import json
from dataclasses import dataclass, field
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema

from shared.binding import STRUCTURED_CONTENT_TYPE
from shared.events import Payload

SECRET = "FuzzSecretQ7xv2Lm9"
"""Planted in secret-named fields and headers; it must never be seen in a log or a DLQ."""

MAX_VALUE_BYTES = 1_000_000  # under the test producer's 1 MiB request limit

settings.register_profile(
    "ci", max_examples=39, derandomize=True, database=None, deadline=None, print_blob=True
)
settings.register_profile("full", max_examples=400, database=None, deadline=None)


@dataclass
class Draft:
    """One record before its event id is chosen (ids are unique per run, not drawn)."""

    kind: str
    envelope: Any  # the structured body (usually a dict); None for a tombstone
    mode: str = "structured"  # structured | binary | raw
    raw: bytes | None = None  # mode raw: the value as is
    key: bytes | None = b"fuzz"
    headers: list[tuple[str, bytes | None]] = field(default_factory=list)
    encoding: str = "utf-8"  # utf-8 | latin-1 (a body that is not UTF-8) | cut (mid-character)
    keep_id: bool = True


@dataclass
class FuzzRecord:
    """A record to send: what it is (`kind`), the bytes, and the id it carries (if any)."""

    kind: str
    value: bytes | None
    key: bytes | None
    headers: list[tuple[str, bytes | None]]
    event_id: str | None


def render(draft: Draft, event_id: str) -> FuzzRecord:
    """The bytes of `draft`, carrying `event_id` when it has an id at all."""
    headers = list(draft.headers)
    envelope = draft.envelope
    if isinstance(envelope, dict) and draft.keep_id and "id" in envelope:
        envelope = {**envelope, "id": event_id}
    carried = event_id if isinstance(envelope, dict) and envelope.get("id") == event_id else None
    if draft.mode == "raw":
        return FuzzRecord(draft.kind, draft.raw, draft.key, headers, None)
    if draft.mode == "binary":
        attributes = {k: v for k, v in envelope.items() if k != "data"}
        for name, value in attributes.items():
            text = value if isinstance(value, str) else json.dumps(value)
            headers.append((f"ce_{name}", text.encode()))
        headers.append(("content-type", b"application/json"))
        value = _encode(envelope.get("data", {}), draft.encoding)
        return FuzzRecord(draft.kind, value, draft.key, headers, carried)
    headers.append(("content-type", STRUCTURED_CONTENT_TYPE.encode()))
    if envelope is None:  # a tombstone (Kafka clients need a key beside a null value)
        return FuzzRecord(draft.kind, None, draft.key or b"fuzz", headers, None)
    return FuzzRecord(draft.kind, _encode(envelope, draft.encoding), draft.key, headers, carried)


def _encode(body: Any, encoding: str) -> bytes:
    text = json.dumps(body, ensure_ascii=False)
    if encoding == "latin-1":  # a sender that mixed up its charset: Ä as one 0xC4 byte
        return (text + "Ä").encode("latin-1", errors="replace")
    raw = text.encode("utf-8", errors="surrogatepass")
    if encoding == "cut":  # cut inside a multi-byte character
        return raw + "€".encode()[:2]
    return raw


def _json_values(depth: int = 2) -> st.SearchStrategy[Any]:
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**70), max_value=2**70),
        st.floats(allow_nan=False, allow_infinity=False),
        st.text(max_size=20),
    )
    if depth == 0:
        return scalars
    inner = _json_values(depth - 1)
    return st.one_of(
        scalars,
        st.lists(inner, max_size=4),
        st.dictionaries(st.text(max_size=8), inner, max_size=4),
    )


def _plant(data: Any) -> Any:
    if isinstance(data, dict):
        return {**data, "password": SECRET, "api_token": SECRET, "deploymentPin": SECRET}
    return data


@functools.cache
def schema_data(model: type[Payload]) -> st.SearchStrategy[Any]:
    """Data valid under `model`'s JSON Schema (built once per model: building is slow)."""
    return from_schema(model.model_json_schema())


def _base(models: list[type[Payload]]) -> st.SearchStrategy[tuple[type[Payload], Any]]:
    def data_of(model: type[Payload]) -> st.SearchStrategy[tuple[type[Payload], Any]]:
        return schema_data(model).map(lambda data: (model, data))

    return st.sampled_from(models).flatmap(data_of)


def _envelope(model: type[Payload], data: dict[str, Any], subject: str) -> dict[str, Any]:
    return {
        "specversion": "1.0",
        "id": "to-be-set",
        "source": "/fuzz",
        "type": model.EVENT_TYPE,
        "subject": subject,
        "time": "2031-03-03T08:00:00Z",
        "data": data,
    }


KINDS = (
    "valid",
    "wrong_type",
    "missing_field",
    "extra_fields",
    "huge_string",
    "huge_array",
    "invalid_utf8_body",
    "non_utf8_header",
    "tombstone",
    "binary_mode",
    "unknown_specversion",
    "envelope_broken",
    "duplicate_id",
)
"""Every kind of record drawn; each topic gets its share of examples of each."""


@st.composite
def drafts(draw: st.DrawFn, pool: list[tuple[type[Payload], Any]], kind: str) -> list[Draft]:
    """One or two drafts (two: the same id with different bodies) of `kind`, from one of
    the topic's schema-valid messages in `pool`."""
    model, data = copy.deepcopy(draw(st.sampled_from(pool)))
    subject = draw(st.text(min_size=1, max_size=30))
    envelope = _envelope(model, _plant(data), subject)
    key = draw(st.one_of(st.just(b"fuzz"), st.none(), st.binary(max_size=40)))
    secret_headers: list[tuple[str, bytes | None]] = [
        ("authorization", f"Bearer {SECRET}".encode()),
        ("x-api-token", SECRET.encode()),
    ]
    draft = Draft(kind, envelope, key=key, headers=secret_headers)
    payload = envelope["data"]
    names = sorted(payload) if isinstance(payload, dict) else []
    if kind == "wrong_type" and names:
        name = draw(st.sampled_from(names))
        payload[name] = draw(_json_values())
    elif kind == "wrong_type":
        envelope["data"] = draw(_json_values(0))
    elif kind == "missing_field":
        required = sorted(model.model_json_schema().get("required", [])) or names
        in_data: bool = draw(st.booleans())
        if required and in_data:
            payload.pop(draw(st.sampled_from(required)), None)
        else:
            envelope.pop(draw(st.sampled_from(["id", "source", "type", "specversion", "data"])))
    elif kind == "extra_fields":
        extra = draw(st.dictionaries(st.text(min_size=1, max_size=12), _json_values(), max_size=5))
        payload.update({k: v for k, v in extra.items() if k not in payload})
        envelope[draw(st.sampled_from(["extension", "Bad-Name", "x"]))] = "plain"
        envelope[draw(st.sampled_from(["sessiontoken", "authtoken", "sascredentials"]))] = SECRET
    elif kind == "huge_string":
        size = draw(st.integers(min_value=10_000, max_value=400_000))
        target = draw(st.sampled_from(names)) if names else "description"
        payload[target] = "x" * size
    elif kind == "huge_array":
        size = draw(st.integers(min_value=1_000, max_value=60_000))
        target = draw(st.sampled_from(names)) if names else "numbers"
        item = draw(_json_values(0))
        payload[target] = [item] * min(size, 700_000 // (len(json.dumps(item)) + 2))
    elif kind == "invalid_utf8_body":
        draft.encoding = draw(st.sampled_from(["latin-1", "cut"]))
        draft.mode = draw(st.sampled_from(["structured", "binary"]))
    elif kind == "non_utf8_header":
        name = draw(st.sampled_from(["content-type", "ce_id", "x-trace", "x-secret-token"]))
        draft.headers.append((name, draw(st.sampled_from([b"\xff\xfe", b"\xc3\x28", b"a\x80b"]))))
    elif kind == "tombstone":
        draft.envelope = None
    elif kind == "binary_mode":
        draft.mode = "binary"
        if draw(st.booleans()):
            envelope.pop(draw(st.sampled_from(["id", "source", "type", "specversion"])))
        draft.headers.append(("ce_authtoken", SECRET.encode()))
    elif kind == "unknown_specversion":
        envelope["specversion"] = draw(st.sampled_from(["0.3", "2.0", "1", "", 1.0, None]))
    elif kind == "envelope_broken":
        broken = draw(st.sampled_from(["naive_time", "data_list", "unknown_type", "not_object"]))
        if broken == "naive_time":
            envelope["time"] = "2031-03-03T08:00:00"
        elif broken == "data_list":
            envelope["data"] = [payload]
        elif broken == "unknown_type":
            envelope["type"] = draw(st.text(min_size=1, max_size=40))
        else:
            draft.mode = "raw"
            draft.raw = json.dumps([envelope]).encode()
    if kind == "duplicate_id":
        others = [d for m, d in pool if m is model and d != data] or [draw(schema_data(model))]
        other = dict(envelope, data=_plant(copy.deepcopy(draw(st.sampled_from(others)))))
        return [draft, Draft("duplicate_id", other, key=key, headers=list(secret_headers))]
    return [draft]


def generate(models: list[type[Payload]], profile: str) -> list[list[Draft]]:
    """Draw about `profile`'s number of examples for one topic, an equal share of each
    kind (hypothesis runs the draws)."""
    chosen = settings.get_profile(profile)
    share = max(1, -(-chosen.max_examples // len(KINDS)))
    # Schema-valid messages first (drawing them is the slow part), then the mutations.
    pool: list[tuple[type[Payload], Any]] = []

    @settings(
        chosen,
        max_examples=max(4 * share, len(models)),  # as many as routed models
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(_base(models))
    def valid(message: tuple[type[Payload], Any]) -> None:
        pool.append(message)

    valid()
    drawn: list[list[Draft]] = []
    for kind in KINDS:

        @settings(
            chosen,
            max_examples=share,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(drafts(pool, kind))
        def collect(group: list[Draft]) -> None:
            drawn.append(group)

        collect()
    return drawn
