"""Timers: the port-date reminder with the risk notice, and escalation of a silent carrier."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from services.porting.domain import events as ev
from services.porting.domain.policy import PortingRules
from services.porting.domain.rules import (
    carrier_answer_due_at,
    escalation_level_at,
    escalation_threshold,
    escalation_thresholds,
    reminder_at,
    working_calendar,
)
from services.porting.domain.values import RISK_NOTICE, PortCorrections, PortStatus
from tests.unit.porting.samples import (
    LONDON_NUMBERS,
    RULES,
    accepted,
    at,
    only,
    submitted,
)

pytestmark = pytest.mark.unit

GB = working_calendar(RULES, "GB")
SECOND = timedelta(seconds=1)
OVERDUE = ev.PortCarrierAnswerOverdue


class TestPortDateReminder:
    def test_the_reminder_is_due_three_working_days_before_the_port_date_at_opening(self):
        assert RULES.reminder_working_days_before == 3
        # Port date Mon 18 Jan 2027 → Fri 15, Thu 14, Wed 13 Jan.
        assert reminder_at(date(2027, 1, 18), GB, 3) == at(2027, 1, 13, 9)

    def test_the_reminder_skips_bank_holidays_when_counting_back(self):
        # Port date Wed 30 Dec 2026 → Tue 29, (Mon 28 and Fri 25 are holidays) Thu 24, Wed 23.
        assert reminder_at(date(2026, 12, 30), GB, 3) == at(2026, 12, 23, 9)

    def test_the_reminder_carries_the_risk_notice_and_the_numbers(self):
        request = accepted()
        assert request.reminder_due_at(RULES) == at(2027, 1, 13, 9)
        events = request.remind(at(2027, 1, 13, 9), RULES)
        [event] = events
        assert isinstance(event, ev.PortDateReminderDue)
        assert event.port_date == date(2027, 1, 18)
        assert event.numbers == LONDON_NUMBERS
        assert event.risk_notice == RISK_NOTICE
        for lost in ("alarm", "broadband", "fax", "franking"):
            assert lost in RISK_NOTICE
        assert "service on the numbers may be lost" in RISK_NOTICE

    def test_the_reminder_is_not_sent_before_it_is_due(self):
        request = accepted()
        assert request.remind(at(2027, 1, 13, 9) - SECOND, RULES) == []

    def test_the_reminder_is_sent_once_per_port_date(self):
        request = accepted()
        request.remind(at(2027, 1, 13, 9), RULES)
        assert request.remind(at(2027, 1, 14, 9), RULES) == []
        assert request.history[-1].action == "reminded"

    def test_a_new_port_date_after_a_restart_gets_its_own_reminder(self):
        request = accepted()
        request.remind(at(2027, 1, 13, 9), RULES)
        request.report_cancellation(at(2027, 1, 14), "Example Telecom Ltd", RULES)
        assert request.remind(at(2027, 1, 15), RULES) == []  # nothing scheduled now
        request.accept(at(2027, 1, 18, 10), "CARRIER-REF-2", RULES)
        due = request.reminder_due_at(RULES)
        assert due is not None
        assert len(request.remind(due, RULES)) == 1

    def test_a_reminder_for_a_completed_port_is_a_no_op(self):
        request = accepted()
        request.complete(at(2027, 1, 12))
        assert request.remind(at(2027, 1, 13, 9), RULES) == []
        assert request.reminder_due_at(RULES) is None


class TestCarrierAnswerOverdue:
    # Submitted Mon 4 Jan 2027 10:00: overdue after 5 working days (round the clock) at
    # Mon 11 Jan 10:00, then one level per further working day.
    SUBMITTED_AT = at(2027, 1, 4, 10)
    LEVEL_AT = (at(2027, 1, 11, 10), at(2027, 1, 12, 10), at(2027, 1, 13, 10), at(2027, 1, 14, 10))

    def test_the_defaults_are_five_working_days_then_a_level_every_working_day(self):
        assert RULES.carrier_answer_overdue_working_days == 5
        assert RULES.escalation_step == timedelta(hours=24)
        assert carrier_answer_due_at(self.SUBMITTED_AT, GB, 5) == self.LEVEL_AT[0]

    def test_the_overdue_clock_skips_weekends_and_holidays(self):
        # Wed 23 Dec 2026 10:00 → Thu 24, Tue 29, Wed 30, Thu 31 Dec, Mon 4 Jan 10:00.
        assert carrier_answer_due_at(at(2026, 12, 23, 10), GB, 5) == at(2027, 1, 4, 10)

    def test_the_level_reached_at_each_instant(self):
        def level(now):
            return escalation_level_at(self.SUBMITTED_AT, now, RULES, GB)

        assert level(self.LEVEL_AT[0] - SECOND) is None
        assert [level(t) for t in self.LEVEL_AT] == [0, 1, 2, 3]
        assert level(self.LEVEL_AT[3] + timedelta(days=30)) == 3

    def test_each_level_alone_is_reached_when_the_whole_matrix_says(self):
        # Across a weekend, Christmas and New Year, and the spring DST change in London.
        for since in (self.SUBMITTED_AT, at(2026, 12, 18, 16), at(2027, 3, 24, 23, 30)):
            thresholds = escalation_thresholds(since, RULES, GB)
            assert len(thresholds) == RULES.top_escalation_level + 1
            assert [
                escalation_threshold(since, level, RULES, GB) for level in range(len(thresholds))
            ] == thresholds
            assert escalation_threshold(since, len(thresholds), RULES, GB) is None
            assert escalation_threshold(since, -1, RULES, GB) is None
        assert escalation_thresholds(self.SUBMITTED_AT, RULES, GB) == list(self.LEVEL_AT)

    def test_escalation_walks_the_matrix_from_level_0_to_3_and_stops(self):
        request = submitted(now=self.SUBMITTED_AT)
        assert request.remind(self.LEVEL_AT[0], RULES) == []
        assert request.escalate_overdue(self.LEVEL_AT[0] - SECOND, RULES) == []
        walked: list[OVERDUE] = []
        for instant in self.LEVEL_AT:
            assert request.next_escalation_at(RULES) == instant
            walked += only(request.escalate_overdue(instant, RULES), OVERDUE)
        assert [(e.level, e.role, e.email) for e in walked] == [
            (0, "Provisioning team", "provisioning@example.com"),
            (1, "Provisioning team leader", "provisioning-lead@example.com"),
            (2, "Provisioning manager", "provisioning-mgr@example.com"),
            (3, "Director of operations", "ops-director@example.com"),
        ]
        assert request.escalation_level == 3
        assert request.next_escalation_at(RULES) is None
        assert request.escalate_overdue(self.LEVEL_AT[3] + timedelta(days=10), RULES) == []
        assert request.status is PortStatus.SUBMITTED

    def test_repeating_a_timer_escalates_nothing_twice(self):
        request = submitted(now=self.SUBMITTED_AT)
        assert len(request.escalate_overdue(self.LEVEL_AT[0], RULES)) == 1
        assert request.escalate_overdue(self.LEVEL_AT[0], RULES) == []

    def test_a_late_timer_reports_every_level_it_skipped_in_order(self):
        request = submitted(now=self.SUBMITTED_AT)
        events = only(request.escalate_overdue(self.LEVEL_AT[2], RULES), OVERDUE)
        assert [e.level for e in events] == [0, 1, 2]
        assert len({e.version for e in events}) == 3

    def test_a_carrier_answer_stops_the_escalation(self):
        request = submitted(now=self.SUBMITTED_AT)
        request.escalate_overdue(self.LEVEL_AT[0], RULES)
        request.accept(self.LEVEL_AT[0] + SECOND, "CARRIER-REF-1", RULES)
        assert request.escalation_level is None
        assert request.next_escalation_at(RULES) is None
        assert request.escalate_overdue(self.LEVEL_AT[3], RULES) == []

    def test_a_resubmission_restarts_the_overdue_clock(self):
        request = submitted(now=self.SUBMITTED_AT)
        request.escalate_overdue(self.LEVEL_AT[1], RULES)
        request.reject(self.LEVEL_AT[1] + SECOND, [])
        request.resubmit(at(2027, 1, 18, 10), "user-0001", RULES, PortCorrections())
        assert request.escalation_level is None
        assert request.next_escalation_at(RULES) == at(2027, 1, 25, 10)

    def test_the_step_between_levels_is_configuration(self):
        rules = PortingRules(escalation_step=timedelta(hours=4))
        request = submitted(now=self.SUBMITTED_AT)
        events = only(
            request.escalate_overdue(self.LEVEL_AT[0] + timedelta(hours=8), rules), OVERDUE
        )
        assert [e.level for e in events] == [0, 1, 2]
