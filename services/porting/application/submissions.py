"""Partner commands: submit, pre-check, resubmit, withdraw."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime

from services.porting.adapters.repository import load_port
from services.porting.application.deps import Deps, authorise
from services.porting.application.outcomes import (
    SOURCE,
    change,
    envelope,
    published,
)
from services.porting.domain.errors import PortingError, Reason, ValidationFailed
from services.porting.domain.events import PortEvent
from services.porting.domain.model import PortRequest
from services.porting.domain.numbers import NumberRange
from services.porting.domain.validation import numbers_of, precheck, too_many_numbers
from services.porting.domain.values import Address, PortCorrections, PortDetails
from shared.contracts import porting as c
from shared.errors import EventTooLarge
from shared.events import Envelope, follow_up
from shared.ids import derived_id
from shared.store import Change, Outgoing, Stored, fingerprint
from shared.topics import PORTING_EVENTS


def port_id_for(partner_id: str, request_id: str) -> str:
    """The port id a submission creates: the same command always makes the same request."""
    return "PRT-" + derived_id("port", partner_id, request_id)[:16].upper()


def _address(value: c.AddressIn | None) -> Address | None:
    if value is None:
        return None
    return Address(tuple(value.lines), value.city, value.postal_code, value.country)


def _numbers(entries: list[str | c.NumberRangeIn]) -> tuple[str | NumberRange, ...]:
    return tuple(e if isinstance(e, str) else NumberRange(e.first, e.last) for e in entries)


def details_of(cmd: c.SubmitPortRequest | c.PrecheckPortRequest) -> PortDetails:
    return PortDetails(
        product=cmd.product,
        numbers=_numbers(cmd.numbers),
        main_billing_number=cmd.main_billing_number,
        registered_address=_address(cmd.registered_address),
        losing_provider=cmd.losing_provider,
        range_holder=cmd.range_holder,
        calendar_subdivision=cmd.calendar_subdivision,
        extra_fields=dict(cmd.extra_fields),
    )


def corrections_of(cmd: c.ResubmitPortRequest) -> PortCorrections:
    fix = cmd.corrections
    return PortCorrections(
        product=fix.product,
        numbers=None if fix.numbers is None else _numbers(fix.numbers),
        main_billing_number=fix.main_billing_number,
        registered_address=_address(fix.registered_address),
        losing_provider=fix.losing_provider,
        range_holder=fix.range_holder,
        calendar_subdivision=fix.calendar_subdivision,
        extra_fields=fix.extra_fields,
    )


def _reasons(reasons: tuple[Reason, ...] | list[Reason]) -> list[c.Reason]:
    return [
        c.Reason(code=r.code, message=r.message, field=r.field, number=r.number) for r in reasons
    ]


def _safe_numbers(country: str, details: PortDetails, deps: Deps) -> tuple[str, ...]:
    try:
        return numbers_of(country, details, deps.rules)
    except PortingError:
        return ()  # invalid input: the domain's submit reports every reason


async def submit(deps: Deps, cause: Envelope, cmd: c.SubmitPortRequest) -> None:
    """Create the request and submit it; a refusal leaves a draft and says why.

    Three atomic steps, each idempotent, so that claims never depend on timing:
    1. store the draft as `submission_pending` (the owner of the claims exists first);
    2. claim its numbers in its name (bulk, in order; see `NumberClaims`);
    3. decide: submitted, or refused with every reason (claims then released).
    A request with more than `max_numbers_per_request` numbers is refused before
    anything is stored or claimed.
    """
    authorise(cmd.actor, cmd.partner_id)
    port_id = port_id_for(cmd.partner_id, cmd.request_id)
    tracking, digest = f"submit:{cmd.request_id}", fingerprint(cause)
    existing = await deps.store.load(port_id)
    # A different submission reusing the request id is refused before it claims numbers
    # (raises CommandIdReused); the same one again goes on as before.
    if existing is not None:
        existing.has_handled(f"draft:{cmd.request_id}", digest)
        existing.has_handled(tracking, digest)
    now = deps.now()
    details = details_of(cmd)
    country = cmd.country.upper()
    oversized = too_many_numbers(country, details, deps.rules)
    if oversized is not None:
        await _refuse_unstored(deps, cause, cmd, [oversized])
        return

    seen: list[PortRequest] = []  # the request as each step last saw it (saves re-reads)

    def create(stored: Stored | None) -> Change | None:
        if stored is not None:
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
        seen.append(fresh)
        # Its `drafted` event goes out with the decision, in one publication.
        return change(fresh, deps.rules, [], None)

    created = await deps.ctx.apply(
        "ports", port_id, f"draft:{cmd.request_id}", create, fingerprint=digest
    )
    # Only a request this instance stored itself is trusted; otherwise it is read again.
    draft = seen[-1] if seen and created else await deps.require(port_id)
    seen.clear()
    held_elsewhere: set[str] = set()
    if draft.submission_pending:
        held_elsewhere = await deps.claim(draft, _safe_numbers(country, details, deps))

    def decide(stored: Stored | None) -> Change | None:
        assert stored is not None
        request = load_port(stored)
        seen.append(request)
        if not request.submission_pending:
            return None  # decided before (a redelivery)
        extra: list[Outgoing] = []
        events: list[PortEvent] = [request.drafted_event()]
        try:
            events += request.submit(now, cmd.actor.user_id, deps.rules, held_elsewhere)
        except ValidationFailed as refused:
            request.refuse_submission(now, refused)
            extra.append(_rejection(cause, cmd, port_id, refused.reasons(), now))
        outgoing = published(events, cause.correlation, cause.id) + extra
        return change(request, deps.rules, outgoing, cause.correlation)

    def refuse_oversized(too_large: EventTooLarge) -> Callable[[Stored | None], Change | None]:
        """The decision's events would not fit the broker: refuse the submission with that
        reason (a small event), so the draft frees its numbers at once."""

        def decide_refused(stored: Stored | None) -> Change | None:
            assert stored is not None
            request = load_port(stored)
            seen.append(request)
            if not request.submission_pending:
                return None
            refused = ValidationFailed(
                [Reason(str(r["code"]), str(r["message"])) for r in too_large.reasons]
            )
            request.refuse_submission(now, refused)
            rejection = _rejection(cause, cmd, port_id, refused.reasons(), now)
            return change(request, deps.rules, [rejection], cause.correlation)

        return decide_refused

    try:
        changed = await deps.ctx.apply("ports", port_id, tracking, decide, fingerprint=digest)
    except EventTooLarge as too_large:
        seen.clear()
        changed = await deps.ctx.apply(
            "ports", port_id, tracking, refuse_oversized(too_large), fingerprint=digest
        )
    decided = seen[-1] if seen and changed else await deps.load(port_id)
    if decided is not None and not decided.may_hold_numbers:
        await deps.claims.release(port_id)


def _rejection(
    cause: Envelope,
    cmd: c.SubmitPortRequest,
    port_id: str | None,
    reasons: list[Reason],
    now: datetime,
) -> Outgoing:
    rejection = c.PortSubmissionRejectedV1(
        partner_id=cmd.partner_id,
        request_id=cmd.request_id,
        port_id=port_id,
        reasons=_reasons(reasons),
    )
    subject = port_id or cmd.partner_id
    event_id = derived_id("porting", subject, "submission_rejected", cmd.request_id)
    return Outgoing(
        PORTING_EVENTS.name,
        envelope(rejection, subject, event_id, now, cause.correlation, cause.id),
    )


async def _refuse_unstored(
    deps: Deps, cause: Envelope, cmd: c.SubmitPortRequest, reasons: list[Reason]
) -> None:
    """A refusal with nothing stored: published at once with a deterministic id."""
    outgoing = _rejection(cause, cmd, None, reasons, deps.now())
    await deps.ctx.publisher.publish(outgoing.topic, outgoing.envelope)


async def run_precheck(deps: Deps, cause: Envelope, cmd: c.PrecheckPortRequest) -> None:
    """Answer whether a submission would pass, with every reason; nothing is stored."""
    authorise(cmd.actor, cmd.partner_id)
    details = details_of(cmd)
    country = cmd.country.upper()
    others = await deps.held_elsewhere(None, _safe_numbers(country, details, deps))
    result = precheck(country, details, deps.rules, others)
    answer = c.PortPrecheckedV1(
        partner_id=cmd.partner_id,
        request_id=cmd.request_id,
        portable=result.portable,
        numbers=list(result.numbers),
        reasons=_reasons(result.reasons),
    )
    event = follow_up(
        cause,
        answer,
        source=SOURCE,
        now=deps.now(),
        subject=cmd.partner_id,
        event_id=derived_id(
            "porting", "precheck", cmd.partner_id, cmd.request_id, fingerprint(cause)
        ),
    )
    await deps.ctx.publisher.publish(PORTING_EVENTS.name, event)


async def resubmit(deps: Deps, cause: Envelope, cmd: c.ResubmitPortRequest) -> None:
    """Resubmit a rejected request with corrections."""
    current = await deps.require(cmd.port_id)
    authorise(cmd.actor, current.partner_id)
    stored = await deps.store.load(cmd.port_id)
    if stored is not None:  # a different command reusing an id: refused before any claim
        stored.has_handled(cause.id, fingerprint(cause))
    corrections = corrections_of(cmd)
    corrected = corrections.apply_to(current.details)
    wanted = _safe_numbers(current.country, corrected, deps)
    held_elsewhere = await deps.claim(current, wanted)

    def decide(stored: Stored | None) -> Change | None:
        assert stored is not None
        request = load_port(stored)
        try:
            events = request.resubmit(
                deps.now(),
                cmd.actor.user_id,
                deps.rules,
                corrections,
                held_elsewhere,
                comment=cmd.comment,
            )
        except PortingError as refused:
            return refusal(deps, cause, request, refused, stored)
        outgoing = published(events, cause.correlation, cause.id)
        return change(request, deps.rules, outgoing, stored.state.get("correlation_id"))

    await deps.ctx.apply("ports", cmd.port_id, cause.id, decide, fingerprint=fingerprint(cause))
    request = await deps.require(cmd.port_id)
    await deps.claims.release(cmd.port_id, keep=request.held_numbers())


async def withdraw(deps: Deps, cause: Envelope, cmd: c.WithdrawPortRequest) -> None:
    """The partner withdraws a request the carrier has not accepted."""
    current = await deps.require(cmd.port_id)
    authorise(cmd.actor, current.partner_id)

    def decide(stored: Stored | None) -> Change | None:
        assert stored is not None
        request = load_port(stored)
        try:
            events = request.withdraw(deps.now(), cmd.actor.user_id, cmd.reason)
        except PortingError as refused:
            return refusal(deps, cause, request, refused, stored)
        outgoing = published(events, cause.correlation, cause.id)
        return change(request, deps.rules, outgoing, stored.state.get("correlation_id"))

    await deps.ctx.apply("ports", cmd.port_id, cause.id, decide, fingerprint=fingerprint(cause))
    await deps.claims.release(cmd.port_id)


def refusal(
    deps: Deps, cause: Envelope, request: PortRequest, error: PortingError, stored: Stored
) -> Change:
    """Nothing changes but the refusal is told (and the message is recorded as handled)."""
    request_id = cause.data.get("request_id")
    payload = c.PortActionRefusedV1(
        command_type=cause.type,
        command_id=cause.id,
        request_id=request_id if isinstance(request_id, str) else None,
        code=error.code,
        reasons=_reasons(error.reasons()),
        details=json.loads(json.dumps(error.details, default=str)),
        status=str(request.status),
        partner_id=request.partner_id,
        occurred_at=deps.now(),
        port_id=request.port_id,
    )
    env = follow_up(
        cause,
        payload,
        source=SOURCE,
        now=deps.now(),
        subject=request.port_id,
        event_id=derived_id("porting", "refused", request.port_id, cause.id, fingerprint(cause)),
    )
    return Change(stored.state, [Outgoing(PORTING_EVENTS.name, env)], None)
