"""Response breach and the escalation walk: one event per breach and per level (§4)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from services.support.domain import events as ev
from services.support.domain.errors import InvalidPolicy
from services.support.domain.policy import EscalationContact, EscalationLevel, SupportPolicy
from services.support.domain.severity import Impact, Urgency
from services.support.domain.ticket_timers import RESPONSE_BREACH, RESPONSE_ESCALATION
from services.support.domain.values import Side
from tests.unit.support.samples import ENGINEER, open_ticket, utc

pytestmark = pytest.mark.unit

MS = timedelta(milliseconds=1)
T0 = utc(2027, 3, 8, 10)  # S1 due 10:15
DUE = utc(2027, 3, 8, 10, 15)


def contact(role: str) -> EscalationContact:
    return EscalationContact(role, role.replace("_", " ").title(), f"{role}@support.example.com")


# Level 1 at the breach, level 2 20 minutes after level 1, level 3 an hour after level 2.
LEVELS = (
    EscalationLevel("duty", (contact("duty_manager"),), timedelta(0)),
    EscalationLevel(
        "manager", (contact("support_manager"), contact("deputy")), timedelta(minutes=20)
    ),
    EscalationLevel("head", (contact("head_of_support"),), timedelta(hours=1)),
)
POLICY = SupportPolicy(escalation_levels=LEVELS)


def s1():
    return open_ticket(T0, impact=Impact.WIDESPREAD, urgency=Urgency.CRITICAL, policy=POLICY)


def fire_pending(ticket, now):
    """Fire every pending timer due at `now` (as the timer sweep would)."""
    events = []
    for timer in ticket.pending_timers(POLICY):
        if timer.due_at <= now:
            events += ticket.fire(timer.kind, timer.data, now, POLICY)
    return events


def test_the_breach_timer_is_due_one_millisecond_after_the_objective():
    (timer,) = s1().pending_timers(POLICY)
    assert (timer.id, timer.kind, timer.due_at, timer.data) == (
        "ticket-1:response:1:breach",
        RESPONSE_BREACH,
        DUE + MS,
        {"plan": 1},
    )


def test_nothing_happens_at_the_due_instant_itself():
    ticket = s1()
    assert ticket.fire(RESPONSE_BREACH, {"plan": 1}, DUE, POLICY) == []
    assert ticket.response_plan.breached_at is None


def test_breach_raises_one_event_and_the_first_level():
    ticket = s1()
    events = ticket.fire(RESPONSE_BREACH, {"plan": 1}, DUE + MS, POLICY)
    breached, escalated = events
    assert isinstance(breached, ev.TicketResponseBreached)
    assert breached.breached_at == DUE + MS and breached.response_due_at == DUE
    assert isinstance(escalated, ev.TicketEscalated)
    assert (escalated.level, escalated.level_name, escalated.cause) == (
        1,
        "duty",
        "response_breached",
    )
    assert escalated.contacts == LEVELS[0].contacts
    assert escalated.next_level_at == DUE + MS + timedelta(minutes=20)
    # The same timer firing again (redelivery, another instance) changes nothing.
    assert ticket.fire(RESPONSE_BREACH, {"plan": 1}, DUE + MS, POLICY) == []


def test_levels_follow_in_order_each_delay_after_the_previous_level():
    ticket = s1()
    reached = []
    now = DUE + MS
    for _ in range(10):
        events = fire_pending(ticket, now)
        reached += [(e.level, e.reached_at) for e in events if isinstance(e, ev.TicketEscalated)]
        timers = ticket.pending_timers(POLICY)
        if not timers:
            break
        (timer,) = timers
        assert timer.kind == RESPONSE_ESCALATION
        now = timer.due_at
    assert reached == [
        (1, DUE + MS),
        (2, DUE + MS + timedelta(minutes=20)),
        (3, DUE + MS + timedelta(minutes=80)),
    ]


def test_a_late_sweep_catches_up_every_level_reached_once_each():
    ticket = s1()
    events = ticket.fire(RESPONSE_BREACH, {"plan": 1}, DUE + timedelta(hours=3), POLICY)
    assert [type(e).__name__ for e in events] == [
        "TicketResponseBreached",
        "TicketEscalated",
        "TicketEscalated",
        "TicketEscalated",
    ]
    assert [e.level for e in events if isinstance(e, ev.TicketEscalated)] == [1, 2, 3]
    assert ticket.pending_timers(POLICY) == []
    assert fire_pending(ticket, DUE + timedelta(hours=4)) == []


def test_escalation_timer_ids_are_deterministic():
    ticket = s1()
    ticket.fire(RESPONSE_BREACH, {"plan": 1}, DUE + MS, POLICY)
    (timer,) = ticket.pending_timers(POLICY)
    assert (timer.id, timer.data) == ("ticket-1:response:1:level:2", {"plan": 1, "level": 2})
    copy = s1()
    copy.fire(RESPONSE_BREACH, {"plan": 1}, DUE + MS, POLICY)
    assert copy.pending_timers(POLICY) == [timer]


def test_acknowledgment_stops_the_walk():
    ticket = s1()
    ticket.fire(RESPONSE_BREACH, {"plan": 1}, DUE + MS, POLICY)
    (acknowledged,) = ticket.acknowledge(DUE + timedelta(minutes=5), ENGINEER, Side.VENDOR, POLICY)
    assert isinstance(acknowledged, ev.TicketAcknowledged)
    assert not acknowledged.objective_met and acknowledged.late_by == timedelta(minutes=5)
    assert (
        ticket.fire(RESPONSE_ESCALATION, {"plan": 1, "level": 2}, DUE + timedelta(hours=1), POLICY)
        == []
    )
    assert all(t.kind != RESPONSE_ESCALATION for t in ticket.pending_timers(POLICY))


def test_an_acknowledgment_at_the_due_instant_meets_the_objective_and_cancels_the_breach():
    ticket = s1()
    (acknowledged,) = ticket.acknowledge(DUE, ENGINEER, Side.VENDOR, POLICY)
    assert acknowledged.objective_met and acknowledged.late_by is None
    assert ticket.fire(RESPONSE_BREACH, {"plan": 1}, DUE + MS, POLICY) == []


def test_one_millisecond_late_misses_it():
    ticket = s1()
    (acknowledged,) = ticket.acknowledge(DUE + MS, ENGINEER, Side.VENDOR, POLICY)
    assert not acknowledged.objective_met


def test_a_policy_without_levels_only_breaches():
    policy = SupportPolicy(escalation_levels=())
    ticket = open_ticket(T0, impact=Impact.WIDESPREAD, urgency=Urgency.CRITICAL, policy=policy)
    events = ticket.fire(RESPONSE_BREACH, {"plan": 1}, DUE + MS, policy)
    assert [type(e).__name__ for e in events] == ["TicketResponseBreached"]
    assert ticket.pending_timers(policy) == []


def test_levels_need_contacts_and_non_negative_delays():
    with pytest.raises(InvalidPolicy):
        EscalationLevel("x", (), timedelta(0))
    with pytest.raises(InvalidPolicy):
        EscalationLevel("x", (contact("duty"),), timedelta(minutes=-1))


def test_the_escalated_event_gives_times_in_utc_and_local():
    ticket = open_ticket(
        utc(2027, 7, 5, 10), impact=Impact.WIDESPREAD, urgency=Urgency.CRITICAL, policy=POLICY
    )
    events = ticket.fire(RESPONSE_BREACH, {"plan": 1}, utc(2027, 7, 5, 10, 15) + MS, POLICY)
    escalated = events[1]
    assert isinstance(escalated, ev.TicketEscalated)
    assert escalated.next_level_local is not None and escalated.next_level_at is not None
    assert escalated.next_level_local.utcoffset() == timedelta(hours=1)  # BST
    assert escalated.next_level_local == escalated.next_level_at
