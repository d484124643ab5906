"""What every support use case receives: the use-case core and a few narrow ports.

`Support` bundles `UseCases` (store, outbox, clock, publishing), the policy, and three
ports implemented over Mongo in `adapters/` and in memory for the unit tests: the ticket
number allocator, the read-model directory (tenants by tenant ID, a partner's tenants,
ticket listings). Also here: which side an actor is on (who may do what is
`domain/access.py`), and the bridge from the domain's `SupportError` to the core's
`Refused`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, TypeVar

from services.support.adapters.documents import PartnerRecord, tickets
from services.support.domain.access import is_vendor_support
from services.support.domain.calendar import Location
from services.support.domain.errors import SupportError
from services.support.domain.policy import SupportPolicy
from services.support.domain.tenants import TenantRecord
from services.support.domain.ticket import Ticket
from services.support.domain.values import Side
from shared.actor import Actor
from shared.errors import MessageRejected
from shared.refusals import Reason, Refused
from shared.usecase import Decider, Decision, Repository, UseCases

A = TypeVar("A")


class TicketNumbers(Protocol):
    """Allocates ticket sequence numbers: each number once, across every instance."""

    async def claim(self, ticket_id: str) -> int:
        """The ticket's sequence number: the one it holds, else the next unused one
        (1, 2, …; gaps allowed, repeats never)."""
        ...


class Directory(Protocol):
    """Queries over support's read models and tickets (no writes)."""

    async def tenants_with_id(self, tenant_id: str) -> list[TenantRecord]:
        """Every customer record whose tenant ID is `tenant_id` (normally one)."""
        ...

    async def tenants_of(self, partner_id: str) -> list[TenantRecord]:
        """Every customer record the partner raises tickets for."""
        ...

    async def partner(self, partner_id: str) -> PartnerRecord | None:
        """What onboarding told about the partner, if anything."""
        ...

    async def tickets(
        self, partner_id: str | None, opened_by: str | None, limit: int
    ) -> list[Ticket]:
        """Tickets of `partner_id` (None: all), raised by `opened_by` (None: anyone),
        newest first, at most `limit`."""
        ...


@dataclass
class Support:
    """The dependencies of support's use cases (built once per process in `wire`)."""

    uc: UseCases
    policy: SupportPolicy
    numbers: TicketNumbers
    directory: Directory
    default_partner_location: Location

    def __post_init__(self) -> None:
        self.tickets: Repository[Ticket] = tickets(self.policy)

    def now(self) -> datetime:
        return self.uc.now()


def refusal(error: SupportError) -> Refused:
    """The core's refusal for a domain error: same code, reasons and details."""
    return Refused(
        error.message,
        code=error.code,
        reasons=[Reason(r.code, r.message, r.field) for r in error.reasons()],
        details={k: v for k, v in error.details.items() if k != "reasons"},
    )


@contextmanager
def refusing() -> Iterator[None]:
    """Turn a domain `SupportError` raised inside into the core's `Refused`."""
    try:
        yield
    except SupportError as error:
        raise refusal(error) from error


def deciding(decide: Decider[A]) -> Decider[A]:
    """`decide` with domain errors turned into refusals (see `refusing`)."""

    def run(aggregate: A | None, now: datetime) -> Decision[A] | None:
        with refusing():
            return decide(aggregate, now)

    return run


def side_of(actor: Actor) -> Side:
    """The vendor's support centre (role `vendor_support`, no partner) or a partner."""
    return Side.VENDOR if is_vendor_support(actor) else Side.PARTNER


def reject_unknown(field: str, code: str, value: str) -> MessageRejected:
    """A message naming something that does not exist (dead-lettered, answered)."""
    return MessageRejected(code, [{"field": field, "code": code, "message": value}])


Guard = Callable[[], None]
