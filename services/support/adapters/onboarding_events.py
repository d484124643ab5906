"""Narrow, tolerant reader views of onboarding's events (only what support reads).

Until onboarding's contracts live in `shared/contracts/onboarding` (branch `contracts`),
support reads its events through these models, matched by CloudEvents type: unknown fields
are ignored, optional ones may be missing, and nothing here imports `services.onboarding`.
When that package lands on main, these are replaced by imports from it.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from shared.events import Payload


class _Fact(Payload):
    model_config = ConfigDict(extra="ignore", frozen=True)
    EVENT_TYPE: ClassVar[str]

    occurred_at: AwareDatetime = Field(description="When it happened")


class PartnerRegisteredIn(_Fact):
    """Read: a partner exists, in this country (the calendar its tickets fall back on)."""

    EVENT_TYPE: ClassVar[str] = "onboarding.partner.registered"

    partner_id: str
    company_name: str | None = None
    country: str | None = Field(default=None, description="ISO 3166-1 alpha-2")


class _CustomerFact(_Fact):
    customer_id: str = Field(description="The order systems' customer ID")
    tenant_id: str | None = None
    distributor_partner_id: str | None = None
    reseller_partner_id: str | None = None
    tier1_partner_id: str | None = None


class CustomerRecordedIn(_CustomerFact):
    """Read: the customer, its country and its subscription numbers."""

    EVENT_TYPE: ClassVar[str] = "onboarding.customer.recorded"

    company_name: str | None = None
    country: str | None = None
    subscription_numbers: list[str] | None = None


class RelationshipRecordedIn(_CustomerFact):
    """Read: the customer's partners."""

    EVENT_TYPE: ClassVar[str] = "onboarding.relationship.recorded"


class RelationshipChangedIn(_CustomerFact):
    """Read: the customer now belongs to other partners."""

    EVENT_TYPE: ClassVar[str] = "onboarding.relationship.changed"


class SubscriptionsChangedIn(_CustomerFact):
    """Read: all the customer's current subscription numbers."""

    EVENT_TYPE: ClassVar[str] = "onboarding.customer.subscriptions_changed"

    subscription_numbers: list[str] | None = None


class TenantAssignedIn(_CustomerFact):
    """Read: the customer's tenant ID."""

    EVENT_TYPE: ClassVar[str] = "onboarding.customer.tenant_assigned"


class LicenceBalanceIn(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    package: str
    used: int = 0


class LicencesUpdatedIn(_CustomerFact):
    """Read: the licence ledger (its licences in use give the number of users)."""

    EVENT_TYPE: ClassVar[str] = "onboarding.licences.updated"

    balances: list[LicenceBalanceIn] | None = None


class TenantActivatedIn(_Fact):
    """Read: a tenant activated for a partner's customer."""

    EVENT_TYPE: ClassVar[str] = "onboarding.activation.activated"

    tenant_id: str
    partner_id: str
    distributor_partner_id: str | None = None
    customer_id: str | None = None
    company_name: str | None = None


ONBOARDING_FACTS: tuple[type[Payload], ...] = (
    PartnerRegisteredIn,
    CustomerRecordedIn,
    RelationshipRecordedIn,
    RelationshipChangedIn,
    SubscriptionsChangedIn,
    TenantAssignedIn,
    LicencesUpdatedIn,
    TenantActivatedIn,
)
"""Every onboarding event support reads."""
