"""Onboarding at the service provider (§1.3): order, confirmation, coordinator, accounts,
kick-off call, training, platform access. Facts: `onboarding.provider_onboarding.*`;
refusals: `onboarding.partner.action_refused`.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import ClassVar

from pydantic import AwareDatetime, Field

from shared.contracts.common import NonEmpty, PartnerCommand
from shared.contracts.onboarding._base import (
    PartnerScopedCommand,
)
from shared.events import Payload
from shared.identifiers import Identifier


class PartnerSystem(StrEnum):
    """Systems the coordinator creates partner accounts in."""

    SELF_SERVICE_PORTAL = "self_service_portal"
    REPORTING = "reporting"
    CALL_RECORDING = "call_recording"


# -- commands ------------------------------------------------------------------------------


class ReceiveOnboardingOrder(PartnerScopedCommand):
    """§1.3 step 1: the signed onboarding order arrived; confirmation due within 48 hours."""

    EVENT_TYPE: ClassVar[str] = "onboarding.provider_onboarding.receive_order"

    order_reference: str = Field(description="Reference of the signed onboarding order")
    systems: list[PartnerSystem] = Field(
        default_factory=lambda: list(PartnerSystem),
        description="Systems to create the partner's accounts in (portal always needed)",
    )


class SendOnboardingOrderConfirmation(PartnerScopedCommand):
    """§1.3 step 1: the order confirmation went out."""

    EVENT_TYPE: ClassVar[str] = "onboarding.provider_onboarding.send_confirmation"


class AssignProvisioningCoordinator(PartnerScopedCommand):
    """§1.3 step 2: assign (or replace) the provisioning coordinator."""

    EVENT_TYPE: ClassVar[str] = "onboarding.provider_onboarding.assign_coordinator"

    coordinator_id: Identifier = Field(description="Platform user id of the coordinator")


class RecordPartnerAccountCreated(PartnerScopedCommand):
    """§1.3 step 2: the coordinator created the partner's account in one system."""

    EVENT_TYPE: ClassVar[str] = "onboarding.provider_onboarding.record_account"

    system: PartnerSystem = Field(description="The system the account is in")
    account_reference: NonEmpty = Field(description="The account's id in that system")


class ArrangeKickOffCall(PartnerScopedCommand):
    """§1.3 step 3: kick-off call arranged, trainer introduced."""

    EVENT_TYPE: ClassVar[str] = "onboarding.provider_onboarding.arrange_kickoff_call"

    scheduled_for: AwareDatetime = Field(description="When the call takes place")
    trainer_name: str = Field(description="The trainer introduced")


class CompleteProviderTraining(PartnerScopedCommand):
    """§1.3 step 4: the training on the platforms was given."""

    EVENT_TYPE: ClassVar[str] = "onboarding.provider_onboarding.complete_training"


class MakePlatformAccessLive(PartnerScopedCommand):
    """§1.3 step 5: platform access goes live (only after every step before it)."""

    EVENT_TYPE: ClassVar[str] = "onboarding.provider_onboarding.make_platform_access_live"


# -- events --------------------------------------------------------------------------------


class OnboardingOrderReceived(Payload):
    """OnboardingOrderReceived(*, partner_id: 'str', order_reference: 'str', confirmation_due_at: 'datetime', occurred_at: 'datetime')"""  # noqa: E501

    EVENT_TYPE: ClassVar[str] = "onboarding.provider_onboarding.order_received"

    partner_id: str
    order_reference: str
    confirmation_due_at: datetime
    occurred_at: datetime


class OnboardingOrderConfirmed(Payload):
    """OnboardingOrderConfirmed(*, partner_id: 'str', order_reference: 'str', late: 'bool', occurred_at: 'datetime')"""  # noqa: E501

    EVENT_TYPE: ClassVar[str] = "onboarding.provider_onboarding.confirmation_sent"

    partner_id: str
    order_reference: str
    late: bool
    occurred_at: datetime


class OnboardingOrderConfirmationOverdue(Payload):
    """OnboardingOrderConfirmationOverdue(*, partner_id: 'str', order_reference: 'str', confirmation_due_at: 'datetime', occurred_at: 'datetime')"""  # noqa: E501

    EVENT_TYPE: ClassVar[str] = "onboarding.provider_onboarding.confirmation_overdue"

    partner_id: str
    order_reference: str
    confirmation_due_at: datetime
    occurred_at: datetime


class ProvisioningCoordinatorAssigned(Payload):
    """ProvisioningCoordinatorAssigned(*, partner_id: 'str', coordinator_id: 'str', previous_coordinator_id: 'str | None', occurred_at: 'datetime')"""  # noqa: E501

    EVENT_TYPE: ClassVar[str] = "onboarding.provider_onboarding.coordinator_assigned"

    partner_id: str
    coordinator_id: str
    previous_coordinator_id: str | None
    occurred_at: datetime


class PartnerAccountCreated(Payload):
    """PartnerAccountCreated(*, partner_id: 'str', system: 'str', account_reference: 'str', accounts_outstanding: 'tuple[str, ...]', occurred_at: 'datetime')"""  # noqa: E501

    EVENT_TYPE: ClassVar[str] = "onboarding.provider_onboarding.account_created"

    partner_id: str
    system: str
    account_reference: str
    accounts_outstanding: list[str]
    occurred_at: datetime


class KickOffCallArranged(Payload):
    """KickOffCallArranged(*, partner_id: 'str', scheduled_for: 'datetime', trainer_name: 'str', occurred_at: 'datetime')"""  # noqa: E501

    EVENT_TYPE: ClassVar[str] = "onboarding.provider_onboarding.kickoff_call_arranged"

    partner_id: str
    scheduled_for: datetime
    trainer_name: str
    occurred_at: datetime


class ProviderTrainingCompleted(Payload):
    """ProviderTrainingCompleted(*, partner_id: 'str', occurred_at: 'datetime')"""

    EVENT_TYPE: ClassVar[str] = "onboarding.provider_onboarding.training_completed"

    partner_id: str
    occurred_at: datetime


class PlatformAccessWentLive(Payload):
    """The partner can now create customers and users."""

    EVENT_TYPE: ClassVar[str] = "onboarding.provider_onboarding.platform_access_went_live"

    partner_id: str
    occurred_at: datetime


COMMANDS: list[type[PartnerCommand]] = [
    ReceiveOnboardingOrder,
    SendOnboardingOrderConfirmation,
    AssignProvisioningCoordinator,
    RecordPartnerAccountCreated,
    ArrangeKickOffCall,
    CompleteProviderTraining,
    MakePlatformAccessLive,
]
"""The commands of this concept."""


EVENTS: list[type[Payload]] = [
    OnboardingOrderReceived,
    OnboardingOrderConfirmed,
    OnboardingOrderConfirmationOverdue,
    ProvisioningCoordinatorAssigned,
    PartnerAccountCreated,
    KickOffCallArranged,
    ProviderTrainingCompleted,
    PlatformAccessWentLive,
]
"""The facts of this concept published on `onboarding.events`."""
