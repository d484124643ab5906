"""Device set-up for a user (§1.6): no device, a vendor phone, or a third-party SIP device.

`UserDevice` (id = the user's ID) is set up by an admin — the customer's admin or the
partner on behalf, authorised before the call — and then sent to the user. A user may set
up a vendor phone themselves unless an admin disallowed it.

Credentials are never kept in clear: the vendor phone's PINs only need verifying, so they
are scrypt hashes (`secrets.hash_secret`); the SIP authentication password must be read
back by the device service, so it is sealed by an injected `SecretSealer`.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from services.onboarding.domain.devices.events import (
    DeviceRemoved,
    DeviceSelfSetupSwitched,
    SipDeviceSetUp,
    VendorPhoneConfigured,
    VendorPhoneReconfigurationRequested,
    VendorPhoneSetUp,
)
from services.onboarding.domain.errors import (
    Forbidden,
    IllegalTransition,
    Reason,
    ValidationFailed,
)
from services.onboarding.domain.event import DomainEvent
from services.onboarding.domain.secrets import (
    DEFAULT_SCRYPT,
    EncryptedSecret,
    ScryptParams,
    SecretHash,
    SecretSealer,
    hash_secret,
)

# (product decision) PINs are digits only, 4 to 12 of them.
PIN_PATTERN = re.compile(r"\d{4,12}")
# A DNS host name: labels of letters, digits and inner hyphens.
_HOST_LABEL = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)")
MIN_SIP_PORT, MAX_SIP_PORT = 1, 65535
_CERTIFICATE_HEADER = "-----BEGIN CERTIFICATE-----"


class SelfSetupDisabled(Forbidden):
    """An admin has disallowed this user from setting up a vendor phone themselves."""

    code = "device_self_setup_disabled"


class DeviceSetupNeedsAdmin(Forbidden):
    """Only admins set up third-party devices, remove devices or set up another user's phone."""

    code = "device_setup_needs_admin"


class NoVendorPhone(IllegalTransition):
    code = "no_vendor_phone"


class Transport(StrEnum):
    UDP = "udp"
    TCP = "tcp"
    TLS = "tls"


class VendorPhoneStatus(StrEnum):
    NOT_CONFIGURED = "not_configured"
    CONFIGURED = "configured"


class SetUpBy(StrEnum):
    """In which capacity someone sets a device up (the application has authorised it)."""

    USER = "user"  # the user for themselves
    CUSTOMER_ADMIN = "customer_admin"
    PARTNER_ON_BEHALF = "partner_on_behalf"


@dataclass(frozen=True)
class VendorPhonePins:
    """The vendor phone's deployment and security PINs, hashed."""

    deployment_pin: SecretHash
    security_pin: SecretHash

    @classmethod
    def from_clear(
        cls, deployment_pin: str, security_pin: str, *, params: ScryptParams = DEFAULT_SCRYPT
    ) -> VendorPhonePins:
        """Check both PINs (digits, 4–12) and keep only their hashes."""
        reasons = [
            Reason("invalid_pin", f"{name} must be 4 to 12 digits", name)
            for name, pin in (("deployment_pin", deployment_pin), ("security_pin", security_pin))
            if not PIN_PATTERN.fullmatch(pin)
        ]
        if reasons:
            raise ValidationFailed(reasons)
        return cls(
            hash_secret(deployment_pin, params=params), hash_secret(security_pin, params=params)
        )


@dataclass(frozen=True)
class VendorPhone:
    pins: VendorPhonePins
    status: VendorPhoneStatus = VendorPhoneStatus.NOT_CONFIGURED


@dataclass(frozen=True)
class SipDevice:
    """A third-party SIP phone or terminal adapter; the password stays sealed."""

    server_address: str
    port: int
    transport: Transport
    sip_user_id: str
    auth_password: EncryptedSecret
    certificate_pem: str | None = None

    @classmethod
    def from_form(
        cls,
        *,
        server_address: str,
        port: int,
        transport: Transport | str,
        sip_user_id: str,
        auth_password: str,
        sealer: SecretSealer,
        certificate_pem: str | None = None,
    ) -> SipDevice:
        """Validate what the admin typed and seal the authentication password."""
        reasons = _sip_reasons(server_address, port, transport, sip_user_id, auth_password)
        if certificate_pem is not None and not certificate_pem.lstrip().startswith(
            _CERTIFICATE_HEADER
        ):
            reasons.append(
                Reason("invalid_certificate", "certificate must be PEM", "certificate_pem")
            )
        if reasons:
            raise ValidationFailed(reasons)
        return cls(
            server_address.strip().lower(),
            port,
            Transport(transport),
            sip_user_id.strip(),
            sealer.seal(auth_password),
            certificate_pem,
        )


def _is_host(address: str) -> bool:
    try:
        ipaddress.ip_address(address)
        return True
    except ValueError:
        labels = address.rstrip(".").split(".")
        return len(address) <= 253 and all(_HOST_LABEL.fullmatch(label) for label in labels)


def _sip_reasons(
    server_address: str, port: int, transport: str, sip_user_id: str, auth_password: str
) -> list[Reason]:
    reasons = []
    if not _is_host(server_address.strip()):
        reasons.append(
            Reason("invalid_server_address", "a host name or IP address", "server_address")
        )
    if isinstance(port, bool) or not MIN_SIP_PORT <= port <= MAX_SIP_PORT:
        reasons.append(Reason("invalid_port", "port must be 1 to 65535", "port"))
    if transport not in {t.value for t in Transport}:
        reasons.append(Reason("invalid_transport", "transport is udp, tcp or tls", "transport"))
    if not sip_user_id.strip():
        reasons.append(Reason("missing", "the SIP user ID is required", "sip_user_id"))
    if not auth_password:
        reasons.append(
            Reason("missing", "the authentication password is required", "auth_password")
        )
    return reasons


@dataclass
class UserDevice:
    """The desk device of one user of a customer tenant."""

    user_id: str
    tenant_id: str
    device: VendorPhone | SipDevice | None = None
    self_setup_allowed: bool = True

    def remove_device(self, *, by: SetUpBy, by_user_id: str, now: datetime) -> list[DomainEvent]:
        """Set the user to "no device" (admin only)."""
        self._require_admin(by)
        self.device = None
        return [DeviceRemoved(self.tenant_id, self.user_id, by_user_id, occurred_at=now)]

    def set_up_vendor_phone(
        self, pins: VendorPhonePins, *, by: SetUpBy, by_user_id: str, now: datetime
    ) -> list[DomainEvent]:
        """A vendor phone, "not configured" until the cloud device service has configured it."""
        if by is SetUpBy.USER:
            if by_user_id != self.user_id:
                raise DeviceSetupNeedsAdmin("a user sets up only their own phone")
            if not self.self_setup_allowed:
                raise SelfSetupDisabled(f"an admin disallowed self set-up for {self.user_id}")
        self.device = VendorPhone(pins)
        status = VendorPhoneStatus.NOT_CONFIGURED
        return [VendorPhoneSetUp(self.tenant_id, self.user_id, by_user_id, status, occurred_at=now)]

    def vendor_phone_configured(self, *, now: datetime) -> list[DomainEvent]:
        """The cloud device service reports the phone configured."""
        phone = self._vendor_phone()
        if phone.status is VendorPhoneStatus.CONFIGURED:
            return []
        self.device = VendorPhone(phone.pins, VendorPhoneStatus.CONFIGURED)
        return [VendorPhoneConfigured(self.tenant_id, self.user_id, occurred_at=now)]

    def reconfigure_vendor_phone(
        self,
        *,
        by: SetUpBy,
        by_user_id: str,
        now: datetime,
        new_pins: VendorPhonePins | None = None,
    ) -> list[DomainEvent]:
        """The "reconfigure" button: back to "not configured", optionally with new PINs."""
        self._require_admin(by)
        phone = self._vendor_phone()
        self.device = VendorPhone(new_pins or phone.pins, VendorPhoneStatus.NOT_CONFIGURED)
        return [
            VendorPhoneReconfigurationRequested(
                self.tenant_id, self.user_id, by_user_id, new_pins is not None, occurred_at=now
            )
        ]

    def set_up_sip_device(
        self, device: SipDevice, *, by: SetUpBy, by_user_id: str, now: datetime
    ) -> list[DomainEvent]:
        """A third-party SIP phone or terminal adapter, set up by an admin."""
        self._require_admin(by)
        self.device = device
        return [
            SipDeviceSetUp(
                self.tenant_id,
                self.user_id,
                by_user_id,
                device.server_address,
                device.port,
                device.transport.value,
                device.sip_user_id,
                device.certificate_pem is not None,
                occurred_at=now,
            )
        ]

    def allow_self_setup(
        self, allowed: bool, *, by: SetUpBy, by_user_id: str, now: datetime
    ) -> list[DomainEvent]:
        """An admin allows or disallows the user to set up a vendor phone themselves."""
        self._require_admin(by)
        if allowed == self.self_setup_allowed:
            return []
        self.self_setup_allowed = allowed
        return [
            DeviceSelfSetupSwitched(
                self.tenant_id, self.user_id, allowed, by_user_id, occurred_at=now
            )
        ]

    def _require_admin(self, by: SetUpBy) -> None:
        if by is SetUpBy.USER:
            raise DeviceSetupNeedsAdmin("this device set-up is done by an admin")

    def _vendor_phone(self) -> VendorPhone:
        if not isinstance(self.device, VendorPhone):
            raise NoVendorPhone(f"user {self.user_id} has no vendor phone")
        return self.device
