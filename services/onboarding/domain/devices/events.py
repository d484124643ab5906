"""Events of device set-up (§1.6). None carries a password, a PIN or a SIP password, nor
a hash or ciphertext of one: the aggregates keep those, events only say one was set."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from services.onboarding.domain.event import DomainEvent

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
