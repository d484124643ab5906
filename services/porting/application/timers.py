"""Durable timers of a port: the port-date reminder and the carrier-answer escalation."""

from __future__ import annotations

from services.porting.adapters.repository import load_port
from services.porting.application.deps import Deps
from services.porting.application.outcomes import ESCALATION, REMINDER, change, published
from shared.store import Change, Stored, Timer
from shared.timers import timer_message_id


async def fire(deps: Deps, port_id: str, timer: Timer) -> None:
    """Fire one due timer: the reminder with its risk notice, or the next escalation."""

    def decide(stored: Stored | None) -> Change | None:
        if stored is None:
            return None
        request = load_port(stored)
        now = deps.now()
        if timer.kind == REMINDER:
            events = request.remind(now, deps.rules)
        elif timer.kind == ESCALATION:
            events = request.escalate_overdue(now, deps.rules)
        else:
            events = []
        correlation = stored.state.get("correlation_id")
        return change(request, deps.rules, published(events, correlation), correlation)

    await deps.ctx.apply("ports", port_id, timer_message_id(timer), decide)
