"""Partner onboarding at the service provider (§1.3), a state machine inside the Partner.

1. Signed onboarding order received → order confirmation due within 48 (real) hours.
2. A provisioning coordinator is assigned and creates the partner's accounts in each
   required system (self-service portal, reporting, call recording).
3. Kick-off call arranged and a trainer introduced. 4. Training done.
5. Platform access made live, only after every step before it: the partner can now
   create customers and users.

Step order (product decision): the coordinator is assigned once the order is confirmed;
accounts and the kick-off need the coordinator; training needs the kick-off (the trainer
is introduced there); going live needs everything. A coordinator may be replaced.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from services.onboarding.domain.errors import (
    ConfirmationNotYetDue,
    OnboardingStepAlreadyDone,
    OnboardingStepOutOfOrder,
    Reason,
    ValidationFailed,
)
from services.onboarding.domain.event import DomainEvent
from services.onboarding.domain.partners.events import (
    KickOffCallArranged,
    OnboardingOrderConfirmationOverdue,
    OnboardingOrderConfirmed,
    OnboardingOrderReceived,
    PartnerAccountCreated,
    PlatformAccessWentLive,
    ProviderTrainingCompleted,
    ProvisioningCoordinatorAssigned,
)

CONFIRMATION_WITHIN = timedelta(hours=48)


class PartnerSystem(StrEnum):
    """Systems the coordinator creates partner accounts in."""

    SELF_SERVICE_PORTAL = "self_service_portal"
    REPORTING = "reporting"
    CALL_RECORDING = "call_recording"


def confirmation_due_at(received_at: datetime) -> datetime:
    """When the order confirmation is due: 48 real hours after the signed order arrived."""
    # In UTC: aware datetimes sharing a zone add by wall clock, wrong across DST changes.
    return received_at.astimezone(UTC) + CONFIRMATION_WITHIN


@dataclass
class ProviderOnboarding:
    """One partner's onboarding at the service provider."""

    partner_id: str
    order_reference: str
    received_at: datetime
    required_systems: frozenset[PartnerSystem]
    confirmation_sent_at: datetime | None = None
    confirmation_overdue_at: datetime | None = None
    coordinator_id: str | None = None
    accounts: dict[PartnerSystem, str] = field(default_factory=dict)
    kickoff_at: datetime | None = None
    trainer_name: str | None = None
    training_completed_at: datetime | None = None
    live_at: datetime | None = None

    @classmethod
    def receive_signed_order(
        cls,
        partner_id: str,
        order_reference: str,
        now: datetime,
        systems: Iterable[PartnerSystem] = tuple(PartnerSystem),
    ) -> tuple[ProviderOnboarding, list[DomainEvent]]:
        """Step 1: start the onboarding; the Partner checks it happens once."""
        required = frozenset(PartnerSystem(s) for s in systems)
        reasons: list[Reason] = []
        if not order_reference.strip():
            reasons.append(Reason("missing", "order_reference is required", "order_reference"))
        if PartnerSystem.SELF_SERVICE_PORTAL not in required:
            # Without the portal the partner cannot create customers at all.
            reasons.append(
                Reason("portal_required", "the self-service portal is always needed", "systems")
            )
        if reasons:
            raise ValidationFailed(reasons)
        onboarding = cls(partner_id, order_reference, now, required)
        return onboarding, [
            OnboardingOrderReceived(
                partner_id=partner_id,
                order_reference=order_reference,
                confirmation_due_at=onboarding.confirmation_due_at,
                occurred_at=now,
            )
        ]

    # -- state -------------------------------------------------------------------

    @property
    def confirmation_due_at(self) -> datetime:
        return confirmation_due_at(self.received_at)

    @property
    def accounts_outstanding(self) -> tuple[PartnerSystem, ...]:
        return tuple(s for s in PartnerSystem if s in self.required_systems - self.accounts.keys())

    @property
    def is_live(self) -> bool:
        return self.live_at is not None

    def outstanding_steps(self) -> list[str]:
        """Steps still missing before platform access can go live, in order."""
        missing: list[str] = []
        if self.confirmation_sent_at is None:
            missing.append("order_confirmation")
        if self.coordinator_id is None:
            missing.append("coordinator")
        missing.extend(f"account:{s}" for s in self.accounts_outstanding)
        if self.kickoff_at is None:
            missing.append("kickoff_call")
        if self.training_completed_at is None:
            missing.append("training")
        return missing

    def _require(self, step: str, *needed: tuple[bool, str]) -> None:
        missing = [name for done, name in needed if not done]
        if missing:
            raise OnboardingStepOutOfOrder(
                f"{step} needs {', '.join(missing)} first",
                details={"partner_id": self.partner_id, "step": step, "missing": missing},
            )

    def _refuse_repeat(self, done: bool, step: str) -> None:
        if done:
            raise OnboardingStepAlreadyDone(
                f"{step} was already done",
                details={"partner_id": self.partner_id, "step": step},
            )

    # -- step 1: confirmation within 48 hours -------------------------------------

    def send_confirmation(self, now: datetime) -> list[DomainEvent]:
        """The order confirmation went out; `late` says whether the 48 hours were missed."""
        self._refuse_repeat(self.confirmation_sent_at is not None, "order_confirmation")
        self.confirmation_sent_at = now
        return [
            OnboardingOrderConfirmed(
                partner_id=self.partner_id,
                order_reference=self.order_reference,
                late=now > self.confirmation_due_at,
                occurred_at=now,
            )
        ]

    def mark_confirmation_overdue(self, now: datetime) -> list[DomainEvent]:
        """Timer at the due instant: overdue if still unconfirmed. Idempotent."""
        if now < self.confirmation_due_at:
            raise ConfirmationNotYetDue(
                "the order confirmation is not yet due",
                details={
                    "partner_id": self.partner_id,
                    "confirmation_due_at": self.confirmation_due_at.isoformat(),
                },
            )
        if self.confirmation_sent_at is not None or self.confirmation_overdue_at is not None:
            return []
        self.confirmation_overdue_at = now
        return [
            OnboardingOrderConfirmationOverdue(
                partner_id=self.partner_id,
                order_reference=self.order_reference,
                confirmation_due_at=self.confirmation_due_at,
                occurred_at=now,
            )
        ]

    # -- step 2: coordinator and accounts -------------------------------------------

    def assign_coordinator(self, coordinator_id: str, now: datetime) -> list[DomainEvent]:
        """Assign (or replace) the provisioning coordinator."""
        self._require("coordinator", (self.confirmation_sent_at is not None, "order_confirmation"))
        self._refuse_repeat(self.coordinator_id == coordinator_id, "coordinator")
        previous, self.coordinator_id = self.coordinator_id, coordinator_id
        return [
            ProvisioningCoordinatorAssigned(
                partner_id=self.partner_id,
                coordinator_id=coordinator_id,
                previous_coordinator_id=previous,
                occurred_at=now,
            )
        ]

    def record_account_created(
        self, system: PartnerSystem, account_reference: str, now: datetime
    ) -> list[DomainEvent]:
        """The coordinator created the partner's account in one system."""
        system = PartnerSystem(system)
        self._require("account", (self.coordinator_id is not None, "coordinator"))
        if system not in self.required_systems:
            raise ValidationFailed(
                [Reason("system_not_required", f"{system} is not part of this onboarding")]
            )
        self._refuse_repeat(system in self.accounts, f"account:{system}")
        self.accounts[system] = account_reference
        return [
            PartnerAccountCreated(
                partner_id=self.partner_id,
                system=str(system),
                account_reference=account_reference,
                accounts_outstanding=tuple(str(s) for s in self.accounts_outstanding),
                occurred_at=now,
            )
        ]

    # -- steps 3 and 4: kick-off, trainer, training -----------------------------------

    def arrange_kickoff_call(
        self, scheduled_for: datetime, trainer_name: str, now: datetime
    ) -> list[DomainEvent]:
        """The coordinator arranged the kick-off call and introduced the trainer."""
        self._require("kickoff_call", (self.coordinator_id is not None, "coordinator"))
        self._refuse_repeat(self.kickoff_at is not None, "kickoff_call")
        if not trainer_name.strip():
            raise ValidationFailed([Reason("missing", "trainer_name is required", "trainer")])
        self.kickoff_at, self.trainer_name = scheduled_for, trainer_name
        return [
            KickOffCallArranged(
                partner_id=self.partner_id,
                scheduled_for=scheduled_for,
                trainer_name=trainer_name,
                occurred_at=now,
            )
        ]

    def complete_training(self, now: datetime) -> list[DomainEvent]:
        """The training on the platforms was given."""
        self._require("training", (self.kickoff_at is not None, "kickoff_call"))
        self._refuse_repeat(self.training_completed_at is not None, "training")
        self.training_completed_at = now
        return [ProviderTrainingCompleted(partner_id=self.partner_id, occurred_at=now)]

    # -- step 5: go live ----------------------------------------------------------

    def make_platform_access_live(self, now: datetime) -> list[DomainEvent]:
        """Step 5, only after every step before it: the partner can create customers."""
        self._refuse_repeat(self.is_live, "platform_access")
        missing = self.outstanding_steps()
        if missing:
            raise OnboardingStepOutOfOrder(
                f"platform access needs {', '.join(missing)} first",
                details={
                    "partner_id": self.partner_id,
                    "step": "platform_access",
                    "missing": missing,
                },
            )
        self.live_at = now
        return [PlatformAccessWentLive(partner_id=self.partner_id, occurred_at=now)]
