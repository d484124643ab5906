"""Durable timers of a port: the port-date reminder, the carrier-answer escalation, and
giving up a submission that never reached its decision."""

from __future__ import annotations

from services.porting.adapters.repository import load_port
from services.porting.application.deps import Deps
from services.porting.application.outcomes import (
    ABANDON,
    ESCALATION,
    REMINDER,
    change,
    published,
)
from shared.store import Change, Stored, Timer
from shared.timers import timer_message_id


async def fire(deps: Deps, port_id: str, timer: Timer) -> None:
    """Fire one due timer: the reminder with its risk notice, the next escalation, or the
    end of a submission that never decided (its claims are then given up)."""

    def decide(stored: Stored | None) -> Change | None:
        if stored is None:
            return None
        request = load_port(stored)
        now = deps.now()
        if timer.kind == REMINDER:
            events = request.remind(now, deps.rules)
        elif timer.kind == ESCALATION:
            events = request.escalate_overdue(now, deps.rules)
        elif timer.kind == ABANDON:
            events = request.abandon_submission(now, deps.rules)
        else:
            events = []
        correlation = stored.state.get("correlation_id")
        return change(request, deps.rules, published(events, correlation), correlation)

    await deps.ctx.apply("ports", port_id, timer_message_id(timer), decide)
    if timer.kind == ABANDON:
        request = await deps.load(port_id)
        if request is not None and not request.may_hold_numbers:
            await deps.claims.release(port_id)
