"""§3 reschedules: a reason, never urgent work, an upgrade once and not within a week of it,
and the new time obeys every window and notice rule."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from services.notifications.domain import events as ev
from services.notifications.domain.maintenance import Maintenance
from services.notifications.domain.schedule import MaintenanceKind
from shared.calendars import Region
from tests.unit.notifications.samples import POLICY, announced, local, plan, utc

pytestmark = pytest.mark.unit

PARTNER = "partner-0001"
ASKED = local(Region.EU, 2026, 6, 3, 9)  # Wednesday, two days after the notice
NEW_START = local(Region.EU, 2026, 6, 30, 22)  # Tuesday, a weekday window, 19 days on


def move(
    m: Maintenance,
    start: datetime = NEW_START,
    *,
    hours: float = 1,
    reason: str = "Quarter-end trading at the customer",
    now: datetime = ASKED,
) -> ev.MaintenanceEvent:
    end = start + timedelta(hours=hours)
    [event] = m.request_reschedule(
        start=start, end=end, reason=reason, requested_by=PARTNER, now=now, policy=POLICY
    )
    return event


def refusal_codes(event: ev.MaintenanceEvent) -> list[str]:
    assert isinstance(event, ev.MaintenanceRescheduleRefused), event
    return [r.code for r in event.reasons]


def test_an_accepted_reschedule_moves_the_work_and_raises_the_sequence():
    m = announced()
    event = move(m)
    assert isinstance(event, ev.MaintenanceRescheduled)
    assert (event.start, event.previous_start) == (NEW_START, local(Region.EU, 2026, 6, 16, 22))
    assert (event.sequence, m.sequence, event.requested_by) == (1, 1, PARTNER)
    assert event.reason == "Quarter-end trading at the customer"
    assert m.plan.start == NEW_START


def test_after_a_reschedule_the_reminders_follow_the_new_start():
    m = announced()
    move(m)
    due = [(t.data.get("hours_before"), t.due_at) for t in m.pending_timers(POLICY)]
    assert due == [(72, utc(2026, 6, 27, 20)), (24, utc(2026, 6, 29, 20)), (None, NEW_START)]
    assert all(":s1:" in t.id for t in m.pending_timers(POLICY))


def test_a_reminder_already_due_at_the_reschedule_is_skipped():
    m = announced(plan(kind=MaintenanceKind.ROUTINE))
    # Moved on Sat 27 Jun 22:00 to Tue 30 Jun 22:00: the 72-hour reminder is due at once.
    move(m, now=local(Region.EU, 2026, 6, 27, 22))
    assert [t.data.get("hours_before") for t in m.pending_timers(POLICY)] == [24, None]


def test_a_reschedule_needs_a_reason():
    m = announced()
    assert refusal_codes(move(m, reason="   ")) == ["reschedule_reason_required"]
    assert m.sequence == 0


@pytest.mark.parametrize(
    "urgent",
    [
        {"kind": MaintenanceKind.EMERGENCY, "start": local(Region.EU, 2026, 6, 20, 12)},
        {
            "kind": MaintenanceKind.CERTIFICATE_RENEWAL,
            "certificate_expires_at": local(Region.EU, 2026, 6, 21, 12),
        },
        {"kind": MaintenanceKind.UPGRADE, "severe_vulnerability": True},
        {"kind": MaintenanceKind.PLANNED_DISRUPTIVE, "severe_vulnerability": True},
    ],
    ids=["emergency", "certificate-near-expiry", "upgrade-severe-vulnerability", "severe-patch"],
)
def test_urgent_and_emergency_changes_cannot_be_rescheduled(urgent):
    m = announced(plan(**urgent))
    event = move(m)
    assert "urgent_change_not_reschedulable" in refusal_codes(event)
    assert m.plan.start == plan(**urgent).start


def test_an_upgrade_is_rescheduled_at_most_once_other_work_again():
    upgrade = announced(plan(kind=MaintenanceKind.UPGRADE))
    assert isinstance(move(upgrade), ev.MaintenanceRescheduled)
    again = move(upgrade, local(Region.EU, 2026, 7, 7, 22), now=local(Region.EU, 2026, 6, 4, 9))
    assert refusal_codes(again) == ["upgrade_already_rescheduled"]

    patch = announced(plan(kind=MaintenanceKind.PLANNED_DISRUPTIVE))
    assert isinstance(move(patch), ev.MaintenanceRescheduled)
    later = move(patch, local(Region.EU, 2026, 7, 7, 22), now=local(Region.EU, 2026, 6, 4, 9))
    assert isinstance(later, ev.MaintenanceRescheduled)


def test_an_upgrade_moves_up_to_seven_days_before_it_not_later():
    upgrade_start = local(Region.EU, 2026, 6, 16, 22)
    deadline = local(Region.EU, 2026, 6, 9, 22)
    assert POLICY.upgrade_reschedule_deadline(Region.EU, upgrade_start) == deadline
    far = local(Region.EU, 2026, 7, 14, 22)
    on_time = move(announced(plan(kind=MaintenanceKind.UPGRADE)), far, now=deadline)
    assert isinstance(on_time, ev.MaintenanceRescheduled)
    late = move(
        announced(plan(kind=MaintenanceKind.UPGRADE)), far, now=deadline + timedelta(seconds=1)
    )
    assert refusal_codes(late) == ["upgrade_reschedule_too_late"]


@pytest.mark.parametrize(
    ("region", "upgrade_start", "deadline_utc"),
    [
        # Berlin springs forward Sun 29 Mar: a week before Tue 31 Mar 22:00 CEST is
        # Tue 24 Mar 22:00 CET, 167 elapsed hours earlier.
        (Region.EU, local(Region.EU, 2026, 3, 31, 22), utc(2026, 3, 24, 21)),
        # New York falls back Sun 1 Nov: a week before Tue 3 Nov 22:00 EST is
        # Tue 27 Oct 22:00 EDT, 169 elapsed hours earlier.
        (Region.AMER, local(Region.AMER, 2026, 11, 3, 22), utc(2026, 10, 28, 2)),
        # Sydney falls back Sun 5 Apr: a week before Tue 7 Apr 22:00 AEST is
        # Tue 31 Mar 22:00 AEDT.
        (Region.AUS, local(Region.AUS, 2026, 4, 7, 22), utc(2026, 3, 31, 11)),
    ],
)
def test_the_week_before_an_upgrade_is_counted_on_the_region_s_wall_clock(
    region, upgrade_start, deadline_utc
):
    assert POLICY.upgrade_reschedule_deadline(region, upgrade_start) == deadline_utc


@pytest.mark.parametrize(
    ("new_start", "code"),
    [
        (local(Region.EU, 2026, 6, 27, 22), "weekend_window_infrastructure_only"),  # Saturday
        (local(Region.EU, 2026, 6, 29, 2), "weekend_window_infrastructure_only"),  # Sunday's
        (local(Region.EU, 2026, 6, 30, 12), "start_outside_window"),  # Tuesday noon
        (local(Region.EU, 2026, 6, 12, 22), "notice_too_short"),  # 7 business days on
    ],
)
def test_a_rescheduled_upgrade_must_still_fit_the_window_and_notice_rules(new_start, code):
    m = announced(plan(kind=MaintenanceKind.UPGRADE))
    assert refusal_codes(move(m, new_start)) == [code]
    assert m.sequence == 0 and m.reschedules == ()


def test_a_refusal_leaves_the_schedule_but_is_a_recorded_change_of_its_own():
    m = announced()
    before = m.version
    event = move(m, reason="")
    assert isinstance(event, ev.MaintenanceRescheduleRefused)
    assert event.version == before + 1
    assert event.start == local(Region.EU, 2026, 6, 16, 22)
    assert (event.requested_start, event.requested_end) == (
        NEW_START,
        NEW_START + timedelta(hours=1),
    )


def test_started_or_cancelled_work_is_not_rescheduled():
    started = announced()
    started.start(local(Region.EU, 2026, 6, 16, 22), POLICY)
    assert "maintenance_not_active" in refusal_codes(move(started))
    cancelled = announced()
    cancelled.cancel(ASKED, POLICY, reason="withdrawn")
    assert "maintenance_not_active" in refusal_codes(move(cancelled))


def test_a_partner_requested_change_moves_without_a_second_joint_review():
    requested = plan(partner_requested=True, change_request_id="chg-0001")
    m = announced(requested, joint_review_approved=True)
    assert isinstance(move(m), ev.MaintenanceRescheduled)


def test_every_broken_rule_is_listed_at_once():
    m = announced(plan(kind=MaintenanceKind.UPGRADE))
    move(m)
    event = move(
        m, local(Region.EU, 2026, 6, 6, 12), reason="", now=local(Region.EU, 2026, 6, 25, 9)
    )
    assert sorted(refusal_codes(event)) == [
        "notice_too_short",
        "reschedule_reason_required",
        "start_in_past",
        "start_outside_window",
        "upgrade_already_rescheduled",
        "upgrade_reschedule_too_late",
    ]
