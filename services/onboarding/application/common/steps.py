"""What the on-behalf, devices, groups and provisioning use cases share: refusals, `execute`.

Every use case has the same shape: check who acts, load, call the domain inside `execute`
(one atomic, idempotent document update through `ctx.apply`), publish. A domain refusal
becomes an `onboarding.<entity>.action_refused` event: stored with the aggregate when it
exists (published once), else published at once with a deterministic id.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from services.onboarding.application.deps import SOURCE, Deps
from services.onboarding.domain.access import OnBehalfDenied
from services.onboarding.domain.errors import (
    Duplicate,
    Forbidden,
    IllegalTransition,
    NotFound,
    OnboardingError,
    ValidationFailed,
)
from services.onboarding.domain.event import DomainEvent
from shared.contracts import onboarding
from shared.contracts.common import Reason
from shared.domain_events import contracts_by_type, to_payload
from shared.events import Envelope, Payload, follow_up
from shared.ids import derived_id
from shared.kafka import MessageRejected
from shared.mongo import Document
from shared.store import Change, Outgoing, Stored, fingerprint
from shared.topics import ONBOARDING_EVENTS

EVENTS = ONBOARDING_EVENTS.name

CONTRACTS = contracts_by_type(onboarding.EVENTS)
"""Onboarding's published contracts by type."""

Step = Callable[[Stored | None], tuple[Document, Sequence[DomainEvent]] | None]
"""Rebuild the aggregate, call the domain: the new state and its events (None: nothing)."""


class Outcome(StrEnum):
    APPLIED = "applied"
    REFUSED = "refused"
    UNCHANGED = "unchanged"  # handled before, or nothing to do


@dataclass(frozen=True)
class Refusal:
    """How a refusal of one command is told: its event model, subject and the ids it carries."""

    model: type[Payload]
    subject: str
    ids: Mapping[str, Any] = field(default_factory=dict)


def payload_of(event: DomainEvent, extra: Mapping[str, Any] | None = None) -> Payload:
    """The published payload of a domain event (its explicit contract) plus `extra` values
    for fields the contract adds (e.g. the reseller to tell)."""
    return to_payload(event, CONTRACTS, extra)


def published(
    cause: Envelope,
    collection: str,
    aggregate_id: str,
    version: int,
    events: Sequence[DomainEvent],
    extra: Mapping[str, Any] | None = None,
) -> list[Outgoing]:
    """The CloudEvents of a change, with ids derived from aggregate, version and position."""
    out = []
    for index, event in enumerate(events):
        event_id = derived_id(
            "onboarding", collection, aggregate_id, str(version), str(index), event.name
        )
        envelope = follow_up(
            cause,
            payload_of(event, extra),
            source=SOURCE,
            now=event.occurred_at,  # type: ignore[attr-defined]
            subject=aggregate_id,
            event_id=event_id,
        )
        out.append(Outgoing(EVENTS, envelope))
    return out


def category(error: OnboardingError) -> str:
    for base, name in (
        (Forbidden, "forbidden"),
        (ValidationFailed, "validation_failed"),
        (IllegalTransition, "illegal_transition"),
        (Duplicate, "duplicate"),
        (NotFound, "not_found"),
    ):
        if isinstance(error, base):
            return name
    return error.code


def reasons_of(error: OnboardingError) -> list[Reason]:
    if isinstance(error, ValidationFailed):
        return [Reason(code=r.code, message=r.message, field=r.field) for r in error.reasons]
    if isinstance(error, OnBehalfDenied):
        return [Reason(code=r.code, message=r.message) for r in error.decision.reasons]
    return [Reason(code=error.code, message=error.message)]


def refused(deps: Deps, cause: Envelope, refusal: Refusal, error: OnboardingError) -> Envelope:
    """The refusal event of `cause` (deterministic id: a redelivery tells the same refusal;
    the id binds the whole command, so another command reusing the envelope id gets its own
    refusal instead of one consumers drop as a duplicate)."""
    details = {} if isinstance(error, ValidationFailed) else dict(error.details)
    ids = dict(refusal.ids)
    if isinstance(error, Forbidden):  # never tell a refused actor whose aggregate it is
        ids = {k: None if k.endswith("partner_id") else v for k, v in ids.items()}
    payload = refusal.model.model_validate(
        {
            **ids,
            "command_type": cause.type,
            "command_id": cause.id,
            "request_id": cause.data.get("request_id"),
            "code": category(error),
            "reasons": reasons_of(error),
            "details": details,
            "occurred_at": deps.now(),
        }
    )
    return follow_up(
        cause,
        payload,
        source=SOURCE,
        now=deps.now(),
        subject=refusal.subject,
        event_id=derived_id("onboarding", "refused", cause.id, fingerprint(cause), refusal.subject),
    )


async def refuse(deps: Deps, cause: Envelope, refusal: Refusal, error: OnboardingError) -> None:
    """Tell a refusal that changes no document (nothing exists to store it with)."""
    await deps.ctx.publisher.publish(EVENTS, refused(deps, cause, refusal, error))


async def answer(deps: Deps, cause: Envelope, payload: Payload, subject: str) -> None:
    """Publish the answer to a query (nothing stored; the id is derived from the whole query,
    so a redelivery repeats it and another query under the same envelope id does not)."""
    envelope = follow_up(
        cause,
        payload,
        source=SOURCE,
        now=deps.now(),
        subject=subject,
        event_id=derived_id("onboarding", "answer", cause.id, fingerprint(cause)),
    )
    await deps.ctx.publisher.publish(EVENTS, envelope)


async def execute(
    deps: Deps,
    cause: Envelope,
    collection: str,
    aggregate_id: str,
    step: Step,
    refusal: Refusal | None,
    *,
    message_id: str | None = None,
    extra: Mapping[str, Any] | None = None,
) -> Outcome:
    """Apply `step` to one document atomically and idempotently; tell a refusal once.

    The tracking id is bound to the whole message (`shared.store.fingerprint`): another
    command under an id this document already recorded is refused (`CommandIdReused`)."""
    outcome = Outcome.UNCHANGED
    stray: list[Envelope] = []

    def decide(stored: Stored | None) -> Change | None:
        nonlocal outcome
        outcome = Outcome.UNCHANGED
        stray.clear()
        try:
            result = step(stored)
        except OnboardingError as error:
            if refusal is None:
                raise
            outcome = Outcome.REFUSED
            envelope = refused(deps, cause, refusal, error)
            if stored is None:
                stray.append(envelope)
                return None
            return Change(stored.state, [Outgoing(EVENTS, envelope)])
        if result is None:
            return None
        state, events = result
        outcome = Outcome.APPLIED
        version = (stored.version if stored else 0) + 1
        return Change(state, published(cause, collection, aggregate_id, version, events, extra))

    await deps.ctx.apply(
        collection, aggregate_id, message_id or cause.id, decide, fingerprint=fingerprint(cause)
    )
    for envelope in stray:
        await deps.ctx.publisher.publish(EVENTS, envelope)
    return outcome


async def refuse_reused_id(deps: Deps, cause: Envelope, collection: str, aggregate_id: str) -> None:
    """Raise `CommandIdReused` now if the document recorded `cause.id` for another command.

    For use cases that change several documents: checked on the last one before the first
    write, so a reused id never leaves the first change made and the second refused."""
    stored = await load(deps, collection, aggregate_id)
    if stored is not None:
        stored.has_handled(cause.id, fingerprint(cause))


async def load(deps: Deps, collection: str, aggregate_id: str) -> Stored | None:
    return await deps.ctx.store(collection).load(aggregate_id)


async def require(deps: Deps, collection: str, aggregate_id: str, what: str) -> Stored:
    """The document, or the command is rejected as naming something that does not exist."""
    stored = await load(deps, collection, aggregate_id)
    if stored is None:
        code = f"unknown_{what}"
        raise MessageRejected(
            code, [{"field": f"{what}_id", "code": code, "message": aggregate_id}]
        )
    return stored
