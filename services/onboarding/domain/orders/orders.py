"""Customers, their partner relationship and licence ledger, all derived from orders (§1.1).

`CustomerAccount` (id = customer ID) is one document. It keeps, per order id, only the
newest version of that order (`Order` is a full snapshot of the order at its version) and
derives everything else from that set: the licence ledger, the subscription numbers, the
customer's details and the distributor → reseller → customer relationship. So a
duplicate changes nothing, a stale version is ignored, and any arrival order of the same
order events converges to the same state.

Product decisions:
- Versions of one order are ordered by `version`; for equal versions a cancellation beats
  an amendment beats a placement, so even an inconsistent sender converges.
- The relationship and the customer's details follow the most recent order by
  `occurred_at` (then order id), cancelled orders only when nothing else is left: a later
  order naming another reseller moves the customer to it (`onboarding.relationship.changed`).
- Only orders that are not cancelled count for licences and subscription numbers.
- An amendment or cancellation never refused for lack of licences: when licences in use
  exceed those ordered, `available` stays 0 and `shortfall` says by how many.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TypedDict

from services.onboarding.domain.errors import (
    OrderForAnotherCustomer,
    Reason,
    ValidationFailed,
)
from services.onboarding.domain.event import DomainEvent
from services.onboarding.domain.orders.events import (
    CustomerRecorded,
    CustomerSubscriptionsChanged,
    LicencesUpdated,
    RelationshipChanged,
    RelationshipRecorded,
    TenantAssigned,
)
from services.onboarding.domain.orders.licences import LicenceBalance, LicenceLedger

__all__ = ["LicenceBalance", "LicenceLedger"]  # the ledger's parts live in `licences`


class Channel(StrEnum):
    """How the order reached the vendor."""

    ESTORE = "estore"  # the reseller's syndicated e-store
    CLASSIC = "classic"  # the classic order process


class OrderStatus(StrEnum):
    PLACED = "placed"
    AMENDED = "amended"
    CANCELLED = "cancelled"


_STATUS_RANK = {OrderStatus.PLACED: 0, OrderStatus.AMENDED: 1, OrderStatus.CANCELLED: 2}


@dataclass(frozen=True)
class OrderLine:
    package: str  # e.g. "Enterprise", "Professional", "Team", "Free"
    licences: int


@dataclass(frozen=True)
class MainContact:
    name: str
    email: str
    phone: str | None = None


@dataclass(frozen=True)
class CustomerDetails:
    customer_id: str
    company_name: str
    country: str
    time_zone: str
    main_contact: MainContact
    partner_id: str | None = None  # the customer is this channel partner (its own tenant)


@dataclass(frozen=True)
class Relationship:
    """Who sells to the customer: distributor → reseller, or a tier-1 partner directly."""

    channel: Channel
    distributor_partner_id: str | None = None
    reseller_partner_id: str | None = None
    tier1_partner_id: str | None = None

    @property
    def is_direct(self) -> bool:
        return self.tier1_partner_id is not None

    @property
    def distributor_acts_as_reseller(self) -> bool:
        return self.distributor_partner_id is not None and (
            self.distributor_partner_id == self.reseller_partner_id
        )

    @property
    def partner_ids(self) -> tuple[str, ...]:
        ids = (self.distributor_partner_id, self.reseller_partner_id, self.tier1_partner_id)
        return tuple(dict.fromkeys(i for i in ids if i))

    def same_partners(self, other: Relationship) -> bool:
        return self.partner_ids == other.partner_ids and self.is_direct == other.is_direct


@dataclass(frozen=True)
class Order:
    """One version of an order, as a full snapshot (what the order system published)."""

    order_id: str
    version: int
    status: OrderStatus
    occurred_at: datetime
    customer: CustomerDetails
    relationship: Relationship
    lines: tuple[OrderLine, ...] = ()
    tenant_id: str | None = None
    subscription_number: str | None = None
    reseller_terms_accepted: bool | None = None  # None: the order did not say
    vendor_terms_accepted: bool | None = None

    def __post_init__(self) -> None:
        reasons = _order_reasons(self)
        if reasons:
            raise ValidationFailed(reasons)

    @property
    def counts(self) -> bool:
        """Whether its lines and subscription count (it is not cancelled)."""
        return self.status is not OrderStatus.CANCELLED

    def supersedes(self, other: Order) -> bool:
        return (self.version, _STATUS_RANK[self.status]) > (
            other.version,
            _STATUS_RANK[other.status],
        )


def _order_reasons(order: Order) -> list[Reason]:
    reasons: list[Reason] = []
    if not order.order_id.strip():
        reasons.append(Reason("missing", "order_id is required", "order_id"))
    if order.version < 1:
        reasons.append(Reason("invalid_version", "order version starts at 1", "order_version"))
    if order.occurred_at.tzinfo is None:
        reasons.append(Reason("naive_time", "occurred_at needs a time zone", "occurred_at"))
    if not order.customer.customer_id.strip():
        reasons.append(Reason("missing", "customer_id is required", "customer.customer_id"))
    rel = order.relationship
    indirect = rel.distributor_partner_id or rel.reseller_partner_id
    if rel.tier1_partner_id and indirect:
        reasons.append(
            Reason("ambiguous_channel", "an order is direct (tier-1) or indirect, not both")
        )
    elif not rel.tier1_partner_id and not (rel.distributor_partner_id and rel.reseller_partner_id):
        reasons.append(
            Reason(
                "partners_missing",
                "an indirect order names distributor and reseller; a direct one the tier-1",
            )
        )
    for index, line in enumerate(order.lines):
        if not line.package.strip():
            reasons.append(Reason("missing", "package is required", f"lines[{index}].package"))
        if line.licences < 0:
            reasons.append(
                Reason("negative_licences", "licences cannot be negative", f"lines[{index}]")
            )
    return reasons


@dataclass
class CustomerAccount(LicenceLedger):
    """An end customer: its tenant, partners, subscriptions and licence ledger."""

    customer_id: str
    recorded_at: datetime
    orders: dict[str, Order] = field(default_factory=dict)
    used: dict[str, int] = field(default_factory=dict)
    assigned_tenant_id: str | None = None
    licensed_users: dict[str, str] = field(default_factory=dict)  # user ID -> package

    @classmethod
    def from_order(cls, order: Order, now: datetime) -> tuple[CustomerAccount, list[DomainEvent]]:
        """Record a new customer from the first order event seen for it (any kind)."""
        account = cls(order.customer.customer_id, recorded_at=now, orders={order.order_id: order})
        rel = account.relationship
        events: list[DomainEvent] = [
            CustomerRecorded(
                **account._about(now),
                company_name=account.details.company_name,
                country=account.details.country,
                subscription_numbers=tuple(sorted(account.subscription_numbers)),
                main_contact_name=account.details.main_contact.name,
                main_contact_email=account.details.main_contact.email,
            ),
            RelationshipRecorded(
                **account._about(now),
                channel=str(rel.channel),
                distributor_acts_as_reseller=rel.distributor_acts_as_reseller,
                order_id=order.order_id,
            ),
        ]
        if account.ledger:
            events.append(account._licences_updated("order", order.order_id, now))
        return account, events

    # -- derived state -----------------------------------------------------------

    def _latest(self, live_only: bool) -> Order | None:
        candidates = [o for o in self.orders.values() if o.counts or not live_only]
        return max(candidates, key=lambda o: (o.occurred_at, o.order_id), default=None)

    @property
    def latest_order(self) -> Order:
        """The most recent order that counts, else the most recent one."""
        latest = self._latest(live_only=True) or self._latest(live_only=False)
        assert latest is not None  # an account always has its first order
        return latest

    @property
    def relationship(self) -> Relationship:
        return self.latest_order.relationship

    @property
    def details(self) -> CustomerDetails:
        return self.latest_order.customer

    @property
    def tenant_id(self) -> str | None:
        if self.assigned_tenant_id:
            return self.assigned_tenant_id
        with_tenant = [o for o in self.orders.values() if o.tenant_id]
        latest = max(with_tenant, key=lambda o: (o.occurred_at, o.order_id), default=None)
        return latest.tenant_id if latest else None

    @property
    def subscription_numbers(self) -> frozenset[str]:
        """Subscription / service-contract numbers support checks tickets against."""
        return frozenset(
            o.subscription_number
            for o in self.orders.values()
            if o.counts and o.subscription_number
        )

    def has_subscription(self, number: str) -> bool:
        return number.strip() in self.subscription_numbers

    @property
    def licences_ordered(self) -> dict[str, int]:
        totals: Counter[str] = Counter()
        for order in self.orders.values():
            if order.counts:
                for line in order.lines:
                    totals[line.package] += line.licences
        return dict(totals)

    @property
    def ledger(self) -> dict[str, LicenceBalance]:
        """Package → ordered/used/available, from the current orders and licences used."""
        ordered = self.licences_ordered
        packages = sorted(set(ordered) | {p for p, n in self.used.items() if n})
        return {p: LicenceBalance(p, ordered.get(p, 0), self.used.get(p, 0)) for p in packages}

    # -- orders --------------------------------------------------------------------

    def apply_order(self, order: Order, now: datetime) -> list[DomainEvent]:
        """Take in an order event; duplicates and stale versions change nothing."""
        if order.customer.customer_id != self.customer_id:
            raise OrderForAnotherCustomer(
                "the order names another customer",
                details={"customer_id": self.customer_id, "order_id": order.order_id},
            )
        current = self.orders.get(order.order_id)
        if current is not None and not order.supersedes(current):
            return []
        before_rel, before_ledger = self.relationship, self.ledger
        before_subs, before_tenant = self.subscription_numbers, self.tenant_id
        self.orders[order.order_id] = order
        events: list[DomainEvent] = []
        rel = self.relationship
        if not rel.same_partners(before_rel):
            events.append(
                RelationshipChanged(
                    **self._about(now),
                    channel=str(rel.channel),
                    distributor_acts_as_reseller=rel.distributor_acts_as_reseller,
                    order_id=order.order_id,
                    previous_partner_ids=before_rel.partner_ids,
                )
            )
        if self.tenant_id != before_tenant and self.tenant_id is not None:
            events.append(self._tenant_assigned(now))
        if self.subscription_numbers != before_subs:
            events.append(
                CustomerSubscriptionsChanged(
                    **self._about(now),
                    subscription_numbers=tuple(sorted(self.subscription_numbers)),
                )
            )
        if self.ledger != before_ledger:
            events.append(self._licences_updated("order", order.order_id, now))
        return events

    def assign_tenant(self, tenant_id: str, now: datetime) -> list[DomainEvent]:
        """The tenant created by activation (§1.5) now holds this customer's licences."""
        if not tenant_id.strip():
            raise ValidationFailed([Reason("missing", "tenant_id is required", "tenant_id")])
        if self.assigned_tenant_id == tenant_id:
            return []
        self.assigned_tenant_id = tenant_id
        return [self._tenant_assigned(now)]

    # -- events ------------------------------------------------------------------

    def _licences_updated(self, cause: str, order_id: str | None, now: datetime) -> LicencesUpdated:
        return LicencesUpdated(
            **self._about(now),
            cause=cause,
            order_id=order_id,
            balances=tuple(self.ledger.values()),
        )

    def _tenant_assigned(self, now: datetime) -> TenantAssigned:
        return TenantAssigned(**self._about(now))

    def _about(self, now: datetime) -> _EventHeader:
        """What every customer event carries: customer, tenant and the partners to tell."""
        rel = self.relationship
        return {
            "customer_id": self.customer_id,
            "tenant_id": self.tenant_id,
            "distributor_partner_id": rel.distributor_partner_id,
            "reseller_partner_id": rel.reseller_partner_id,
            "tier1_partner_id": rel.tier1_partner_id,
            "customer_partner_id": self.details.partner_id,
            "occurred_at": now,
        }


class _EventHeader(TypedDict):
    customer_id: str
    tenant_id: str | None
    distributor_partner_id: str | None
    reseller_partner_id: str | None
    tier1_partner_id: str | None
    customer_partner_id: str | None
    occurred_at: datetime
