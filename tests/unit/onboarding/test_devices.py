"""Device set-up for a user by an admin, or by the user for a vendor phone (§1.6)."""

from __future__ import annotations

import secrets
from dataclasses import astuple
from datetime import UTC, datetime

import pytest

from services.onboarding.domain.devices.devices import (
    SetUpBy,
    SipDevice,
    Transport,
    UserDevice,
    VendorPhone,
    VendorPhonePins,
    VendorPhoneStatus,
)
from services.onboarding.domain.devices.events import (
    DeviceRemoved,
    DeviceSelfSetupSwitched,
    SipDeviceSetUp,
    VendorPhoneConfigured,
    VendorPhoneReconfigurationRequested,
    VendorPhoneSetUp,
)
from services.onboarding.domain.errors import Forbidden, IllegalTransition, ValidationFailed
from services.onboarding.domain.secrets import EncryptedSecret, ScryptParams, verify_secret

pytestmark = pytest.mark.unit

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
FAST = ScryptParams(n=2**4)  # real hashing, cheap parameters: unit tests stay fast
DEPLOYMENT_PIN, SECURITY_PIN = "482913", "7305"
SIP_PASSWORD = "s1p-Secret-Pa55"
ADMIN = "admin@customer.example.com"
USER = "ada.lovelace@customer.example.com"


class FakeSealer:
    """Test double of `SecretSealer`: keeps clear text in memory, hands out opaque tokens."""

    def __init__(self) -> None:
        self.vault: dict[bytes, str] = {}

    def seal(self, clear: str) -> EncryptedSecret:
        token = secrets.token_bytes(16)
        self.vault[token] = clear
        return EncryptedSecret(key_id="test-key-1", ciphertext=token)

    def unseal(self, sealed: EncryptedSecret) -> str:
        return self.vault[sealed.ciphertext]


def pins() -> VendorPhonePins:
    return VendorPhonePins.from_clear(DEPLOYMENT_PIN, SECURITY_PIN, params=FAST)


def sip_device(sealer: FakeSealer, **overrides: object) -> SipDevice:
    form: dict = {
        "server_address": "sip.provider.example.com",
        "port": 5061,
        "transport": "tls",
        "sip_user_id": "442079460123",
        "auth_password": SIP_PASSWORD,
        "sealer": sealer,
    }
    form.update(overrides)
    return SipDevice.from_form(**form)


def assert_no_secret_in(events: list, *secrets_: str) -> None:
    for event in events:
        for value in astuple(event):
            for secret in secrets_:
                assert secret not in str(value), f"{type(event).__name__} leaks a secret"


class TestVendorPhone:
    def test_an_admin_sets_one_up_and_it_starts_not_configured(self):
        device = UserDevice(USER, "T-C1")
        events = device.set_up_vendor_phone(
            pins(), by=SetUpBy.CUSTOMER_ADMIN, by_user_id=ADMIN, now=NOW
        )
        assert events == [VendorPhoneSetUp("T-C1", USER, ADMIN, "not_configured", occurred_at=NOW)]
        assert isinstance(device.device, VendorPhone)
        assert device.device.status is VendorPhoneStatus.NOT_CONFIGURED
        assert_no_secret_in(events, DEPLOYMENT_PIN, SECURITY_PIN)

    def test_the_pins_are_kept_only_as_hashes_that_verify(self):
        device = UserDevice(USER, "T-C1")
        device.set_up_vendor_phone(pins(), by=SetUpBy.CUSTOMER_ADMIN, by_user_id=ADMIN, now=NOW)
        assert isinstance(device.device, VendorPhone)
        stored = device.device.pins
        assert verify_secret(DEPLOYMENT_PIN, stored.deployment_pin)
        assert verify_secret(SECURITY_PIN, stored.security_pin)
        assert not verify_secret(SECURITY_PIN, stored.deployment_pin)
        assert DEPLOYMENT_PIN not in repr(device) and SECURITY_PIN not in repr(device)

    @pytest.mark.parametrize("bad", ["", "123", "12a4", "1234567890123", " 1234"])
    def test_a_pin_must_be_4_to_12_digits(self, bad):
        with pytest.raises(ValidationFailed) as refused:
            VendorPhonePins.from_clear(bad, "123456789012", params=FAST)
        assert refused.value.reason_codes == ("invalid_pin",)

    def test_the_device_service_reports_it_configured_once(self):
        device = UserDevice(USER, "T-C1")
        device.set_up_vendor_phone(pins(), by=SetUpBy.CUSTOMER_ADMIN, by_user_id=ADMIN, now=NOW)
        assert device.vendor_phone_configured(now=NOW) == [
            VendorPhoneConfigured("T-C1", USER, occurred_at=NOW)
        ]
        assert device.vendor_phone_configured(now=NOW) == []

    def test_reconfigure_returns_it_to_not_configured_with_new_pins(self):
        device = UserDevice(USER, "T-C1")
        device.set_up_vendor_phone(pins(), by=SetUpBy.CUSTOMER_ADMIN, by_user_id=ADMIN, now=NOW)
        device.vendor_phone_configured(now=NOW)
        new_pins = VendorPhonePins.from_clear("99887766", "5544", params=FAST)
        events = device.reconfigure_vendor_phone(
            by=SetUpBy.PARTNER_ON_BEHALF,
            by_user_id="pa@reseller.example.com",
            now=NOW,
            new_pins=new_pins,
        )
        assert events == [
            VendorPhoneReconfigurationRequested(
                "T-C1", USER, "pa@reseller.example.com", pins_changed=True, occurred_at=NOW
            )
        ]
        assert isinstance(device.device, VendorPhone)
        assert device.device.status is VendorPhoneStatus.NOT_CONFIGURED
        assert verify_secret("5544", device.device.pins.security_pin)
        assert_no_secret_in(events, "99887766", "5544")

    def test_reconfiguring_without_a_vendor_phone_is_refused(self):
        with pytest.raises(IllegalTransition) as refused:
            UserDevice(USER, "T-C1").reconfigure_vendor_phone(
                by=SetUpBy.CUSTOMER_ADMIN, by_user_id=ADMIN, now=NOW
            )
        assert refused.value.code == "no_vendor_phone"


class TestSelfSetUp:
    def test_a_user_may_set_up_their_own_vendor_phone(self):
        device = UserDevice(USER, "T-C1")
        [event] = device.set_up_vendor_phone(pins(), by=SetUpBy.USER, by_user_id=USER, now=NOW)
        assert isinstance(event, VendorPhoneSetUp) and event.by_user_id == USER

    def test_a_user_cannot_once_an_admin_disabled_it(self):
        device = UserDevice(USER, "T-C1")
        events = device.allow_self_setup(
            False, by=SetUpBy.CUSTOMER_ADMIN, by_user_id=ADMIN, now=NOW
        )
        assert events == [DeviceSelfSetupSwitched("T-C1", USER, False, ADMIN, occurred_at=NOW)]
        with pytest.raises(Forbidden) as refused:
            device.set_up_vendor_phone(pins(), by=SetUpBy.USER, by_user_id=USER, now=NOW)
        assert refused.value.code == "device_self_setup_disabled"
        # an admin still can
        device.set_up_vendor_phone(pins(), by=SetUpBy.CUSTOMER_ADMIN, by_user_id=ADMIN, now=NOW)

    def test_only_an_admin_switches_self_set_up(self):
        with pytest.raises(Forbidden) as refused:
            UserDevice(USER, "T-C1").allow_self_setup(
                False, by=SetUpBy.USER, by_user_id=USER, now=NOW
            )
        assert refused.value.code == "device_setup_needs_admin"

    def test_a_user_cannot_set_up_someone_elses_phone(self):
        with pytest.raises(Forbidden):
            UserDevice(USER, "T-C1").set_up_vendor_phone(
                pins(), by=SetUpBy.USER, by_user_id="someone.else@customer.example.com", now=NOW
            )

    def test_a_user_cannot_set_up_a_third_party_sip_device(self):
        with pytest.raises(Forbidden) as refused:
            UserDevice(USER, "T-C1").set_up_sip_device(
                sip_device(FakeSealer()), by=SetUpBy.USER, by_user_id=USER, now=NOW
            )
        assert refused.value.code == "device_setup_needs_admin"


class TestThirdPartySipDevice:
    def test_an_admin_sets_up_a_sip_phone_and_the_password_stays_sealed(self):
        sealer = FakeSealer()
        device = UserDevice(USER, "T-C1")
        events = device.set_up_sip_device(
            sip_device(sealer), by=SetUpBy.CUSTOMER_ADMIN, by_user_id=ADMIN, now=NOW
        )
        assert events == [
            SipDeviceSetUp(
                "T-C1",
                USER,
                ADMIN,
                "sip.provider.example.com",
                5061,
                "tls",
                "442079460123",
                has_certificate=False,
                occurred_at=NOW,
            )
        ]
        assert isinstance(device.device, SipDevice)
        # the device service can read it back; the aggregate holds only the sealed form
        assert sealer.unseal(device.device.auth_password) == SIP_PASSWORD
        assert SIP_PASSWORD not in repr(device)
        assert_no_secret_in(events, SIP_PASSWORD)

    def test_a_terminal_adapter_on_udp_by_ip_address_with_a_certificate(self):
        device = sip_device(
            FakeSealer(),
            server_address="192.0.2.10",
            port=5060,
            transport=Transport.UDP,
            certificate_pem="-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
        )
        assert (device.server_address, device.port, device.transport) == (
            "192.0.2.10",
            5060,
            Transport.UDP,
        )
        [event] = UserDevice(USER, "T-C1").set_up_sip_device(
            device, by=SetUpBy.PARTNER_ON_BEHALF, by_user_id="pa@reseller.example.com", now=NOW
        )
        assert isinstance(event, SipDeviceSetUp) and event.has_certificate

    @pytest.mark.parametrize("port", [1, 65535])
    def test_ports_1_and_65535_are_accepted(self, port):
        assert sip_device(FakeSealer(), port=port).port == port

    @pytest.mark.parametrize("port", [0, 65536, -5060])
    def test_ports_outside_1_to_65535_are_refused(self, port):
        with pytest.raises(ValidationFailed) as refused:
            sip_device(FakeSealer(), port=port)
        assert refused.value.reason_codes == ("invalid_port",)

    @pytest.mark.parametrize(
        ("overrides", "code"),
        [
            ({"transport": "sctp"}, "invalid_transport"),
            ({"server_address": "not a host"}, "invalid_server_address"),
            ({"server_address": ""}, "invalid_server_address"),
            ({"sip_user_id": " "}, "missing"),
            ({"auth_password": ""}, "missing"),
            ({"certificate_pem": "hello"}, "invalid_certificate"),
        ],
    )
    def test_invalid_settings_are_refused(self, overrides, code):
        with pytest.raises(ValidationFailed) as refused:
            sip_device(FakeSealer(), **overrides)
        assert refused.value.reason_codes == (code,)

    def test_nothing_is_sealed_when_the_form_is_invalid(self):
        sealer = FakeSealer()
        with pytest.raises(ValidationFailed):
            sip_device(sealer, port=0)
        assert sealer.vault == {}


class TestNoDevice:
    def test_an_admin_sets_the_user_to_no_device(self):
        device = UserDevice(USER, "T-C1")
        device.set_up_sip_device(
            sip_device(FakeSealer()), by=SetUpBy.CUSTOMER_ADMIN, by_user_id=ADMIN, now=NOW
        )
        events = device.remove_device(by=SetUpBy.CUSTOMER_ADMIN, by_user_id=ADMIN, now=NOW)
        assert events == [DeviceRemoved("T-C1", USER, ADMIN, occurred_at=NOW)]
        assert device.device is None
