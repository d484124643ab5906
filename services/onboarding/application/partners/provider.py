"""Onboarding at the service provider (§1.3), and its 48-hour confirmation timer."""

from __future__ import annotations

from datetime import datetime

from services.onboarding.application.common.core import Act, change, fire_timer
from services.onboarding.application.common.kinds import CONFIRMATION_OVERDUE, PARTNER_REPO
from services.onboarding.application.deps import Deps
from services.onboarding.domain.access import (
    PROVISIONING,
    VENDOR_OPERATIONS,
    require_role,
)
from services.onboarding.domain.errors import ConfirmationNotYetDue
from services.onboarding.domain.event import DomainEvent
from services.onboarding.domain.partners.partners import Partner
from services.onboarding.domain.partners.provider_onboarding import PartnerSystem
from shared.contracts import onboarding as c
from shared.events import Envelope
from shared.store import Timer


async def _step(deps: Deps, cause: Envelope, cmd: c.PartnerScopedCommand, do: Act[Partner]) -> None:
    """Every step is the provisioning team's (or vendor operations')."""
    await change(
        deps.uc,
        PARTNER_REPO,
        cmd.partner_id,
        cause,
        lambda _: require_role(
            cmd.actor, "record onboarding at the provider", PROVISIONING, VENDOR_OPERATIONS
        ),
        do,
    )


async def receive_order(deps: Deps, cause: Envelope, cmd: c.ReceiveOnboardingOrder) -> None:
    """Step 1: the signed order arrived; the confirmation is due within 48 hours."""
    await _step(
        deps,
        cause,
        cmd,
        lambda p, now: p.receive_onboarding_order(
            cmd.order_reference, now, [PartnerSystem(s) for s in cmd.systems]
        ),
    )


async def send_confirmation(
    deps: Deps, cause: Envelope, cmd: c.SendOnboardingOrderConfirmation
) -> None:
    """Step 1: the order confirmation went out (`late` after the 48 hours)."""
    await _step(deps, cause, cmd, lambda p, now: p.provider_onboarding.send_confirmation(now))


async def assign_coordinator(
    deps: Deps, cause: Envelope, cmd: c.AssignProvisioningCoordinator
) -> None:
    """Step 2: the provisioning coordinator (may be replaced)."""
    await _step(
        deps,
        cause,
        cmd,
        lambda p, now: p.provider_onboarding.assign_coordinator(cmd.coordinator_id, now),
    )


async def record_account(deps: Deps, cause: Envelope, cmd: c.RecordPartnerAccountCreated) -> None:
    """Step 2: the partner's account in one system exists."""
    await _step(
        deps,
        cause,
        cmd,
        lambda p, now: p.provider_onboarding.record_account_created(
            PartnerSystem(cmd.system), cmd.account_reference, now
        ),
    )


async def arrange_kickoff(deps: Deps, cause: Envelope, cmd: c.ArrangeKickOffCall) -> None:
    """Step 3: the kick-off call, with the trainer."""
    await _step(
        deps,
        cause,
        cmd,
        lambda p, now: p.provider_onboarding.arrange_kickoff_call(
            cmd.scheduled_for, cmd.trainer_name, now
        ),
    )


async def complete_training(deps: Deps, cause: Envelope, cmd: c.CompleteProviderTraining) -> None:
    """Step 4: the training on the platforms."""
    await _step(deps, cause, cmd, lambda p, now: p.provider_onboarding.complete_training(now))


async def make_live(deps: Deps, cause: Envelope, cmd: c.MakePlatformAccessLive) -> None:
    """Step 5: platform access goes live, only after every step before it."""
    await _step(
        deps, cause, cmd, lambda p, now: p.provider_onboarding.make_platform_access_live(now)
    )


async def on_timer(deps: Deps, partner_id: str, timer: Timer) -> None:
    """The 48 hours are over: the confirmation is overdue unless it went out."""

    def do(p: Partner, now: datetime) -> list[DomainEvent]:
        if timer.kind != CONFIRMATION_OVERDUE:
            return []  # not ours to act on: just dropped
        return p.provider_onboarding.mark_confirmation_overdue(now)

    await fire_timer(deps.uc, PARTNER_REPO, partner_id, timer, do, (ConfirmationNotYetDue,))
