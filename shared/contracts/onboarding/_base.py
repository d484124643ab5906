"""What onboarding's contracts share: the command bases, the event base, the refusal base."""

from __future__ import annotations

from typing import Annotated, ClassVar

from pydantic import AwareDatetime, ConfigDict, Field

from shared.contracts.common import ActionRefused, Identifier, PartnerCommand
from shared.events import Payload

PartnerId = Annotated[Identifier, Field(description="Vendor-wide partner ID")]
"""At most `MAX_ID_LENGTH` characters, no control characters (`Identifier`)."""


class PartnerScopedCommand(PartnerCommand):
    """A command about one partner."""

    partner_id: PartnerId = Field(description="The partner the command is about")


class TenantCommand(PartnerCommand):
    """A command about one tenant."""

    tenant_id: Identifier = Field(description="The tenant the command is about")


class GroupCommand(PartnerCommand):
    """A command about one customer group."""

    group_id: Identifier = Field(description="The customer group")


class OnboardingEvent(Payload):
    """A fact onboarding publishes, with the instant it happened."""

    model_config = ConfigDict(extra="ignore", frozen=True, from_attributes=True)
    EVENT_TYPE: ClassVar[str]

    occurred_at: AwareDatetime = Field(description="When it happened")


class RefusalToPartner(ActionRefused):
    """A refusal told to a partner and, when it is a reseller, to its distributor."""

    distributor_partner_id: str | None = Field(
        default=None, description="That partner's distributor, when it is told too"
    )
