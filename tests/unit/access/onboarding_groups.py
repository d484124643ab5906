"""Onboarding's access matrix, customer groups (§1.4, §5 flow 3), the number inventory,
provisioning of a group's integrations (§1.4) and device reports (§1.6): every command ×
every actor kind, through the use cases on the in-memory fakes (`tests/fakes.py`).

Rules (spec/domain.md §1.4, §1.6; `services/onboarding/domain/access.py`):
- a partner builds and changes its own customer groups (numbers, CLID, voice portal,
  admin users) and asks for their integrations (reporting partition, call recording,
  recording licences, a retry after a failure); the provisioning team (`provisioning`)
  may do all of it for any partner;
- clone groups and the number inventory are the provisioning team's;
- the external systems' adapters (`integration`) report outcomes and devices back;
- another partner — the distributor included: the group is its reseller's — vendor and
  cloud operations, a customer admin: none of it.
No command here names a tenant. Columns: `own` the group's partner's user, `other` another
partner's, `dist` a distributor's, `prov` provisioning, `intg` integration, `vops` vendor
operations, `ops` cloud operations, `cust` a customer admin.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from services.onboarding.application.devices import devices
from services.onboarding.application.groups import groups, inventory
from services.onboarding.application.on_behalf import tenant_actions
from services.onboarding.application.provisioning import provisioning
from shared.actor import Actor
from shared.contracts import onboarding as c
from shared.contracts.common import PartnerCommand
from tests.unit.access.matrix import parse
from tests.unit.onboarding.test_admin_devices_and_provisioning import ANNA, vendor_phone
from tests.unit.onboarding.test_admin_fakes import (
    CUSTOMER_ADMIN,
    CUSTOMER_TENANT,
    DISTRIBUTOR,
    Harness,
    World,
    actor,
)
from tests.unit.onboarding.test_admin_groups import (
    NUMBERS,
    OTHER_STAFF,
    PARTNER,
    PROVISIONING,
    STAFF,
    Groups,
)

TABLE = """
command                                      tenant own other dist prov intg vops ops cust anon none
clone_group.register                         -      D   D     D    A    D    D    D   D    D    D
group.create                                 -      A   D     D    A    D    D    D   D    D    D
group.assign_numbers                         -      A   D     D    A    D    D    D   D    D    D
group.release_numbers                        -      A   D     D    A    D    D    D   D    D    D
group.set_business_profile_number            -      A   D     D    A    D    D    D   D    D    D
group.enable_voice_portal                    -      A   D     D    A    D    D    D   D    D    D
group.add_admin_user                         -      A   D     D    A    D    D    D   D    D    D
group.remove_admin_user                      -      A   D     D    A    D    D    D   D    D    D
inventory.add_numbers                        -      D   D     D    A    D    D    D   D    D    D
provisioning.request_reporting_partition     -      A   D     D    A    D    D    D   D    D    D
provisioning.request_call_recording_customer -      A   D     D    A    D    D    D   D    D    D
provisioning.record_outcome                  -      D   D     D    D    A    D    D   D    D    D
provisioning.record_synchronised             -      D   D     D    D    A    D    D   D    D    D
provisioning.retry                           -      A   D     D    A    D    D    D   D    D    D
group.apply_recording_licences               -      A   D     D    A    D    D    D   D    D    D
device.record_vendor_phone_configured        -      D   D     D    D    A    D    D   D    D    D
"""
TENANTS = False
"""Whether a scenario builds its command for the own or the other tenant."""
ROWS = parse(TABLE, prefix="onboarding.")

INTEGRATION = actor("adapter@vendor.example.com", "integration")
ACTORS: dict[str, Actor] = {
    "own": STAFF,
    "other": OTHER_STAFF,
    "dist": actor("builder@distributor.example.com", partner_id=DISTRIBUTOR),
    "prov": PROVISIONING,
    "intg": INTEGRATION,
    "vops": actor("vops@vendor.example.com", "vendor_operations"),
    "ops": actor("ops@vendor.example.com", "cloud_operations"),
    "cust": actor(CUSTOMER_ADMIN.user_id, "tenant_admin", "customer_admin", tenant_id="T-CUS-1"),
    "anon": actor("someone@example.com"),
}
OUTSIDERS = ("other", "dist", "cust", "anon")
OWNER = (PARTNER, "Northwind Example Ltd")
"""What identifies the owning partner and its customer (invented data of the fakes)."""

GROUP = "northwind"
ADMIN_USER = "ada@voice.example.com"


def cmd(model: type[PartnerCommand], a: Actor, **fields: Any) -> Any:
    return model.model_validate({"request_id": "m-1", "actor": a, **fields})


async def ready(h: Harness) -> None:
    """A live partner with a clone group, a group with two numbers and an admin user, a
    number left in its inventory, and a customer its orders give it."""
    g = Groups(h)
    await g.clone_group()
    await g.create()
    await g.numbers()
    await g.assign(NUMBERS[:2])
    await g.admin(ADMIN_USER)
    await World(h).customer("C-1", "T-CUS-1", PARTNER, "Northwind Example Ltd")


def partition(a: Actor, request_id: str = "m-1") -> Any:
    return c.RequestReportingPartition(
        request_id=request_id,
        actor=a,
        group_id=GROUP,
        customer_name="Northwind Example Ltd",
        customer_id="C-1",
        licence_type="Supervisor",
        admin_users=[c.ReportingAdminIn(username="nw.reports", email="r@northwind.example.com")],
    )


def recording_customer(a: Actor, request_id: str = "m-1") -> Any:
    return c.RequestCallRecordingCustomer(
        request_id=request_id,
        actor=a,
        group_id=GROUP,
        customer_name="Northwind Example Ltd",
        admin_name="Rita Example",
        admin_email="rita@northwind.example.com",
        terms_accepted=True,
    )


PARTITION = f"{GROUP}/reporting_partition"
RECORDING = f"{GROUP}/call_recording_customer"


async def partition_requested(h: Harness) -> None:
    await ready(h)
    await h.send(provisioning.request_reporting_partition, partition(STAFF, "base-p"))


async def partition_failed(h: Harness) -> None:
    await partition_requested(h)
    failed = cmd(
        c.RecordProvisioningOutcome,
        INTEGRATION,
        provisioning_id=PARTITION,
        outcome="failed",
        reason="timeout",
    )
    await h.send(provisioning.record_outcome, failed.model_copy(update={"request_id": "f"}))


async def partition_done(h: Harness) -> None:
    await partition_requested(h)
    done = cmd(
        c.RecordProvisioningOutcome,
        INTEGRATION,
        provisioning_id=PARTITION,
        outcome="done",
        external_id="RP-1",
    )
    await h.send(provisioning.record_outcome, done.model_copy(update={"request_id": "d"}))


async def recording_done(h: Harness) -> None:
    await ready(h)
    await h.send(provisioning.request_call_recording_customer, recording_customer(STAFF, "b-r"))
    done = cmd(
        c.RecordProvisioningOutcome,
        INTEGRATION,
        provisioning_id=RECORDING,
        outcome="done",
        external_id="CR-1",
    )
    await h.send(provisioning.record_outcome, done.model_copy(update={"request_id": "d"}))


async def phone_set_up(h: Harness) -> None:
    """The customer's admin set up a vendor phone for a user (§1.6)."""
    w = World(h)
    await w.linked_and_opted_in()
    await h.send(tenant_actions.act, w.act(vendor_phone(), by=CUSTOMER_ADMIN))


Base = Callable[[Harness], Awaitable[None]]
Build = Callable[[Actor, Harness], PartnerCommand]


def on_group(use_case: Any, model: type[PartnerCommand], **fields: Any) -> tuple[Base, Any, Build]:
    return ready, use_case, lambda a, h: cmd(model, a, group_id=GROUP, **fields)


SCENARIOS: dict[str, tuple[Base, Any, Build]] = {
    # command type: (base, use case, the command an actor sends)
    "onboarding.clone_group.register": (
        ready,
        groups.register_clone_group,
        lambda a, h: cmd(c.RegisterCloneGroup, a, partner_id=PARTNER, clone_group_id="CLONE-2"),
    ),
    "onboarding.group.create": (
        ready,
        groups.create,
        lambda a, h: cmd(
            c.CreateCustomerGroup,
            a,
            partner_id=PARTNER,
            group_id="southwind",
            group_name="Southwind Example Ltd",
            clone_group_id="CLONE-1",
            default_domain="voice.example.com",
        ),
    ),
    "onboarding.group.assign_numbers": on_group(
        groups.assign_numbers, c.AssignNumbersToGroup, numbers=[NUMBERS[2]]
    ),
    "onboarding.group.release_numbers": on_group(
        groups.release_numbers, c.ReleaseNumbersFromGroup, numbers=[NUMBERS[1]]
    ),
    "onboarding.group.set_business_profile_number": on_group(
        groups.set_clid, c.SetBusinessProfileNumber, clid=NUMBERS[0]
    ),
    "onboarding.group.enable_voice_portal": on_group(
        groups.enable_voice_portal, c.EnableVoicePortal, number=NUMBERS[1]
    ),
    "onboarding.group.add_admin_user": on_group(
        groups.add_admin_user,
        c.AddGroupAdminUser,
        user_id="bo@voice.example.com",
        first_name="Bo",
        last_name="Example",
        password="correct horse battery staple",
    ),
    "onboarding.group.remove_admin_user": on_group(
        groups.remove_admin_user, c.RemoveGroupAdminUser, user_id=ADMIN_USER
    ),
    "onboarding.inventory.add_numbers": (
        ready,
        inventory.add_numbers,
        lambda a, h: cmd(c.AddNumbersToInventory, a, partner_id=PARTNER, numbers=["+442079460509"]),
    ),
    "onboarding.provisioning.request_reporting_partition": (
        ready,
        provisioning.request_reporting_partition,
        lambda a, h: partition(a),
    ),
    "onboarding.provisioning.request_call_recording_customer": (
        ready,
        provisioning.request_call_recording_customer,
        lambda a, h: recording_customer(a),
    ),
    "onboarding.provisioning.record_outcome": (
        partition_requested,
        provisioning.record_outcome,
        lambda a, h: cmd(
            c.RecordProvisioningOutcome,
            a,
            provisioning_id=PARTITION,
            outcome="done",
            external_id="RP-1",
        ),
    ),
    "onboarding.provisioning.record_synchronised": (
        partition_done,
        provisioning.record_synchronised,
        lambda a, h: cmd(c.RecordPartitionSynchronised, a, provisioning_id=PARTITION),
    ),
    "onboarding.provisioning.retry": (
        partition_failed,
        provisioning.retry,
        lambda a, h: cmd(c.RetryProvisioning, a, provisioning_id=PARTITION),
    ),
    "onboarding.group.apply_recording_licences": (
        recording_done,
        provisioning.apply_licences,
        lambda a, h: cmd(c.ApplyRecordingLicences, a, group_id=GROUP, user_ids=[ADMIN_USER]),
    ),
    "onboarding.device.record_vendor_phone_configured": (
        phone_set_up,
        devices.record_configured,
        lambda a, h: cmd(c.RecordVendorPhoneConfigured, a, tenant_id=CUSTOMER_TENANT, user_id=ANNA),
    ),
}
