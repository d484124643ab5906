"""Partner administration on behalf of a customer (§1.6): the reseller enabled on its own
tenant, the partner-administrator role, the customer's opt-in and opt-out, the data
processing agreement, the tenants a partner administrator may choose, "report issue".

Every on-behalf decision — allowed or denied — is audited:
`onboarding.on_behalf.action_audited` / `.action_denied`. Queries are answered by
`onboarding.on_behalf.tenants_listed` and `onboarding.report_issue.routed`. Refusals:
`onboarding.on_behalf.action_refused`.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from shared.contracts.common import MAX_COUNT, ActionRefused, NonEmpty, PartnerCommand, Reason
from shared.contracts.onboarding._base import (
    OnboardingEvent,
    TenantCommand,
)
from shared.events import Payload
from shared.identifiers import Identifier

# -- commands ------------------------------------------------------------------------------


class RequestPartnerAdministration(TenantCommand):
    """The reseller asks to be enabled, naming its own tenant ID and partner ID (refused
    unless the tenant's orders name the partner as the customer: its own tenant)."""

    EVENT_TYPE: ClassVar[str] = "onboarding.on_behalf.request"

    partner_id: Identifier = Field(description="The reseller's (or tier-1 partner's) partner ID")
    domain: NonEmpty = Field(description='Shown to customers: "Administration by partner <domain>"')


class EnablePartnerAdministration(TenantCommand):
    """Cloud operations set the partner admin ID (only on a tenant with a paid subscription)."""

    EVENT_TYPE: ClassVar[str] = "onboarding.on_behalf.enable"


class GrantPartnerAdministrator(TenantCommand):
    """The reseller's tenant admin grants the role to a paid user of the reseller's tenant
    (one holding a licence of a paid package of that tenant, per the licence records)."""

    EVENT_TYPE: ClassVar[str] = "onboarding.on_behalf.grant_role"

    user_id: Identifier = Field(description="The user to get the role")
    user_tenant_id: Identifier | None = Field(
        default=None,
        description="Not read (kept so that older senders stay valid): the user's tenant is "
        "taken from onboarding's licence records (`onboarding.licences.assign_to_user`)",
    )
    user_licence_package: str | None = Field(
        default=None,
        description="Not read (kept so that older senders stay valid): whether the user is "
        "paid is taken from the licence the records say the user holds",
    )


class RevokePartnerAdministrator(TenantCommand):
    """The reseller's tenant admin takes the role away; the next on-behalf check fails."""

    EVENT_TYPE: ClassVar[str] = "onboarding.on_behalf.revoke_role"

    user_id: Identifier = Field(description="The user who loses the role")


class OptInPartnerAdministration(TenantCommand):
    """The customer's admin lets its reseller administer the tenant (reseller enabled first)."""

    EVENT_TYPE: ClassVar[str] = "onboarding.on_behalf.opt_in"


class OptOutPartnerAdministration(TenantCommand):
    """The customer's admin ends administration by the partner; access ends at once."""

    EVENT_TYPE: ClassVar[str] = "onboarding.on_behalf.opt_out"


class RecordDataProcessingAgreement(TenantCommand):
    """Record the EU data-processing agreement between customer and partner (not checked)."""

    EVENT_TYPE: ClassVar[str] = "onboarding.on_behalf.record_dpa"

    signed_at: AwareDatetime = Field(description="When the agreement was signed")
    signed_by: NonEmpty = Field(description="Who signed it")


class ListManageableTenants(PartnerCommand):
    """A partner administrator asks for its tenants (linked and opted in); answered by
    `onboarding.on_behalf.tenants_listed` (or `onboarding.on_behalf.action_denied`)."""

    EVENT_TYPE: ClassVar[str] = "onboarding.on_behalf.list_tenants"

    query: str | None = Field(default=None, description="Search in name, tenant ID, contact")
    sort_by: Literal["name", "tenant_id", "main_contact"] = Field(
        default="name", description="Column to sort by"
    )
    descending: bool = Field(default=False, description="Sort descending")
    offset: int = Field(default=0, ge=0, le=MAX_COUNT, description="Rows to skip")
    limit: int = Field(default=50, ge=1, le=200, description="Rows to return at most")


class RouteReportIssue(TenantCommand):
    """A user of the tenant pressed "report issue"; answered by `onboarding.report_issue.routed`."""

    EVENT_TYPE: ClassVar[str] = "onboarding.report_issue.route"


# -- events --------------------------------------------------------------------------------


class PartnerAdministrationRequested(Payload):
    """PartnerAdministrationRequested(tenant_id: 'str', partner_id: 'str', domain: 'str', requested_by: 'str', occurred_at: 'datetime')"""  # noqa: E501

    EVENT_TYPE: ClassVar[str] = "onboarding.reseller_tenant.partner_administration_requested"

    tenant_id: str
    partner_id: str
    domain: str
    requested_by: str
    occurred_at: datetime


class PartnerAdministrationEnabled(Payload):
    """PartnerAdministrationEnabled(tenant_id: 'str', partner_id: 'str', partner_admin_id: 'str', enabled_by: 'str', occurred_at: 'datetime')"""  # noqa: E501

    EVENT_TYPE: ClassVar[str] = "onboarding.reseller_tenant.partner_administration_enabled"

    tenant_id: str
    partner_id: str
    partner_admin_id: str
    enabled_by: str
    occurred_at: datetime


class PartnerAdministratorGranted(Payload):
    """PartnerAdministratorGranted(tenant_id: 'str', partner_id: 'str', user_id: 'str', granted_by: 'str', occurred_at: 'datetime')"""  # noqa: E501

    EVENT_TYPE: ClassVar[str] = "onboarding.reseller_tenant.partner_administrator_granted"

    tenant_id: str
    partner_id: str
    user_id: str
    granted_by: str
    occurred_at: datetime


class PartnerAdministratorRevoked(Payload):
    """PartnerAdministratorRevoked(tenant_id: 'str', partner_id: 'str', user_id: 'str', revoked_by: 'str', occurred_at: 'datetime')"""  # noqa: E501

    EVENT_TYPE: ClassVar[str] = "onboarding.reseller_tenant.partner_administrator_revoked"

    tenant_id: str
    partner_id: str
    user_id: str
    revoked_by: str
    occurred_at: datetime


class PartnerAdministrationOptedIn(Payload):
    """PartnerAdministrationOptedIn(tenant_id: 'str', reseller_partner_id: 'str', label: 'str', by_user_id: 'str', occurred_at: 'datetime')"""  # noqa: E501

    EVENT_TYPE: ClassVar[str] = "onboarding.customer_tenant.partner_administration_opted_in"

    tenant_id: str
    reseller_partner_id: str
    label: str
    by_user_id: str
    occurred_at: datetime


class PartnerAdministrationOptedOut(Payload):
    """PartnerAdministrationOptedOut(tenant_id: 'str', reseller_partner_id: 'str', by_user_id: 'str', occurred_at: 'datetime')"""  # noqa: E501

    EVENT_TYPE: ClassVar[str] = "onboarding.customer_tenant.partner_administration_opted_out"

    tenant_id: str
    reseller_partner_id: str
    by_user_id: str
    occurred_at: datetime


class DataProcessingAgreementRecorded(Payload):
    """DataProcessingAgreementRecorded(tenant_id: 'str', reseller_partner_id: 'str', signed_at: 'datetime', signed_by: 'str', recorded_by: 'str', occurred_at: 'datetime')"""  # noqa: E501

    EVENT_TYPE: ClassVar[str] = "onboarding.customer_tenant.data_processing_agreement_recorded"

    tenant_id: str
    reseller_partner_id: str
    signed_at: datetime
    signed_by: str
    recorded_by: str
    occurred_at: datetime


class PartnerHelpdeskSwitched(Payload):
    """ "Report issue" now goes to the partner's helpdesk (enabled) or to the vendor."""

    EVENT_TYPE: ClassVar[str] = "onboarding.customer_tenant.partner_helpdesk_switched"

    tenant_id: str
    reseller_partner_id: str
    enabled: bool
    by_user_id: str
    on_behalf: bool
    occurred_at: datetime


class _OnBehalfDecisionV1(OnboardingEvent):
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
    reasons: list[Reason] = Field(description="Why it was denied (empty when allowed)")


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


class ManageableTenantsListedV1(OnboardingEvent):
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


class ReportIssueRoutedV1(OnboardingEvent):
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


class OnBehalfActionRefusedV1(ActionRefused):
    """A command about partner administration or a tenant's settings was refused."""

    EVENT_TYPE: ClassVar[str] = "onboarding.on_behalf.action_refused"

    tenant_id: str = Field(description="The tenant")
    reseller_partner_id: str | None = Field(default=None, description="The customer's reseller")


COMMANDS: list[type[PartnerCommand]] = [
    RequestPartnerAdministration,
    EnablePartnerAdministration,
    GrantPartnerAdministrator,
    RevokePartnerAdministrator,
    OptInPartnerAdministration,
    OptOutPartnerAdministration,
    RecordDataProcessingAgreement,
    ListManageableTenants,
    RouteReportIssue,
]
"""The commands of this concept."""


EVENTS: list[type[Payload]] = [
    PartnerAdministrationRequested,
    PartnerAdministrationEnabled,
    PartnerAdministratorGranted,
    PartnerAdministratorRevoked,
    PartnerAdministrationOptedIn,
    PartnerAdministrationOptedOut,
    DataProcessingAgreementRecorded,
    PartnerHelpdeskSwitched,
    OnBehalfActionAuditedV1,
    OnBehalfActionDeniedV1,
    ManageableTenantsListedV1,
    ReportIssueRoutedV1,
    OnBehalfActionRefusedV1,
]
"""The facts of this concept published on `onboarding.events`."""
