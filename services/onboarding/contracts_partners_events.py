"""Events onboarding's partner side publishes on `onboarding.events` (the commands are in
`contracts_partners`, which also re-exports `PUBLISHED_PARTNERS`).

Every event is keyed by its aggregate id (`subject`: partner ID, customer ID, activation
request id) and carries every partner ID it concerns in its `*partner_id` fields, so
notifications can e-mail the partners. Explicit models (`...V1`) are written for what other
services read (support: tenant → partners and subscription numbers; notifications); the
other domain events are published with models derived from their dataclasses. Refusals are
`onboarding.<entity>.action_refused`. Readers must ignore fields added later.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from services.onboarding.domain import events as ev
from shared.domain_events import contracts_by_type, derived_model
from shared.events import Payload

# -- events: explicit contracts (read by support, notifications) -------------------------


class _Event(Payload):
    model_config = ConfigDict(extra="ignore", frozen=True, from_attributes=True)
    EVENT_TYPE: ClassVar[str]

    occurred_at: AwareDatetime = Field(description="When it happened")


class PartnerRegisteredV1(_Event):
    """A partner was registered."""

    EVENT_TYPE: ClassVar[str] = "onboarding.partner.registered"

    partner_id: str = Field(description="Vendor-wide partner ID")
    kind: str = Field(description="distributor, reseller or tier1")
    company_name: str = Field(description="Company name")
    country: str = Field(description="ISO 3166-1 alpha-2 country")
    language: str = Field(description="Language to write to it in: en, de, nl")
    distributor_partner_id: str | None = Field(description="A reseller's distributor")


class _CustomerEventV1(_Event):
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


class _ActivationEventV1(_Event):
    request_id: str = Field(description="The activation request")
    partner_id: str = Field(description="The partner that asked for the tenant")
    distributor_partner_id: str | None = Field(description="Its distributor (tier-2)")


class TenantActivatedV1(_ActivationEventV1):
    """The customer's admin activated the tenant and accepted the vendor's terms."""

    EVENT_TYPE: ClassVar[str] = "onboarding.activation.activated"

    tenant_id: str = Field(description="The new tenant")
    customer_id: str | None = Field(description="The customer ID, when the partner gave it")
    company_name: str = Field(description="The customer company")


class CoAdministratorAddedV1(_ActivationEventV1):
    """The partner is co-administrator of the customer's tenant."""

    EVENT_TYPE: ClassVar[str] = "onboarding.tenant.co_admin_added"

    tenant_id: str = Field(description="The tenant")


class LegacyEmailRecordedV1(Payload):
    """An address tied to an older product's tenant: activation requests with it are refused."""

    model_config = ConfigDict(extra="ignore", frozen=True)
    EVENT_TYPE: ClassVar[str] = "onboarding.legacy_email.recorded"

    email: str = Field(description="The address, normalised (trimmed, lower case)")
    legacy_tenant_id: str = Field(description="The older product's tenant")
    occurred_at: AwareDatetime = Field(description="When it was recorded")


# -- refusals ------------------------------------------------------------------------------


class ReasonOut(BaseModel):
    """A machine-readable reason for a refusal."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    code: str = Field(description="Stable snake_case code of the rule, e.g. forbidden")
    message: str = Field(description="Explanation for people (English)")
    field: str | None = Field(default=None, description="Command field concerned, if any")


class _ActionRefusedV1(Payload):
    model_config = ConfigDict(extra="ignore", frozen=True)
    EVENT_TYPE: ClassVar[str]

    command_type: str = Field(description="CloudEvents type of the refused command")
    command_id: str = Field(description="CloudEvents id of the refused command")
    request_id: str | None = Field(default=None, description="The command's request_id")
    code: str = Field(
        description="forbidden | validation_failed | illegal_transition | duplicate | not_found"
    )
    reasons: list[ReasonOut] = Field(description="Every reason, one per problem")
    details: dict[str, Any] = Field(default_factory=dict, description="Facts about the refusal")
    status: str | None = Field(default=None, description="State of the aggregate, if any")
    partner_id: str | None = Field(default=None, description="The partner the command is about")
    distributor_partner_id: str | None = Field(
        default=None, description="That partner's distributor, when it is told too"
    )
    occurred_at: AwareDatetime = Field(description="When it was refused")


class PartnerActionRefusedV1(_ActionRefusedV1):
    """A partner, reseller-programme or provider-onboarding command was refused."""

    EVENT_TYPE: ClassVar[str] = "onboarding.partner.action_refused"


class CustomerActionRefusedV1(_ActionRefusedV1):
    """A licence command was refused (also an activation that named another partner's
    customer)."""

    EVENT_TYPE: ClassVar[str] = "onboarding.customer.action_refused"

    customer_id: str = Field(description="The customer")


class OrderRefusedV1(_ActionRefusedV1):
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


class ActivationActionRefusedV1(_ActionRefusedV1):
    """An activation request command was refused (incomplete data, legacy address, …)."""

    EVENT_TYPE: ClassVar[str] = "onboarding.activation.action_refused"

    activation_request_id: str = Field(description="The activation request")


class LegacyEmailActionRefusedV1(_ActionRefusedV1):
    """Recording a legacy address was refused."""

    EVENT_TYPE: ClassVar[str] = "onboarding.legacy_email.action_refused"


# -- what is published -------------------------------------------------------------------

PARTNER_CONTRACTS: dict[str, type[Payload]] = contracts_by_type(
    [
        PartnerRegisteredV1,
        CustomerRecordedV1,
        RelationshipRecordedV1,
        RelationshipChangedV1,
        CustomerSubscriptionsChangedV1,
        LicencesUpdatedV1,
        TenantAssignedV1,
        UserLicenceAssignedV1,
        UserLicenceUnassignedV1,
        TenantActivatedV1,
        CoAdministratorAddedV1,
    ]
)
"""Explicit contracts of domain events, by type (the rest are derived from the dataclass)."""

EMITTED_DOMAIN_EVENTS: tuple[type[ev.DomainEvent], ...] = (
    ev.PartnerRegistered,
    ev.PartnerContactsChanged,
    ev.ResellerRegistered,
    ev.WebinarCompleted,
    ev.ResellerTrainingCompleted,
    ev.CertificationTestTaken,
    ev.ResellerAuthorised,
    ev.AgreementSigned,
    ev.TermsUrlPassed,
    ev.EStoreActivated,
    ev.EStoreLinked,
    ev.ResellerReadyToSell,
    ev.OnboardingOrderReceived,
    ev.OnboardingOrderConfirmed,
    ev.OnboardingOrderConfirmationOverdue,
    ev.ProvisioningCoordinatorAssigned,
    ev.PartnerAccountCreated,
    ev.KickOffCallArranged,
    ev.ProviderTrainingCompleted,
    ev.PlatformAccessWentLive,
    ev.CustomerRecorded,
    ev.RelationshipRecorded,
    ev.RelationshipChanged,
    ev.CustomerSubscriptionsChanged,
    ev.LicencesUpdated,
    ev.TenantAssigned,
    ev.UserLicenceAssigned,
    ev.UserLicenceUnassigned,
    ev.ActivationRequested,
    ev.ActivationRequestForwarded,
    ev.ActivationRequestReturned,
    ev.InvitationSent,
    ev.InvitationOverdue,
    ev.InvitationExpired,
    ev.InvitationResent,
    ev.TenantActivated,
    ev.CoAdministratorAdded,
)
"""The domain events this half of onboarding publishes."""

PUBLISHED_PARTNERS: list[type[Payload]] = [
    *(PARTNER_CONTRACTS.get(e.name) or derived_model(e) for e in EMITTED_DOMAIN_EVENTS),
    LegacyEmailRecordedV1,
    PartnerActionRefusedV1,
    CustomerActionRefusedV1,
    OrderRefusedV1,
    ActivationActionRefusedV1,
    LegacyEmailActionRefusedV1,
]
"""Every event model published on `onboarding.events` by this half (for the catalogue)."""
