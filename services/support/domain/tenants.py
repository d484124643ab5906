"""The tenant read model support keeps from onboarding's facts (spec/domain.md §4 and §5.6).

Support needs to know, per customer tenant: the partner it belongs to, where it is
(country, subdivision, time zone: its business calendar), its subscription and
service-contract numbers (tickets are checked against them) and its number of users
(impact shares). Onboarding publishes these as separate facts about a *customer* (keyed
by customer ID; the tenant ID arrives when it is known), and Kafka may deliver them twice
or out of order.

Convergence: the record holds one group of fields per kind of fact, each stamped with the
fact's (occurred_at, fact id). A fact replaces a group only when its stamp is newer, so
applying facts in any order, any number of times, gives the same record (last writer
wins with a total order; the fact id breaks ties between facts of the same instant).
A fact never clears a group: "tenant not known yet" in an early fact is not news.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from services.support.domain.calendar import Location
from services.support.domain.clocks import aware

T = TypeVar("T")


@dataclass(frozen=True, order=True)
class Stamp:
    """When a fact happened and its id: the total order facts are merged in."""

    occurred_at: datetime
    fact_id: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "occurred_at", aware(self.occurred_at, "occurred_at"))


@dataclass(frozen=True)
class Stamped(Generic[T]):
    """A value and the stamp of the fact that set it."""

    value: T
    stamp: Stamp


@dataclass(frozen=True)
class Relationship:
    """Distributor → reseller → customer, or tier-1 partner → customer (§1.1)."""

    distributor_partner_id: str | None = None
    reseller_partner_id: str | None = None
    tier1_partner_id: str | None = None

    @property
    def support_partner_id(self) -> str | None:
        """The partner that is the customer's single face and raises its tickets (§4).

        Product decision: the reseller (the distributor itself when it acts as reseller)
        or the tier-1 partner; a distributor does not raise tickets for its resellers'
        customers.
        """
        return self.reseller_partner_id or self.tier1_partner_id


@dataclass(frozen=True)
class CustomerFact:
    """One fact from onboarding about a customer; None fields say nothing.

    The application maps each published onboarding event to one fact (`fact_id` is the
    CloudEvents id, `occurred_at` the event's `occurred_at`).
    """

    customer_id: str
    fact_id: str
    occurred_at: datetime
    company_name: str | None = None
    tenant_id: str | None = None
    relationship: Relationship | None = None
    subscription_numbers: frozenset[str] | None = None
    users: int | None = None
    location: Location | None = None

    @property
    def stamp(self) -> Stamp:
        """The fact's place in the merge order."""
        return Stamp(self.occurred_at, self.fact_id)


_GROUPS = ("company_name", "tenant_id", "relationship", "subscription_numbers", "users", "location")


@dataclass(frozen=True)
class TenantRecord:
    """What support knows about one customer (and its tenant), merged from facts."""

    customer_id: str
    company_name: Stamped[str] | None = None
    tenant_id: Stamped[str] | None = None
    relationship: Stamped[Relationship] | None = None
    subscription_numbers: Stamped[frozenset[str]] | None = None
    users: Stamped[int] | None = None
    location: Stamped[Location] | None = None

    # -- queries --------------------------------------------------------------------

    @property
    def tenant(self) -> str | None:
        """The customer's tenant ID, once known."""
        return self.tenant_id.value if self.tenant_id else None

    @property
    def support_partner_id(self) -> str | None:
        """The partner that raises this customer's tickets (see `Relationship`)."""
        return self.relationship.value.support_partner_id if self.relationship else None

    @property
    def number_of_users(self) -> int | None:
        """The customer's users (impact shares), once known."""
        return self.users.value if self.users else None

    @property
    def place(self) -> Location | None:
        """Where the customer is (its business calendar), once known."""
        return self.location.value if self.location else None

    @property
    def name(self) -> str | None:
        """The customer company's name, once known."""
        return self.company_name.value if self.company_name else None

    def belongs_to(self, partner_id: str) -> bool:
        """Whether `partner_id` is the customer's support partner."""
        return self.support_partner_id is not None and self.support_partner_id == partner_id

    def has_subscription(self, number: str) -> bool:
        """Whether `number` (spaces around it ignored) is one of the customer's subscriptions."""
        numbers = self.subscription_numbers.value if self.subscription_numbers else frozenset()
        return number.strip() in numbers


def merge(record: TenantRecord | None, fact: CustomerFact) -> TenantRecord:
    """`record` with `fact` applied; commutative and idempotent (see the module docstring).

    Raises `ValueError` when the fact is about another customer or states a negative
    number of users.
    """
    if record is None:
        record = TenantRecord(fact.customer_id)
    if record.customer_id != fact.customer_id:
        raise ValueError(f"fact about {fact.customer_id} applied to {record.customer_id}")
    if fact.users is not None and (isinstance(fact.users, bool) or fact.users < 0):
        raise ValueError(f"a number of users cannot be {fact.users!r}")
    stamp = fact.stamp
    changes: dict[str, Stamped[object]] = {}
    for group in _GROUPS:
        value = getattr(fact, group)
        if group == "subscription_numbers" and value is not None:
            value = frozenset(n.strip() for n in value if n.strip())
        if value is None:
            continue
        current: Stamped[object] | None = getattr(record, group)
        if current is None or current.stamp < stamp:
            changes[group] = Stamped(value, stamp)
    return dataclasses.replace(record, **changes) if changes else record  # type: ignore[arg-type]
