"""The response-objective report: S3/S4 acknowledged in time ≥ 95 % (domain.md §4)."""

from __future__ import annotations

from datetime import timedelta
from fractions import Fraction

import pytest

from services.support.domain.report import Outcome, ResponseRecord, Tally, response_report
from services.support.domain.severity import Severity
from services.support.domain.values import Side
from tests.unit.support.samples import ENGINEER, POLICY, open_ticket, utc

pytestmark = pytest.mark.unit

START, END = utc(2027, 3, 1), utc(2027, 4, 1)
AS_OF = utc(2027, 4, 10)


def record(n: int, severity=Severity.S3, partner="partner-1001", late=False, acked=True, day=10):
    opened = utc(2027, 3, day, 10)
    due = opened + timedelta(days=1)
    ack = (due + timedelta(minutes=1) if late else due) if acked else None
    return ResponseRecord(f"NA{n:08d}", partner, severity, opened, due, ack)


def test_exactly_95_percent_meets_the_objective():
    records = [record(n) for n in range(19)] + [record(19, late=True)]
    line = response_report(records, START, END, AS_OF).line("partner-1001")
    assert line is not None
    assert (line.total.met, line.total.missed) == (19, 1)
    assert line.total.share == Fraction(95, 100)
    assert line.meets_target
    assert line.missed_tickets == ("NA00000019",)


def test_just_below_95_percent_misses_it():
    records = [record(n) for n in range(19)] + [record(19, late=True), record(20, late=True)]
    line = response_report(records, START, END, AS_OF).line("partner-1001")
    assert line is not None and line.total.share == Fraction(19, 21)
    assert not line.meets_target


def test_only_s3_and_s4_count_and_per_severity_figures_are_given():
    records = [
        record(1, Severity.S1, late=True),
        record(2, Severity.S2, late=True),
        record(3, Severity.S3),
        record(4, Severity.S4, late=True),
    ]
    line = response_report(records, START, END, AS_OF).line("partner-1001")
    assert line is not None
    assert (line.total.met, line.total.missed) == (1, 1)
    assert line.by_severity == {Severity.S3: Tally(met=1), Severity.S4: Tally(missed=1)}


def test_pending_tickets_are_listed_but_not_in_the_share():
    late_open = ResponseRecord("NA00000009", "partner-1001", Severity.S3, utc(2027, 3, 31, 16),
                               utc(2027, 4, 11, 10), None)  # fmt: skip
    overdue = record(8, acked=False)
    assert late_open.outcome(AS_OF) is Outcome.PENDING
    assert overdue.outcome(AS_OF) is Outcome.MISSED
    line = response_report([late_open, overdue, record(1)], START, END, AS_OF).line("partner-1001")
    assert line is not None and line.total == Tally(met=1, missed=1, pending=1)


def test_tickets_belong_to_the_period_they_were_opened_in():
    records = [record(1, day=1), ResponseRecord("NA00000002", "partner-1001", Severity.S3,
               END, END + timedelta(days=1), END)]  # fmt: skip
    line = response_report(records, START, END, AS_OF).line("partner-1001")
    assert line is not None and line.total.decided == 1


def test_one_line_per_partner_and_a_partner_sees_only_its_own():
    records = [record(1), record(2, partner="partner-2002", late=True)]
    report = response_report(records, START, END, AS_OF)
    assert [line.partner_id for line in report.lines] == ["partner-1001", "partner-2002"]
    own = response_report(records, START, END, AS_OF, partner_id="partner-2002")
    assert [line.partner_id for line in own.lines] == ["partner-2002"]
    assert not own.lines[0].meets_target


def test_no_decided_ticket_means_no_share_and_nothing_missed():
    assert Tally(pending=2).share is None and Tally(pending=2).meets(Fraction(95, 100))


def test_an_empty_period_is_an_error():
    with pytest.raises(ValueError):
        response_report([], END, START, AS_OF)


def test_a_ticket_gives_its_own_record_with_the_last_plans_severity():
    ticket = open_ticket(utc(2027, 3, 8, 10))  # S3, due Tue 10:00
    ticket.acknowledge(utc(2027, 3, 9, 10), ENGINEER, Side.VENDOR, POLICY)
    rec = ticket.response_record()
    assert (rec.severity, rec.due_at, rec.outcome(AS_OF)) == (
        Severity.S3,
        utc(2027, 3, 9, 10),
        Outcome.MET,
    )
