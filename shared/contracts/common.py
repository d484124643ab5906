"""What every contract shares: the command base, `Reason`, the refusal event shape.

- Commands partners and operators send subclass `PartnerCommand` (an idempotency
  `request_id` and the `actor`); unknown fields are refused. A command without them
  subclasses `shared.events.Command`.
- Every machine-readable reason, wherever it appears, is a `Reason`.
- Every refusal is an `ActionRefused`: `<service>.<entity>.action_refused` for a command
  an aggregate refuses (told by the use-case core), `<service>.command.rejected` for a
  command that could not even be read or named nothing that exists (told by the
  dispatcher). Both carry the refused command's type and id, a category `code` and the
  `reasons`.
- A command sent again under a new CloudEvents id (same sender and `request_id`: a client
  retrying after a timeout) is answered with `<service>.command.already_handled`
  (`CommandAlreadyHandled`, told by the use-case core): what its first handling did.
"""

from __future__ import annotations

import functools
from datetime import datetime
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, SecretStr

from shared.actor import Actor
from shared.events import Command, Payload
from shared.identifiers import MAX_ID_LENGTH, Identifier
from shared.refusals import Reason as DomainReason

__all__ = [
    "MAX_COUNT",
    "MAX_ID_LENGTH",
    "MAX_VERSION",
    "ActionRefused",
    "Actor",
    "Command",
    "CommandAlreadyHandled",
    "CommandRejected",
    "HandledEvent",
    "Identifier",
    "NonEmpty",
    "PartnerCommand",
    "Payload",
    "Reason",
    "WriteOnly",
    "command_already_handled_model",
    "command_rejected_model",
    "revealed",
]

NonEmpty = Annotated[str, Field(min_length=1)]

MAX_COUNT = 10_000_000
"""Upper bound of any count a sender states (users, devices, licences): far above any real
customer, far below what a database integer holds — a larger one is refused as invalid
data before anything is claimed or stored."""
MAX_VERSION = 2**31 - 1
"""Upper bound of a sender's version counter."""


WriteOnly = Annotated[
    SecretStr,
    PlainSerializer(lambda s: s.get_secret_value(), return_type=str, when_used="json"),
    Field(json_schema_extra={"writeOnly": True}),
]
"""A secret the sender types (password, PIN): masked in repr and logs; the owning service
hashes or seals it on arrival and never publishes it."""


def revealed(secret: SecretStr | None) -> str | None:
    """The clear text of a write-only field, to hash or seal at once."""
    return None if secret is None else secret.get_secret_value()


class Reason(BaseModel):
    """One machine-readable reason: `code`, a human `message`, the `field` (JSON path) and,
    for porting, the phone `number` it concerns."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    code: str = Field(description="Machine-readable reason code, e.g. number_not_in_country")
    message: str = Field(description="Human-readable explanation (English)")
    field: str | None = Field(default=None, description="The input field it concerns")
    number: str | None = Field(default=None, description="The phone number it concerns (E.164)")

    @classmethod
    def of(cls, reason: DomainReason) -> Reason:
        """The published form of a domain reason."""
        return cls(
            code=reason.code, message=reason.message, field=reason.field, number=reason.number
        )


class PartnerCommand(Command):
    """A command sent by a user: who acts (`actor`) and the sender's idempotency key
    (`request_id`: the same request sent twice counts once). Unknown fields are refused."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    EVENT_TYPE: ClassVar[str]

    request_id: NonEmpty = Field(
        max_length=200,
        description="Idempotency key chosen by the sender (at most 200 characters): a "
        "repeat has no further effect",
    )
    actor: Actor = Field(description="Who sends the command, for whom, with which roles")


class ActionRefused(Payload):
    """The one shape of a refusal: which command, the category `code`, the `reasons`.

    Each aggregate publishes it as `<service>.<entity>.action_refused` (a subclass naming
    the type and the aggregate's id field); a redelivered command tells the same refusal
    under the same event id.
    """

    command_type: str = Field(description="CloudEvents type of the refused command")
    command_id: str = Field(description="CloudEvents id of the refused command")
    request_id: str | None = Field(default=None, description="The sender's request id")
    code: str = Field(
        description="forbidden, not_found, validation_failed, duplicate, "
        "illegal_transition or a rule's own code"
    )
    reasons: list[Reason] = Field(description="What is wrong, at least one reason")
    details: dict[str, Any] = Field(default_factory=dict, description="Facts worth telling")
    status: str | None = Field(default=None, description="The aggregate's status, if it exists")
    partner_id: str | None = Field(default=None, description="The partner to tell")
    occurred_at: datetime = Field(description="When it was refused (UTC)")


class CommandRejected(ActionRefused):
    """A command that could not be read, or named nothing that exists: its id, type and
    machine-readable reasons (the record is also dead-lettered)."""

    EVENT_TYPE: ClassVar[str] = "service.command.rejected"
    SCHEMA_VERSION: ClassVar[int] = 2
    """v2: the `ActionRefused` shape (v1 had no `occurred_at`, reasons as plain objects)."""

    code: str = Field(
        description="invalid_data | invalid_envelope | invalid_headers | unknown_command | "
        "unsupported_datacontenttype | unsupported_content_mode | unsupported_event_format "
        "| event_too_large | command_id_reused | a handler's own refusal code"
    )


@functools.cache
def command_rejected_model(service: str) -> type[CommandRejected]:
    """`<service>.command.rejected`: the rejection of a command sent to `service`."""
    return type(
        "CommandRejected",
        (CommandRejected,),
        {"EVENT_TYPE": f"{service}.command.rejected", "__module__": __name__},
    )


class HandledEvent(BaseModel):
    """One event a handled command's change published: its CloudEvents id and type."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    id: str = Field(description="CloudEvents id of the event (on the service's events topic)")
    type: str = Field(description="CloudEvents type of the event")


class CommandAlreadyHandled(Payload):
    """The answer to a command sent again under a new CloudEvents id — the same sender and
    `request_id` (the idempotency key) and the same content, e.g. a client retrying after
    a timeout: it was handled before, nothing was done again, and this is what its first
    handling did. Its `causationid` is the resend's id, its id derives from the resend, so
    a redelivered resend repeats this answer under the same id. A plain redelivery (the
    same CloudEvents id) is not answered again; a *different* command under a recorded
    request id is refused (`<service>.command.rejected`, `request_id_reused`).
    """

    EVENT_TYPE: ClassVar[str] = "service.command.already_handled"

    command_type: str = Field(description="CloudEvents type of the command sent again")
    command_id: str = Field(description="CloudEvents id of the command sent again")
    request_id: str | None = Field(default=None, description="The sender's request id")
    partner_id: str | None = Field(default=None, description="The sending actor's partner")
    entity: str = Field(description="The kind of aggregate that handled it, e.g. port")
    aggregate_id: str = Field(description="The aggregate that handled it (also the subject)")
    original_command_id: str | None = Field(
        default=None,
        description="CloudEvents id the command was first handled under (null when that id "
        "was longer than 200 characters: only its digest is kept)",
    )
    outcome: Literal["applied", "refused"] = Field(
        description="applied: its change was stored and its events published; refused: its "
        "refusal was told (`events` names the refusal event)"
    )
    handled_at: datetime = Field(description="When it was first handled (UTC)")
    events: list[HandledEvent] = Field(
        description="The events its first handling published, in order (at most 20)"
    )
    events_total: int = Field(ge=0, description="How many events it published in all")
    code: str | None = Field(default=None, description="A refusal's category code")
    reasons: list[Reason] = Field(
        default_factory=list, description="A refusal's reasons (at most 10)"
    )
    reasons_total: int = Field(default=0, ge=0, description="How many reasons it had in all")


@functools.cache
def command_already_handled_model(service: str) -> type[CommandAlreadyHandled]:
    """`<service>.command.already_handled`: the answer to a command of `service` sent again."""
    return type(
        "CommandAlreadyHandled",
        (CommandAlreadyHandled,),
        {"EVENT_TYPE": f"{service}.command.already_handled", "__module__": __name__},
    )
