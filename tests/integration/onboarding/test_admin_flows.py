"""Onboarding's admin half on the real Kafka broker and Mongo-wire server, driven via Kafka.

1. Numbers from an accepted port enter the partner's inventory as "porting", are assigned
   to a customer group that becomes ready for users, go live when the port completes;
   redelivered port facts change nothing twice; a cancelled port takes its numbers out of
   the inventory and out of the group that held them.
2. A customer opts in, the partner administrator sets up a device on behalf (allowed,
   audited), the customer opts out, the same action is denied and audited.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from services.onboarding.app import NAME, wire
from services.onboarding.settings import OnboardingSettings
from shared.actor import Actor
from shared.contracts import onboarding as c
from shared.contracts import porting as porting
from shared.events import Envelope
from shared.topics import ONBOARDING_COMMANDS, ONBOARDING_EVENTS, PORTING_EVENTS
from tests.conftest import eventually
from tests.fakes import TEST_DEVICE_KEYS
from tests.integration.bus import running_service
from tests.integration.onboarding.steps import customer_facts, licence_fact, live_partner_commands

pytestmark = pytest.mark.integration

EVENTS = ONBOARDING_EVENTS.name
TEST_KEYS = {"device_secret_keys": TEST_DEVICE_KEYS}  # not demonstration mode: a real ring
COMMANDS = ONBOARDING_COMMANDS.name
PARTNER = "P-710001"
STAFF = Actor(user_id="builder@brightline.example.com", partner_id=PARTNER)
PROVISIONING = Actor(user_id="prov@vendor.example.com", roles=("provisioning",))
PORTED = ["+442079460710", "+442079460711"]
LATER = ["+442079460712"]


def count(events: list[Envelope], event_type: str) -> int:
    return [e.type for e in events].count(event_type)


async def test_ported_numbers_make_a_group_ready_and_follow_the_port(bus, mongo_url, mongo_db):
    group_id = "brightline-northwind"
    async with running_service(
        NAME, OnboardingSettings, wire, bus, mongo_url, mongo_db.name, **TEST_KEYS
    ):
        # Only a partner whose platform access is live builds groups (one key: in order).
        for command in (
            *live_partner_commands(PARTNER, bus.now),
            c.RegisterCloneGroup(
                request_id="cg", actor=PROVISIONING, partner_id=PARTNER, clone_group_id="CL-1"
            ),
            c.CreateCustomerGroup(
                request_id="g1",
                actor=STAFF,
                partner_id=PARTNER,
                group_id=group_id,
                group_name="Northwind Example Ltd",
                clone_group_id="CL-1",
                default_domain="voice.example.com",
            ),
        ):
            await bus.send(COMMANDS, command, subject=PARTNER)
        accepted = await bus.send(
            PORTING_EVENTS.name,
            porting.PortNumbersAccepted(
                partner_id=PARTNER, port_id="PRT-A", numbers=PORTED, port_date=date(2026, 6, 1)
            ),
            subject="PRT-A",
        )
        await bus.expect(EVENTS, "onboarding.inventory.ported_numbers_added")
        await eventually(lambda: mongo_db.groups.find_one({"_id": group_id}))

        # Assigned before port day, then CLID, voice portal and an admin: ready for users.
        for step in (
            c.AssignNumbersToGroup(request_id="a1", actor=STAFF, group_id=group_id, numbers=PORTED),
            c.SetBusinessProfileNumber(
                request_id="clid", actor=STAFF, group_id=group_id, clid=PORTED[0]
            ),
            c.EnableVoicePortal(request_id="vp", actor=STAFF, group_id=group_id, number=PORTED[1]),
            c.AddGroupAdminUser(
                request_id="adm",
                actor=STAFF,
                group_id=group_id,
                user_id="ada.example@voice.example.com",
                first_name="Ada",
                last_name="Example",
                password="a typed Passw0rd!",
            ),
        ):
            await bus.send(COMMANDS, step, subject=group_id)
        [ready] = await bus.expect(EVENTS, "onboarding.group.ready_for_users")
        assert ready.data["partner_id"] == PARTNER

        # The port completes; both port facts are delivered again; a later port arrives.
        completed = await bus.send(
            PORTING_EVENTS.name,
            porting.PortNumbersCompleted(
                partner_id=PARTNER, port_id="PRT-A", numbers=PORTED, completed_at=bus.now
            ),
            subject="PRT-A",
        )
        await bus.send_raw(PORTING_EVENTS.name, "PRT-A", accepted.to_json())
        await bus.send_raw(PORTING_EVENTS.name, "PRT-A", completed.to_json())
        later = porting.PortNumbersAccepted(
            partner_id=PARTNER, port_id="PRT-B", numbers=LATER, port_date=date(2026, 7, 1)
        )
        await bus.send(PORTING_EVENTS.name, later, subject="PRT-A")  # same key: after them
        await bus.expect(EVENTS, "onboarding.inventory.ported_numbers_added", count=2)  # A, then B

        # The later port's number joins the group, then that port is cancelled.
        assign = c.AssignNumbersToGroup(
            request_id="a2", actor=STAFF, group_id=group_id, numbers=LATER
        )
        await bus.send(COMMANDS, assign, subject=group_id)
        await bus.expect(EVENTS, "onboarding.group.numbers_added", count=2)
        cancelled = porting.PortNumbersCancelled(partner_id=PARTNER, port_id="PRT-B", numbers=LATER)
        await bus.send(PORTING_EVENTS.name, cancelled, subject="PRT-B")
        [removed] = await bus.expect(EVENTS, "onboarding.group.numbers_removed")

    assert (removed.data["numbers"], removed.data["reason"]) == (LATER, "port_cancelled")
    events = await bus.events(EVENTS)
    [withdrawn] = [e for e in events if e.type == "onboarding.inventory.port_numbers_withdrawn"]
    assert withdrawn.data["groups"] == {group_id: LATER}
    assert count(events, "onboarding.inventory.ported_numbers_added") == 2
    assert count(events, "onboarding.inventory.ported_numbers_activated") == 1
    assert count(events, "onboarding.group.ready_for_users") == 1
    assert "Passw0rd" not in " ".join(e.model_dump_json() for e in events)
    inventory = await mongo_db.inventories.find_one({"_id": PARTNER})
    numbers = {e["number"]: e for e in inventory["state"]["inventory"]["numbers"]}
    assert sorted(numbers) == PORTED
    assert {(e["state"], e["group_id"]) for e in numbers.values()} == {("active", group_id)}
    group = (await mongo_db.groups.find_one({"_id": group_id}))["state"]["group"]
    assert (group["numbers"], group["ready"]) == (PORTED, True)
    assert await mongo_db.admin_user_id_claims.find_one({"_id": "ada.example@voice.example.com"})


RESELLER = "P-720001"
RESELLER_TENANT = "T-720-RES"
CUSTOMER_TENANT = "T-720-CUS"
RESELLER_ADMIN = Actor(
    user_id="admin@reseller.example.com",
    partner_id=RESELLER,
    tenant_id=RESELLER_TENANT,
    roles=("tenant_admin",),
)
PARTNER_ADMIN = Actor(
    user_id="pat@reseller.example.com",
    partner_id=RESELLER,
    tenant_id=RESELLER_TENANT,
    roles=("partner_admin",),
)
CUSTOMER_ADMIN = Actor(
    user_id="it@northwind.example.com", tenant_id=CUSTOMER_TENANT, roles=("tenant_admin",)
)


async def test_an_on_behalf_action_is_allowed_until_the_customer_opts_out(bus, mongo_url, mongo_db):
    async with running_service(
        NAME, OnboardingSettings, wire, bus, mongo_url, mongo_db.name, **TEST_KEYS
    ):
        # What the partners half publishes from orders and licences: the reseller's own
        # tenant (paid; its orders name it as the customer), where its partner
        # administrator holds a paid licence, and its customer's tenant.
        own: dict[str, Any] = {
            "reseller": "P-720900",
            "distributor": "P-720900",
            "customer_partner_id": RESELLER,
        }
        for customer_id, fact in (
            *[
                ("C-720-R", f)
                for f in customer_facts(
                    "C-720-R", RESELLER_TENANT, "Reseller Example Ltd", bus.now, **own
                )
            ],
            (
                "C-720-R",
                licence_fact(
                    "C-720-R", RESELLER_TENANT, PARTNER_ADMIN.user_id, "Enterprise", bus.now, **own
                ),
            ),
            *[
                ("C-720-C", f)
                for f in customer_facts(
                    "C-720-C",
                    CUSTOMER_TENANT,
                    "Northwind Example Ltd",
                    bus.now,
                    reseller=RESELLER,
                    distributor="P-720900",
                )
            ],
        ):
            await bus.send(EVENTS, fact, subject=customer_id)

        async def both_tenants_known() -> bool:
            found = mongo_db.customer_tenants.find(
                {"_id": {"$in": [RESELLER_TENANT, CUSTOMER_TENANT]}}
            )
            return len([d async for d in found]) == 2

        await eventually(both_tenants_known)

        for command in (
            c.RequestPartnerAdministration(
                request_id="rq",
                actor=Actor(user_id="sales@reseller.example.com", partner_id=RESELLER),
                tenant_id=RESELLER_TENANT,
                partner_id=RESELLER,
                domain="reseller.example.com",
            ),
            c.EnablePartnerAdministration(
                request_id="en",
                actor=Actor(user_id="ops", roles=("cloud_operations",)),
                tenant_id=RESELLER_TENANT,
            ),
            c.GrantPartnerAdministrator(
                request_id="gr",
                actor=RESELLER_ADMIN,
                tenant_id=RESELLER_TENANT,
                user_id=PARTNER_ADMIN.user_id,
                user_tenant_id=RESELLER_TENANT,
                user_licence_package="Enterprise",
            ),
        ):
            await bus.send(COMMANDS, command, subject=RESELLER_TENANT)
        await bus.expect(EVENTS, "onboarding.reseller_tenant.partner_administrator_granted")

        sip = c.SetUpSipDevice(
            user_id="anna@northwind.example.com",
            server_address="sip.voice.example.com",
            port=5061,
            transport="tls",
            sip_user_id="anna-1",
            auth_password="sip-Secret-720",
        )

        def act(request_id: str) -> c.ActOnTenant:
            return c.ActOnTenant(
                request_id=request_id, actor=PARTNER_ADMIN, tenant_id=CUSTOMER_TENANT, action=sip
            )

        # One key, one partition: handled in this order.
        for step in (
            c.OptInPartnerAdministration(
                request_id="in", actor=CUSTOMER_ADMIN, tenant_id=CUSTOMER_TENANT
            ),
            act("act-1"),
            c.ListManageableTenants(request_id="list", actor=PARTNER_ADMIN),
            c.OptOutPartnerAdministration(
                request_id="out", actor=CUSTOMER_ADMIN, tenant_id=CUSTOMER_TENANT
            ),
            act("act-2"),
        ):
            await bus.send(COMMANDS, step, subject=CUSTOMER_TENANT)
        [denied] = await bus.expect(EVENTS, "onboarding.on_behalf.action_denied")

    assert {r["code"] for r in denied.data["reasons"]} == {"customer_not_opted_in"}
    assert denied.data["request_id"] == "act-2"
    events = await bus.events(EVENTS)
    [audited] = [
        e
        for e in events
        if e.type == "onboarding.on_behalf.action_audited" and e.data["request_id"] == "act-1"
    ]
    assert audited.data["tenant_id"] == CUSTOMER_TENANT
    assert audited.data["reseller_partner_id"] == RESELLER
    [listed] = [e for e in events if e.type == "onboarding.on_behalf.tenants_listed"]
    assert [r["tenant_id"] for r in listed.data["rows"]] == [CUSTOMER_TENANT]
    assert count(events, "onboarding.device.sip_device_set_up") == 1
    assert "sip-Secret" not in " ".join(e.model_dump_json() for e in events)
    entries = [d["state"]["entry"] async for d in mongo_db.audit.find({})]
    by_action = sorted((e["action"], e["allowed"]) for e in entries)
    assert by_action == [
        ("list_tenants", True),
        ("set_up_sip_device", False),
        ("set_up_sip_device", True),
    ]
