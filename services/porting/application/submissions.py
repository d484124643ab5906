"""Partner commands: submit, pre-check, resubmit, withdraw (`async def x(uc, porting, cause,
cmd)`, see `application.porting`)."""

from __future__ import annotations

from datetime import datetime

from services.porting.application.porting import (
    Porting,
    authorise,
    corrections_of,
    details_of,
)
from services.porting.domain.decisions import decide_submission, refuse_submission
from services.porting.domain.errors import Reason, ValidationFailed
from services.porting.domain.model import PortRequest
from services.porting.domain.validation import precheck, too_many_numbers
from shared.contracts import porting as c
from shared.errors import EventTooLarge
from shared.events import Envelope
from shared.ids import derived_id
from shared.usecase import Decider, Decision, UseCases, tracking_id


def port_id_for(partner_id: str, request_id: str) -> str:
    """The port id a submission creates: the same command always makes the same request."""
    return "PRT-" + derived_id("port", partner_id, request_id)[:16].upper()


def _reasons(reasons: tuple[Reason, ...] | list[Reason]) -> list[c.Reason]:
    return [
        c.Reason(code=r.code, message=r.message, field=r.field, number=r.number) for r in reasons
    ]


async def submit(uc: UseCases, porting: Porting, cause: Envelope, cmd: c.SubmitPortRequest) -> None:
    """Create the request and submit it; a refusal leaves a draft and says why.

    Three atomic steps, each idempotent, so that claims never depend on timing:
    1. store the draft as `submission_pending` (the owner of the claims exists first),
       tracked as `draft:<tracking id>`;
    2. claim its numbers in its name (bulk, in order; see `adapters.claims.NumberClaims`);
    3. decide (`domain.decisions.decide_submission`): `porting.port.submitted`, or
       `porting.port.submission_rejected` with every reason (claims then released).
    A request with more than `max_numbers_per_request` numbers is refused before anything
    is stored or claimed; a different command reusing the request id is rejected
    (`command_id_reused`) before it claims anything; a decision whose events would not fit
    the broker is refused with `event_too_large`, so the draft frees its numbers at once.
    """
    authorise(cmd.actor, cmd.partner_id)
    ports, rules = porting.ports, porting.rules
    port_id = port_id_for(cmd.partner_id, cmd.request_id)
    drafting = f"draft:{tracking_id(cause)}"
    await uc.seen(ports, port_id, cause, drafting)  # raises CommandIdReused
    await uc.seen(ports, port_id, cause)
    details, country = details_of(cmd), cmd.country.upper()
    oversized = too_many_numbers(country, details, rules)
    if oversized is not None:  # nothing stored: answered at once under a derived id
        rejection = c.PortSubmissionRejectedV1(
            partner_id=cmd.partner_id, request_id=cmd.request_id, reasons=_reasons([oversized])
        )
        await uc.answer(cause, rejection, cmd.partner_id)
        return

    def draft(request: PortRequest | None, now: datetime) -> Decision[PortRequest] | None:
        if request is not None:
            return None  # the same request_id again: it already exists
        fresh, _drafted = PortRequest.create_draft(
            port_id=port_id,
            partner_id=cmd.partner_id,
            country=cmd.country,
            details=details,
            now=now,
            actor=cmd.actor.user_id,
            comment=cmd.comment,
            submitting=True,
        )
        return Decision(fresh)  # its `drafted` event goes out with the decision

    # A step: no receipt, the decision below answers a resend.
    await uc.handle(ports, port_id, cause, draft, message_id=drafting, receipt=False)
    pending = await uc.require(ports, port_id)
    held_elsewhere: set[str] = set()
    if pending.submission_pending:
        await uc.persist()  # what this batch decided, stored before we act on it
        held_elsewhere = await porting.claims.claim(
            port_id, cmd.partner_id, porting.numbers(country, details)
        )

    def decide(request: PortRequest | None, now: datetime) -> Decision[PortRequest] | None:
        assert request is not None
        if not request.submission_pending:
            return None  # decided before (a redelivery)
        events = decide_submission(
            request, now, cmd.actor.user_id, rules, held_elsewhere, cmd.request_id
        )
        return Decision(request, events)

    def refuse_oversized(too_large: EventTooLarge) -> Decider[PortRequest]:
        def decide_refused(
            request: PortRequest | None, now: datetime
        ) -> Decision[PortRequest] | None:
            assert request is not None
            if not request.submission_pending:
                return None
            refused = ValidationFailed(
                [Reason(str(r["code"]), str(r["message"])) for r in too_large.reasons]
            )
            return Decision(request, [refuse_submission(request, now, refused, cmd.request_id)])

        return decide_refused

    try:
        await uc.handle(ports, port_id, cause, decide)
    except EventTooLarge as too_large:
        await uc.handle(ports, port_id, cause, refuse_oversized(too_large))
    decided = await uc.load(ports, port_id)
    if decided is not None and not decided.may_hold_numbers:
        await uc.persist()  # what this batch decided, stored before we act on it
        # It claimed (above, or in an earlier delivery of this command) only these.
        await porting.claims.release(port_id, among=porting.numbers(country, details))


async def run_precheck(
    uc: UseCases, porting: Porting, cause: Envelope, cmd: c.PrecheckPortRequest
) -> None:
    """Answer whether a submission would pass, with every reason; nothing is stored."""
    authorise(cmd.actor, cmd.partner_id)
    details, country = details_of(cmd), cmd.country.upper()
    await uc.persist()  # what this batch decided, stored before we act on it
    others = await porting.claims.held_elsewhere(None, porting.numbers(country, details))
    result = precheck(country, details, porting.rules, others)
    answer = c.PortPrecheckedV1(
        partner_id=cmd.partner_id,
        request_id=cmd.request_id,
        portable=result.portable,
        numbers=list(result.numbers),
        reasons=_reasons(result.reasons),
    )
    await uc.answer(cause, answer, cmd.partner_id)


async def resubmit(
    uc: UseCases, porting: Porting, cause: Envelope, cmd: c.ResubmitPortRequest
) -> None:
    """Resubmit a rejected request with corrections (its numbers claimed first)."""
    ports = porting.ports
    current = await uc.require(ports, cmd.port_id)
    authorise(cmd.actor, current.partner_id)
    await uc.seen(ports, cmd.port_id, cause)  # a different command reusing the id: rejected
    corrections = corrections_of(cmd)
    wanted = porting.numbers(current.country, corrections.apply_to(current.details))
    await uc.persist()  # what this batch decided, stored before we act on it
    held_elsewhere = await porting.claims.claim(cmd.port_id, current.partner_id, wanted)

    def decide(request: PortRequest | None, now: datetime) -> Decision[PortRequest]:
        assert request is not None
        events = request.resubmit(
            now, cmd.actor.user_id, porting.rules, corrections, held_elsewhere, cmd.comment
        )
        return Decision(request, events)

    await uc.handle(ports, cmd.port_id, cause, decide)
    request = await uc.require(ports, cmd.port_id)
    await uc.persist()  # what this batch decided, stored before we act on it
    await porting.claims.release(cmd.port_id, keep=request.held_numbers())


async def withdraw(
    uc: UseCases, porting: Porting, cause: Envelope, cmd: c.WithdrawPortRequest
) -> None:
    """The partner withdraws a request the carrier has not accepted; its numbers are free."""
    ports = porting.ports
    current = await uc.require(ports, cmd.port_id)
    authorise(cmd.actor, current.partner_id)

    def decide(request: PortRequest | None, now: datetime) -> Decision[PortRequest]:
        assert request is not None
        return Decision(request, request.withdraw(now, cmd.actor.user_id, cmd.reason))

    await uc.handle(ports, cmd.port_id, cause, decide)
    request = await uc.require(ports, cmd.port_id)
    if not request.may_hold_numbers:  # a refused withdrawal keeps an active port's claims
        await uc.persist()  # what this batch decided, stored before we act on it
        await porting.claims.release(cmd.port_id)
