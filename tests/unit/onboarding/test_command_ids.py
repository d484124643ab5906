"""An earlier decision never stands in for a new command that reuses its id (issue 7, §4).

The instance: the on-behalf audit id was derived from the command's envelope id alone, so
a command reusing the id of an allowed one (visible as the `causationid` of
`onboarding.on_behalf.action_audited`) was executed without a check. Other members of the
kind: the tracking id of any document, the request id an aggregate's id derives from
(activation requests, customer groups), and the ids of refusal and answer events.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from services.onboarding.adapters.admin_documents import AUDIT, DEVICES, device_id
from services.onboarding.adapters.admin_group_documents import (
    GROUP_ID_CLAIMS,
    GROUPS,
    USER_ID_CLAIMS,
)
from services.onboarding.application.activation import requests as partners_activation
from services.onboarding.application.groups import groups as admin_groups
from services.onboarding.application.groups import inventory as admin_inventory
from services.onboarding.application.on_behalf import on_behalf as admin_on_behalf
from services.onboarding.application.on_behalf import queries as admin_queries
from services.onboarding.application.on_behalf import tenant_actions as admin_tenant_actions
from services.onboarding.application.partners import registry as partners_registry
from shared.contracts import onboarding as c
from shared.contracts import onboarding as p
from shared.events import Envelope, Payload, new_event
from shared.store import CommandIdReused
from tests.unit.onboarding.test_admin_fakes import (
    CUSTOMER_ADMIN,
    CUSTOMER_TENANT,
    NOW,
    OTHER_RESELLER,
    OTHER_RESELLER_TENANT,
    PARTNER_ADMIN_USER,
    Harness,
    World,
    actor,
)
from tests.unit.onboarding.test_admin_groups import NUMBERS, PARTNER, STAFF, Groups
from tests.unit.onboarding.test_partners_app_activation import CUSTOMER, RESELLER, partners
from tests.unit.onboarding.test_partners_app_fakes import Harness as PartnersHarness

pytestmark = pytest.mark.unit

AUDITED = "onboarding.on_behalf.action_audited"
DENIED = "onboarding.on_behalf.action_denied"
ANNA, BEN = "anna@northwind.example.com", "ben@northwind.example.com"
SIP = c.SetUpSipDevice(
    user_id=BEN,
    server_address="sip.voice.example.com",
    port=5061,
    transport="tls",
    sip_user_id="ben-1",
    auth_password="Sip-Secret-42",
)


def under(h: Harness, payload: Payload, event_id: str) -> Envelope:
    """The envelope of `payload` under a chosen id (as a replaying sender would send it)."""
    return new_event(payload, source="/tests", now=h.clock.now(), subject="x", event_id=event_id)


def codes(envelope: Envelope) -> set[str]:
    return {r["code"] for r in envelope.data["reasons"]}


async def allowed_removal(h: Harness, w: World) -> Envelope:
    """A partner administrator's allowed, audited removal: its id is public from now on."""
    await h.send(admin_tenant_actions.act, w.act(c.RemoveDevice(user_id=ANNA)))
    return h.one(AUDITED)


async def world() -> tuple[Harness, World]:
    h = Harness()
    w = World(h)
    await w.linked_and_opted_in()
    return h, w


# -- the instance ------------------------------------------------------------------------------


async def test_a_replayed_id_after_the_opt_out_does_not_set_up_a_device_for_another_user():
    h, w = await world()
    audited = await allowed_removal(h, w)
    h.clock.advance(timedelta(minutes=5))
    await w.opt_out()

    replay = w.act(SIP)
    await h.send(admin_tenant_actions.act, replay, under(h, replay, audited.causationid or ""))

    denied = h.one(DENIED)
    assert codes(denied) == {"command_id_reused"}
    assert denied.data["action"] == "set_up_sip_device"
    assert denied.causationid == audited.causationid
    assert device_id(CUSTOMER_TENANT, BEN) not in h.docs(DEVICES)
    assert "onboarding.device.sip_device_set_up" not in h.types()
    assert [e["state"]["entry"]["allowed"] for e in h.docs(AUDIT).values()] == [True, False]


async def test_another_resellers_admin_replaying_the_id_is_refused_and_audited():
    h, w = await world()
    audited = await allowed_removal(h, w)
    stranger = actor(
        "mallory@other.example.com",
        "partner_admin",
        partner_id=OTHER_RESELLER,
        tenant_id=OTHER_RESELLER_TENANT,
    )
    replay = w.act(SIP, by=stranger)
    await h.send(admin_tenant_actions.act, replay, under(h, replay, audited.causationid or ""))

    denied = h.one(DENIED)
    assert codes(denied) == {"command_id_reused"}
    assert denied.data["user_id"] == stranger.user_id
    assert device_id(CUSTOMER_TENANT, BEN) not in h.docs(DEVICES)


async def test_a_replay_is_refused_even_while_a_fresh_decision_would_allow_it():
    h, w = await world()
    audited = await allowed_removal(h, w)
    replay = w.act(SIP)  # same partner administrator, still opted in
    envelope = under(h, replay, audited.causationid or "")
    await h.send(admin_tenant_actions.act, replay, envelope)
    await h.send(admin_tenant_actions.act, replay, envelope)  # the replay redelivered

    assert codes(h.one(DENIED)) == {"command_id_reused"}  # refused and audited once
    assert len(h.docs(AUDIT)) == 2
    assert "onboarding.device.sip_device_set_up" not in h.types()


async def test_the_same_command_redelivered_follows_its_own_decision_once():
    h, w = await world()
    command = w.act(c.RemoveDevice(user_id=ANNA))
    envelope = await h.send(admin_tenant_actions.act, command)
    await h.send(admin_tenant_actions.act, command, envelope)
    assert len(h.of_type(AUDITED)) == 1
    assert DENIED not in h.types()
    assert len(h.of_type("onboarding.device.removed")) == 1


# -- other members of the kind -----------------------------------------------------------------


async def test_a_tenant_listing_under_a_reused_id_is_denied_and_gets_no_answer():
    h, w = await world()
    audited = await allowed_removal(h, w)
    query = c.ListManageableTenants(request_id="q-1", actor=PARTNER_ADMIN_USER)
    await h.send(admin_queries.list_tenants, query, under(h, query, audited.causationid or ""))
    assert codes(h.one(DENIED)) == {"command_id_reused"}
    assert "onboarding.on_behalf.tenants_listed" not in h.types()


async def test_the_customer_admins_command_under_a_reused_id_on_the_same_device_is_refused():
    h, _ = await world()
    own = c.ActOnTenant(
        request_id="own-1",
        actor=CUSTOMER_ADMIN,
        tenant_id=CUSTOMER_TENANT,
        action=c.RemoveDevice(user_id=BEN),
    )
    first = await h.send(admin_tenant_actions.act, own)
    replay = c.ActOnTenant(
        request_id="own-2", actor=CUSTOMER_ADMIN, tenant_id=CUSTOMER_TENANT, action=SIP
    )
    with pytest.raises(CommandIdReused):  # dead-lettered, answered `command.rejected`
        await h.send(admin_tenant_actions.act, replay, under(h, replay, first.id))
    assert "onboarding.device.sip_device_set_up" not in h.types()


async def test_refusals_of_two_commands_under_one_id_are_two_events():
    h, _ = await world()
    for tenant_id in ("T-NONE-1", "T-NONE-2"):  # unknown tenants: refused, nothing stored
        action = c.ActOnTenant(
            request_id=f"r-{tenant_id}",
            actor=actor("admin@nowhere.example.com", "tenant_admin", tenant_id=tenant_id),
            tenant_id=tenant_id,
            action=c.SwitchPartnerHelpdesk(enabled=True),
        )
        await h.send(admin_tenant_actions.act, action, under(h, action, "E-SAME"))
    refusals = h.of_type("onboarding.on_behalf.action_refused")
    assert len(refusals) == 2
    assert len({r.id for r in refusals}) == 2  # consumers do not drop the second


async def test_partner_contacts_changed_twice_under_one_request_id_refuse_the_second():
    h = PartnersHarness(NOW)
    await partners(h)
    ops = actor("u-ops", "vendor_operations")

    def change(email: str) -> p.ChangePartnerContacts:
        contact = p.ContactIn(name="Rudi", email=email, role="technical")
        return p.ChangePartnerContacts(
            request_id="same", actor=ops, partner_id="P-RES-1", contacts=[contact]
        )

    await h.send(partners_registry.change_contacts, change("rudi@reseller.example.com"))
    await h.send(partners_registry.change_contacts, change("rudi@reseller.example.com"))
    assert len(h.of_type("onboarding.partner.contacts_changed")) == 1  # a resend: once
    with pytest.raises(CommandIdReused):
        await h.send(partners_registry.change_contacts, change("eve@elsewhere.example.com"))


async def test_an_activation_request_id_reused_by_a_colleague_is_refused_not_swallowed():
    h = PartnersHarness(NOW)
    await partners(h)

    def submit(by: Any, company: str) -> p.SubmitActivationRequest:
        data = CUSTOMER.model_copy(update={"company_name": company})
        return p.SubmitActivationRequest(
            request_id="req-1", actor=by, partner_id="P-RES-1", end_customer=data
        )

    await h.send(partners_activation.submit, submit(RESELLER, "Bakkerij Voorbeeld BV"))
    colleague = actor("u-res-2", "partner_admin", partner_id="P-RES-1")
    await h.send(partners_activation.submit, submit(colleague, "Slagerij Voorbeeld BV"))

    refused = h.one("onboarding.activation.action_refused")
    assert codes(refused) == {"request_id_reused"}
    assert len(h.of_type("onboarding.activation.requested")) == 1
    with pytest.raises(CommandIdReused):  # the same sender: its tracking id is bound
        await h.send(partners_activation.submit, submit(RESELLER, "Slagerij Voorbeeld BV"))


async def test_a_group_request_id_reused_for_another_group_command_is_refused_and_keeps_the_claim():
    h = Harness()
    g = Groups(h)
    await g.clone_group()
    _, first = await g.create(request_id="grp-1")
    await g.create(request_id="grp-1", group_name="Someone Else Ltd")

    assert codes(h.one("onboarding.group.action_refused")) == {"request_id_reused"}
    assert h.state(GROUPS, "northwind")["group"]["group_name"] == first.group_name
    owner = h.docs(GROUP_ID_CLAIMS)["northwind"]["owner"]
    assert owner == f"{PARTNER}:grp-1"
    await g.create(request_id="grp-1")  # the first command resent: nothing new
    assert len(h.of_type("onboarding.group.created")) == 1
    assert STAFF.partner_id == PARTNER


async def test_a_reseller_request_reusing_an_id_is_refused():
    h, w = await world()
    await w.customer(
        "C-T-RES-NEW",
        "T-RES-NEW",
        "P-100100",
        "Reseller Example Ltd",
        customer_partner_id="P-300100",
    )
    ask = c.RequestPartnerAdministration(
        request_id="ask-1",
        actor=actor("sales@reseller.example.com", partner_id="P-300100"),
        tenant_id="T-RES-NEW",
        partner_id="P-300100",
        domain="reseller.example.com",
    )
    first = await h.send(admin_on_behalf.request, ask)
    replay = ask.model_copy(update={"domain": "evil.example.com"})
    with pytest.raises(CommandIdReused):
        await h.send(admin_on_behalf.request, replay, under(h, replay, first.id))


async def test_a_reused_id_changes_neither_of_the_two_documents_a_group_command_touches():
    h = Harness()
    g = Groups(h)
    await g.clone_group()
    await g.create()
    await g.numbers()
    portal = c.EnableVoicePortal(request_id="vp", actor=STAFF, group_id="northwind", extension="9")
    first = await h.send(admin_groups.enable_voice_portal, portal)
    assign = c.AssignNumbersToGroup(
        request_id="as", actor=STAFF, group_id="northwind", numbers=[NUMBERS[0]]
    )
    with pytest.raises(CommandIdReused):
        await h.send(admin_groups.assign_numbers, assign, under(h, assign, first.id))
    inventory = await admin_inventory.current_inventory(h.deps, PARTNER)
    assert inventory.group_of(NUMBERS[0]) is None  # not half done: the inventory untouched
    admin = c.AddGroupAdminUser(
        request_id="ad",
        actor=STAFF,
        group_id="northwind",
        user_id="ada.example@voice.example.com",
        first_name="Ada",
        last_name="Example",
        generate_password=True,
    )
    with pytest.raises(CommandIdReused):
        await h.send(admin_groups.add_admin_user, admin, under(h, admin, first.id))
    assert not h.docs(USER_ID_CLAIMS)  # no claim left behind
