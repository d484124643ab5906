"""The one shape of every partner-side use case: load → authorise → domain → save.

A use case names its aggregate `Kind` (collection, document mapping, timers, refusal
event) and passes the domain call; this module stores the change with `ctx.apply`
(state + tracking id + outgoing events + timers in one update) and turns domain events
into CloudEvents with deterministic ids (aggregate, version, position, type) so a retried
decision publishes the same ids. A domain refusal keeps the state and carries one
`onboarding.<entity>.action_refused` event; a command naming an aggregate that does not
exist is rejected (`MessageRejected`: dead-lettered and answered by
`onboarding.command.rejected`).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from services.onboarding.application.deps import SOURCE, Deps
from services.onboarding.domain.activation.end_customer import cloud_operations_calendar
from services.onboarding.domain.errors import (
    Duplicate,
    Forbidden,
    IllegalTransition,
    NotFound,
    OnboardingError,
    ValidationFailed,
)
from services.onboarding.domain.event import DomainEvent
from services.onboarding.domain.partners.authorisation import CertificationPolicy
from shared.calendars import WorkingCalendar
from shared.contracts import onboarding
from shared.contracts.common import Reason
from shared.domain_events import contracts_by_type, to_payload
from shared.events import Command, Envelope, new_event
from shared.ids import derived_id
from shared.kafka import MessageRejected
from shared.mongo import Document
from shared.store import Change, Outgoing, Stored, Timer, fingerprint
from shared.topics import ONBOARDING_EVENTS

A = TypeVar("A")


@dataclass(frozen=True)
class About:
    """Who a refusal concerns: the partners to tell, the state, the aggregate's id field."""

    partner_id: str | None = None
    distributor_partner_id: str | None = None
    status: str | None = None
    ids: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Kind(Generic[A]):
    """An aggregate type as the use cases store it."""

    collection: str
    id_field: str  # the command field naming it, for rejections
    refused: type[onboarding.RefusalToPartner]
    load: Callable[[Stored], A]
    dump: Callable[[A], Document]
    timers: Callable[[A], list[Timer]]
    about: Callable[[A], About]

    @property
    def unknown(self) -> str:
        return f"unknown_{self.id_field.removesuffix('_id')}"


CONTRACTS = contracts_by_type(onboarding.EVENTS)
"""Onboarding's published contracts by type: every domain event is told by the one of its
name (`shared.domain_events.to_payload`)."""

KEPT_STATE = ("command_fingerprint",)
"""Document fields kept across changes: the fingerprint of the command that created an
aggregate whose id derives from its request id (see `activation.requests.submit`)."""


def no_timers(_: object) -> list[Timer]:
    return []


def tracking_id(cause: Envelope, cmd: Command) -> str:
    """A command's tracking id: the same request from the same sender counts once.

    Store it with the command's `fingerprint(cause)`: the same request id carrying a
    different command is then refused (`command_id_reused`), not taken for the first."""
    actor = getattr(cmd, "actor", None)
    return f"{cause.type}:{getattr(actor, 'user_id', '')}:{getattr(cmd, 'request_id', cause.id)}"


@functools.cache
def _calendar(holidays: tuple[date, ...]) -> WorkingCalendar:
    return cloud_operations_calendar(holidays)


def calendar(deps: Deps) -> WorkingCalendar:
    """Cloud operations' working days (Europe/Berlin, configured extra holidays)."""
    return _calendar(tuple(deps.settings.cloud_operations_holidays))


def certification_policy(deps: Deps) -> CertificationPolicy:
    return CertificationPolicy(pass_mark=deps.settings.certification_pass_mark)


# -- outgoing events --------------------------------------------------------------------


def published(
    events: Sequence[DomainEvent],
    aggregate_id: str,
    version: int,
    correlation_id: str | None,
    causation_id: str | None,
) -> list[Outgoing]:
    """The CloudEvents of domain events, keyed by the aggregate, with deterministic ids."""
    out: list[Outgoing] = []
    for position, event in enumerate(events):
        payload = to_payload(event, CONTRACTS)
        event_id = derived_id(
            "onboarding", aggregate_id, str(version), str(position), payload.EVENT_TYPE
        )
        envelope = new_event(
            payload,
            source=SOURCE,
            now=getattr(event, "occurred_at"),  # noqa: B009 - every event has it
            subject=aggregate_id,
            event_id=event_id,
            correlation_id=correlation_id,
            causation_id=causation_id,
        )
        out.append(Outgoing(ONBOARDING_EVENTS.name, envelope))
    return out


def saved(
    kind: Kind[A],
    aggregate: A,
    aggregate_id: str,
    stored: Stored | None,
    events: Sequence[DomainEvent],
    cause: Envelope | None,
    timers: list[Timer] | None = None,
) -> Change:
    """The change storing `aggregate` with its events and the timers it now needs."""
    correlation = (stored.state.get("correlation_id") if stored else None) or (
        cause.correlation if cause else None
    )
    version = (stored.version if stored else 0) + 1
    kept = {k: stored.state[k] for k in KEPT_STATE if stored and k in stored.state}
    return Change(
        {**kind.dump(aggregate), "correlation_id": correlation, **kept},
        published(events, aggregate_id, version, correlation, cause.id if cause else None),
        kind.timers(aggregate) if timers is None else timers,
    )


# -- refusals ---------------------------------------------------------------------------

_CATEGORIES = (Forbidden, NotFound, ValidationFailed, Duplicate, IllegalTransition)


def category(error: OnboardingError) -> str:
    """forbidden, not_found, validation_failed, duplicate or illegal_transition."""
    return next((c.code for c in _CATEGORIES if isinstance(error, c)), error.code)


def reasons_of(error: OnboardingError) -> list[Reason]:
    if isinstance(error, ValidationFailed):
        return [Reason(code=r.code, message=r.message, field=r.field) for r in error.reasons]
    return [Reason(code=error.code, message=error.message)]


def refusal_envelope(
    kind: Kind[Any],
    aggregate_id: str,
    about: About,
    cause: Envelope,
    cmd: Command,
    error: OnboardingError,
    now: datetime,
) -> Envelope:
    details = {} if isinstance(error, ValidationFailed) else error.details
    if isinstance(error, Forbidden):  # never tell a refused actor whose aggregate it is
        named = aggregate_id if kind.id_field == "partner_id" else None  # the id it sent
        about = About(partner_id=named, status=about.status, ids=about.ids)
    payload = kind.refused(
        command_type=cause.type,
        command_id=cause.id,
        request_id=getattr(cmd, "request_id", None),
        code=category(error),
        reasons=reasons_of(error),
        details=json.loads(json.dumps(details, default=str)),
        status=about.status,
        partner_id=about.partner_id,
        distributor_partner_id=about.distributor_partner_id,
        occurred_at=now,
        **about.ids,
    )
    return new_event(
        payload,
        source=SOURCE,
        now=now,
        subject=aggregate_id,
        event_id=derived_id("onboarding", "refused", aggregate_id, cause.id, fingerprint(cause)),
        correlation_id=cause.correlation,
        causation_id=cause.id,
    )


async def publish_refusal(
    deps: Deps,
    kind: Kind[Any],
    aggregate_id: str,
    about: About,
    cause: Envelope,
    cmd: Command,
    error: OnboardingError,
) -> None:
    """Tell a refusal that has no stored aggregate to hang on (same id when redelivered)."""
    envelope = refusal_envelope(kind, aggregate_id, about, cause, cmd, error, deps.now())
    await deps.ctx.publisher.publish(ONBOARDING_EVENTS.name, envelope)


# -- the use-case shapes --------------------------------------------------------------

Act = Callable[[A, datetime], list[DomainEvent]]
Check = Callable[[A], None]


async def act(
    deps: Deps,
    kind: Kind[A],
    aggregate_id: str,
    cause: Envelope,
    cmd: Command,
    check: Check[A],
    do: Act[A],
) -> bool:
    """Authorise (`check` raises `Forbidden`) and run `do` on an existing aggregate."""

    def decide(stored: Stored | None) -> Change | None:
        if stored is None:
            raise MessageRejected(
                kind.unknown,
                [{"field": kind.id_field, "code": kind.unknown, "message": aggregate_id}],
            )
        aggregate = kind.load(stored)
        now = deps.now()
        try:
            check(aggregate)
            events = do(aggregate, now)
        except OnboardingError as error:
            about = kind.about(kind.load(stored))
            envelope = refusal_envelope(kind, aggregate_id, about, cause, cmd, error, now)
            return Change(stored.state, [Outgoing(ONBOARDING_EVENTS.name, envelope)], None)
        if not events:
            return None
        return saved(kind, aggregate, aggregate_id, stored, events, cause)

    return await deps.ctx.apply(
        kind.collection,
        aggregate_id,
        tracking_id(cause, cmd),
        decide,
        fingerprint=fingerprint(cause),
    )


async def fire(
    deps: Deps,
    kind: Kind[A],
    aggregate_id: str,
    timer: Timer,
    message_id: str,
    do: Act[A],
    not_yet: tuple[type[OnboardingError], ...],
) -> None:
    """Fire a due timer; it is dropped, and the timers the aggregate still needs kept."""

    def decide(stored: Stored | None) -> Change | None:
        if stored is None:
            return None
        aggregate = kind.load(stored)
        try:
            events = do(aggregate, deps.now())
        except not_yet:
            return None  # fired early (clock skew): leave it for the next poll
        except OnboardingError:
            aggregate, events = kind.load(stored), []  # the state no longer asks for it
        timers = [t for t in kind.timers(aggregate) if t.id != timer.id]
        return saved(kind, aggregate, aggregate_id, stored, events, None, timers)

    await deps.ctx.apply(kind.collection, aggregate_id, message_id, decide)
