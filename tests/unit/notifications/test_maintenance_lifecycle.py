"""The maintenance aggregate: announce, reminders and their skipping, start, complete, cancel."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pytest

from services.notifications.domain import events as ev
from services.notifications.domain.errors import MaintenanceNotActive, ValidationFailed
from services.notifications.domain.maintenance import REMINDER, START, Maintenance
from services.notifications.domain.policy import MaintenancePolicy
from services.notifications.domain.schedule import MaintenanceKind
from services.notifications.domain.timers import DueTimer
from shared.calendars import Region
from shared.store import Timer
from tests.unit.notifications.samples import (
    NOTICE_DAY,
    POLICY,
    announced,
    codes,
    local,
    plan,
    utc,
)

pytestmark = pytest.mark.unit

START_AT = local(Region.EU, 2026, 6, 16, 22)  # the sample plan's start: 20:00 UTC


def test_announcing_publishes_the_notice_at_once_with_what_a_partner_must_know():
    maintenance, [event] = Maintenance.announce("mnt-0001", plan(), NOTICE_DAY, POLICY)
    assert isinstance(event, ev.MaintenanceAnnounced)
    assert (event.maintenance_id, event.version, event.sequence) == ("mnt-0001", 1, 0)
    assert event.occurred_at == NOTICE_DAY
    assert event.start == START_AT
    assert event.window_start == local(Region.EU, 2026, 6, 16, 21)
    assert event.window_end == local(Region.EU, 2026, 6, 17, 6)
    assert (event.window_kind, event.outside_window, event.impactful) == ("weekday", False, True)
    assert event.reschedulable is True
    assert event.answer_by == date(2026, 6, 4)  # 3 business days after Monday's notice
    assert event.affected_customer_ids == ("cust-0001", "cust-0002")
    assert maintenance.status == "scheduled"


def test_an_announcement_breaking_rules_is_refused_with_every_reason():
    bad = plan(
        Region.EU,
        MaintenanceKind.UPGRADE,
        start=local(Region.EU, 2026, 6, 6, 12),  # Saturday noon, five days ahead
        upgrade_reason=None,
    )
    with pytest.raises(ValidationFailed) as refused:
        Maintenance.announce("mnt-0002", bad, NOTICE_DAY, POLICY)
    assert sorted(codes(refused.value.reasons())) == [
        "notice_too_short",
        "start_outside_window",
        "upgrade_reason_required",
    ]


# -- reminders -------------------------------------------------------------------------


def test_reminders_are_due_72_and_24_elapsed_hours_before_the_start_then_the_start():
    timers = announced().pending_timers(POLICY)
    assert [(t.kind, t.due_at, t.data.get("hours_before")) for t in timers] == [
        (REMINDER, utc(2026, 6, 13, 20), 72),
        (REMINDER, utc(2026, 6, 15, 20), 24),
        (START, utc(2026, 6, 16, 20), None),
    ]


def test_reminders_count_elapsed_hours_across_a_daylight_saving_change():
    # Berlin springs forward on Sunday 29 March 2026: 72 h before Tue 31 Mar 22:00 CEST is
    # Sat 28 Mar 21:00 CET on the wall clock, not 22:00.
    start = local(Region.EU, 2026, 3, 31, 22)
    m = announced(plan(start=start), now=local(Region.EU, 2026, 3, 10, 9))
    first = m.pending_timers(POLICY)[0]
    assert first.due_at == local(Region.EU, 2026, 3, 28, 21)


def test_timer_ids_are_deterministic_so_every_instance_fires_each_reminder_once():
    a, b = announced(), announced()
    assert [t.id for t in a.pending_timers(POLICY)] == [t.id for t in b.pending_timers(POLICY)]
    assert len({t.id for t in a.pending_timers(POLICY)}) == 3


def test_due_timers_map_one_to_one_onto_the_store_s_timer():
    assert [f.name for f in dataclasses.fields(DueTimer)] == [
        f.name for f in dataclasses.fields(Timer)
    ]
    [first, *_] = announced().pending_timers(POLICY)
    assert Timer(**dataclasses.asdict(first)).id == first.id


def test_a_reminder_fires_once_and_then_is_no_longer_pending():
    m = announced()
    reminder = m.pending_timers(POLICY)[0]
    [event] = m.on_timer(reminder.id, reminder.kind, reminder.due_at, POLICY)
    assert isinstance(event, ev.MaintenanceReminderDue)
    assert event.hours_before == 72
    assert reminder.id not in {t.id for t in m.pending_timers(POLICY)}
    assert m.on_timer(reminder.id, reminder.kind, reminder.due_at, POLICY) == []


def test_a_reminder_whose_time_passed_at_announcement_is_skipped_not_sent_late():
    two_days_before = local(Region.EU, 2026, 6, 14, 22)  # 48 h before: 72 h has passed
    routine = plan(kind=MaintenanceKind.ROUTINE)  # not held to the notice
    m = announced(routine, now=two_days_before)
    assert [t.data.get("hours_before") for t in m.pending_timers(POLICY)] == [24, None]


def test_a_reminder_due_exactly_at_the_announcement_counts_as_passed():
    exactly_72_before = utc(2026, 6, 13, 20)
    m = announced(plan(kind=MaintenanceKind.ROUTINE), now=exactly_72_before)
    assert [t.data.get("hours_before") for t in m.pending_timers(POLICY)] == [24, None]
    one_second_earlier = exactly_72_before - timedelta(seconds=1)
    m = announced(plan(kind=MaintenanceKind.ROUTINE), now=one_second_earlier)
    assert [t.data.get("hours_before") for t in m.pending_timers(POLICY)] == [72, 24, None]


def test_reminder_offsets_are_configuration():
    policy = MaintenancePolicy(reminders=(timedelta(hours=1), timedelta(hours=48)))
    m = announced(policy=policy)
    hours = [t.data.get("hours_before") for t in m.pending_timers(policy)]
    assert hours == [48, 1, None]


def test_an_emergency_starting_now_has_only_its_start_timer():
    now = local(Region.EU, 2026, 6, 20, 12)
    emergency = plan(kind=MaintenanceKind.EMERGENCY, start=now, hours=1)
    m, [event] = Maintenance.announce("mnt-0003", emergency, now, POLICY)
    assert isinstance(event, ev.MaintenanceAnnounced)
    assert event.reschedulable is False
    assert event.answer_by is None
    assert [(t.kind, t.due_at) for t in m.pending_timers(POLICY)] == [(START, now)]


# -- start, complete, cancel ---------------------------------------------------------


def test_the_start_timer_starts_the_work_and_leaves_no_timers():
    m = announced()
    start = m.pending_timers(POLICY)[-1]
    [event] = m.on_timer(start.id, start.kind, start.due_at, POLICY)
    assert isinstance(event, ev.MaintenanceStarted)
    assert m.status == "started"
    assert m.pending_timers(POLICY) == []
    assert m.start(start.due_at, POLICY) == []  # a second start changes nothing


def test_completion_tells_partners_an_upgrade_concluded_with_its_release():
    m = announced(plan(kind=MaintenanceKind.UPGRADE))
    m.start(START_AT, POLICY)
    [event] = m.complete(START_AT + timedelta(hours=2), POLICY, summary="All nodes upgraded")
    assert isinstance(event, ev.MaintenanceCompleted)
    assert (event.upgraded_to, event.summary) == ("15.0", "All nodes upgraded")


def test_work_not_started_cannot_be_completed():
    with pytest.raises(MaintenanceNotActive):
        announced().complete(START_AT, POLICY)


def test_cancelling_raises_the_sequence_and_drops_every_timer():
    m = announced()
    [event] = m.cancel(local(Region.EU, 2026, 6, 10, 9), POLICY, reason="Patch withdrawn")
    assert isinstance(event, ev.MaintenanceCancelled)
    assert (event.sequence, event.reason) == (1, "Patch withdrawn")
    assert m.pending_timers(POLICY) == []
    with pytest.raises(MaintenanceNotActive):
        m.cancel(local(Region.EU, 2026, 6, 10, 10), POLICY, reason="again")


def test_started_work_cannot_be_cancelled():
    m = announced()
    m.start(START_AT, POLICY)
    with pytest.raises(MaintenanceNotActive):
        m.cancel(START_AT, POLICY, reason="too late")


def test_a_timer_of_an_older_schedule_changes_nothing():
    m = announced()
    old = m.pending_timers(POLICY)[0]
    m.request_reschedule(
        start=local(Region.EU, 2026, 6, 30, 22),
        end=local(Region.EU, 2026, 6, 30, 23),
        reason="Quarter-end trading",
        requested_by="partner-0001",
        now=local(Region.EU, 2026, 6, 3, 9),
        policy=POLICY,
    )
    assert m.on_timer(old.id, old.kind, old.due_at, POLICY) == []
    assert m.status == "scheduled"


def test_a_certificate_renewal_notice_carries_the_sso_steps_and_cannot_move():
    start = local(Region.EU, 2026, 6, 16, 22)
    renewal = plan(
        kind=MaintenanceKind.CERTIFICATE_RENEWAL,
        start=start,
        certificate_expires_at=local(Region.EU, 2026, 6, 21, 12),
    )
    _, [event] = Maintenance.announce("mnt-0004", renewal, NOTICE_DAY, POLICY)
    assert isinstance(event, ev.MaintenanceAnnounced)
    assert (event.sso_steps, event.reschedulable, event.impactful) == (True, False, False)
