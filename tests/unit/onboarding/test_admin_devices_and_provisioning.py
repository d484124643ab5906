"""Device set-up through `onboarding.on_behalf.act`, and the provisioning requests (§1.4, §1.6)."""

from __future__ import annotations

import base64

import pytest
from cryptography.exceptions import InvalidTag

from services.onboarding.adapters.admin_documents import DEVICES, device_id
from services.onboarding.adapters.admin_group_documents import PROVISIONING_REQUESTS
from services.onboarding.adapters.admin_sealer import AesGcmSealer, UnknownSecretKey
from services.onboarding.application.devices import devices as admin_devices
from services.onboarding.application.on_behalf import tenant_actions as admin_tenant_actions
from services.onboarding.application.provisioning import provisioning as admin_provisioning
from services.onboarding.domain.secrets import EncryptedSecret, SecretHash, verify_secret
from shared.contracts import onboarding as c
from tests.unit.onboarding.test_admin_fakes import (
    CUSTOMER_ADMIN,
    CUSTOMER_TENANT,
    RESELLER,
    Harness,
    World,
    actor,
)
from tests.unit.onboarding.test_admin_groups import PARTNER, STAFF, Groups

pytestmark = pytest.mark.unit

ANNA = "anna@northwind.example.com"
ANNA_ACTOR = actor(ANNA, tenant_id=CUSTOMER_TENANT)
DEVICE = device_id(CUSTOMER_TENANT, ANNA)
INTEGRATION = actor("adapter@vendor.example.com", "integration")


def vendor_phone(pin: str = "123456") -> c.SetUpVendorPhone:
    return c.SetUpVendorPhone(user_id=ANNA, deployment_pin=pin, security_pin="9876")


def sip_device() -> c.SetUpSipDevice:
    return c.SetUpSipDevice(
        user_id=ANNA,
        server_address="sip.voice.example.com",
        port=5061,
        transport="tls",
        sip_user_id="anna-5001",
        auth_password="s3cret-SIP-pass",
    )


async def world() -> tuple[Harness, World]:
    h = Harness()
    w = World(h)
    await w.linked_and_opted_in()
    return h, w


def published_text(h: Harness) -> str:
    return " ".join(e.model_dump_json() for e in h.published)


async def test_the_partner_sets_up_a_sip_device_on_behalf_and_the_password_stays_hidden():
    h, w = await world()
    await h.send(admin_tenant_actions.act, w.act(sip_device()))
    set_up = h.one("onboarding.device.sip_device_set_up")
    assert set_up.data["reseller_partner_id"] == RESELLER
    assert set_up.data["sip_user_id"] == "anna-5001"
    sealed = h.state(DEVICES, DEVICE)["device"]["device"]["auth_password"]
    assert sealed["key_id"] == "test-1"  # the test key ring given to the harness
    assert "s3cret" not in str(h.docs(DEVICES)) and "s3cret" not in published_text(h)
    # ... yet the device service, holding the key ring, can read it back to configure.
    stored = admin_devices.sealer_for(h.deps).unseal(
        EncryptedSecret(sealed["key_id"], base64.b64decode(sealed["ciphertext"]))
    )
    assert stored == "s3cret-SIP-pass"


async def test_vendor_phone_pins_are_hashed_and_the_phone_waits_for_the_device_service():
    h, w = await world()
    await h.send(admin_tenant_actions.act, w.act(vendor_phone(), by=CUSTOMER_ADMIN))
    assert h.one("onboarding.device.vendor_phone_set_up").data["status"] == "not_configured"
    kept = h.state(DEVICES, DEVICE)["device"]["device"]
    assert verify_secret("123456", SecretHash.decode(kept["deployment_pin"]))
    assert "123456" not in published_text(h)
    configured = c.RecordVendorPhoneConfigured(
        request_id="cfg", actor=INTEGRATION, tenant_id=CUSTOMER_TENANT, user_id=ANNA
    )
    await h.send(admin_devices.record_configured, configured)
    assert h.one("onboarding.device.vendor_phone_configured").data["tenant_id"] == CUSTOMER_TENANT


async def test_an_invalid_pin_is_refused_with_reasons_and_nothing_is_stored():
    h, w = await world()
    await h.send(admin_tenant_actions.act, w.act(vendor_phone(pin="12"), by=CUSTOMER_ADMIN))
    refused = h.one("onboarding.device.action_refused")
    assert {r["code"] for r in refused.data["reasons"]} == {"invalid_pin"}
    # no device: only the refusal record keeping the command's tracking id
    assert h.docs(DEVICES)[DEVICE]["state"] is None


async def test_a_user_sets_up_their_own_vendor_phone_unless_an_admin_disallowed_it():
    h, w = await world()
    await h.send(admin_tenant_actions.act, w.act(vendor_phone(), by=ANNA_ACTOR))
    assert h.one("onboarding.device.vendor_phone_set_up").data["by_user_id"] == ANNA
    switch = c.AllowDeviceSelfSetup(user_id=ANNA, allowed=False)
    await h.send(admin_tenant_actions.act, w.act(switch))  # by the partner, on behalf
    await h.send(admin_tenant_actions.act, w.act(vendor_phone(), by=ANNA_ACTOR))
    refused = h.one("onboarding.device.action_refused")
    assert {r["code"] for r in refused.data["reasons"]} == {"device_self_setup_disabled"}


async def test_a_user_cannot_set_up_a_sip_device_or_someone_elses_phone():
    h, w = await world()
    await h.send(admin_tenant_actions.act, w.act(sip_device(), by=ANNA_ACTOR))
    other = actor("bob@northwind.example.com", tenant_id=CUSTOMER_TENANT)
    await h.send(admin_tenant_actions.act, w.act(vendor_phone(), by=other))
    refusals = h.of_type("onboarding.device.action_refused")
    assert [r.data["reasons"][0]["code"] for r in refusals] == ["device_setup_needs_admin"] * 2


async def test_only_the_integration_reports_a_phone_configured():
    h, w = await world()
    await h.send(admin_tenant_actions.act, w.act(vendor_phone(), by=CUSTOMER_ADMIN))
    configured = c.RecordVendorPhoneConfigured(
        request_id="cfg", actor=CUSTOMER_ADMIN, tenant_id=CUSTOMER_TENANT, user_id=ANNA
    )
    await h.send(admin_devices.record_configured, configured)
    assert h.of_type("onboarding.device.vendor_phone_configured") == []
    assert h.one("onboarding.device.action_refused").data["code"] == "forbidden"


def test_the_sip_password_sealer_round_trips_detects_tampering_and_survives_key_rotation():
    old = AesGcmSealer({"k1": b"1" * 32}, current="k1")
    sealed = old.seal("s3cret")
    assert b"s3cret" not in sealed.ciphertext
    assert old.seal("s3cret").ciphertext != sealed.ciphertext  # a fresh nonce each time
    rotated = AesGcmSealer({"k1": b"1" * 32, "k2": b"2" * 32}, current="k2")
    assert rotated.unseal(sealed) == "s3cret"
    assert rotated.seal("x").key_id == "k2"
    tampered = EncryptedSecret("k1", sealed.ciphertext[:-1] + bytes([sealed.ciphertext[-1] ^ 1]))
    with pytest.raises(InvalidTag):
        rotated.unseal(tampered)
    with pytest.raises(UnknownSecretKey):
        AesGcmSealer({"k2": b"2" * 32}, current="k2").unseal(sealed)


def test_secrets_in_commands_are_masked_in_repr_and_sent_in_json():
    command = c.ActOnTenant(
        request_id="r", actor=CUSTOMER_ADMIN, tenant_id=CUSTOMER_TENANT, action=sip_device()
    )
    assert "s3cret" not in repr(command)
    assert command.model_dump(mode="json")["action"]["auth_password"] == "s3cret-SIP-pass"


# -- provisioning requests --------------------------------------------------------------------


async def provisioning_world() -> tuple[Harness, Groups]:
    h = Harness()
    g = Groups(h)
    await g.clone_group()
    await g.create()
    # Customer C-1, whose orders name the group's partner: the partition's billing tag.
    await World(h).customer("C-1", "T-CUS-1", PARTNER, "Northwind Example Ltd")
    return h, g


@pytest.mark.parametrize("customer_id", ["C-9", "C-NOBODY"], ids=["another's", "unknown"])
async def test_a_partition_is_refused_for_a_customer_the_orders_do_not_give_the_partner(
    customer_id,
):
    h, _ = await provisioning_world()
    await World(h).customer("C-9", "T-CUS-9", "P-OTHER-RESELLER", "Faraway Example GmbH")
    await h.send(admin_provisioning.request_reporting_partition, partition(customer_id=customer_id))
    refused = h.one("onboarding.provisioning.action_refused")
    assert [r["code"] for r in refused.data["reasons"]] == ["customer_not_of_partner"]
    assert "onboarding.provisioning.requested" not in h.types()


def partition(**changes) -> c.RequestReportingPartition:
    values = {
        "request_id": "rp-1",
        "actor": STAFF,
        "group_id": "northwind",
        "customer_name": "Northwind Example Ltd",
        "customer_id": "C-1",
        "licence_type": "Supervisor",
        "admin_users": [c.ReportingAdminIn(username="nw.reports", email="r@northwind.example.com")],
    }
    values.update(changes)
    return c.RequestReportingPartition(**values)


async def test_a_reporting_partition_is_requested_with_the_guides_field_mapping():
    h, _ = await provisioning_world()
    await h.send(admin_provisioning.request_reporting_partition, partition())
    requested = h.one("onboarding.provisioning.requested")
    payload = requested.data["payload"]
    assert (payload["description"], payload["billing_tag"]) == ("Northwind Example Ltd", "C-1")
    assert (payload["provider_id"], payload["group_id"]) == (PARTNER, "northwind")
    assert payload["telephony_server_type"] == "Service Provider Group"
    assert payload["synchronisation"] == "By Service Pack"
    assert payload["maintain_parity"] is True
    assert payload["admin_users"][0]["reporting_level"] == "1000 Supervisor"
    assert requested.subject == "northwind/reporting_partition"


async def test_a_customers_reporting_admin_never_gets_any_partition():
    h, _ = await provisioning_world()
    admin = c.ReportingAdminIn(username="x", email="x@n.example.com", partition="Any Partition")
    await h.send(admin_provisioning.request_reporting_partition, partition(admin_users=[admin]))
    refused = h.one("onboarding.provisioning.action_refused")
    assert refused.data["reasons"][0]["code"] == "any_partition_for_partner_staff_only"


async def test_reporting_usernames_are_unique_across_the_platform_ignoring_case():
    h, g = await provisioning_world()
    await g.create("southwind")
    await h.send(admin_provisioning.request_reporting_partition, partition())
    again = c.ReportingAdminIn(username="NW.Reports", email="s@southwind.example.com")
    await h.send(
        admin_provisioning.request_reporting_partition,
        partition(request_id="rp-2", group_id="southwind", admin_users=[again]),
    )
    refused = h.one("onboarding.provisioning.action_refused")
    assert [r["code"] for r in refused.data["reasons"]] == ["reporting_username_taken"]
    assert len(h.of_type("onboarding.provisioning.requested")) == 1
    other = c.ReportingAdminIn(username="sw.reports", email="s@southwind.example.com")
    await h.send(
        admin_provisioning.request_reporting_partition,
        partition(request_id="rp-3", group_id="southwind", admin_users=[other]),
    )
    assert len(h.of_type("onboarding.provisioning.requested")) == 2


async def test_outcomes_come_from_the_integration_and_a_failure_is_retried():
    h, _ = await provisioning_world()
    await h.send(admin_provisioning.request_reporting_partition, partition())
    pid = "northwind/reporting_partition"
    failed = c.RecordProvisioningOutcome(
        request_id="o-1", actor=INTEGRATION, provisioning_id=pid, outcome="failed", reason="timeout"
    )
    await h.send(admin_provisioning.record_outcome, failed)
    assert h.one("onboarding.provisioning.failed").data["reason"] == "timeout"
    await h.send(
        admin_provisioning.retry,
        c.RetryProvisioning(request_id="retry", actor=STAFF, provisioning_id=pid),
    )
    assert len(h.of_type("onboarding.provisioning.requested")) == 2
    done = failed.model_copy(update={"request_id": "o-2", "outcome": "done", "external_id": "AK-7"})
    await h.send(admin_provisioning.record_outcome, done)
    await h.send(
        admin_provisioning.record_synchronised,
        c.RecordPartitionSynchronised(request_id="s", actor=INTEGRATION, provisioning_id=pid),
    )
    assert h.one("onboarding.provisioning.completed").data["external_id"] == "AK-7"
    assert h.one("onboarding.provisioning.partition_synchronised").subject == pid
    assert h.state(PROVISIONING_REQUESTS, pid)["request"]["state"] == "done"
    by_partner = done.model_copy(update={"request_id": "o-3", "actor": STAFF})
    await h.send(admin_provisioning.record_outcome, by_partner)
    assert h.one("onboarding.provisioning.action_refused").data["code"] == "forbidden"


async def test_recording_licences_wait_for_the_call_recording_customer():
    h, _ = await provisioning_world()
    licences = c.ApplyRecordingLicences(
        request_id="l-1", actor=STAFF, group_id="northwind", user_ids=[ANNA]
    )
    await h.send(admin_provisioning.apply_licences, licences)
    refused = h.one("onboarding.group.action_refused")
    assert refused.data["reasons"][0]["code"] == "recording_customer_missing"
    recording = c.RequestCallRecordingCustomer(
        request_id="cr-1",
        actor=STAFF,
        group_id="northwind",
        customer_name="Northwind Example Ltd",
        admin_name="Ada Example",
        admin_email="ada@northwind.example.com",
        terms_accepted=True,
    )
    await h.send(admin_provisioning.request_call_recording_customer, recording)
    payload = h.one("onboarding.provisioning.requested").data["payload"]
    assert payload["customer_type"] == "essential"
    assert payload["dealer_code"] == payload["billing_code"] == "Northwind Example Ltd"
    pid = "northwind/call_recording_customer"
    done = c.RecordProvisioningOutcome(
        request_id="o", actor=INTEGRATION, provisioning_id=pid, outcome="done"
    )
    await h.send(admin_provisioning.record_outcome, done)
    await h.send(
        admin_provisioning.apply_licences, licences.model_copy(update={"request_id": "l-2"})
    )
    assert h.one("onboarding.recording_licences.applied").data["user_ids"] == [ANNA]
