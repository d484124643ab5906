"""Onboarding on the one use-case core (`shared.usecase`): the pieces every concept shares.

* `payloads(event)`: a domain event → its published contract (by event type, from
  `shared.contracts.onboarding`); a contract payload built by the use case passes as is;
* `refused(error)`: onboarding's domain errors → the core's `Refused`, keeping the refusal
  shape onboarding always published: `code` is the category (`forbidden`, `not_found`,
  `validation_failed`, `duplicate`, `illegal_transition`, else the error's own code), the
  reasons are the validation reasons (or the rule's code and message), and a validation
  failure carries no details (its reasons say it all);
* `tracking(cause)`: onboarding's tracking id of a command, `<type>:<user>:<request_id>`
  (the core's rule names the sender by its partner first; onboarding's senders are the
  users, and a colleague's request id is the colleague's own — kept as it was);
* `change(uc, repo, id, cause, check, do)`: the shape of a step on an existing aggregate —
  rejected when it does not exist, authorised by `check` (raises `Forbidden`), decided by
  `do` (domain events; none: nothing changes), refused on any `OnboardingError`;
* `run(uc, repo, id, cause, decide)`: a step of the administration half (on behalf,
  groups, inventories, read models): `decide` may raise any `OnboardingError` (refused),
  tracked by the message's CloudEvents id, as that half always was;
* `fire_timer(uc, repo, id, timer, do, not_yet)`: a due timer of the aggregate;
* `calendar(settings)`, `certification_policy(settings)`: the configured rules.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any, TypeVar

from services.onboarding.domain.access import OnBehalfDenied
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
from services.onboarding.settings import OnboardingSettings
from shared.calendars import WorkingCalendar
from shared.contracts import onboarding
from shared.domain_events import contracts_by_type, to_payload
from shared.events import Envelope, Payload
from shared.refusals import Reason, Refused
from shared.store import Timer
from shared.usecase import Decider, Decision, Outcome, Repository, UseCases

A = TypeVar("A")

CONTRACTS = contracts_by_type(onboarding.EVENTS)
"""Onboarding's published contracts by event type."""

Act = Callable[[A, datetime], Sequence[DomainEvent | Payload]]
Check = Callable[[A], None]

_CATEGORIES = (Forbidden, NotFound, ValidationFailed, Duplicate, IllegalTransition)


def payloads(event: Any) -> list[Payload]:
    """The contract payloads published for one domain event (a payload passes unchanged)."""
    if isinstance(event, Payload):
        return [event]
    return [to_payload(event, CONTRACTS)]


def category(error: OnboardingError) -> str:
    """forbidden, not_found, validation_failed, duplicate or illegal_transition."""
    return next((c.code for c in _CATEGORIES if isinstance(error, c)), error.code)


def refused(error: OnboardingError) -> Refused:
    """The core's refusal for an onboarding domain error (see the module doc)."""
    if isinstance(error, ValidationFailed):
        reasons = [Reason(r.code, r.message, r.field) for r in error.reasons]
    elif isinstance(error, OnBehalfDenied):
        reasons = [Reason(r.code, r.message) for r in error.decision.reasons]
    else:
        reasons = [Reason(error.code, error.message)]
    details = {} if isinstance(error, ValidationFailed) else error.details
    return Refused(error.message, code=category(error), reasons=reasons, details=details)


@contextmanager
def refusing() -> Iterator[None]:
    """Inside a decider: an `OnboardingError` becomes the core's `Refused`."""
    try:
        yield
    except OnboardingError as error:
        raise refused(error) from error


def tracking(cause: Envelope) -> str:
    """The tracking id of `cause` in onboarding: a command's is its type, its sending user
    and its request id; any other message's is its CloudEvents id (see the module doc)."""
    request_id = cause.data.get("request_id")
    if isinstance(request_id, str) and request_id:
        user = (cause.data.get("actor") or {}).get("user_id") or ""
        return f"{cause.type}:{user}:{request_id}"
    return cause.id


async def change(
    uc: UseCases,
    repo: Repository[A],
    aggregate_id: str,
    cause: Envelope,
    check: Check[A],
    do: Act[A],
    *,
    message_id: str | None = None,
) -> Outcome:
    """Authorise (`check`) and run `do` on an existing aggregate; a message naming one that
    does not exist is rejected (`unknown_<entity>`). Tracked by `message_id` (the
    administration half passes the CloudEvents id), else by `tracking(cause)`."""
    await uc.require(repo, aggregate_id)

    def decide(aggregate: A | None, now: datetime) -> Decision[A] | None:
        assert aggregate is not None  # aggregates of onboarding are never removed
        with refusing():
            check(aggregate)
            events = do(aggregate, now)
        return Decision(aggregate, events) if events else None

    return await uc.handle(
        repo, aggregate_id, cause, decide, message_id=message_id or tracking(cause)
    )


async def run(
    uc: UseCases,
    repo: Repository[A],
    aggregate_id: str,
    cause: Envelope,
    decide: Decider[A],
    *,
    message_id: str | None = None,
    about: Mapping[str, Any] | None = None,
) -> Outcome:
    """`uc.handle` for the administration half: an `OnboardingError` raised by `decide` is
    refused; tracked by `message_id`, else the CloudEvents id of `cause`."""

    def refusing_decide(aggregate: A | None, now: datetime) -> Decision[A] | None:
        with refusing():
            return decide(aggregate, now)

    return await uc.handle(
        repo, aggregate_id, cause, refusing_decide, message_id=message_id or cause.id, about=about
    )


async def fire_timer(
    uc: UseCases,
    repo: Repository[A],
    aggregate_id: str,
    timer: Timer,
    do: Act[A],
    not_yet: tuple[type[OnboardingError], ...],
) -> None:
    """Fire a due timer: dropped once handled, kept when fired early (`not_yet`: clock
    skew, the aggregate still wants it later), dropped when the state no longer asks."""

    early = await uc.load(repo, aggregate_id)
    if early is None:
        return
    try:
        do(early, uc.now())  # on a copy: nothing is stored from it
    except not_yet:
        return  # fired early (clock skew): left, untracked, for the next poll
    except OnboardingError:
        pass

    def decide(aggregate: A | None, now: datetime) -> Decision[A] | None:
        if aggregate is None:
            return None
        try:
            events = do(aggregate, now)
        except OnboardingError:
            return None  # the state no longer asks for it: dropped
        return Decision(aggregate, events)

    await uc.fire(repo, aggregate_id, timer, decide)


@functools.cache
def _calendar(holidays: tuple[date, ...]) -> WorkingCalendar:
    return cloud_operations_calendar(holidays)


def calendar(settings: OnboardingSettings) -> WorkingCalendar:
    """Cloud operations' working days (Europe/Berlin, configured extra holidays)."""
    return _calendar(tuple(settings.cloud_operations_holidays))


def certification_policy(settings: OnboardingSettings) -> CertificationPolicy:
    """The reseller certification test's pass mark (configured)."""
    return CertificationPolicy(pass_mark=settings.certification_pass_mark)
