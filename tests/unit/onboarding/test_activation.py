"""Tenant activation requests (§1.5): complete data, routing, the CAM/DAM check, 48 h."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest

from services.onboarding.domain.activation.activation import ActivationRequest
from services.onboarding.domain.activation.end_customer import (
    LEGACY_EMAIL_REASON,
    cloud_operations_calendar,
    invitation_due_at,
)
from services.onboarding.domain.activation.events import (
    SPAM_NOTICE,
    ActivationRequested,
    ActivationRequestForwarded,
    InvitationOverdue,
    InvitationSent,
)
from services.onboarding.domain.activation.invitation import ActivationStatus
from services.onboarding.domain.errors import (
    Forbidden,
    InvitationAlreadySent,
    InvitationNotYetDue,
    NoResponsibleAccountManager,
    NotTheResponsibleAccountManager,
    Reason,
    RequestNotAtCloudOperations,
    RequestNotAwaitingCheck,
    ValidationFailed,
)
from services.onboarding.domain.event import concerned_partner_ids
from tests.unit.onboarding import (
    BERLIN,
    CALENDAR,
    CAM,
    DAM,
    DATA,
    FRIDAY_15,
    LEGACY,
    MICROSECOND,
    SENT,
    TUESDAY_15,
    VALID_UNTIL,
    at_cloud_operations,
    invited,
    sample_reseller,
    sample_tier1,
    single,
    submitted_by_reseller,
)

pytestmark = pytest.mark.unit


# -- submission: complete data, legacy addresses ----------------------------------------


def test_missing_end_customer_data_is_refused_with_a_reason_per_field() -> None:
    incomplete = replace(DATA, street="", city=" ", admin_email="", end_use="")

    with pytest.raises(ValidationFailed) as refused:
        ActivationRequest.submit(
            request_id="AR-1", partner=sample_tier1(), data=incomplete, legacy_emails=(), now=SENT
        )

    assert [(r.code, r.field) for r in refused.value.reasons] == [
        ("missing", "street"),
        ("missing", "city"),
        ("missing", "end_use"),
        ("missing", "admin_email"),
    ]


def test_an_invalid_admin_email_or_country_is_refused() -> None:
    wrong = replace(DATA, admin_email="bea at bakkerij", country="nl")

    with pytest.raises(ValidationFailed) as refused:
        ActivationRequest.submit(
            request_id="AR-1", partner=sample_tier1(), data=wrong, legacy_emails=(), now=SENT
        )

    assert set(refused.value.reason_codes) == {"invalid_email", "invalid_country"}


def test_an_admin_email_tied_to_a_legacy_tenant_is_refused_whatever_its_case() -> None:
    reused = replace(DATA, admin_email="Old.Admin@Bakkerij.example.com")

    with pytest.raises(ValidationFailed) as refused:
        ActivationRequest.submit(
            request_id="AR-1", partner=sample_tier1(), data=reused, legacy_emails=LEGACY, now=SENT
        )

    assert refused.value.reasons == (
        Reason(
            "email_tied_to_legacy_tenant",
            refused.value.reasons[0].message,
            "admin_email",
        ),
    )
    assert LEGACY_EMAIL_REASON == "email_tied_to_legacy_tenant"


# -- routing ------------------------------------------------------------------------


def test_a_tier1_request_is_routed_to_its_cam() -> None:
    request, events = ActivationRequest.submit(
        request_id="AR-1", partner=sample_tier1(), data=DATA, legacy_emails=LEGACY, now=SENT
    )

    assert request.routing.account_manager == CAM
    assert events == [
        ActivationRequested(
            request_id="AR-1",
            partner_id="P-T1-1",
            distributor_partner_id=None,
            company_name="Bakkerij Voorbeeld BV",
            account_manager_id="am-cam-1",
            account_manager_role="cam",
            account_manager_email=CAM.email,
            resubmitted=False,
            occurred_at=SENT,
        )
    ]


def test_a_tier2_request_goes_through_its_distributor_to_the_dam() -> None:
    request = submitted_by_reseller()

    assert request.routing.account_manager == DAM
    assert request.distributor_partner_id == "P-DIST-1"
    assert request.status is ActivationStatus.AWAITING_CHECK  # not at cloud operations


def test_a_tier2_request_without_its_distributor_is_not_routed() -> None:
    with pytest.raises(NoResponsibleAccountManager):
        ActivationRequest.submit(
            request_id="AR-1", partner=sample_reseller(), data=DATA, legacy_emails=(), now=SENT
        )


# -- the CAM/DAM check ------------------------------------------------------------------


def test_only_the_responsible_account_manager_may_approve() -> None:
    request = submitted_by_reseller()

    with pytest.raises(NotTheResponsibleAccountManager) as refused:
        request.approve(CAM.account_manager_id, FRIDAY_15, CALENDAR)

    assert isinstance(refused.value, Forbidden)
    assert refused.value.code == "not_the_responsible_account_manager"


def test_approval_forwards_to_cloud_operations_and_friday_15_00_is_due_tuesday_15_00() -> None:
    request = submitted_by_reseller()

    events = request.approve(DAM.account_manager_id, FRIDAY_15, CALENDAR)

    assert events == [
        ActivationRequestForwarded(
            request_id="AR-1",
            partner_id="P-RES-1",
            distributor_partner_id="P-DIST-1",
            invitation_due_at=TUESDAY_15,
            occurred_at=FRIDAY_15,
        )
    ]
    assert request.status is ActivationStatus.AT_CLOUD_OPERATIONS
    with pytest.raises(RequestNotAwaitingCheck):
        request.approve(DAM.account_manager_id, FRIDAY_15, CALENDAR)


def test_the_48_working_day_hours_skip_german_public_holidays() -> None:
    maundy_thursday = datetime(2025, 4, 17, 15, 0, tzinfo=BERLIN)  # Good Friday, Easter Monday

    assert invitation_due_at(maundy_thursday, CALENDAR) == datetime(
        2025, 4, 23, 15, 0, tzinfo=BERLIN
    )


def test_the_48_working_day_hours_skip_configured_extra_holidays() -> None:
    calendar = cloud_operations_calendar(extra_holidays=[date(2025, 12, 24), date(2025, 12, 31)])

    due = invitation_due_at(datetime(2025, 12, 23, 15, 0, tzinfo=BERLIN), calendar)

    assert due == datetime(2025, 12, 30, 15, 0, tzinfo=BERLIN)


def test_a_request_received_at_the_weekend_counts_from_monday_midnight() -> None:
    saturday = datetime(2025, 3, 8, 10, 0, tzinfo=BERLIN)

    assert invitation_due_at(saturday, CALENDAR) == datetime(2025, 3, 12, 0, 0, tzinfo=BERLIN)


def test_a_returned_request_carries_the_reasons_and_may_be_resubmitted() -> None:
    request = submitted_by_reseller()
    reasons = [Reason("end_use_unclear", "describe the end use", "end_use")]

    returned = request.return_to_partner(DAM.account_manager_id, reasons, FRIDAY_15)
    resubmitted = request.resubmit(replace(DATA, end_use="Contact centre"), LEGACY, FRIDAY_15)

    assert returned[0].name == "onboarding.activation.returned"
    assert single(resubmitted, ActivationRequested).resubmitted
    assert request.status is ActivationStatus.AWAITING_CHECK


# -- the invitation: 48 h due, overdue ------------------------------------------------------


def test_the_invitation_is_not_overdue_1_microsecond_before_it_is_due() -> None:
    request = at_cloud_operations()

    with pytest.raises(InvitationNotYetDue):
        request.mark_invitation_overdue(TUESDAY_15 - MICROSECOND)


def test_the_invitation_is_overdue_at_the_due_instant_and_marking_is_idempotent() -> None:
    request = at_cloud_operations()

    first = request.mark_invitation_overdue(TUESDAY_15)

    assert first == [
        InvitationOverdue(
            request_id="AR-1",
            partner_id="P-RES-1",
            distributor_partner_id="P-DIST-1",
            invitation_due_at=TUESDAY_15,
            occurred_at=TUESDAY_15,
        )
    ]
    assert request.mark_invitation_overdue(TUESDAY_15 + timedelta(hours=1)) == []


def test_an_invitation_sent_in_time_is_never_overdue() -> None:
    request = invited()

    assert request.mark_invitation_overdue(TUESDAY_15) == []


def test_the_invitation_is_refused_before_cloud_operations_received_the_request() -> None:
    with pytest.raises(RequestNotAtCloudOperations):
        submitted_by_reseller().send_invitation("INV-1", SENT)


def test_the_sent_invitation_tells_the_partner_about_spam_filters() -> None:
    request = at_cloud_operations()

    events = request.send_invitation("INV-1", SENT)

    assert events == [
        InvitationSent(
            request_id="AR-1",
            partner_id="P-RES-1",
            distributor_partner_id="P-DIST-1",
            company_name="Bakkerij Voorbeeld BV",
            invitation_id="INV-1",
            valid_until=VALID_UNTIL,
            late=False,
            spam_notice=True,
            spam_notice_text=SPAM_NOTICE,
            occurred_at=SENT,
        )
    ]
    assert "spam" in SPAM_NOTICE
    assert concerned_partner_ids(events[0]) == ("P-RES-1", "P-DIST-1")
    with pytest.raises(InvitationAlreadySent):
        request.send_invitation("INV-2", SENT)


def test_an_invitation_after_the_due_instant_is_sent_late() -> None:
    request = at_cloud_operations()

    events = request.send_invitation("INV-1", TUESDAY_15 + MICROSECOND)

    assert single(events, InvitationSent).late
