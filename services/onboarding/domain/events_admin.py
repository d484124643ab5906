"""Events of on-behalf administration, devices, customer groups, numbers and integrations.

Facts in the past tense, `onboarding.<entity>.<verb_past>`. None of them carries a
password, a PIN, a SIP password or even a hash or ciphertext of one: the aggregates keep
those, events only say that a credential was set.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from services.onboarding.domain.errors import Reason
from services.onboarding.domain.events import DomainEvent

# -- §1.6 partner administration on behalf of the customer admin ---------------------------


@dataclass(frozen=True)
class PartnerAdministrationRequested(DomainEvent):
    name: ClassVar[str] = "onboarding.reseller_tenant.partner_administration_requested"
    tenant_id: str
    partner_id: str
    domain: str
    requested_by: str
    occurred_at: datetime


@dataclass(frozen=True)
class PartnerAdministrationEnabled(DomainEvent):
    name: ClassVar[str] = "onboarding.reseller_tenant.partner_administration_enabled"
    tenant_id: str
    partner_id: str
    partner_admin_id: str
    enabled_by: str
    occurred_at: datetime


@dataclass(frozen=True)
class PartnerAdministratorGranted(DomainEvent):
    name: ClassVar[str] = "onboarding.reseller_tenant.partner_administrator_granted"
    tenant_id: str
    partner_id: str
    user_id: str
    granted_by: str
    occurred_at: datetime


@dataclass(frozen=True)
class PartnerAdministratorRevoked(DomainEvent):
    name: ClassVar[str] = "onboarding.reseller_tenant.partner_administrator_revoked"
    tenant_id: str
    partner_id: str
    user_id: str
    revoked_by: str
    occurred_at: datetime


@dataclass(frozen=True)
class PartnerAdministrationOptedIn(DomainEvent):
    name: ClassVar[str] = "onboarding.customer_tenant.partner_administration_opted_in"
    tenant_id: str
    reseller_partner_id: str
    label: str  # what the customer admin switched on: "Administration by partner <domain>"
    by_user_id: str
    occurred_at: datetime


@dataclass(frozen=True)
class PartnerAdministrationOptedOut(DomainEvent):
    name: ClassVar[str] = "onboarding.customer_tenant.partner_administration_opted_out"
    tenant_id: str
    reseller_partner_id: str
    by_user_id: str
    occurred_at: datetime


@dataclass(frozen=True)
class DataProcessingAgreementRecorded(DomainEvent):
    name: ClassVar[str] = "onboarding.customer_tenant.data_processing_agreement_recorded"
    tenant_id: str
    reseller_partner_id: str
    signed_at: datetime
    signed_by: str
    recorded_by: str
    occurred_at: datetime


@dataclass(frozen=True)
class PartnerHelpdeskSwitched(DomainEvent):
    """ "Report issue" now goes to the partner's helpdesk (enabled) or to the vendor."""

    name: ClassVar[str] = "onboarding.customer_tenant.partner_helpdesk_switched"
    tenant_id: str
    reseller_partner_id: str
    enabled: bool
    by_user_id: str
    on_behalf: bool
    occurred_at: datetime


# -- §1.6 device set-up ---------------------------------------------------------------------


@dataclass(frozen=True)
class DeviceRemoved(DomainEvent):
    name: ClassVar[str] = "onboarding.device.removed"
    tenant_id: str
    user_id: str
    by_user_id: str
    occurred_at: datetime


@dataclass(frozen=True)
class VendorPhoneSetUp(DomainEvent):
    """Deployment and security PIN were set; the event says so, never what they are."""

    name: ClassVar[str] = "onboarding.device.vendor_phone_set_up"
    tenant_id: str
    user_id: str
    by_user_id: str
    status: str
    occurred_at: datetime


@dataclass(frozen=True)
class VendorPhoneConfigured(DomainEvent):
    name: ClassVar[str] = "onboarding.device.vendor_phone_configured"
    tenant_id: str
    user_id: str
    occurred_at: datetime


@dataclass(frozen=True)
class VendorPhoneReconfigurationRequested(DomainEvent):
    name: ClassVar[str] = "onboarding.device.vendor_phone_reconfiguration_requested"
    tenant_id: str
    user_id: str
    by_user_id: str
    pins_changed: bool
    occurred_at: datetime


@dataclass(frozen=True)
class SipDeviceSetUp(DomainEvent):
    """A third-party SIP phone or terminal adapter; the password stays sealed in the aggregate."""

    name: ClassVar[str] = "onboarding.device.sip_device_set_up"
    tenant_id: str
    user_id: str
    by_user_id: str
    server_address: str
    port: int
    transport: str
    sip_user_id: str
    has_certificate: bool
    occurred_at: datetime


@dataclass(frozen=True)
class DeviceSelfSetupSwitched(DomainEvent):
    """An admin allowed or disallowed the user to set up a vendor phone themselves."""

    name: ClassVar[str] = "onboarding.device.self_setup_switched"
    tenant_id: str
    user_id: str
    allowed: bool
    by_user_id: str
    occurred_at: datetime


# -- §1.4 customer groups ---------------------------------------------------------------------


@dataclass(frozen=True)
class GroupCreated(DomainEvent):
    name: ClassVar[str] = "onboarding.group.created"
    group_id: str
    group_name: str
    partner_id: str
    clone_group_id: str
    default_domain: str
    occurred_at: datetime


@dataclass(frozen=True)
class GroupNumbersAdded(DomainEvent):
    name: ClassVar[str] = "onboarding.group.numbers_added"
    group_id: str
    partner_id: str
    numbers: tuple[str, ...]
    occurred_at: datetime


@dataclass(frozen=True)
class GroupNumbersRemoved(DomainEvent):
    name: ClassVar[str] = "onboarding.group.numbers_removed"
    group_id: str
    partner_id: str
    numbers: tuple[str, ...]
    reason: str
    occurred_at: datetime


@dataclass(frozen=True)
class BusinessProfileNumberSet(DomainEvent):
    name: ClassVar[str] = "onboarding.group.business_profile_number_set"
    group_id: str
    partner_id: str
    clid: str
    occurred_at: datetime


@dataclass(frozen=True)
class BusinessProfileNumberCleared(DomainEvent):
    name: ClassVar[str] = "onboarding.group.business_profile_number_cleared"
    group_id: str
    partner_id: str
    clid: str
    reason: str
    occurred_at: datetime


@dataclass(frozen=True)
class VoicePortalEnabled(DomainEvent):
    name: ClassVar[str] = "onboarding.group.voice_portal_enabled"
    group_id: str
    partner_id: str
    number: str | None
    extension: str | None
    external_dial_in: bool
    occurred_at: datetime


@dataclass(frozen=True)
class VoicePortalNumberRemoved(DomainEvent):
    name: ClassVar[str] = "onboarding.group.voice_portal_number_removed"
    group_id: str
    partner_id: str
    number: str
    reason: str
    occurred_at: datetime


@dataclass(frozen=True)
class GroupAdminUserAdded(DomainEvent):
    """An admin user was created; the password (typed or generated) is never in here."""

    name: ClassVar[str] = "onboarding.group.admin_user_added"
    group_id: str
    partner_id: str
    user_id: str
    first_name: str
    last_name: str
    occurred_at: datetime


@dataclass(frozen=True)
class GroupAdminUserRemoved(DomainEvent):
    name: ClassVar[str] = "onboarding.group.admin_user_removed"
    group_id: str
    partner_id: str
    user_id: str
    occurred_at: datetime


@dataclass(frozen=True)
class GroupReadyForUsers(DomainEvent):
    name: ClassVar[str] = "onboarding.group.ready_for_users"
    group_id: str
    partner_id: str
    occurred_at: datetime


@dataclass(frozen=True)
class GroupNotReady(DomainEvent):
    name: ClassVar[str] = "onboarding.group.not_ready"
    group_id: str
    partner_id: str
    reasons: tuple[Reason, ...]
    occurred_at: datetime


# -- §1.4 / §5 flow 3: the partner's number inventory ----------------------------------------


@dataclass(frozen=True)
class PortedNumbersAddedToInventory(DomainEvent):
    name: ClassVar[str] = "onboarding.inventory.ported_numbers_added"
    partner_id: str
    port_id: str
    numbers: tuple[str, ...]
    occurred_at: datetime


@dataclass(frozen=True)
class PortedNumbersActivated(DomainEvent):
    name: ClassVar[str] = "onboarding.inventory.ported_numbers_activated"
    partner_id: str
    port_id: str
    numbers: tuple[str, ...]
    occurred_at: datetime


@dataclass(frozen=True)
class PortNumbersWithdrawn(DomainEvent):
    """A cancelled port took its numbers back out; `groups` tells the partner who held them."""

    name: ClassVar[str] = "onboarding.inventory.port_numbers_withdrawn"
    partner_id: str
    port_id: str
    numbers: tuple[str, ...]
    groups: Mapping[str, tuple[str, ...]]  # group ID -> its withdrawn numbers
    occurred_at: datetime


@dataclass(frozen=True)
class NewNumbersAddedToInventory(DomainEvent):
    name: ClassVar[str] = "onboarding.inventory.new_numbers_added"
    partner_id: str
    numbers: tuple[str, ...]
    occurred_at: datetime


@dataclass(frozen=True)
class InventoryNumbersAssigned(DomainEvent):
    name: ClassVar[str] = "onboarding.inventory.numbers_assigned"
    partner_id: str
    group_id: str
    numbers: tuple[str, ...]
    occurred_at: datetime


@dataclass(frozen=True)
class InventoryNumbersReleased(DomainEvent):
    name: ClassVar[str] = "onboarding.inventory.numbers_released"
    partner_id: str
    group_id: str
    numbers: tuple[str, ...]
    occurred_at: datetime


# -- §1.4 integrations: reporting partition and call-recording customer -----------------------


@dataclass(frozen=True)
class ProvisioningRequested(DomainEvent):
    """Asks the adapter of `kind`'s external system to create what `payload` describes.

    `payload` is the request's exact field mapping (`dataclasses.asdict` of
    `ReportingPartitionRequest` or `CallRecordingCustomerRequest`).
    """

    name: ClassVar[str] = "onboarding.provisioning.requested"
    request_id: str
    kind: str
    partner_id: str
    group_id: str
    payload: Mapping[str, Any]
    attempt: int
    occurred_at: datetime


@dataclass(frozen=True)
class ProvisioningCompleted(DomainEvent):
    name: ClassVar[str] = "onboarding.provisioning.completed"
    request_id: str
    kind: str
    partner_id: str
    group_id: str
    external_id: str | None
    occurred_at: datetime


@dataclass(frozen=True)
class ProvisioningFailed(DomainEvent):
    name: ClassVar[str] = "onboarding.provisioning.failed"
    request_id: str
    kind: str
    partner_id: str
    group_id: str
    reason: str
    attempt: int
    occurred_at: datetime


@dataclass(frozen=True)
class ReportingPartitionSynchronised(DomainEvent):
    name: ClassVar[str] = "onboarding.provisioning.partition_synchronised"
    request_id: str
    partner_id: str
    group_id: str
    occurred_at: datetime


@dataclass(frozen=True)
class RecordingLicencesApplied(DomainEvent):
    name: ClassVar[str] = "onboarding.recording_licences.applied"
    partner_id: str
    group_id: str
    user_ids: tuple[str, ...]
    occurred_at: datetime
