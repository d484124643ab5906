"""Waiting on the partner, status updates and closing by timer (domain.md §4)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from services.support.domain import events as ev
from services.support.domain.severity import Impact, Urgency
from services.support.domain.ticket_timers import (
    AUTO_CLOSE,
    OBSERVATION_END,
    UPDATE_ESCALATION,
    UPDATE_MISSED,
)
from services.support.domain.values import Resolution, Side, TicketStatus
from tests.unit.support.samples import ENGINEER, POLICY, USER, in_progress, open_ticket, utc

pytestmark = pytest.mark.unit

MS = timedelta(milliseconds=1)
T0 = utc(2027, 3, 8, 10)  # Monday 10:00 GMT


class TestWaitingOnThePartner:
    def test_cycles_add_up_in_elapsed_and_business_time(self):
        ticket = in_progress(T0)  # S3, London
        ticket.wait_on_partner(utc(2027, 3, 8, 11), ENGINEER, Side.VENDOR, "need a packet trace")
        (first,) = ticket.partner_responded(utc(2027, 3, 8, 13), USER, Side.PARTNER, POLICY)
        ticket.wait_on_partner(utc(2027, 3, 8, 16), ENGINEER, Side.VENDOR, "need the handset model")
        (second,) = ticket.partner_responded(utc(2027, 3, 9, 10), ENGINEER, Side.VENDOR, POLICY)
        assert isinstance(first, ev.TicketPartnerResponded)
        assert isinstance(second, ev.TicketPartnerResponded)
        # 11:00–13:00: 2 h elapsed, 2 business hours.
        assert (first.cycle, first.waited, first.waited_business) == (
            1, timedelta(hours=2), timedelta(hours=2),
        )  # fmt: skip
        # Mon 16:00 → Tue 10:00: 18 h elapsed; business 16–17 + 09–10 = 2 h.
        assert (second.cycle, second.waited, second.waited_business) == (
            2, timedelta(hours=18), timedelta(hours=2),
        )  # fmt: skip
        assert (second.total_waited, second.total_waited_business) == (
            timedelta(hours=20), timedelta(hours=4),
        )  # fmt: skip
        assert [p.reason for p in ticket.waiting] == [
            "need a packet trace",
            "need the handset model",
        ]

    def test_waiting_pauses_the_resolution_clock(self):
        ticket = in_progress(T0)
        ticket.wait_on_partner(utc(2027, 3, 8, 11), ENGINEER, Side.VENDOR, "trace")
        ticket.partner_responded(utc(2027, 3, 8, 13), USER, Side.PARTNER, POLICY)
        ticket.wait_on_partner(utc(2027, 3, 8, 16), ENGINEER, Side.VENDOR, "model")
        ticket.partner_responded(utc(2027, 3, 9, 10), USER, Side.PARTNER, POLICY)
        (resolved,) = ticket.resolve(
            utc(2027, 3, 9, 12), ENGINEER, Side.VENDOR, Resolution.FIXED, "codec", POLICY
        )
        assert isinstance(resolved, ev.TicketResolved)
        # Running: Mon 10–11, 13–16, Tue 10–12 = 6 h (26 h elapsed − 20 h waiting).
        assert resolved.resolution_time == timedelta(hours=6)
        assert resolved.resolution_business_time == timedelta(hours=6)
        assert (resolved.waited, resolved.waited_business, resolved.waiting_cycles) == (
            timedelta(hours=20), timedelta(hours=4), 2,
        )  # fmt: skip

    def test_waiting_does_not_pause_the_response_clock(self):
        # The response clock stops only at acknowledgment; waiting needs an acknowledged
        # ticket, so the clock has stopped before any wait: it is never paused or moved.
        ticket = in_progress(T0)
        due, met = ticket.response_due_at, ticket.response_met
        ticket.wait_on_partner(utc(2027, 3, 8, 11), ENGINEER, Side.VENDOR, "trace")
        assert (ticket.response_due_at, ticket.response_met) == (due, met)

    def test_a_reason_is_required(self):
        from services.support.domain.errors import ValidationFailed

        ticket = in_progress(T0)
        with pytest.raises(ValidationFailed):
            ticket.wait_on_partner(T0, ENGINEER, Side.VENDOR, "   ")
        assert ticket.status is TicketStatus.IN_PROGRESS


class TestStatusUpdates:
    def s1(self):
        return in_progress(T0, impact=Impact.WIDESPREAD, urgency=Urgency.CRITICAL)

    def test_an_update_is_due_an_interval_after_acknowledgment(self):
        ticket = self.s1()  # S1: every hour, elapsed
        (timer,) = ticket.pending_timers(POLICY)
        assert (timer.id, timer.kind, timer.due_at) == (
            "ticket-1:update:1:missed",
            UPDATE_MISSED,
            utc(2027, 3, 8, 11) + MS,
        )

    def test_an_update_in_time_plans_the_next(self):
        ticket = self.s1()
        (updated,) = ticket.give_status_update(
            utc(2027, 3, 8, 11), ENGINEER, Side.VENDOR, "tracing", "compare SIP traces", POLICY
        )
        assert isinstance(updated, ev.TicketStatusUpdated)
        assert updated.in_time and updated.next_update_due_at == utc(2027, 3, 8, 12)
        assert [t.id for t in ticket.pending_timers(POLICY)] == ["ticket-1:update:2:missed"]
        # The first round's timer is stale now.
        assert ticket.fire(UPDATE_MISSED, {"round": 1}, utc(2027, 3, 8, 11) + MS, POLICY) == []

    def test_a_missed_update_is_escalated_level_by_level(self):
        ticket = self.s1()
        events = ticket.fire(UPDATE_MISSED, {"round": 1}, utc(2027, 3, 8, 11) + MS, POLICY)
        missed, escalated = events
        assert isinstance(missed, ev.TicketStatusUpdateMissed)
        assert isinstance(escalated, ev.TicketEscalated)
        assert (escalated.cause, escalated.level) == ("status_update_missed", 1)
        (timer,) = ticket.pending_timers(POLICY)
        # Default level 2 is 30 minutes after level 1.
        assert (timer.kind, timer.due_at) == (
            UPDATE_ESCALATION,
            utc(2027, 3, 8, 11, 30) + MS,
        )
        assert ticket.fire(UPDATE_MISSED, {"round": 1}, utc(2027, 3, 8, 11, 5), POLICY) == []

    def test_a_late_update_is_recorded_as_late_and_stops_the_walk(self):
        ticket = self.s1()
        ticket.fire(UPDATE_MISSED, {"round": 1}, utc(2027, 3, 8, 11) + MS, POLICY)
        (updated,) = ticket.give_status_update(
            utc(2027, 3, 8, 11, 10), ENGINEER, Side.VENDOR, "found it", "patch", POLICY
        )
        assert isinstance(updated, ev.TicketStatusUpdated) and not updated.in_time
        assert [t.kind for t in ticket.pending_timers(POLICY)] == [UPDATE_MISSED]

    def test_no_update_is_due_while_waiting_on_the_partner(self):
        ticket = self.s1()
        ticket.wait_on_partner(utc(2027, 3, 8, 10, 30), ENGINEER, Side.VENDOR, "trace")
        assert ticket.pending_timers(POLICY) == []
        ticket.partner_responded(utc(2027, 3, 8, 14), USER, Side.PARTNER, POLICY)
        (timer,) = ticket.pending_timers(POLICY)
        assert timer.due_at == utc(2027, 3, 8, 15) + MS

    def test_s3_updates_are_due_in_business_hours(self):
        ticket = in_progress(utc(2027, 3, 12, 15))  # Friday 15:00, S3: 8 business hours
        (timer,) = ticket.pending_timers(POLICY)
        assert timer.due_at == utc(2027, 3, 15, 15) + MS  # Monday 15:00


class TestClosingByTimer:
    def test_a_resolved_ticket_closes_itself_after_the_auto_close_period(self):
        ticket = in_progress(T0)
        ticket.resolve(T0, ENGINEER, Side.VENDOR, Resolution.FIXED, "done", POLICY)
        (timer,) = ticket.pending_timers(POLICY)
        assert (timer.kind, timer.due_at) == (AUTO_CLOSE, T0 + POLICY.auto_close_after)
        (closed,) = ticket.fire(timer.kind, timer.data, timer.due_at, POLICY)
        assert isinstance(closed, ev.TicketClosed) and closed.automatically
        assert ticket.status is TicketStatus.CLOSED and ticket.pending_timers(POLICY) == []
        assert ticket.fire(timer.kind, timer.data, timer.due_at, POLICY) == []

    def test_an_observation_period_ends_in_closing(self):
        ticket = in_progress(T0)
        ticket.resolve(
            T0, ENGINEER, Side.VENDOR, Resolution.WORKAROUND, "rerouted", POLICY, timedelta(days=2)
        )
        assert ticket.status is TicketStatus.UNDER_OBSERVATION
        (timer,) = ticket.pending_timers(POLICY)
        assert (timer.kind, timer.due_at) == (OBSERVATION_END, T0 + timedelta(days=2))
        assert ticket.fire(timer.kind, timer.data, timer.due_at - MS, POLICY) == []
        ticket.fire(timer.kind, timer.data, timer.due_at, POLICY)
        assert ticket.status is TicketStatus.CLOSED

    def test_a_reopened_tickets_old_close_timer_is_stale(self):
        ticket = in_progress(T0)
        ticket.resolve(T0, ENGINEER, Side.VENDOR, Resolution.FIXED, "done", POLICY)
        (timer,) = ticket.pending_timers(POLICY)
        ticket.reopen(T0 + timedelta(days=1), USER, Side.PARTNER, "back", POLICY)
        ticket.resolve(T0 + timedelta(days=2), ENGINEER, Side.VENDOR, Resolution.FIXED, "x", POLICY)
        assert ticket.fire(timer.kind, timer.data, timer.due_at, POLICY) == []
        assert ticket.status is TicketStatus.RESOLVED


def test_a_closed_ticket_has_no_pending_timer():
    ticket = open_ticket(T0)
    ticket.acknowledge(T0, ENGINEER, Side.VENDOR, POLICY)
    ticket.start_work(T0, ENGINEER, Side.VENDOR)
    ticket.resolve(T0, ENGINEER, Side.VENDOR, Resolution.FIXED, "done", POLICY)
    ticket.close(T0, USER, Side.PARTNER)
    assert ticket.pending_timers(POLICY) == []
