"""Severity changes: the partner raises, the vendor lowers in triage; the clock re-plans (§4)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from services.support.domain import events as ev
from services.support.domain.errors import SeverityChangeRefused, ValidationFailed
from services.support.domain.severity import Impact, Severity, Urgency
from services.support.domain.ticket_timers import RESPONSE_BREACH
from services.support.domain.values import Side
from tests.unit.support.samples import ENGINEER, POLICY, USER, in_progress, open_ticket, utc

pytestmark = pytest.mark.unit

T0 = utc(2027, 3, 8, 10)  # Monday 10:00 GMT


def s4():
    # Low × Widespread = S4: due Thu 11 Mar 10:00 (24 business hours).
    return open_ticket(T0, impact=Impact.WIDESPREAD, urgency=Urgency.LOW)


class TestRaise:
    def test_raising_to_s1_replans_the_response_clock_from_the_change(self):
        ticket = s4()
        assert ticket.response_due_at == utc(2027, 3, 11, 10)
        (changed,) = ticket.change_severity(
            T0 + timedelta(hours=1), USER, Side.PARTNER, Impact.WIDESPREAD, Urgency.CRITICAL, POLICY
        )
        assert isinstance(changed, ev.TicketSeverityChanged)
        assert (changed.previous_severity, changed.severity) == (Severity.S4, Severity.S1)
        assert changed.response_replanned
        assert ticket.response_due_at == changed.response_due_at == utc(2027, 3, 8, 11, 15)

    def test_the_old_plans_breach_timer_is_replaced_by_the_new_ones(self):
        ticket = s4()
        before = {t.id for t in ticket.pending_timers(POLICY)}
        ticket.change_severity(T0, USER, Side.PARTNER, Impact.LARGE, Urgency.HIGH, POLICY)
        after = ticket.pending_timers(POLICY)
        assert before == {"ticket-1:response:1:breach"}
        assert [(t.id, t.kind) for t in after] == [("ticket-1:response:2:breach", RESPONSE_BREACH)]

    def test_a_stale_breach_timer_of_an_earlier_plan_does_nothing(self):
        ticket = s4()
        ticket.change_severity(T0, USER, Side.PARTNER, Impact.LARGE, Urgency.HIGH, POLICY)
        version = ticket.version
        # Plan 2 (S2, due 10:30) is breached at 10:30:00.001; plan 1's timer is ignored.
        assert ticket.fire(RESPONSE_BREACH, {"plan": 1}, utc(2027, 3, 8, 10, 20), POLICY) == []
        assert ticket.version == version

    def test_the_partner_may_not_lower_or_keep_the_severity(self):
        ticket = open_ticket(T0, impact=Impact.LARGE, urgency=Urgency.HIGH)  # S2
        for impact, urgency in [(Impact.WIDESPREAD, Urgency.LOW), (Impact.LOCALIZED, Urgency.HIGH)]:
            with pytest.raises(SeverityChangeRefused):
                ticket.change_severity(T0, USER, Side.PARTNER, impact, urgency, POLICY)
        assert ticket.severity is Severity.S2 and len(ticket.severity_history) == 1

    def test_after_acknowledgment_the_response_clock_is_not_reopened(self):
        ticket = in_progress(T0)  # S3, acknowledged at T0
        due = ticket.response_due_at
        (changed,) = ticket.change_severity(
            T0 + timedelta(hours=2), USER, Side.PARTNER, Impact.WIDESPREAD, Urgency.CRITICAL, POLICY
        )
        assert isinstance(changed, ev.TicketSeverityChanged)
        assert not changed.response_replanned and changed.response_due_at is None
        assert ticket.response_due_at == due and ticket.response_met
        assert all(t.kind != RESPONSE_BREACH for t in ticket.pending_timers(POLICY))
        # ...but status updates follow the new severity: S1 every hour from the change.
        assert ticket.update_round is not None
        assert ticket.update_round.due_at == utc(2027, 3, 8, 13)


class TestLower:
    def test_the_vendor_lowers_in_triage_with_a_reason(self):
        ticket = open_ticket(T0, impact=Impact.WIDESPREAD, urgency=Urgency.CRITICAL)  # S1
        (changed,) = ticket.change_severity(
            T0 + timedelta(minutes=5), ENGINEER, Side.VENDOR, Impact.INDIVIDUALIZED,
            Urgency.MEDIUM, POLICY, reason="one handset affected, others work",
        )  # fmt: skip
        assert isinstance(changed, ev.TicketSeverityChanged)
        assert changed.severity is Severity.S3 and changed.reason
        # S3 from Mon 10:05: 8 business hours → Tue 10:05.
        assert ticket.response_due_at == utc(2027, 3, 9, 10, 5)

    def test_lowering_needs_a_reason(self):
        ticket = open_ticket(T0, impact=Impact.WIDESPREAD, urgency=Urgency.CRITICAL)
        with pytest.raises(ValidationFailed) as refused:
            ticket.change_severity(
                T0, ENGINEER, Side.VENDOR, Impact.LARGE, Urgency.LOW, POLICY, " "
            )
        assert refused.value.reason_codes == ("reason_missing",)
        assert ticket.severity is Severity.S1

    def test_the_vendor_may_not_raise(self):
        ticket = s4()
        with pytest.raises(SeverityChangeRefused):
            ticket.change_severity(
                T0, ENGINEER, Side.VENDOR, Impact.WIDESPREAD, Urgency.CRITICAL, POLICY, "x"
            )

    def test_the_vendor_lowers_only_during_triage(self):
        ticket = in_progress(T0, impact=Impact.WIDESPREAD, urgency=Urgency.CRITICAL)
        with pytest.raises(SeverityChangeRefused):
            ticket.change_severity(
                T0, ENGINEER, Side.VENDOR, Impact.LARGE, Urgency.LOW, POLICY, "x"
            )


def test_history_keeps_every_assessment():
    ticket = s4()
    ticket.change_severity(T0, USER, Side.PARTNER, Impact.LARGE, Urgency.MEDIUM, POLICY)  # S3
    ticket.change_severity(T0, USER, Side.PARTNER, Impact.LARGE, Urgency.CRITICAL, POLICY)  # S1
    ticket.change_severity(
        T0, ENGINEER, Side.VENDOR, Impact.LOCALIZED, Urgency.HIGH, POLICY, "fewer sites"
    )  # S2
    assert [c.assessment.severity for c in ticket.severity_history] == [
        Severity.S4, Severity.S3, Severity.S1, Severity.S2,
    ]  # fmt: skip
    assert [c.side for c in ticket.severity_history] == [
        Side.PARTNER, Side.PARTNER, Side.PARTNER, Side.VENDOR,
    ]  # fmt: skip
    assert [p.plan for p in ticket.response_plans] == [1, 2, 3, 4]


def test_a_resolved_ticket_cannot_change_severity():
    from services.support.domain.errors import IllegalTransition
    from services.support.domain.values import Resolution

    ticket = in_progress(T0)
    ticket.resolve(T0, ENGINEER, Side.VENDOR, Resolution.FIXED, "done", POLICY)
    with pytest.raises(IllegalTransition):
        ticket.change_severity(T0, USER, Side.PARTNER, Impact.WIDESPREAD, Urgency.CRITICAL, POLICY)
