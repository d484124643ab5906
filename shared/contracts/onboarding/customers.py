"""Customers, their relationships to partners and their licences, from the order systems'
events (§1.1); licences used, released and assigned to named users.

Facts: `onboarding.customer.*`, `onboarding.relationship.*`, `onboarding.licences.*`
(support reads them: tenant → partners and subscription numbers). An order that breaks a
rule is answered by `onboarding.order.refused`; a refused licence command by
`onboarding.customer.action_refused` (e.g. `not_enough_licences`, `user_already_licensed`).
A licence assigned to a user is one of the customer's licences in use, held by that user
of the customer's tenant: that is how onboarding knows, without trusting a command's word,
which users belong to a tenant and whether they are paid (§1.6).
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.common import MAX_COUNT, NonEmpty, PartnerCommand
from shared.contracts.onboarding._base import (
    OnboardingEvent,
    RefusalToPartner,
)
from shared.events import Payload
from shared.identifiers import Identifier

# -- commands ------------------------------------------------------------------------------


class _LicenceCommand(PartnerCommand):
    customer_id: Identifier = Field(description="The customer whose licences are meant")
    package: NonEmpty = Field(description="Product package, e.g. Enterprise")
    count: int = Field(ge=1, le=MAX_COUNT, description="How many licences")


class UseLicences(_LicenceCommand):
    """Take licences of a package into use (never more than are available)."""

    EVENT_TYPE: ClassVar[str] = "onboarding.licences.use"


class ReleaseLicences(_LicenceCommand):
    """Give back licences of a package that were in use."""

    EVENT_TYPE: ClassVar[str] = "onboarding.licences.release"


class AssignLicence(PartnerCommand):
    """Give a user of the customer's tenant one licence of a package (one per user)."""

    EVENT_TYPE: ClassVar[str] = "onboarding.licences.assign_to_user"

    customer_id: Identifier = Field(description="The customer whose licence it is")
    package: NonEmpty = Field(description="Product package, e.g. Enterprise")
    user_id: Identifier = Field(description="The user of the customer's tenant (platform user ID)")


class UnassignLicence(PartnerCommand):
    """Take a user's licence back (it is available again)."""

    EVENT_TYPE: ClassVar[str] = "onboarding.licences.unassign_from_user"

    customer_id: Identifier = Field(description="The customer whose licence it is")
    user_id: Identifier = Field(description="The user holding it")


# -- events --------------------------------------------------------------------------------


class _CustomerEventV1(OnboardingEvent):
    customer_id: str = Field(description="The order systems' customer ID")
    tenant_id: str | None = Field(description="The customer's tenant, once known")
    distributor_partner_id: str | None = Field(description="Indirect: the distributor")
    reseller_partner_id: str | None = Field(
        description="Indirect: the reseller (the distributor's own ID when it acts as reseller)"
    )
    tier1_partner_id: str | None = Field(description="Direct: the tier-1 partner")
    customer_partner_id: str | None = Field(
        default=None,
        description="When the customer is itself a channel partner (its own tenant, e.g. a "
        "reseller's): that partner's ID, from its orders",
    )


class CustomerRecordedV1(_CustomerEventV1):
    """A customer was seen for the first time in an order."""

    EVENT_TYPE: ClassVar[str] = "onboarding.customer.recorded"

    company_name: str = Field(description="Legal name of the customer company")
    country: str = Field(description="ISO 3166-1 alpha-2 country")
    subscription_numbers: list[str] = Field(
        description="Subscription / service-contract numbers (sorted); support checks tickets"
    )
    main_contact_name: str | None = Field(
        default=None, description="The customer's main contact (shown to partner admins)"
    )
    main_contact_email: str | None = Field(
        default=None, description="The main contact's e-mail address"
    )


class RelationshipRecordedV1(_CustomerEventV1):
    """Distributor → reseller → customer (or tier-1 → customer) recorded from an order."""

    EVENT_TYPE: ClassVar[str] = "onboarding.relationship.recorded"

    channel: str = Field(description="estore or classic")
    distributor_acts_as_reseller: bool = Field(description="The distributor is the reseller")
    order_id: str = Field(description="The order it came from")


class RelationshipChangedV1(_CustomerEventV1):
    """A later order names other partners: the customer now belongs to them."""

    EVENT_TYPE: ClassVar[str] = "onboarding.relationship.changed"

    channel: str = Field(description="estore or classic")
    distributor_acts_as_reseller: bool = Field(description="The distributor is the reseller")
    order_id: str = Field(description="The order that changed it")
    previous_partner_ids: list[str] = Field(description="The partners it belonged to before")


class CustomerSubscriptionsChangedV1(_CustomerEventV1):
    """The customer's subscription numbers changed (an order added or cancelled one)."""

    EVENT_TYPE: ClassVar[str] = "onboarding.customer.subscriptions_changed"

    subscription_numbers: list[str] = Field(description="All current numbers (sorted)")


class LicenceBalanceOut(BaseModel):
    """One package in the customer's licence ledger."""

    model_config = ConfigDict(extra="ignore", frozen=True, from_attributes=True)

    package: str = Field(description="Product package")
    ordered: int = Field(description="Licences in orders that are not cancelled")
    used: int = Field(description="Licences in use")
    available: int = Field(description="ordered - used, never below 0")
    shortfall: int = Field(description="Licences in use beyond those ordered")


class LicencesUpdatedV1(_CustomerEventV1):
    """The licence ledger changed (an order, or licences used or released)."""

    EVENT_TYPE: ClassVar[str] = "onboarding.licences.updated"

    cause: str = Field(
        description="order, licences_used, licences_released, licence_assigned or "
        "licence_unassigned"
    )
    order_id: str | None = Field(description="The order, when an order caused it")
    balances: list[LicenceBalanceOut] = Field(description="Every package of the ledger")


class TenantAssignedV1(_CustomerEventV1):
    """The customer's tenant is known (from an order or from the tenant activation)."""

    EVENT_TYPE: ClassVar[str] = "onboarding.customer.tenant_assigned"


class UserLicenceAssignedV1(_CustomerEventV1):
    """A user of the customer's tenant holds one licence of `package` (from the ledger)."""

    EVENT_TYPE: ClassVar[str] = "onboarding.licences.user_assigned"

    user_id: str = Field(description="The user (platform user ID)")
    package: str = Field(description="The package of the licence")


class UserLicenceUnassignedV1(_CustomerEventV1):
    """The user's licence was taken back; it is available again."""

    EVENT_TYPE: ClassVar[str] = "onboarding.licences.user_unassigned"

    user_id: str = Field(description="The user (platform user ID)")
    package: str = Field(description="The package of the licence")


class CustomerActionRefusedV1(RefusalToPartner):
    """A licence command was refused (also an activation that named another partner's
    customer)."""

    EVENT_TYPE: ClassVar[str] = "onboarding.customer.action_refused"

    customer_id: str = Field(description="The customer")


class OrderRefusedV1(RefusalToPartner):
    """An order event was not taken in (`domain.order_rules`): terms not accepted, a paid
    plan or an unlinked reseller through the e-store, a legacy tenant. Nothing changed; the
    order system sends a corrected version. `command_type`/`command_id` are the order
    event's type and id."""

    EVENT_TYPE: ClassVar[str] = "onboarding.order.refused"

    customer_id: str = Field(description="The customer the order is for")
    order_id: str = Field(description="The order")
    order_version: int = Field(description="The refused version of the order")
    reseller_partner_id: str | None = Field(default=None, description="Indirect: the reseller")
    tier1_partner_id: str | None = Field(default=None, description="Direct: the tier-1 partner")


COMMANDS: list[type[PartnerCommand]] = [
    UseLicences,
    ReleaseLicences,
    AssignLicence,
    UnassignLicence,
]
"""The commands of this concept."""


EVENTS: list[type[Payload]] = [
    CustomerRecordedV1,
    RelationshipRecordedV1,
    RelationshipChangedV1,
    CustomerSubscriptionsChangedV1,
    LicencesUpdatedV1,
    TenantAssignedV1,
    UserLicenceAssignedV1,
    UserLicenceUnassignedV1,
    CustomerActionRefusedV1,
    OrderRefusedV1,
]
"""The facts of this concept published on `onboarding.events`."""
