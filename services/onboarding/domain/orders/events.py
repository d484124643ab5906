"""Events of customers, relationships and licences from orders (§1.1)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from services.onboarding.domain.event import DomainEvent
from services.onboarding.domain.orders.licence_balance import LicenceBalance

# -- §1.1 customers, relationships and licences from orders -----------------------


@dataclass(frozen=True, kw_only=True)
class _CustomerEvent(DomainEvent):
    customer_id: str
    tenant_id: str | None
    distributor_partner_id: str | None
    reseller_partner_id: str | None
    tier1_partner_id: str | None
    occurred_at: datetime
    customer_partner_id: str | None = None  # the customer is itself this partner


@dataclass(frozen=True, kw_only=True)
class CustomerRecorded(_CustomerEvent):
    name = "onboarding.customer.recorded"
    company_name: str
    country: str
    subscription_numbers: tuple[str, ...]  # sorted
    main_contact_name: str | None = None
    main_contact_email: str | None = None


@dataclass(frozen=True, kw_only=True)
class RelationshipRecorded(_CustomerEvent):
    name = "onboarding.relationship.recorded"
    channel: str
    distributor_acts_as_reseller: bool
    order_id: str


@dataclass(frozen=True, kw_only=True)
class RelationshipChanged(_CustomerEvent):
    """A later order names other partners: the customer now belongs to them."""

    name = "onboarding.relationship.changed"
    channel: str
    distributor_acts_as_reseller: bool
    order_id: str
    previous_partner_ids: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class CustomerSubscriptionsChanged(_CustomerEvent):
    name = "onboarding.customer.subscriptions_changed"
    subscription_numbers: tuple[str, ...]  # sorted


@dataclass(frozen=True, kw_only=True)
class LicencesUpdated(_CustomerEvent):
    name = "onboarding.licences.updated"
    cause: str  # "order", "licences_used" or "licences_released"
    order_id: str | None
    balances: tuple[LicenceBalance, ...]


@dataclass(frozen=True, kw_only=True)
class TenantAssigned(_CustomerEvent):
    name = "onboarding.customer.tenant_assigned"


@dataclass(frozen=True, kw_only=True)
class UserLicenceAssigned(_CustomerEvent):
    """A user of the customer's tenant holds one licence of `package`."""

    name = "onboarding.licences.user_assigned"
    user_id: str
    package: str


@dataclass(frozen=True, kw_only=True)
class UserLicenceUnassigned(_CustomerEvent):
    """The user's licence was taken back (it is available again)."""

    name = "onboarding.licences.user_unassigned"
    user_id: str
    package: str
