"""Admin-side contracts of onboarding: on-behalf administration, devices, customer groups,
the number inventory and integrations (§1.4, §1.6). Commands in (`onboarding.commands`),
events out (`onboarding.events`).

Commands (imperative, `onboarding.<entity>.<verb>`) refuse unknown fields; each names its
`actor` and a `request_id` (the same command again has no further effect). Secrets in
commands (passwords, PINs) are write-only: masked in `repr` and logs, never stored in
clear, never in an event. Outcomes are events keyed by their aggregate id (`subject`):
- facts from the domain (derived from the domain events; device events also carry the
  customer's `reseller_partner_id`, so notifications know whom to tell);
- `onboarding.on_behalf.action_audited` / `.action_denied`: every on-behalf decision;
- query answers (`onboarding.on_behalf.tenants_listed`, `onboarding.report_issue.routed`);
- refusals `onboarding.<entity>.action_refused` with machine-readable reasons; a command
  that cannot be read, or names a group or provisioning request that does not exist, is
  dead-lettered and answered by `onboarding.command.rejected`.
"""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from services.onboarding.contracts_admin_events import (
    ADMIN_CONTRACTS,
    PUBLISHED_ADMIN,
    AdminCommand,
    NonEmpty,
    WriteOnly,
    revealed,
)
from services.onboarding.contracts_admin_groups import (
    AddGroupAdminUser,
    AddNumbersToInventory,
    ApplyRecordingLicences,
    AssignNumbersToGroup,
    CreateCustomerGroup,
    EnableVoicePortal,
    NumberRangeIn,
    RecordPartitionSynchronised,
    RecordProvisioningOutcome,
    RegisterCloneGroup,
    ReleaseNumbersFromGroup,
    RemoveGroupAdminUser,
    ReportingAdminIn,
    RequestCallRecordingCustomer,
    RequestReportingPartition,
    RetryProvisioning,
    SetBusinessProfileNumber,
)

__all__ = ["ADMIN_CONTRACTS", "PUBLISHED_ADMIN", "NumberRangeIn", "ReportingAdminIn", "revealed"]


class _TenantCommand(AdminCommand):
    tenant_id: NonEmpty = Field(description="The tenant the command is about")


# -- §1.6 partner administration on behalf ---------------------------------------------------


class RequestPartnerAdministration(_TenantCommand):
    """The reseller asks to be enabled, naming its own tenant ID and partner ID (refused
    unless the tenant's orders name the partner as the customer: its own tenant)."""

    EVENT_TYPE: ClassVar[str] = "onboarding.on_behalf.request"

    partner_id: NonEmpty = Field(description="The reseller's (or tier-1 partner's) partner ID")
    domain: NonEmpty = Field(description='Shown to customers: "Administration by partner <domain>"')


class EnablePartnerAdministration(_TenantCommand):
    """Cloud operations set the partner admin ID (only on a tenant with a paid subscription)."""

    EVENT_TYPE: ClassVar[str] = "onboarding.on_behalf.enable"


class GrantPartnerAdministrator(_TenantCommand):
    """The reseller's tenant admin grants the role to a paid user of the reseller's tenant
    (one holding a licence of a paid package of that tenant, per the licence records)."""

    EVENT_TYPE: ClassVar[str] = "onboarding.on_behalf.grant_role"

    user_id: NonEmpty = Field(description="The user to get the role")
    user_tenant_id: str | None = Field(
        default=None,
        description="Not read (kept so that older senders stay valid): the user's tenant is "
        "taken from onboarding's licence records (`onboarding.licences.assign_to_user`)",
    )
    user_licence_package: str | None = Field(
        default=None,
        description="Not read (kept so that older senders stay valid): whether the user is "
        "paid is taken from the licence the records say the user holds",
    )


class RevokePartnerAdministrator(_TenantCommand):
    """The reseller's tenant admin takes the role away; the next on-behalf check fails."""

    EVENT_TYPE: ClassVar[str] = "onboarding.on_behalf.revoke_role"

    user_id: NonEmpty = Field(description="The user who loses the role")


class OptInPartnerAdministration(_TenantCommand):
    """The customer's admin lets its reseller administer the tenant (reseller enabled first)."""

    EVENT_TYPE: ClassVar[str] = "onboarding.on_behalf.opt_in"


class OptOutPartnerAdministration(_TenantCommand):
    """The customer's admin ends administration by the partner; access ends at once."""

    EVENT_TYPE: ClassVar[str] = "onboarding.on_behalf.opt_out"


class RecordDataProcessingAgreement(_TenantCommand):
    """Record the EU data-processing agreement between customer and partner (not checked)."""

    EVENT_TYPE: ClassVar[str] = "onboarding.on_behalf.record_dpa"

    signed_at: AwareDatetime = Field(description="When the agreement was signed")
    signed_by: NonEmpty = Field(description="Who signed it")


class ListManageableTenants(AdminCommand):
    """A partner administrator asks for its tenants (linked and opted in); answered by
    `onboarding.on_behalf.tenants_listed` (or `onboarding.on_behalf.action_denied`)."""

    EVENT_TYPE: ClassVar[str] = "onboarding.on_behalf.list_tenants"

    query: str | None = Field(default=None, description="Search in name, tenant ID, contact")
    sort_by: Literal["name", "tenant_id", "main_contact"] = Field(
        default="name", description="Column to sort by"
    )
    descending: bool = Field(default=False, description="Sort descending")
    offset: int = Field(default=0, ge=0, description="Rows to skip")
    limit: int = Field(default=50, ge=1, le=200, description="Rows to return at most")


class SetUpVendorPhone(BaseModel):
    """A vendor phone for a user: status "not configured" until the device service reports."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["set_up_vendor_phone"] = "set_up_vendor_phone"
    user_id: NonEmpty = Field(description="The user the phone is for")
    deployment_pin: WriteOnly = Field(description="Deployment PIN, 4 to 12 digits")
    security_pin: WriteOnly = Field(description="Security PIN, 4 to 12 digits")


class ReconfigureVendorPhone(BaseModel):
    """The "reconfigure" button: back to "not configured", optionally with new PINs."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["reconfigure_vendor_phone"] = "reconfigure_vendor_phone"
    user_id: NonEmpty = Field(description="The user whose phone is meant")
    deployment_pin: WriteOnly | None = Field(default=None, description="New deployment PIN")
    security_pin: WriteOnly | None = Field(default=None, description="New security PIN")


class SetUpSipDevice(BaseModel):
    """A third-party SIP phone or terminal adapter for a user."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["set_up_sip_device"] = "set_up_sip_device"
    user_id: NonEmpty = Field(description="The user the device is for")
    server_address: NonEmpty = Field(description="SIP server host name or IP address")
    port: int = Field(description="SIP server port, 1 to 65535")
    transport: str = Field(description="udp, tcp or tls")
    sip_user_id: NonEmpty = Field(description="SIP user ID")
    auth_password: WriteOnly = Field(description="SIP authentication password")
    certificate_pem: str | None = Field(default=None, description="Certificate (PEM), for TLS")


class RemoveDevice(BaseModel):
    """Set the user to "no device"."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["remove_device"] = "remove_device"
    user_id: NonEmpty = Field(description="The user")


class AllowDeviceSelfSetup(BaseModel):
    """Allow or disallow the user to set up a vendor phone themselves."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["allow_device_self_setup"] = "allow_device_self_setup"
    user_id: NonEmpty = Field(description="The user")
    allowed: bool = Field(description="True: the user may set up a vendor phone")


class SwitchPartnerHelpdesk(BaseModel):
    """Send the customer's "report issue" to the partner's helpdesk, or back to the vendor."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["switch_partner_helpdesk"] = "switch_partner_helpdesk"
    enabled: bool = Field(description="True: the partner's helpdesk; false: vendor support")


TenantAction = Annotated[
    SetUpVendorPhone
    | ReconfigureVendorPhone
    | SetUpSipDevice
    | RemoveDevice
    | AllowDeviceSelfSetup
    | SwitchPartnerHelpdesk,
    Field(discriminator="kind"),
]


class ActOnTenant(_TenantCommand):
    """A customer-admin action on a tenant: by its own admin, by a user for their own vendor
    phone, or by a partner administrator on behalf (authorised now and audited)."""

    EVENT_TYPE: ClassVar[str] = "onboarding.on_behalf.act"

    action: TenantAction = Field(description="What to do; `kind` names the action")


class RouteReportIssue(_TenantCommand):
    """A user of the tenant pressed "report issue"; answered by `onboarding.report_issue.routed`."""

    EVENT_TYPE: ClassVar[str] = "onboarding.report_issue.route"


class RecordVendorPhoneConfigured(_TenantCommand):
    """The cloud device service configured the user's vendor phone (integration side)."""

    EVENT_TYPE: ClassVar[str] = "onboarding.device.record_vendor_phone_configured"

    user_id: NonEmpty = Field(description="The user whose phone was configured")


COMMANDS_ADMIN: list[type[AdminCommand]] = [
    RequestPartnerAdministration,
    EnablePartnerAdministration,
    GrantPartnerAdministrator,
    RevokePartnerAdministrator,
    OptInPartnerAdministration,
    OptOutPartnerAdministration,
    RecordDataProcessingAgreement,
    ListManageableTenants,
    ActOnTenant,
    RouteReportIssue,
    RecordVendorPhoneConfigured,
    RegisterCloneGroup,
    CreateCustomerGroup,
    AssignNumbersToGroup,
    ReleaseNumbersFromGroup,
    SetBusinessProfileNumber,
    EnableVoicePortal,
    AddGroupAdminUser,
    RemoveGroupAdminUser,
    ApplyRecordingLicences,
    AddNumbersToInventory,
    RequestReportingPartition,
    RequestCallRecordingCustomer,
    RecordProvisioningOutcome,
    RecordPartitionSynchronised,
    RetryProvisioning,
]
"""Every command of this half of onboarding."""
