"""The gaining carrier's answers, as a carrier gateway publishes them."""

from __future__ import annotations

from collections.abc import Callable

from services.porting import contracts as c
from services.porting.adapters.repository import load_port
from services.porting.application.deps import Deps
from services.porting.application.outcomes import change, published
from services.porting.application.submissions import refusal
from services.porting.domain.errors import PortingError, Reason
from services.porting.domain.events import PortEvent
from services.porting.domain.model import PortRequest
from shared.events import Envelope
from shared.store import Change, Stored

Act = Callable[[PortRequest], list[PortEvent]]


async def _answer(deps: Deps, cause: Envelope, port_id: str, act: Act) -> None:
    await deps.require(port_id)

    def decide(stored: Stored | None) -> Change | None:
        assert stored is not None
        request = load_port(stored)
        try:
            events = act(request)
        except PortingError as refused:
            return refusal(deps, cause, request, refused, stored)
        outgoing = published(events, cause.correlation, cause.id)
        return change(request, deps.rules, outgoing, stored.state.get("correlation_id"))

    await deps.ctx.apply("ports", port_id, cause.id, decide)
    request = await deps.require(port_id)
    if not request.status.holds_numbers:
        await deps.claims.release(port_id)


async def accepted(deps: Deps, cause: Envelope, answer: c.CarrierPortAccepted) -> None:
    """Accepted: the port date is the carrier's, else N working days after acceptance."""
    await _answer(
        deps,
        cause,
        answer.port_id,
        lambda r: r.accept(answer.accepted_at, answer.carrier_ref, deps.rules, answer.port_date),
    )


async def rejected(deps: Deps, cause: Envelope, answer: c.CarrierPortRejected) -> None:
    """Rejected with reasons: the partner corrects and resubmits."""
    reasons = [Reason(x.code, x.message, number=x.number) for x in answer.reasons]
    await _answer(
        deps,
        cause,
        answer.port_id,
        lambda r: r.reject(answer.rejected_at, reasons, answer.carrier_ref),
    )


async def cancelled(deps: Deps, cause: Envelope, answer: c.CarrierPortCancelled) -> None:
    """Cancelled by the losing provider: restarted in time, else recorded late and escalated."""
    await _answer(
        deps,
        cause,
        answer.port_id,
        lambda r: r.report_cancellation(
            deps.now(),
            answer.cancelled_by,
            deps.rules,
            reason=answer.reason,
            reported_at=answer.reported_at,
        ),
    )


async def completed(deps: Deps, cause: Envelope, answer: c.CarrierPortCompleted) -> None:
    """Completed: the numbers go live."""
    await _answer(
        deps, cause, answer.port_id, lambda r: r.complete(deps.now(), answer.completed_at)
    )
