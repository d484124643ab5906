"""Tenant activation (§1.5): the 72-hour invitation, resends, activation, co-admin."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from services.onboarding.domain.activation.events import (
    CoAdministratorAdded,
    InvitationExpired,
    InvitationResent,
    TenantActivated,
)
from services.onboarding.domain.activation.invitation import ActivationStatus
from services.onboarding.domain.errors import (
    CoAdministratorAlreadyAdded,
    InvitationNoLongerValid,
    InvitationNotSent,
    InvitationStillValid,
    InvitationSuperseded,
    NotTheResponsibleAccountManager,
    TenantAlreadyActivated,
    TenantNotYetActivated,
    ValidationFailed,
)
from tests.unit.onboarding import (
    BERLIN,
    DAM,
    MICROSECOND,
    SENT,
    VALID_UNTIL,
    activated,
    at_cloud_operations,
    invited,
    single,
)

pytestmark = pytest.mark.unit


# -- the invitation: valid 72 hours ---------------------------------------------------------


def test_the_invitation_still_works_72_hours_minus_1_microsecond_after_sending() -> None:
    request = invited()

    with pytest.raises(InvitationStillValid):
        request.expire_invitation(VALID_UNTIL - MICROSECOND)
    events = request.activate("INV-1", "T-555", True, VALID_UNTIL - MICROSECOND)

    assert single(events, TenantActivated).tenant_id == "T-555"


def test_the_invitation_is_expired_at_exactly_72_hours() -> None:
    request = invited()

    with pytest.raises(InvitationNoLongerValid) as refused:
        request.activate("INV-1", "T-555", True, VALID_UNTIL)
    events = request.expire_invitation(VALID_UNTIL)

    assert refused.value.code == "invitation_expired"
    assert events == [
        InvitationExpired(
            request_id="AR-1",
            partner_id="P-RES-1",
            distributor_partner_id="P-DIST-1",
            invitation_id="INV-1",
            occurred_at=VALID_UNTIL,
        )
    ]
    assert request.status is ActivationStatus.INVITATION_EXPIRED
    assert request.expire_invitation(VALID_UNTIL + timedelta(hours=1)) == []


def test_the_72_hours_are_real_hours_across_a_daylight_saving_change() -> None:
    request = at_cloud_operations()
    request.send_invitation("INV-1", datetime(2025, 3, 29, 12, 0, tzinfo=BERLIN))

    assert request.invitations[0].valid_until == datetime(2025, 4, 1, 13, 0, tzinfo=BERLIN)


def test_a_resend_through_the_cam_dam_gives_a_new_invitation_and_72_fresh_hours() -> None:
    request = invited()
    request.expire_invitation(VALID_UNTIL)
    resent_at = VALID_UNTIL + timedelta(hours=5)

    events = request.resend_invitation(DAM.account_manager_id, "INV-2", resent_at)

    assert events == [
        InvitationResent(
            request_id="AR-1",
            partner_id="P-RES-1",
            distributor_partner_id="P-DIST-1",
            company_name="Bakkerij Voorbeeld BV",
            invitation_id="INV-2",
            replaces_invitation_id="INV-1",
            valid_until=resent_at + timedelta(hours=72),
            occurred_at=resent_at,
        )
    ]
    assert single(events, InvitationResent).spam_notice
    assert request.status is ActivationStatus.INVITATION_SENT
    assert request.resend_invitation(DAM.account_manager_id, "INV-2", resent_at) == []
    with pytest.raises(InvitationStillValid):
        request.expire_invitation(resent_at + timedelta(hours=72) - MICROSECOND)


def test_after_a_resend_the_old_invitation_no_longer_works_and_its_timer_does_nothing() -> None:
    request = invited()
    request.resend_invitation(DAM.account_manager_id, "INV-2", SENT + timedelta(hours=10))

    with pytest.raises(InvitationSuperseded):
        request.activate("INV-1", "T-555", True, SENT + timedelta(hours=11))
    assert request.expire_invitation(VALID_UNTIL, invitation_id="INV-1") == []
    assert request.status is ActivationStatus.INVITATION_SENT


def test_a_resend_is_requested_only_through_the_responsible_cam_dam() -> None:
    with pytest.raises(NotTheResponsibleAccountManager):
        invited().resend_invitation("someone-else", "INV-2", SENT)


# -- activation and co-administrator ------------------------------------------------------


def test_activation_before_the_invitation_was_sent_is_refused() -> None:
    with pytest.raises(InvitationNotSent):
        at_cloud_operations().activate("INV-1", "T-555", True, SENT)


def test_activation_needs_the_terms_accepted() -> None:
    with pytest.raises(ValidationFailed) as refused:
        invited().activate("INV-1", "T-555", False, SENT)

    assert refused.value.reason_codes == ("terms_not_accepted",)


def test_a_tenant_is_activated_once() -> None:
    request = activated()

    with pytest.raises(TenantAlreadyActivated):
        request.activate("INV-1", "T-555", True, SENT + timedelta(hours=2))
    assert request.expire_invitation(VALID_UNTIL) == []


def test_the_partner_becomes_co_administrator_only_after_activation() -> None:
    with pytest.raises(TenantNotYetActivated):
        invited().add_partner_as_co_administrator(SENT)
    request = activated()
    added_at = SENT + timedelta(days=1)

    events = request.add_partner_as_co_administrator(added_at)

    assert events == [
        CoAdministratorAdded(
            request_id="AR-1",
            partner_id="P-RES-1",
            distributor_partner_id="P-DIST-1",
            tenant_id="T-555",
            occurred_at=added_at,
        )
    ]
    assert events[0].name == "onboarding.tenant.co_admin_added"
    with pytest.raises(CoAdministratorAlreadyAdded):
        request.add_partner_as_co_administrator(added_at)
