"""Decisions that end in an event rather than a refusal: a submission refused by our own
checks, a carrier's port date not taken, and what each durable timer does.

`model.PortRequest` raises a `PortingError` when a change is not allowed; a use case then
publishes `porting.port.action_refused` and nothing changes. These three are different
(domain.md section 2; issue 7): the outcome is itself a fact recorded with the request and
told with its own event, so the functions below catch the refusal and return that event.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime

from services.porting.domain import events as ev
from services.porting.domain.errors import InvalidPortDate, ValidationFailed
from services.porting.domain.model import PortRequest
from services.porting.domain.policy import PortingRules

REMINDER = "reminder"
"""Timer: the port-date reminder with the risk notice."""
ESCALATION = "escalation"
"""Timer: the next level of the escalation matrix while the carrier answer is overdue."""
ABANDON = "abandon_submission"
"""Timer: give up a submission still undecided after `pending_submission_timeout`."""


@dataclass(frozen=True)
class DueTimer:
    """A durable timer the request needs: fire `kind` at `due_at` (UTC-aware); `id` is
    deterministic, so recomputing the timers after a change keeps the same ones."""

    id: str
    kind: str
    due_at: datetime


def decide_submission(
    request: PortRequest,
    now: datetime,
    actor: str,
    rules: PortingRules,
    held_elsewhere: Collection[str],
    request_id: str,
) -> list[ev.PortEvent]:
    """Decide a pending submission: submitted, or refused with every reason.

    The events start with the draft's `drafted` (told once, with the decision). A refusal
    by our checks (`ValidationFailed`) leaves the request a draft for good and is told by
    `PortSubmissionRejected` (`request_id`: the submit command's); other refusals (an
    illegal transition) are raised.
    """
    drafted: list[ev.PortEvent] = [request.drafted_event()]
    try:
        return drafted + request.submit(now, actor, rules, held_elsewhere)
    except ValidationFailed as refused:
        return [*drafted, refuse_submission(request, now, refused, request_id)]


def refuse_submission(
    request: PortRequest, now: datetime, refused: ValidationFailed, request_id: str
) -> ev.PortSubmissionRejected:
    """Record the pending submission as refused (the request stays a draft) and tell why."""
    request.refuse_submission(now, refused)
    return ev.PortSubmissionRejected(
        port_id=request.port_id,
        partner_id=request.partner_id,
        occurred_at=now,
        version=request.version,
        request_id=request_id,
        reasons=tuple(refused.reasons()),
    )


def carrier_accepted(
    request: PortRequest,
    now: datetime,
    carrier_ref: str,
    rules: PortingRules,
    port_date: date | None,
    received_at: datetime,
) -> list[ev.PortEvent]:
    """The carrier accepted at `now`, handled at `received_at` (see `PortRequest.accept`).
    An acceptance whose instant or port date (its own or the lead time's) breaks the rules
    is not taken: the request stays submitted, nothing enters the inventory, and
    `PortDateRefused` tells the gateway every reason and the earliest date it may send."""
    try:
        return request.accept(now, carrier_ref, rules, port_date, received_at=received_at)
    except InvalidPortDate as refused:
        return [
            ev.PortDateRefused(
                port_id=request.port_id,
                partner_id=request.partner_id,
                occurred_at=received_at,
                version=request.version,
                carrier_ref=carrier_ref,
                accepted_at=now,
                port_date=refused.port_date,
                reasons=tuple(refused.reasons()),
                earliest_port_date=refused.earliest_port_date,
            )
        ]


def due_timers(request: PortRequest, rules: PortingRules) -> list[DueTimer]:
    """The durable timers the request needs now (recomputed after every change)."""
    timers: list[DueTimer] = []
    reminder_at = request.reminder_due_at(rules)
    if reminder_at is not None and request.reminded_for != request.port_date:
        timers.append(
            DueTimer(f"{REMINDER}:{request.revision}:{request.port_date}", REMINDER, reminder_at)
        )
    abandon_at = request.submission_abandoned_at(rules)
    if abandon_at is not None:
        timers.append(DueTimer(ABANDON, ABANDON, abandon_at))
    escalation_at = request.next_escalation_at(rules)
    if escalation_at is not None:
        level = 0 if request.escalation_level is None else request.escalation_level + 1
        timers.append(
            DueTimer(f"{ESCALATION}:{request.revision}:{level}", ESCALATION, escalation_at)
        )
    return timers


def fire_timer(
    request: PortRequest, kind: str, now: datetime, rules: PortingRules
) -> list[ev.PortEvent]:
    """What a due timer of `kind` does: the reminder with its risk notice, the next
    escalation, or the end of a submission that never decided. Each is a no-op when no
    longer due, so a stale or repeated timer is harmless; an unknown kind does nothing."""
    if kind == REMINDER:
        return request.remind(now, rules)
    if kind == ESCALATION:
        return request.escalate_overdue(now, rules)
    if kind == ABANDON:
        return request.abandon_submission(now, rules)
    return []
