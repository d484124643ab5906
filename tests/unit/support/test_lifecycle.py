"""Ticket lifecycle: every transition allowed and refused (domain.md §4)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from services.support.domain.errors import IllegalTransition, NotAuthorised, ReopenPeriodOver
from services.support.domain.ticket import Ticket
from services.support.domain.values import Resolution, Side, TicketStatus
from tests.unit.support.samples import ENGINEER, POLICY, USER, open_ticket, utc

pytestmark = pytest.mark.unit

T0 = utc(2027, 3, 8, 10)
LATER = T0 + timedelta(hours=1)
S = TicketStatus


def reach(status: TicketStatus) -> Ticket:
    """A ticket driven to `status` (all changes at T0)."""
    ticket = open_ticket(T0)
    steps: list[Callable[[], object]] = [
        lambda: ticket.acknowledge(T0, ENGINEER, Side.VENDOR, POLICY),
        lambda: ticket.start_work(T0, ENGINEER, Side.VENDOR),
    ]
    path = {
        S.OPENED: 0,
        S.ACKNOWLEDGED: 1,
        S.IN_PROGRESS: 2,
    }
    if status in path:
        for step in steps[: path[status]]:
            step()
        return ticket
    for step in steps:
        step()
    if status is S.WAITING_ON_PARTNER:
        ticket.wait_on_partner(T0, ENGINEER, Side.VENDOR, "logs from the customer's phone")
        return ticket
    observation = timedelta(days=2) if status is S.UNDER_OBSERVATION else None
    ticket.resolve(T0, ENGINEER, Side.VENDOR, Resolution.FIXED, "fixed", POLICY, observation)
    if status is S.CLOSED:
        ticket.close(T0, USER, Side.PARTNER)
    return ticket


ACTIONS: dict[str, tuple[Callable[[Ticket], object], set[TicketStatus], TicketStatus | None]] = {
    "acknowledge": (
        lambda t: t.acknowledge(LATER, ENGINEER, Side.VENDOR, POLICY),
        {S.OPENED},
        S.ACKNOWLEDGED,
    ),
    "start_work": (
        lambda t: t.start_work(LATER, ENGINEER, Side.VENDOR),
        {S.ACKNOWLEDGED},
        S.IN_PROGRESS,
    ),
    "wait_on_partner": (
        lambda t: t.wait_on_partner(LATER, ENGINEER, Side.VENDOR, "need a trace"),
        {S.IN_PROGRESS},
        S.WAITING_ON_PARTNER,
    ),
    "partner_responded": (
        lambda t: t.partner_responded(LATER, USER, Side.PARTNER, POLICY),
        {S.WAITING_ON_PARTNER},
        S.IN_PROGRESS,
    ),
    "give_status_update": (
        lambda t: t.give_status_update(
            LATER, ENGINEER, Side.VENDOR, "tracing", "trace calls", POLICY
        ),
        {S.ACKNOWLEDGED, S.IN_PROGRESS, S.WAITING_ON_PARTNER},
        None,  # the status stays
    ),
    "resolve": (
        lambda t: t.resolve(LATER, ENGINEER, Side.VENDOR, Resolution.FIXED, "codec fixed", POLICY),
        {S.IN_PROGRESS},
        S.RESOLVED,
    ),
    "close": (
        lambda t: t.close(LATER, USER, Side.PARTNER),
        {S.RESOLVED, S.UNDER_OBSERVATION},
        S.CLOSED,
    ),
    "reopen": (
        lambda t: t.reopen(LATER, USER, Side.PARTNER, "no audio again", POLICY),
        {S.RESOLVED, S.UNDER_OBSERVATION, S.CLOSED},
        S.IN_PROGRESS,
    ),
}

CASES = [(action, status) for action in ACTIONS for status in TicketStatus]


@pytest.mark.parametrize(("action", "status"), CASES)
def test_each_action_in_each_status(action, status):
    ticket = reach(status)
    assert ticket.status is status
    run, allowed, target = ACTIONS[action]
    version = ticket.version
    if status in allowed:
        events = run(ticket)
        assert events, "an allowed change produces its event"
        assert ticket.status is (target or status)
        assert ticket.version > version
    else:
        with pytest.raises(IllegalTransition) as refused:
            run(ticket)
        assert refused.value.details["status"] == str(status)
        assert (ticket.status, ticket.version) == (status, version)


def test_waiting_and_working_alternate_any_number_of_times():
    ticket = reach(S.IN_PROGRESS)
    for cycle in range(1, 5):
        at = T0 + timedelta(hours=cycle)
        ticket.wait_on_partner(at, ENGINEER, Side.VENDOR, f"question {cycle}")
        ticket.partner_responded(at + timedelta(minutes=30), USER, Side.PARTNER, POLICY)
    assert ticket.waiting_cycles == 4
    assert ticket.status is S.IN_PROGRESS


@pytest.mark.parametrize(
    ("status", "act"),
    [
        (S.OPENED, lambda t: t.acknowledge(LATER, USER, Side.PARTNER, POLICY)),
        (S.ACKNOWLEDGED, lambda t: t.start_work(LATER, USER, Side.PARTNER)),
        (S.IN_PROGRESS, lambda t: t.wait_on_partner(LATER, USER, Side.PARTNER, "x")),
        (
            S.IN_PROGRESS,
            lambda t: t.give_status_update(LATER, USER, Side.PARTNER, "a", "b", POLICY),
        ),
        (
            S.IN_PROGRESS,
            lambda t: t.resolve(LATER, USER, Side.PARTNER, Resolution.FIXED, "x", POLICY),
        ),
    ],
)
def test_vendor_actions_are_refused_to_the_partner(status, act):
    ticket = reach(status)
    with pytest.raises(NotAuthorised):
        act(ticket)
    assert ticket.status is status


class TestReopen:
    def test_reopen_is_allowed_up_to_the_end_of_the_period_inclusive(self):
        ticket = reach(S.CLOSED)
        ticket.reopen(T0 + POLICY.reopen_period, USER, Side.PARTNER, "back", POLICY)
        assert ticket.status is S.IN_PROGRESS and ticket.resolved_at is None

    def test_reopen_after_the_period_is_refused(self):
        ticket = reach(S.CLOSED)
        late = T0 + POLICY.reopen_period + timedelta(milliseconds=1)
        with pytest.raises(ReopenPeriodOver):
            ticket.reopen(late, USER, Side.PARTNER, "back", POLICY)
        assert ticket.status is S.CLOSED

    def test_a_reason_is_required(self):
        from services.support.domain.errors import ValidationFailed

        with pytest.raises(ValidationFailed):
            reach(S.RESOLVED).reopen(LATER, USER, Side.PARTNER, " ", POLICY)

    def test_a_reopened_ticket_can_be_resolved_again(self):
        ticket = reach(S.RESOLVED)
        ticket.reopen(LATER, USER, Side.PARTNER, "again", POLICY)
        ticket.resolve(LATER, ENGINEER, Side.VENDOR, Resolution.WORKAROUND, "workaround", POLICY)
        assert ticket.resolutions == 2 and ticket.status is S.RESOLVED


class TestObservation:
    def test_an_observation_period_longer_than_allowed_is_refused(self):
        from services.support.domain.errors import ValidationFailed

        ticket = reach(S.IN_PROGRESS)
        with pytest.raises(ValidationFailed):
            ticket.resolve(
                LATER, ENGINEER, Side.VENDOR, Resolution.FIXED, "x", POLICY,
                POLICY.max_observation + timedelta(seconds=1),
            )  # fmt: skip
        assert ticket.status is S.IN_PROGRESS


def test_history_records_every_step_in_order():
    ticket = reach(S.CLOSED)
    assert [h.action for h in ticket.history] == [
        "opened",
        "acknowledged",
        "work_started",
        "resolved",
        "closed",
    ]
    assert [h.to_status for h in ticket.history][-1] is S.CLOSED
