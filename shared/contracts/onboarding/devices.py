"""Customer-admin actions on a tenant (§1.6): devices — vendor phones, third-party SIP
devices, self set-up — and the partner helpdesk switch; by the tenant's own admin, by a
user for their own vendor phone, or by a partner administrator on behalf (authorised at
the moment it happens and audited).

Device facts (`onboarding.device.*`) also carry the customer's `reseller_partner_id`, so
the partner hears about devices it set up. Secrets (PINs, SIP passwords) are write-only:
never stored in clear, never in an event. Refusals: `onboarding.device.action_refused`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.common import ActionRefused, NonEmpty, PartnerCommand, WriteOnly
from shared.contracts.onboarding._base import (
    TenantCommand,
)
from shared.events import Payload
from shared.identifiers import Identifier

# -- commands ------------------------------------------------------------------------------


class SetUpVendorPhone(BaseModel):
    """A vendor phone for a user: status "not configured" until the device service reports."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["set_up_vendor_phone"] = "set_up_vendor_phone"
    user_id: Identifier = Field(description="The user the phone is for")
    deployment_pin: WriteOnly = Field(description="Deployment PIN, 4 to 12 digits")
    security_pin: WriteOnly = Field(description="Security PIN, 4 to 12 digits")


class ReconfigureVendorPhone(BaseModel):
    """The "reconfigure" button: back to "not configured", optionally with new PINs."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["reconfigure_vendor_phone"] = "reconfigure_vendor_phone"
    user_id: Identifier = Field(description="The user whose phone is meant")
    deployment_pin: WriteOnly | None = Field(default=None, description="New deployment PIN")
    security_pin: WriteOnly | None = Field(default=None, description="New security PIN")


class SetUpSipDevice(BaseModel):
    """A third-party SIP phone or terminal adapter for a user."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["set_up_sip_device"] = "set_up_sip_device"
    user_id: Identifier = Field(description="The user the device is for")
    server_address: NonEmpty = Field(description="SIP server host name or IP address")
    port: int = Field(ge=1, le=65535, description="SIP server port, 1 to 65535")
    transport: str = Field(description="udp, tcp or tls")
    sip_user_id: Identifier = Field(description="SIP user ID")
    auth_password: WriteOnly = Field(description="SIP authentication password")
    certificate_pem: str | None = Field(default=None, description="Certificate (PEM), for TLS")


class RemoveDevice(BaseModel):
    """Set the user to "no device"."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["remove_device"] = "remove_device"
    user_id: Identifier = Field(description="The user")


class AllowDeviceSelfSetup(BaseModel):
    """Allow or disallow the user to set up a vendor phone themselves."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["allow_device_self_setup"] = "allow_device_self_setup"
    user_id: Identifier = Field(description="The user")
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


class ActOnTenant(TenantCommand):
    """A customer-admin action on a tenant: by its own admin, by a user for their own vendor
    phone, or by a partner administrator on behalf (authorised now and audited)."""

    EVENT_TYPE: ClassVar[str] = "onboarding.on_behalf.act"

    action: TenantAction = Field(description="What to do; `kind` names the action")


class RecordVendorPhoneConfigured(TenantCommand):
    """The cloud device service configured the user's vendor phone (integration side)."""

    EVENT_TYPE: ClassVar[str] = "onboarding.device.record_vendor_phone_configured"

    user_id: Identifier = Field(description="The user whose phone was configured")


# -- events --------------------------------------------------------------------------------


class DeviceRemovedV1(Payload):
    """DeviceRemoved(tenant_id: 'str', user_id: 'str', by_user_id: 'str', occurred_at: 'datetime')"""  # noqa: E501

    EVENT_TYPE: ClassVar[str] = "onboarding.device.removed"

    tenant_id: str
    user_id: str
    by_user_id: str
    occurred_at: datetime
    reseller_partner_id: str | None = Field(
        default=None, description="The customer's reseller (to be told), if any"
    )


class VendorPhoneSetUpV1(Payload):
    """Deployment and security PIN were set; the event says so, never what they are."""

    EVENT_TYPE: ClassVar[str] = "onboarding.device.vendor_phone_set_up"

    tenant_id: str
    user_id: str
    by_user_id: str
    status: str
    occurred_at: datetime
    reseller_partner_id: str | None = Field(
        default=None, description="The customer's reseller (to be told), if any"
    )


class VendorPhoneConfiguredV1(Payload):
    """VendorPhoneConfigured(tenant_id: 'str', user_id: 'str', occurred_at: 'datetime')"""

    EVENT_TYPE: ClassVar[str] = "onboarding.device.vendor_phone_configured"

    tenant_id: str
    user_id: str
    occurred_at: datetime
    reseller_partner_id: str | None = Field(
        default=None, description="The customer's reseller (to be told), if any"
    )


class VendorPhoneReconfigurationRequestedV1(Payload):
    """VendorPhoneReconfigurationRequested(tenant_id: 'str', user_id: 'str', by_user_id: 'str', pins_changed: 'bool', occurred_at: 'datetime')"""  # noqa: E501

    EVENT_TYPE: ClassVar[str] = "onboarding.device.vendor_phone_reconfiguration_requested"

    tenant_id: str
    user_id: str
    by_user_id: str
    pins_changed: bool
    occurred_at: datetime
    reseller_partner_id: str | None = Field(
        default=None, description="The customer's reseller (to be told), if any"
    )


class SipDeviceSetUpV1(Payload):
    """A third-party SIP phone or terminal adapter; the password stays sealed in the aggregate."""

    EVENT_TYPE: ClassVar[str] = "onboarding.device.sip_device_set_up"

    tenant_id: str
    user_id: str
    by_user_id: str
    server_address: str
    port: int
    transport: str
    sip_user_id: str
    has_certificate: bool
    occurred_at: datetime
    reseller_partner_id: str | None = Field(
        default=None, description="The customer's reseller (to be told), if any"
    )


class DeviceSelfSetupSwitchedV1(Payload):
    """An admin allowed or disallowed the user to set up a vendor phone themselves."""

    EVENT_TYPE: ClassVar[str] = "onboarding.device.self_setup_switched"

    tenant_id: str
    user_id: str
    allowed: bool
    by_user_id: str
    occurred_at: datetime
    reseller_partner_id: str | None = Field(
        default=None, description="The customer's reseller (to be told), if any"
    )


class DeviceActionRefusedV1(ActionRefused):
    """A device set-up was refused (invalid PIN, self set-up disabled, …)."""

    EVENT_TYPE: ClassVar[str] = "onboarding.device.action_refused"

    tenant_id: str = Field(description="The tenant")
    user_id: str = Field(description="The user whose device is meant")
    reseller_partner_id: str | None = Field(default=None, description="The customer's reseller")


COMMANDS: list[type[PartnerCommand]] = [
    ActOnTenant,
    RecordVendorPhoneConfigured,
]
"""The commands of this concept."""


EVENTS: list[type[Payload]] = [
    DeviceRemovedV1,
    VendorPhoneSetUpV1,
    VendorPhoneConfiguredV1,
    VendorPhoneReconfigurationRequestedV1,
    SipDeviceSetUpV1,
    DeviceSelfSetupSwitchedV1,
    DeviceActionRefusedV1,
]
"""The facts of this concept published on `onboarding.events`."""
