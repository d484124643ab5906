"""A ticket's durable timers fire here: response breach, escalation levels, missed status
updates and their escalations, end of observation, auto-close (`domain.ticket_timers`).

Timers live in the ticket's document (scheduled by the same atomic write as the change
that asked for them) and are claimed by one instance at a time; the core records
`timer:<id>` with the effect, and the domain ignores a stale or repeated timer, so each
breach is told once and each escalation level once, however many instances run. Due
instants read the one clock (`platform.clock` in demonstration mode).
"""

from __future__ import annotations

from datetime import datetime

from services.support.application.deps import Support, deciding
from services.support.domain.ticket import Ticket
from shared.store import Timer
from shared.usecase import Decision


async def fire(s: Support, ticket_id: str, timer: Timer) -> None:
    """Fire one due timer of ticket `ticket_id` (a no-op when the ticket moved on)."""

    def decide(ticket: Ticket | None, now: datetime) -> Decision[Ticket] | None:
        if ticket is None:
            return None
        return Decision(ticket, ticket.fire(timer.kind, dict(timer.data), now, s.policy))

    await s.uc.fire(s.tickets, ticket_id, timer, deciding(decide))
