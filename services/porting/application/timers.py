"""Durable timers of a port (`domain.decisions`: the port-date reminder, the carrier-answer
escalation, giving up a submission that never decided), fired through `UseCases.fire`."""

from __future__ import annotations

from datetime import datetime

from services.porting.application.porting import Porting
from services.porting.domain.decisions import ABANDON, fire_timer
from services.porting.domain.model import PortRequest
from shared.store import Timer
from shared.usecase import Decision, UseCases


async def fire(uc: UseCases, porting: Porting, port_id: str, timer: Timer) -> None:
    """Fire one due timer once; a submission given up frees its number claims."""

    def decide(request: PortRequest | None, now: datetime) -> Decision[PortRequest] | None:
        if request is None:
            return None
        return Decision(request, fire_timer(request, timer.kind, now, porting.rules))

    await uc.fire(porting.ports, port_id, timer, decide)
    if timer.kind == ABANDON:
        request = await uc.load(porting.ports, port_id)
        if request is not None and not request.may_hold_numbers:
            await porting.claims.release(port_id)
