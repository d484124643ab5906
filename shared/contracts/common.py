"""What every contract shares: the command base, `Reason`, the refusal event shape."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from shared.actor import Actor
from shared.events import Command, Payload
from shared.refusals import Reason as DomainReason

__all__ = ["ActionRefused", "Actor", "Command", "PartnerCommand", "Payload", "Reason"]


class Reason(BaseModel):
    """One machine-readable reason: `code`, a human `message`, the `field` (JSON path) and,
    for porting, the phone `number` it concerns."""

    model_config = ConfigDict(extra="ignore")

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
    (`request_id`: the same request sent twice counts once)."""

    request_id: str = Field(min_length=1, max_length=200, description="Sender's idempotency key")
    actor: Actor = Field(description="Who sends the command; the owning service authorises it")


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
