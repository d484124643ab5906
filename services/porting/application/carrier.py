"""The gaining carrier's answers, as a carrier gateway publishes them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from services.porting.application.porting import Porting
from services.porting.domain.decisions import carrier_accepted
from services.porting.domain.errors import Reason
from services.porting.domain.events import PortEvent
from services.porting.domain.model import PortRequest
from shared.contracts import carrier as gateway
from shared.events import Envelope
from shared.usecase import Decision, UseCases

Act = Callable[[PortRequest, datetime], list[PortEvent]]


async def _answer(uc: UseCases, porting: Porting, cause: Envelope, port_id: str, act: Act) -> None:
    """Apply a carrier answer to the request (refusals told by the core); a request that no
    longer holds numbers gives up its claims."""
    await uc.require(porting.ports, port_id)

    def decide(request: PortRequest | None, now: datetime) -> Decision[PortRequest]:
        assert request is not None
        return Decision(request, act(request, now))

    await uc.handle(porting.ports, port_id, cause, decide)
    request = await uc.require(porting.ports, port_id)
    if not request.status.holds_numbers:
        await uc.persist()  # what this batch decided, stored before we act on it
        await porting.claims.release(port_id)


async def accepted(
    uc: UseCases, porting: Porting, cause: Envelope, answer: gateway.CarrierPortAccepted
) -> None:
    """Accepted: the port date is the carrier's, else N working days after acceptance.

    A carrier's date that breaks the rules is refused with `porting.port.port_date_refused`
    (the request stays submitted); it is judged as of the acceptance or, if later, now.
    """
    await _answer(
        uc,
        porting,
        cause,
        answer.port_id,
        lambda r, now: carrier_accepted(
            r, answer.accepted_at, answer.carrier_ref, porting.rules, answer.port_date, now
        ),
    )


async def rejected(
    uc: UseCases, porting: Porting, cause: Envelope, answer: gateway.CarrierPortRejected
) -> None:
    """Rejected with reasons: the partner corrects and resubmits."""
    reasons = [Reason(x.code, x.message, number=x.number) for x in answer.reasons]
    await _answer(
        uc,
        porting,
        cause,
        answer.port_id,
        lambda r, now: r.reject(answer.rejected_at, reasons, answer.carrier_ref),
    )


async def cancelled(
    uc: UseCases, porting: Porting, cause: Envelope, answer: gateway.CarrierPortCancelled
) -> None:
    """Cancelled by the losing provider: restarted in time, else recorded late and escalated."""
    await _answer(
        uc,
        porting,
        cause,
        answer.port_id,
        lambda r, now: r.report_cancellation(
            now,
            answer.cancelled_by,
            porting.rules,
            reason=answer.reason,
            reported_at=answer.reported_at,
        ),
    )


async def completed(
    uc: UseCases, porting: Porting, cause: Envelope, answer: gateway.CarrierPortCompleted
) -> None:
    """Completed: the numbers go live."""
    await _answer(
        uc, porting, cause, answer.port_id, lambda r, now: r.complete(now, answer.completed_at)
    )
