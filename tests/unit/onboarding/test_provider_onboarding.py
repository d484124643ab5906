"""Partner onboarding at the service provider (§1.3)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from services.onboarding.domain.errors import (
    ConfirmationNotYetDue,
    OnboardingNotStarted,
    OnboardingOrderAlreadyReceived,
    OnboardingStepAlreadyDone,
    OnboardingStepOutOfOrder,
    ValidationFailed,
)
from services.onboarding.domain.partners.events import (
    KickOffCallArranged,
    OnboardingOrderConfirmationOverdue,
    OnboardingOrderConfirmed,
    OnboardingOrderReceived,
    PartnerAccountCreated,
    PlatformAccessWentLive,
    ProvisioningCoordinatorAssigned,
)
from services.onboarding.domain.partners.partners import Partner
from services.onboarding.domain.partners.provider_onboarding import (
    PartnerSystem,
    ProviderOnboarding,
    confirmation_due_at,
)
from tests.unit.onboarding import sample_reseller, single

pytestmark = pytest.mark.unit

RECEIVED = datetime(2025, 3, 5, 14, 30, tzinfo=UTC)
DUE = datetime(2025, 3, 7, 14, 30, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)


def with_order() -> Partner:
    partner = sample_reseller()
    partner.receive_onboarding_order("ONB-2025-001", RECEIVED)
    return partner


def ready_for_go_live() -> ProviderOnboarding:
    onboarding = with_order().provider_onboarding
    onboarding.send_confirmation(RECEIVED + timedelta(hours=3))
    onboarding.assign_coordinator("coord-7", RECEIVED + timedelta(days=1))
    for system in PartnerSystem:
        onboarding.record_account_created(system, f"acct-{system}", RECEIVED + timedelta(days=2))
    onboarding.arrange_kickoff_call(RECEIVED + timedelta(days=5), "Tina Trainer", RECEIVED)
    onboarding.complete_training(RECEIVED + timedelta(days=8))
    return onboarding


def test_the_signed_order_makes_the_confirmation_due_48_hours_later() -> None:
    partner = sample_reseller()

    events = partner.receive_onboarding_order("ONB-2025-001", RECEIVED)

    assert events == [
        OnboardingOrderReceived(
            partner_id="P-RES-1",
            order_reference="ONB-2025-001",
            confirmation_due_at=DUE,
            occurred_at=RECEIVED,
        )
    ]
    assert partner.provider_onboarding.confirmation_due_at == DUE
    assert confirmation_due_at(RECEIVED) == DUE


def test_the_48_hours_are_real_hours_across_a_daylight_saving_change() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    received = datetime(2025, 3, 29, 12, 0, tzinfo=berlin)  # clocks go forward on 30 March

    assert confirmation_due_at(received) == datetime(2025, 3, 31, 13, 0, tzinfo=berlin)


def test_the_order_is_received_once() -> None:
    with pytest.raises(OnboardingOrderAlreadyReceived):
        with_order().receive_onboarding_order("ONB-2025-002", RECEIVED)


def test_steps_before_the_order_are_refused() -> None:
    with pytest.raises(OnboardingNotStarted) as refused:
        sample_reseller().provider_onboarding.send_confirmation(RECEIVED)

    assert refused.value.code == "onboarding_not_started"


def test_marking_the_confirmation_overdue_1_microsecond_before_the_48_hours_is_refused() -> None:
    onboarding = with_order().provider_onboarding

    with pytest.raises(ConfirmationNotYetDue) as refused:
        onboarding.mark_confirmation_overdue(DUE - MICROSECOND)

    assert refused.value.code == "confirmation_not_yet_due"
    assert onboarding.confirmation_overdue_at is None


def test_the_confirmation_is_overdue_at_exactly_48_hours_and_marking_is_idempotent() -> None:
    onboarding = with_order().provider_onboarding

    first = onboarding.mark_confirmation_overdue(DUE)
    again = onboarding.mark_confirmation_overdue(DUE + timedelta(minutes=5))

    assert first == [
        OnboardingOrderConfirmationOverdue(
            partner_id="P-RES-1",
            order_reference="ONB-2025-001",
            confirmation_due_at=DUE,
            occurred_at=DUE,
        )
    ]
    assert again == []


def test_a_confirmation_sent_in_time_is_never_overdue() -> None:
    onboarding = with_order().provider_onboarding
    sent = onboarding.send_confirmation(DUE)

    assert single(sent, OnboardingOrderConfirmed).late is False
    assert onboarding.mark_confirmation_overdue(DUE) == []


def test_a_confirmation_after_48_hours_is_sent_late() -> None:
    sent = with_order().provider_onboarding.send_confirmation(DUE + MICROSECOND)

    assert single(sent, OnboardingOrderConfirmed).late is True


def test_the_confirmation_is_sent_once() -> None:
    onboarding = with_order().provider_onboarding
    onboarding.send_confirmation(RECEIVED)

    with pytest.raises(OnboardingStepAlreadyDone):
        onboarding.send_confirmation(RECEIVED)


def test_the_coordinator_is_assigned_after_the_confirmation_and_may_be_replaced() -> None:
    onboarding = with_order().provider_onboarding
    with pytest.raises(OnboardingStepOutOfOrder) as refused:
        onboarding.assign_coordinator("coord-7", RECEIVED)
    assert refused.value.details["missing"] == ["order_confirmation"]

    onboarding.send_confirmation(RECEIVED)
    onboarding.assign_coordinator("coord-7", RECEIVED)
    replaced = onboarding.assign_coordinator("coord-8", RECEIVED)

    assert single(replaced, ProvisioningCoordinatorAssigned).previous_coordinator_id == "coord-7"
    with pytest.raises(OnboardingStepAlreadyDone):
        onboarding.assign_coordinator("coord-8", RECEIVED)


def test_each_system_account_is_tracked_and_created_once() -> None:
    onboarding = with_order().provider_onboarding
    onboarding.send_confirmation(RECEIVED)
    onboarding.assign_coordinator("coord-7", RECEIVED)

    events = onboarding.record_account_created(PartnerSystem.REPORTING, "rep-1", RECEIVED)

    assert single(events, PartnerAccountCreated).accounts_outstanding == (
        "self_service_portal",
        "call_recording",
    )
    with pytest.raises(OnboardingStepAlreadyDone):
        onboarding.record_account_created(PartnerSystem.REPORTING, "rep-2", RECEIVED)


def test_only_the_systems_of_this_onboarding_need_accounts() -> None:
    partner = sample_reseller()
    partner.receive_onboarding_order(
        "ONB-2025-003", RECEIVED, systems=[PartnerSystem.SELF_SERVICE_PORTAL]
    )
    onboarding = partner.provider_onboarding
    onboarding.send_confirmation(RECEIVED)
    onboarding.assign_coordinator("coord-7", RECEIVED)

    with pytest.raises(ValidationFailed) as refused:
        onboarding.record_account_created(PartnerSystem.CALL_RECORDING, "cr-1", RECEIVED)

    assert refused.value.reason_codes == ("system_not_required",)
    assert onboarding.accounts_outstanding == (PartnerSystem.SELF_SERVICE_PORTAL,)


def test_an_onboarding_without_the_self_service_portal_is_refused() -> None:
    with pytest.raises(ValidationFailed) as refused:
        sample_reseller().receive_onboarding_order(
            "ONB-2025-004", RECEIVED, systems=[PartnerSystem.REPORTING]
        )

    assert refused.value.reason_codes == ("portal_required",)


def test_training_needs_the_kickoff_call_where_the_trainer_is_introduced() -> None:
    onboarding = with_order().provider_onboarding
    onboarding.send_confirmation(RECEIVED)
    onboarding.assign_coordinator("coord-7", RECEIVED)

    with pytest.raises(OnboardingStepOutOfOrder):
        onboarding.complete_training(RECEIVED)
    events = onboarding.arrange_kickoff_call(RECEIVED + timedelta(days=3), "Tina Trainer", RECEIVED)

    assert single(events, KickOffCallArranged).trainer_name == "Tina Trainer"
    assert onboarding.complete_training(RECEIVED)[0].name == (
        "onboarding.provider_onboarding.training_completed"
    )


def test_platform_access_goes_live_only_after_every_previous_step() -> None:
    onboarding = with_order().provider_onboarding
    onboarding.send_confirmation(RECEIVED)
    onboarding.assign_coordinator("coord-7", RECEIVED)
    onboarding.record_account_created(PartnerSystem.SELF_SERVICE_PORTAL, "ssp-1", RECEIVED)

    with pytest.raises(OnboardingStepOutOfOrder) as refused:
        onboarding.make_platform_access_live(RECEIVED)

    assert refused.value.details["missing"] == [
        "account:reporting",
        "account:call_recording",
        "kickoff_call",
        "training",
    ]
    assert not onboarding.is_live


def test_once_live_the_partner_can_create_customers() -> None:
    partner = sample_reseller()
    partner.onboarding = ready_for_go_live()
    assert not partner.can_create_customers
    live_at = RECEIVED + timedelta(days=9)

    events = partner.provider_onboarding.make_platform_access_live(live_at)

    assert events == [PlatformAccessWentLive(partner_id="P-RES-1", occurred_at=live_at)]
    assert partner.can_create_customers
    with pytest.raises(OnboardingStepAlreadyDone):
        partner.provider_onboarding.make_platform_access_live(live_at)
