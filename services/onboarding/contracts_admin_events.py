"""Admin-side contracts, part 1: the command base and every event published (`PUBLISHED_ADMIN`).

See `contracts_admin` for the overview; the commands are there and in
`contracts_admin_groups`.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, cast

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    SecretStr,
    create_model,
)

from services.onboarding.domain import events_admin as ev
from shared.actor import Actor
from shared.domain_events import contracts_by_type, derived_model
from shared.events import Command, Payload

NonEmpty = Annotated[str, Field(min_length=1)]
WriteOnly = Annotated[
    SecretStr,
    PlainSerializer(lambda s: s.get_secret_value(), return_type=str, when_used="json"),
    Field(json_schema_extra={"writeOnly": True}),
]
"""A secret the sender types: masked in repr and logs; hashed or sealed on arrival."""


def revealed(secret: SecretStr | None) -> str | None:
    """The clear text of a write-only field, to hash or seal at once."""
    return None if secret is None else secret.get_secret_value()


class AdminCommand(Command):
    """Base of the admin-side commands."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    EVENT_TYPE: ClassVar[str]

    request_id: NonEmpty = Field(
        description="Idempotency key chosen by the sender: a repeat has no further effect"
    )
    actor: Actor = Field(description="Who sends the command, for which tenant, with which roles")


# -- events ---------------------------------------------------------------------------------


class ReasonOut(BaseModel):
    """A machine-readable reason for a refusal or a denial."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    code: str = Field(description="Stable snake_case code of the rule, e.g. customer_not_linked")
    message: str = Field(description="Explanation for people (English)")
    field: str | None = Field(default=None, description="Command field concerned, if any")


class _Event(Payload):
    model_config = ConfigDict(extra="ignore", frozen=True)
    EVENT_TYPE: ClassVar[str]

    occurred_at: AwareDatetime = Field(description="When it happened")


class _OnBehalfDecisionV1(_Event):
    audit_id: str = Field(description="The audit entry (deterministic per command)")
    request_id: str | None = Field(description="The command's request_id")
    command_type: str = Field(description="CloudEvents type of the command")
    action: str = Field(description="What was to be done, e.g. set_up_sip_device")
    tenant_id: str = Field(description="The customer tenant acted on ('*' for the listing)")
    user_id: str = Field(description="Who acted")
    partner_id: str | None = Field(description="The partner the actor works for")
    actor_tenant_id: str | None = Field(description="The actor's own tenant")
    reseller_partner_id: str | None = Field(
        description="The customer's reseller, when the tenant is known"
    )
    allowed: bool = Field(description="The decision")
    reasons: list[ReasonOut] = Field(description="Why it was denied (empty when allowed)")


class OnBehalfActionAuditedV1(_OnBehalfDecisionV1):
    """A partner administrator was allowed to act on a customer's tenant (audit trail)."""

    EVENT_TYPE: ClassVar[str] = "onboarding.on_behalf.action_audited"


class OnBehalfActionDeniedV1(_OnBehalfDecisionV1):
    """An on-behalf action was denied (not linked, not opted in, no role, …); audited."""

    EVENT_TYPE: ClassVar[str] = "onboarding.on_behalf.action_denied"


class ManageableTenantRow(BaseModel):
    """One tenant a partner administrator may choose."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    tenant_id: str = Field(description="Tenant ID")
    name: str = Field(description="Customer company name")
    main_contact: str = Field(description="Main contact (may be empty when not known)")


class ManageableTenantsListedV1(_Event):
    """The answer to `onboarding.on_behalf.list_tenants`: linked and opted-in tenants only."""

    EVENT_TYPE: ClassVar[str] = "onboarding.on_behalf.tenants_listed"

    request_id: str = Field(description="The query's request_id")
    user_id: str = Field(description="The partner administrator who asked")
    partner_id: str = Field(description="The reseller partner")
    reseller_tenant_id: str = Field(description="The reseller's tenant")
    query: str | None = Field(description="The search text")
    sort_by: str = Field(description="Sort column")
    descending: bool = Field(description="Sorted descending")
    offset: int = Field(description="Rows skipped")
    total: int = Field(description="Matching tenants in all")
    rows: list[ManageableTenantRow] = Field(description="The page of tenants")


class ReportIssueRoutedV1(_Event):
    """Where a user's "report issue" goes: the partner's helpdesk (asking for logs) or the
    vendor's support."""

    EVENT_TYPE: ClassVar[str] = "onboarding.report_issue.routed"

    request_id: str = Field(description="The command's request_id")
    tenant_id: str = Field(description="The user's tenant")
    user_id: str = Field(description="The user who reports")
    reseller_partner_id: str | None = Field(description="The customer's reseller")
    destination: str = Field(description="partner_helpdesk or vendor_support")
    email: str | None = Field(description="The partner's helpdesk address, when it goes there")
    hint: str | None = Field(description="What to ask the user for (attach client logs)")


class CloneGroupRegisteredV1(_Event):
    """The provisioning team built a clone group for a partner; customers are cloned from it."""

    EVENT_TYPE: ClassVar[str] = "onboarding.clone_group.registered"

    partner_id: str = Field(description="The partner")
    clone_group_id: str = Field(description="The clone group's ID")


class _ActionRefusedV1(_Event):
    command_type: str = Field(description="CloudEvents type of the refused command or fact")
    command_id: str = Field(description="CloudEvents id of the refused command or fact")
    request_id: str | None = Field(default=None, description="The command's request_id")
    code: str = Field(
        description="forbidden | validation_failed | illegal_transition | duplicate | not_found"
    )
    reasons: list[ReasonOut] = Field(description="Every reason, one per problem")
    details: dict[str, Any] = Field(default_factory=dict, description="Facts about the refusal")
    partner_id: str | None = Field(default=None, description="The partner concerned")


class OnBehalfActionRefusedV1(_ActionRefusedV1):
    """A command about partner administration or a tenant's settings was refused."""

    EVENT_TYPE: ClassVar[str] = "onboarding.on_behalf.action_refused"

    tenant_id: str = Field(description="The tenant")
    reseller_partner_id: str | None = Field(default=None, description="The customer's reseller")


class DeviceActionRefusedV1(_ActionRefusedV1):
    """A device set-up was refused (invalid PIN, self set-up disabled, …)."""

    EVENT_TYPE: ClassVar[str] = "onboarding.device.action_refused"

    tenant_id: str = Field(description="The tenant")
    user_id: str = Field(description="The user whose device is meant")
    reseller_partner_id: str | None = Field(default=None, description="The customer's reseller")


class GroupActionRefusedV1(_ActionRefusedV1):
    """A customer-group command was refused (group ID taken, CLID not in group, …)."""

    EVENT_TYPE: ClassVar[str] = "onboarding.group.action_refused"

    group_id: str = Field(description="The group (or clone group) meant")


class InventoryActionRefusedV1(_ActionRefusedV1):
    """Numbers could not enter or leave the partner's inventory."""

    EVENT_TYPE: ClassVar[str] = "onboarding.inventory.action_refused"


class ProvisioningActionRefusedV1(_ActionRefusedV1):
    """A provisioning request or its outcome was refused."""

    EVENT_TYPE: ClassVar[str] = "onboarding.provisioning.action_refused"

    provisioning_id: str = Field(description="The provisioning request")


# -- facts consumed: reader views of onboarding's customer facts --------------------------------


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


def _with_reseller(event: type[ev.DomainEvent]) -> type[Payload]:
    """The derived contract of a device event plus the customer's reseller to tell."""
    base = derived_model(event)
    model = create_model(
        base.__name__ + "V1",
        __base__=base,
        __doc__=base.__doc__,
        reseller_partner_id=(
            str | None,
            Field(default=None, description="The customer's reseller (to be told), if any"),
        ),
    )
    return cast(type[Payload], model)


DEVICE_EVENTS: tuple[type[ev.DomainEvent], ...] = (
    ev.DeviceRemoved,
    ev.VendorPhoneSetUp,
    ev.VendorPhoneConfigured,
    ev.VendorPhoneReconfigurationRequested,
    ev.SipDeviceSetUp,
    ev.DeviceSelfSetupSwitched,
)

ADMIN_CONTRACTS: dict[str, type[Payload]] = contracts_by_type(
    _with_reseller(e) for e in DEVICE_EVENTS
)
"""Explicit contracts of domain events, by type (the rest are derived from the dataclass)."""

EMITTED_DOMAIN_EVENTS: tuple[type[ev.DomainEvent], ...] = (
    ev.PartnerAdministrationRequested,
    ev.PartnerAdministrationEnabled,
    ev.PartnerAdministratorGranted,
    ev.PartnerAdministratorRevoked,
    ev.PartnerAdministrationOptedIn,
    ev.PartnerAdministrationOptedOut,
    ev.DataProcessingAgreementRecorded,
    ev.PartnerHelpdeskSwitched,
    *DEVICE_EVENTS,
    ev.GroupCreated,
    ev.GroupNumbersAdded,
    ev.GroupNumbersRemoved,
    ev.BusinessProfileNumberSet,
    ev.BusinessProfileNumberCleared,
    ev.VoicePortalEnabled,
    ev.VoicePortalNumberRemoved,
    ev.GroupAdminUserAdded,
    ev.GroupAdminUserRemoved,
    ev.GroupReadyForUsers,
    ev.GroupNotReady,
    ev.PortedNumbersAddedToInventory,
    ev.PortedNumbersActivated,
    ev.PortNumbersWithdrawn,
    ev.NewNumbersAddedToInventory,
    ev.InventoryNumbersAssigned,
    ev.InventoryNumbersReleased,
    ev.ProvisioningRequested,
    ev.ProvisioningCompleted,
    ev.ProvisioningFailed,
    ev.ReportingPartitionSynchronised,
    ev.RecordingLicencesApplied,
)
"""The domain events this half of onboarding publishes."""

PUBLISHED_ADMIN: list[type[Payload]] = [
    *(ADMIN_CONTRACTS.get(e.name) or derived_model(e) for e in EMITTED_DOMAIN_EVENTS),
    OnBehalfActionAuditedV1,
    OnBehalfActionDeniedV1,
    ManageableTenantsListedV1,
    ReportIssueRoutedV1,
    CloneGroupRegisteredV1,
    OnBehalfActionRefusedV1,
    DeviceActionRefusedV1,
    GroupActionRefusedV1,
    InventoryActionRefusedV1,
    ProvisioningActionRefusedV1,
]
"""Every event model published on `onboarding.events` by this half (for the catalogue)."""
