"""Cancellation by the losing provider: up to 48 hours before the port date, 00:00 local."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from services.porting.domain import events as ev
from services.porting.domain.rules import (
    cancellation_cutoff,
    is_cancellation_late,
    working_calendar,
)
from services.porting.domain.values import NumberStatus, PortStatus
from tests.unit.porting.samples import (
    LONDON_NUMBERS,
    RULES,
    accepted,
    at,
    utc,
)

pytestmark = pytest.mark.unit

GB = working_calendar(RULES, "GB")
DE = working_calendar(RULES, "DE")
MICROSECOND = timedelta(microseconds=1)
LOSING_PROVIDER = "Example Telecom Ltd"


class TestCutOff:
    def test_the_cut_off_is_midnight_two_days_before_the_port_date(self):
        # Port date Mon 18 Jan 2027 → cut-off Sat 16 Jan 2027 00:00 London (= UTC in winter).
        assert cancellation_cutoff(date(2027, 1, 18), GB) == utc(2027, 1, 16, 0)

    def test_in_summer_the_cut_off_is_midnight_british_summer_time(self):
        assert cancellation_cutoff(date(2027, 7, 20), GB) == utc(2027, 7, 17, 23)

    def test_the_cut_off_is_midnight_in_the_countrys_own_zone(self):
        assert cancellation_cutoff(date(2027, 1, 18), DE) == utc(2027, 1, 15, 23)

    def test_across_the_clock_change_the_cut_off_stays_at_local_midnight(self):
        # Clocks go forward on Sun 28 Mar 2027: 00:00 GMT on the 28th is 47 real hours
        # before 00:00 BST on Tue 30 Mar.
        assert cancellation_cutoff(date(2027, 3, 30), GB) == utc(2027, 3, 28, 0)

    def test_a_cancellation_reported_exactly_at_the_cut_off_is_in_time(self):
        assert not is_cancellation_late(utc(2027, 1, 16, 0), date(2027, 1, 18), GB)

    def test_a_cancellation_one_microsecond_after_the_cut_off_is_late(self):
        assert is_cancellation_late(utc(2027, 1, 16, 0) + MICROSECOND, date(2027, 1, 18), GB)

    def test_the_exact_instant_holds_in_summer_time_too(self):
        cutoff = utc(2027, 7, 17, 23)
        assert not is_cancellation_late(cutoff, date(2027, 7, 20), GB)
        assert is_cancellation_late(cutoff + MICROSECOND, date(2027, 7, 20), GB)

    def test_a_naive_report_time_is_refused(self):
        with pytest.raises(ValueError):
            is_cancellation_late(datetime(2027, 1, 15, 12), date(2027, 1, 18), GB)


class TestCancellationInTime:
    def test_a_cancellation_at_the_cut_off_cancels_and_restarts_the_port(self):
        request = accepted()  # port date Mon 18 Jan 2027
        events = request.report_cancellation(
            at(2027, 1, 16, 0), LOSING_PROVIDER, RULES, reason="customer stays"
        )
        assert request.status is PortStatus.SUBMITTED
        assert request.port_date is None
        assert request.carrier_ref is None
        assert request.revision == 2
        assert request.awaiting_carrier_since == at(2027, 1, 16, 0)
        assert {n.status for n in request.numbers} == {NumberStatus.REQUESTED}
        [event] = events
        assert isinstance(event, ev.PortCancelled)
        assert event.restarted is True
        assert event.numbers == LONDON_NUMBERS  # they leave the partner's inventory
        assert event.previous_port_date == date(2027, 1, 18)
        assert event.carrier_ref == "CARRIER-REF-1"
        assert event.cancelled_by == LOSING_PROVIDER

    def test_the_cancellation_is_kept_on_record(self):
        request = accepted()
        request.report_cancellation(at(2027, 1, 10), LOSING_PROVIDER, RULES, "customer stays")
        [record] = request.cancellations
        assert (record.late, record.port_date, record.by, record.reason) == (
            False,
            date(2027, 1, 18),
            LOSING_PROVIDER,
            "customer stays",
        )
        assert request.history[-1].action == "cancelled"
        assert request.history[-1].actor == f"losing_provider:{LOSING_PROVIDER}"

    def test_the_report_time_given_by_the_gateway_decides_not_the_time_of_arrival(self):
        request = accepted()
        events = request.report_cancellation(
            at(2027, 1, 16, 9), LOSING_PROVIDER, RULES, reported_at=at(2027, 1, 15, 23, 59)
        )
        assert isinstance(events[0], ev.PortCancelled)


class TestLateCancellation:
    def test_a_cancellation_after_the_cut_off_is_recorded_escalated_and_the_port_stays(self):
        request = accepted()
        late = at(2027, 1, 16, 0) + MICROSECOND
        events = request.report_cancellation(late, LOSING_PROVIDER, RULES, reason="too late")
        assert request.status is PortStatus.ACCEPTED
        assert request.port_date == date(2027, 1, 18)
        assert request.carrier_ref == "CARRIER-REF-1"
        assert {n.status for n in request.numbers} == {NumberStatus.ACCEPTED}
        [event] = events
        assert isinstance(event, ev.LateCancellationRecorded)
        assert event.cutoff == at(2027, 1, 16, 0)
        assert event.escalation_level == 0
        assert event.escalation_role == "Provisioning team"
        assert event.escalation_email == "provisioning@example.com"
        [record] = request.cancellations
        assert record.late is True
        assert record.escalation_level == 0
        entry = request.history[-1]
        assert (entry.action, entry.from_status, entry.to_status) == (
            "late_cancellation_recorded",
            PortStatus.ACCEPTED,
            PortStatus.ACCEPTED,
        )

    def test_after_a_late_cancellation_the_port_can_still_complete(self):
        request = accepted()
        request.report_cancellation(at(2027, 1, 17, 12), LOSING_PROVIDER, RULES)
        request.complete(at(2027, 1, 18, 10))
        assert request.status is PortStatus.COMPLETED
