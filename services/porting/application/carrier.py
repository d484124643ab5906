"""The gaining carrier's answers, as a carrier gateway publishes them."""

from __future__ import annotations

from collections.abc import Callable

from services.porting.adapters.repository import load_port
from services.porting.application.deps import Deps
from services.porting.application.outcomes import SOURCE, change, published
from services.porting.application.submissions import refusal
from services.porting.domain.errors import InvalidPortDate, PortingError, Reason
from services.porting.domain.events import PortEvent
from services.porting.domain.model import PortRequest
from shared.contracts import carrier as gateway
from shared.contracts import porting as c
from shared.events import Envelope, follow_up
from shared.ids import derived_id
from shared.store import Change, Outgoing, Stored
from shared.topics import PORTING_EVENTS

Act = Callable[[PortRequest], list[PortEvent]]


async def _answer(deps: Deps, cause: Envelope, port_id: str, act: Act) -> None:
    await deps.require(port_id)

    def decide(stored: Stored | None) -> Change | None:
        assert stored is not None
        request = load_port(stored)
        try:
            events = act(request)
        except InvalidPortDate as refused:
            return port_date_refusal(deps, cause, request, refused, stored)
        except PortingError as refused:
            return refusal(deps, cause, request, refused, stored)
        outgoing = published(events, cause.correlation, cause.id)
        return change(request, deps.rules, outgoing, stored.state.get("correlation_id"))

    await deps.ctx.apply("ports", port_id, cause.id, decide)
    request = await deps.require(port_id)
    if not request.status.holds_numbers:
        await deps.claims.release(port_id)


async def accepted(deps: Deps, cause: Envelope, answer: gateway.CarrierPortAccepted) -> None:
    """Accepted: the port date is the carrier's, else N working days after acceptance.

    A carrier's date that breaks the rules is refused with `porting.port.port_date_refused`
    (the request stays submitted); it is judged as of the acceptance or, if later, now.
    """
    await _answer(
        deps,
        cause,
        answer.port_id,
        lambda r: r.accept(
            answer.accepted_at,
            answer.carrier_ref,
            deps.rules,
            answer.port_date,
            received_at=deps.now(),
        ),
    )


def port_date_refusal(
    deps: Deps, cause: Envelope, request: PortRequest, error: InvalidPortDate, stored: Stored
) -> Change:
    """Tell the gateway why its port date was not taken (stored once with the request)."""
    answer = cause.parse_data(gateway.CarrierPortAccepted)
    assert answer.port_date is not None  # only a carrier's own date is refused
    payload = c.PortDateRefusedV1(
        partner_id=request.partner_id,
        port_id=request.port_id,
        carrier_ref=answer.carrier_ref,
        accepted_at=answer.accepted_at,
        port_date=answer.port_date,
        reasons=[c.Reason(code=r.code, message=r.message, field=r.field) for r in error.reasons()],
        earliest_port_date=error.earliest_port_date,
    )
    env = follow_up(
        cause,
        payload,
        source=SOURCE,
        now=deps.now(),
        subject=request.port_id,
        event_id=derived_id("porting", "port_date_refused", cause.id),
    )
    return Change(stored.state, [Outgoing(PORTING_EVENTS.name, env)], None)


async def rejected(deps: Deps, cause: Envelope, answer: gateway.CarrierPortRejected) -> None:
    """Rejected with reasons: the partner corrects and resubmits."""
    reasons = [Reason(x.code, x.message, number=x.number) for x in answer.reasons]
    await _answer(
        deps,
        cause,
        answer.port_id,
        lambda r: r.reject(answer.rejected_at, reasons, answer.carrier_ref),
    )


async def cancelled(deps: Deps, cause: Envelope, answer: gateway.CarrierPortCancelled) -> None:
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


async def completed(deps: Deps, cause: Envelope, answer: gateway.CarrierPortCompleted) -> None:
    """Completed: the numbers go live."""
    await _answer(
        deps, cause, answer.port_id, lambda r: r.complete(deps.now(), answer.completed_at)
    )
