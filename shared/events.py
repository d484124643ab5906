"""The CloudEvents 1.0 envelope every message on Kafka travels in.

Published in structured JSON mode: one JSON object holding the CloudEvents attributes
and `data` (`shared.binding` maps it to and from Kafka records, both content modes). Two
extension attributes trace causality across services: `correlationid` (the id of the
first event of a flow, shared by everything it caused) and `causationid` (the id of the
event or command that directly caused this one).
"""

from __future__ import annotations

import builtins
from datetime import UTC, datetime
from typing import Any, ClassVar, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_core import from_json

from shared.ids import new_id
from shared.tracing import current_traceparent

CONTENT_TYPE = "application/cloudevents+json; charset=utf-8"
SPEC_VERSION = "1.0"

DataT = TypeVar("DataT", bound=BaseModel)


class Payload(BaseModel):
    """Base of every event/command `data` model: the type name travels with the class."""

    model_config = ConfigDict(extra="ignore")

    EVENT_TYPE: ClassVar[str] = ""
    """CloudEvents `type`, e.g. `porting.port.accepted`; set by each subclass."""
    SCHEMA_VERSION: ClassVar[int] = 1


class Command(Payload):
    """A command: our own contract, so unknown fields are refused rather than ignored."""

    model_config = ConfigDict(extra="forbid")


class Envelope(BaseModel):
    """The CloudEvents attributes with `data` still untyped (a JSON object)."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    specversion: str = SPEC_VERSION
    id: str = Field(min_length=1)
    source: str = Field(min_length=1)
    type: str = Field(min_length=1)
    time: datetime | None = None
    """Optional in CloudEvents: every event we publish has one; a received one may not."""
    subject: str | None = None
    datacontenttype: str = "application/json"
    dataschema: str | None = None
    correlationid: str | None = None
    causationid: str | None = None
    data: dict[str, Any] = Field(default_factory=dict)

    @field_validator("specversion")
    @classmethod
    def _only_v1(cls, value: str) -> str:
        if value != SPEC_VERSION:
            raise ValueError(f"unsupported CloudEvents specversion {value!r}")
        return value

    @field_validator("time")
    @classmethod
    def _aware_time(cls, value: datetime | None) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("time must carry a timezone (RFC 3339)")
        return value.astimezone(UTC)

    @property
    def traceparent(self) -> str | None:
        """The W3C trace context this event was produced in (distributed-tracing extension)."""
        value = (self.model_extra or {}).get("traceparent")
        return value if isinstance(value, str) else None

    @property
    def correlation(self) -> str:
        """The flow this event belongs to (its own id when it starts one)."""
        return self.correlationid or self.id

    def parse_data(self, model: builtins.type[DataT]) -> DataT:
        """Validate `data` against `model` (raises pydantic.ValidationError)."""
        return model.model_validate(self.data)

    def to_json(self) -> bytes:
        """Serialise in structured mode."""
        return self.model_dump_json(exclude_none=True).encode()

    @classmethod
    def from_json(cls, raw: bytes | str) -> Envelope:
        """Parse a structured-mode body (raises ValueError / ValidationError).

        Strict JSON: invalid UTF-8, NaN/Infinity and lone surrogates are refused.
        """
        return cls.model_validate(from_json(raw, allow_inf_nan=False))


class CloudEvent(Envelope, Generic[DataT]):
    """An envelope whose `data` is a validated pydantic model (for schemas and producers)."""

    data: DataT  # type: ignore[assignment]


def new_event(
    payload: Payload,
    *,
    source: str,
    now: datetime,
    subject: str | None = None,
    correlation_id: str | None = None,
    causation_id: str | None = None,
    event_id: str | None = None,
    event_type: str | None = None,
) -> Envelope:
    """Wrap `payload` in a fresh envelope (starts a flow unless a correlation id is given)."""
    kind = event_type or payload.EVENT_TYPE
    if not kind:
        raise ValueError(f"{type(payload).__name__} has no EVENT_TYPE")
    eid = event_id or new_id()
    extensions: dict[str, Any] = {}
    traceparent = current_traceparent()
    if traceparent:
        extensions["traceparent"] = traceparent
    return Envelope(
        id=eid,
        source=source,
        type=kind,
        time=now,
        subject=subject,
        dataschema=f"urn:partnerops:schema:{kind}:v{payload.SCHEMA_VERSION}",
        correlationid=correlation_id or eid,
        causationid=causation_id,
        data=payload.model_dump(mode="json"),
        **extensions,
    )


def follow_up(
    cause: Envelope,
    payload: Payload,
    *,
    source: str,
    now: datetime,
    subject: str | None = None,
    event_id: str | None = None,
    event_type: str | None = None,
) -> Envelope:
    """An event caused by `cause`: same correlation id, causation id = the cause's id."""
    return new_event(
        payload,
        source=source,
        now=now,
        subject=subject,
        correlation_id=cause.correlation,
        causation_id=cause.id,
        event_id=event_id,
        event_type=event_type,
    )


def validation_reasons(error: ValidationError) -> list[dict[str, str]]:
    """Machine-readable reasons from a pydantic error (field path, code, message)."""
    return [
        {
            "field": ".".join(str(p) for p in item["loc"]) or "$",
            "code": item["type"],
            "message": item["msg"],
        }
        for item in error.errors(include_url=False, include_input=False)
    ]


class ClockAdvanced(Payload):
    """Demonstration mode only: the shared clock now reads `now` (never moves back)."""

    EVENT_TYPE = "platform.clock.advanced"
    now: datetime = Field(description="The new current instant (RFC 3339 with offset)")
