"""Issue 7 §4 through Kafka, as an attacker would try it, on the real broker and database.

1. An authorisation decision is not replayed: a command reusing the id of an allowed
   on-behalf action (the `causationid` of its `onboarding.on_behalf.action_audited`) is
   denied with `command_id_reused` and audited — after the customer opted out, and from
   another reseller's administrator — and nothing is set up.
2. A partner cannot ask for partner administration on another partner's tenant (nor take
   its place): onboarding decides whose tenant it is from the tenant's orders.
3. Any other command reusing a recorded id is refused (`onboarding.command.rejected`,
   code `command_id_reused`) and parked in the dead-letter topic, never taken for the
   earlier one.
"""

from __future__ import annotations

from typing import Any

import pytest

from services.onboarding.app import NAME, wire
from services.onboarding.settings import OnboardingSettings
from shared.actor import Actor
from shared.contracts import onboarding as c
from shared.events import Envelope, Payload
from shared.topics import ONBOARDING_COMMANDS, ONBOARDING_EVENTS
from tests.conftest import eventually
from tests.fakes import TEST_DEVICE_KEYS
from tests.integration.bus import Bus, running_service
from tests.integration.onboarding.steps import customer_facts, licence_fact

pytestmark = pytest.mark.integration

EVENTS, COMMANDS = ONBOARDING_EVENTS.name, ONBOARDING_COMMANDS.name
DISTRIBUTOR, RESELLER, OTHER = "P-730900", "P-730100", "P-730200"
RESELLER_TENANT, OTHER_TENANT, CUSTOMER_TENANT = "T-730-R", "T-730-O", "T-730-C"
OPS = Actor(user_id="ops@vendor.example.com", roles=("cloud_operations",))
PARTNER_ADMIN = Actor(
    user_id="pat@reseller.example.com",
    partner_id=RESELLER,
    tenant_id=RESELLER_TENANT,
    roles=("partner_admin",),
)
STRANGER = Actor(
    user_id="mallory@other.example.com",
    partner_id=OTHER,
    tenant_id=OTHER_TENANT,
    roles=("partner_admin",),
)
CUSTOMER_ADMIN = Actor(
    user_id="it@northwind.example.com", tenant_id=CUSTOMER_TENANT, roles=("tenant_admin",)
)
SIP = c.SetUpSipDevice(
    user_id="ben@northwind.example.com",
    server_address="sip.voice.example.com",
    port=5061,
    transport="tls",
    sip_user_id="ben-730",
    auth_password="sip-Secret-730",
)


def service(bus: Bus, mongo_url: str, database: str) -> Any:
    return running_service(
        NAME,
        OnboardingSettings,
        wire,
        bus,
        mongo_url,
        database,
        device_secret_keys=TEST_DEVICE_KEYS,
    )


async def facts(bus: Bus, customer_id: str, *payloads: Payload) -> None:
    for payload in payloads:
        await bus.send(EVENTS, payload, subject=customer_id)


async def own_tenant(bus: Bus, mongo_db: Any, partner: str, tenant: str) -> None:
    """The partner's own paid tenant: its orders name the partner as the customer."""
    customer = f"C-{tenant}"
    ids: dict[str, Any] = {"reseller": DISTRIBUTOR, "distributor": DISTRIBUTOR}
    ids["customer_partner_id"] = partner
    await facts(bus, customer, *customer_facts(customer, tenant, f"{partner} Ltd", bus.now, **ids))
    await eventually(lambda: mongo_db.customer_tenants.find_one({"_id": tenant}))


def reasons(envelope: Envelope) -> set[str]:
    return {r["code"] for r in envelope.data["reasons"]}


async def test_an_allowed_on_behalf_decision_cannot_be_replayed_under_its_id(
    bus, mongo_url, mongo_db
):
    async with service(bus, mongo_url, mongo_db.name):
        await own_tenant(bus, mongo_db, RESELLER, RESELLER_TENANT)
        ids = {"reseller": DISTRIBUTOR, "distributor": DISTRIBUTOR}
        await facts(
            bus,
            f"C-{RESELLER_TENANT}",
            licence_fact(
                f"C-{RESELLER_TENANT}",
                RESELLER_TENANT,
                PARTNER_ADMIN.user_id,
                "Enterprise",
                bus.now,
                customer_partner_id=RESELLER,
                **ids,
            ),
        )
        customer = customer_facts(
            "C-730-C",
            CUSTOMER_TENANT,
            "Northwind Example Ltd",
            bus.now,
            reseller=RESELLER,
            distributor=DISTRIBUTOR,
        )
        await facts(bus, "C-730-C", *customer)
        await eventually(lambda: mongo_db.customer_tenants.find_one({"_id": CUSTOMER_TENANT}))
        admin = Actor(
            user_id="admin@reseller.example.com", tenant_id=RESELLER_TENANT, roles=("tenant_admin",)
        )
        for command in (
            c.RequestPartnerAdministration(
                request_id="rq",
                actor=Actor(user_id="sales@reseller.example.com", partner_id=RESELLER),
                tenant_id=RESELLER_TENANT,
                partner_id=RESELLER,
                domain="reseller.example.com",
            ),
            c.EnablePartnerAdministration(request_id="en", actor=OPS, tenant_id=RESELLER_TENANT),
            c.GrantPartnerAdministrator(
                request_id="gr",
                actor=admin,
                tenant_id=RESELLER_TENANT,
                user_id=PARTNER_ADMIN.user_id,
            ),
        ):
            await bus.send(COMMANDS, command, subject=RESELLER_TENANT)
        await bus.expect(EVENTS, "onboarding.reseller_tenant.partner_administrator_granted")

        removal = c.ActOnTenant(
            request_id="rm",
            actor=PARTNER_ADMIN,
            tenant_id=CUSTOMER_TENANT,
            action=c.RemoveDevice(user_id="anna@northwind.example.com"),
        )
        for step in (
            c.OptInPartnerAdministration(
                request_id="in", actor=CUSTOMER_ADMIN, tenant_id=CUSTOMER_TENANT
            ),
            removal,
            c.OptOutPartnerAdministration(
                request_id="out", actor=CUSTOMER_ADMIN, tenant_id=CUSTOMER_TENANT
            ),
        ):
            await bus.send(COMMANDS, step, subject=CUSTOMER_TENANT)
        [audited] = await bus.expect(EVENTS, "onboarding.on_behalf.action_audited")
        await bus.expect(EVENTS, "onboarding.customer_tenant.partner_administration_opted_out")
        replayed_id = audited.causationid or ""

        # The id of the allowed removal, published in the audit event, replayed twice: a
        # SIP phone for another user, by the same administrator and by a stranger.
        for by in (PARTNER_ADMIN, STRANGER):
            replay = c.ActOnTenant(
                request_id=f"replay-{by.user_id}", actor=by, tenant_id=CUSTOMER_TENANT, action=SIP
            )
            await bus.send(COMMANDS, replay, subject=CUSTOMER_TENANT, event_id=replayed_id)
        denied = await bus.expect(EVENTS, "onboarding.on_behalf.action_denied", count=2)

    assert {d.data["user_id"] for d in denied} == {PARTNER_ADMIN.user_id, STRANGER.user_id}
    assert all(reasons(d) == {"command_id_reused"} for d in denied)
    assert all(d.causationid == replayed_id for d in denied)
    events = await bus.events(EVENTS, 1.0)
    assert "onboarding.device.sip_device_set_up" not in {e.type for e in events}
    assert await mongo_db.devices.find_one({"_id": f"{CUSTOMER_TENANT}/{SIP.user_id}"}) is None
    entries = [d["state"]["entry"] async for d in mongo_db.audit.find({})]
    assert sorted((e["action"], e["allowed"]) for e in entries) == [
        ("remove_device", True),
        ("set_up_sip_device", False),
        ("set_up_sip_device", False),
    ]


async def test_a_partner_cannot_request_administration_of_another_partners_tenant(
    bus, mongo_url, mongo_db
):
    def ask(by: str, request_id: str) -> c.RequestPartnerAdministration:
        return c.RequestPartnerAdministration(
            request_id=request_id,
            actor=Actor(user_id=f"sales@{by.lower()}.example.com", partner_id=by),
            tenant_id=RESELLER_TENANT,
            partner_id=by,
            domain=f"{by.lower()}.example.com",
        )

    async with service(bus, mongo_url, mongo_db.name):
        await own_tenant(bus, mongo_db, RESELLER, RESELLER_TENANT)
        await bus.send(COMMANDS, ask(OTHER, "foreign"), subject=RESELLER_TENANT)
        [refused] = await bus.expect(EVENTS, "onboarding.on_behalf.action_refused")
        await bus.send(COMMANDS, ask(RESELLER, "own"), subject=RESELLER_TENANT)
        [requested] = await bus.expect(
            EVENTS, "onboarding.reseller_tenant.partner_administration_requested"
        )

    assert reasons(refused) == {"not_the_partners_tenant"}
    assert refused.data["request_id"] == "foreign"
    assert requested.data["partner_id"] == RESELLER  # its place was not taken
    doc = await mongo_db.reseller_tenants.find_one({"_id": RESELLER_TENANT})
    assert doc["state"]["reseller"]["partner_id"] == RESELLER


async def test_a_different_command_under_a_recorded_id_is_rejected_and_parked(
    bus, mongo_url, mongo_db
):
    async with service(bus, mongo_url, mongo_db.name):
        own = c.ActOnTenant(
            request_id="own-1",
            actor=CUSTOMER_ADMIN,
            tenant_id=CUSTOMER_TENANT,
            action=c.RemoveDevice(user_id=SIP.user_id),
        )
        first = await bus.send(COMMANDS, own, subject=CUSTOMER_TENANT)
        await bus.expect(EVENTS, "onboarding.device.removed")
        await bus.send_raw(COMMANDS, CUSTOMER_TENANT, first.to_json())  # redelivered: nothing
        other = c.ActOnTenant(
            request_id="own-2", actor=CUSTOMER_ADMIN, tenant_id=CUSTOMER_TENANT, action=SIP
        )
        await bus.send(COMMANDS, other, subject=CUSTOMER_TENANT, event_id=first.id)
        [rejected] = await bus.expect(EVENTS, "onboarding.command.rejected")
        [parked] = await bus.wait_records(ONBOARDING_COMMANDS.dlq, 1)

    assert rejected.data["code"] == "command_id_reused"
    assert rejected.data["command_id"] == first.id
    assert dict(parked.headers)["x-dlq-error-code"] == b"command_id_reused"
    events = await bus.events(EVENTS, 1.0)
    assert [e.type for e in events].count("onboarding.device.removed") == 1
    assert "onboarding.device.sip_device_set_up" not in {e.type for e in events}
