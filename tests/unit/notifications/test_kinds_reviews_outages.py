"""§3 kinds (certificate renewals, upgrades, emergencies), joint review, outages, incidents."""

from __future__ import annotations

from datetime import timedelta

import pytest

from services.notifications.domain.change_requests import (
    ChangeRequest,
    ChangeRequestApproved,
    ChangeRequestDeclined,
)
from services.notifications.domain.errors import ChangeRequestNotPending, OutageAlreadyResolved
from services.notifications.domain.outages import (
    Outage,
    OutageDeclared,
    OutageResolved,
    incident_announced_proactively,
)
from services.notifications.domain.schedule import (
    MaintenanceKind,
    UpgradeReason,
    plan_problems,
)
from shared.calendars import Region
from tests.unit.notifications.samples import NOTICE_DAY, POLICY, codes, local, plan, utc

pytestmark = pytest.mark.unit

START = local(Region.EU, 2026, 6, 16, 22)


@pytest.mark.parametrize(
    ("expires", "ok"),
    [
        (local(Region.EU, 2026, 6, 18, 9), False),  # 2 days before expiry: too late
        (local(Region.EU, 2026, 6, 19, 0), True),  # 3 days
        (local(Region.EU, 2026, 6, 23, 23, 59), True),  # 7 days
        (local(Region.EU, 2026, 6, 24, 0), False),  # 8 days: too early
    ],
)
def test_certificates_are_renewed_3_to_7_local_days_before_expiry(expires, ok):
    renewal = plan(
        kind=MaintenanceKind.CERTIFICATE_RENEWAL, start=START, certificate_expires_at=expires
    )
    problems = codes(plan_problems(POLICY, renewal, NOTICE_DAY))
    assert problems == ([] if ok else ["certificate_renewal_out_of_range"])


def test_a_certificate_renewal_names_the_expiry():
    renewal = plan(kind=MaintenanceKind.CERTIFICATE_RENEWAL, start=START)
    assert codes(plan_problems(POLICY, renewal, NOTICE_DAY)) == ["certificate_renewal_out_of_range"]


@pytest.mark.parametrize("reason", list(UpgradeReason))
def test_an_upgrade_goes_ahead_for_each_allowed_reason(reason):
    upgrade = plan(kind=MaintenanceKind.UPGRADE, upgrade_reason=reason)
    approved = reason is UpgradeReason.PARTNER_REQUEST
    assert plan_problems(POLICY, upgrade, NOTICE_DAY, joint_review_approved=approved) == []


def test_an_upgrade_without_a_reason_is_refused_and_an_unknown_reason_is_rejected():
    assert codes(
        plan_problems(POLICY, plan(kind=MaintenanceKind.UPGRADE, upgrade_reason=None), NOTICE_DAY)
    ) == ["upgrade_reason_required"]
    with pytest.raises(ValueError):
        plan(kind=MaintenanceKind.UPGRADE, upgrade_reason="because")


def test_an_emergency_names_its_reason():
    emergency = plan(kind=MaintenanceKind.EMERGENCY, start=NOTICE_DAY, emergency_reason=None)
    assert codes(plan_problems(POLICY, emergency, NOTICE_DAY)) == ["emergency_reason_required"]


@pytest.mark.parametrize(
    "requested",
    [
        {"partner_requested": True},
        {"kind": MaintenanceKind.UPGRADE, "upgrade_reason": "partner_request"},
    ],
)
def test_a_change_the_partner_asked_for_is_scheduled_only_after_an_approved_joint_review(requested):
    p = plan(**requested)
    assert codes(plan_problems(POLICY, p, NOTICE_DAY)) == ["joint_review_required"]
    assert plan_problems(POLICY, p, NOTICE_DAY, joint_review_approved=True) == []


def test_a_change_request_is_under_joint_review_until_approved_or_declined():
    request, [submitted] = ChangeRequest.submit(
        "chg-0001",
        partner_id="partner-0001",
        region="EU",
        summary="Deactivate the fax service",
        now=NOTICE_DAY,
    )
    assert submitted.name == "notifications.change_request.submitted"
    assert request.approved is False
    [approved] = request.approve(NOTICE_DAY + timedelta(days=2), reviewed_by="pm-0001")
    assert isinstance(approved, ChangeRequestApproved) and request.approved
    with pytest.raises(ChangeRequestNotPending):
        request.decline(NOTICE_DAY + timedelta(days=3), "pm-0001", "changed our mind")

    other, _ = ChangeRequest.submit(
        "chg-0002", partner_id="partner-0001", region="EU", summary="x", now=NOTICE_DAY
    )
    [declined] = other.decline(NOTICE_DAY, "pm-0001", " Breaks the SIP trunk integration ")
    assert isinstance(declined, ChangeRequestDeclined)
    assert declined.reason == "Breaks the SIP trunk integration"


def test_an_outage_is_declared_and_resolved_once():
    outage, [declared] = Outage.declare(
        "out-0001",
        regions=["EU", "UK"],
        services=["calling"],
        summary="Calls to some numbers fail",
        started_at=utc(2026, 6, 3, 8, 5),
        now=utc(2026, 6, 3, 8, 12),
    )
    assert isinstance(declared, OutageDeclared)
    assert declared.regions == ("EU", "UK")
    [resolved] = outage.resolve(utc(2026, 6, 3, 9, 40), "Routing restored")
    assert isinstance(resolved, OutageResolved)
    assert (resolved.resolved_at, resolved.summary, resolved.version) == (
        utc(2026, 6, 3, 9, 40),
        "Routing restored",
        2,
    )
    with pytest.raises(OutageAlreadyResolved):
        outage.resolve(utc(2026, 6, 3, 10), None)


@pytest.mark.parametrize(
    ("severity", "announced"), [("S1", True), ("s2", True), ("S3", False), ("S4", False)]
)
def test_only_s1_and_s2_incidents_are_announced_proactively(severity, announced):
    assert incident_announced_proactively(severity) is announced
