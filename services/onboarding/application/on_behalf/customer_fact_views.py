"""Onboarding's reader views of its own customer facts (`onboarding.events`).

The on-behalf half keeps a read model of which tenant belongs to which reseller from the
customer facts the orders half publishes (`shared.contracts.onboarding.customers`). It
reads them as a tolerant reader: only the fields it needs, everything optional, the rest
ignored. These are not published contracts: the published shapes are the `...V1` models.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from shared.events import Payload


class LicenceBalanceIn(BaseModel):
    """One package of a customer's licence ledger (only what is read)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    package: str = Field(description="Product package")
    ordered: int = Field(default=0, description="Licences in orders that are not cancelled")


class _CustomerFactIn(Payload):
    """Reader view of a customer fact the partners half publishes from orders: which tenant
    belongs to which reseller. Only the fields read here; the rest is ignored."""

    model_config = ConfigDict(extra="ignore", frozen=True)
    EVENT_TYPE: ClassVar[str]

    customer_id: str = Field(description="The order systems' customer ID")
    tenant_id: str | None = Field(default=None, description="The customer's tenant, once known")
    distributor_partner_id: str | None = Field(default=None, description="The distributor")
    reseller_partner_id: str | None = Field(default=None, description="The reseller")
    tier1_partner_id: str | None = Field(default=None, description="Direct: the tier-1 partner")
    customer_partner_id: str | None = Field(
        default=None, description="The customer is itself this partner (its own tenant)"
    )
    company_name: str | None = Field(default=None, description="The customer company")
    country: str | None = Field(default=None, description="ISO 3166-1 alpha-2 country")
    balances: list[LicenceBalanceIn] | None = Field(
        default=None, description="The licence ledger, when it changed"
    )
    user_id: str | None = Field(default=None, description="The user a licence concerns")
    package: str | None = Field(default=None, description="The package of that licence")


class CustomerRecordedIn(_CustomerFactIn):
    """Read: a customer was seen for the first time in an order."""

    EVENT_TYPE: ClassVar[str] = "onboarding.customer.recorded"


class RelationshipRecordedIn(_CustomerFactIn):
    """Read: the customer's partners, from an order."""

    EVENT_TYPE: ClassVar[str] = "onboarding.relationship.recorded"


class RelationshipChangedIn(_CustomerFactIn):
    """Read: a later order names other partners."""

    EVENT_TYPE: ClassVar[str] = "onboarding.relationship.changed"


class TenantAssignedIn(_CustomerFactIn):
    """Read: the customer's tenant is known."""

    EVENT_TYPE: ClassVar[str] = "onboarding.customer.tenant_assigned"


class LicencesUpdatedIn(_CustomerFactIn):
    """Read: the customer's licence ledger changed (paid or not)."""

    EVENT_TYPE: ClassVar[str] = "onboarding.licences.updated"


class UserLicenceAssignedIn(_CustomerFactIn):
    """Read: a user of the customer's tenant holds a licence of `package`."""

    EVENT_TYPE: ClassVar[str] = "onboarding.licences.user_assigned"


class UserLicenceUnassignedIn(_CustomerFactIn):
    """Read: the user's licence was taken back."""

    EVENT_TYPE: ClassVar[str] = "onboarding.licences.user_unassigned"


CUSTOMER_FACTS_READ: tuple[type[Payload], ...] = (
    CustomerRecordedIn,
    RelationshipRecordedIn,
    RelationshipChangedIn,
    TenantAssignedIn,
    LicencesUpdatedIn,
    UserLicenceAssignedIn,
    UserLicenceUnassignedIn,
)
"""Onboarding's own customer facts this half reads (tolerant reader of their contracts)."""
