"""Security of partner administration on behalf (§1.6): who may list and act, and the audit.

A partner administrator reaches only tenants linked to its reseller *and* opted in, at
the moment it acts; a user of another tenant, or an unpaid user, never gets the role;
every decision — denials first of all — is stored once in `audit` and published.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from services.onboarding.adapters.admin_documents import AUDIT, DEVICES, RESELLER_TENANTS
from services.onboarding.application.on_behalf import on_behalf as admin_on_behalf
from services.onboarding.application.on_behalf import queries as admin_queries
from services.onboarding.application.on_behalf import tenant_actions as admin_tenant_actions
from shared.contracts import onboarding as c
from tests.unit.onboarding.test_admin_fakes import (
    CUSTOMER_TENANT,
    FOREIGN_TENANT,
    OTHER_RESELLER,
    PARTNER_ADMIN_USER,
    RESELLER,
    RESELLER_ADMIN,
    RESELLER_TENANT,
    Harness,
    World,
    actor,
)

pytestmark = pytest.mark.unit

DENIED = "onboarding.on_behalf.action_denied"
AUDITED = "onboarding.on_behalf.action_audited"


def remove_device(user_id: str = "anna@northwind.example.com") -> c.RemoveDevice:
    return c.RemoveDevice(user_id=user_id)


async def world() -> tuple[Harness, World]:
    h = Harness()
    w = World(h)
    await w.linked_and_opted_in()
    return h, w


def reasons(envelope) -> set[str]:
    return {r["code"] for r in envelope.data["reasons"]}


def audit_entries(h: Harness) -> list[dict]:
    return [d["state"]["entry"] for d in h.docs(AUDIT).values()]


# -- acting on a tenant ------------------------------------------------------------------------


async def test_an_opted_in_linked_tenant_is_acted_on_and_the_action_is_audited():
    h, w = await world()
    await h.send(admin_tenant_actions.act, w.act(remove_device()))
    audited = h.one(AUDITED)
    assert audited.data["tenant_id"] == CUSTOMER_TENANT
    assert audited.data["user_id"] == PARTNER_ADMIN_USER.user_id
    assert audited.data["action"] == "remove_device"
    assert audited.data["reseller_partner_id"] == RESELLER
    assert h.one("onboarding.device.removed").data["reseller_partner_id"] == RESELLER
    assert [e["allowed"] for e in audit_entries(h)] == [True]


async def test_a_tenant_not_linked_to_the_reseller_is_denied_and_the_denial_audited():
    h, w = await world()
    await h.send(admin_tenant_actions.act, w.act(remove_device(), tenant_id=FOREIGN_TENANT))
    denied = h.one(DENIED)
    assert reasons(denied) == {"customer_not_linked"}
    assert denied.data["tenant_id"] == FOREIGN_TENANT
    assert "onboarding.device.removed" not in h.types()
    assert not h.docs(DEVICES)
    [entry] = audit_entries(h)
    assert entry["allowed"] is False
    assert entry["customer_tenant_id"] == FOREIGN_TENANT
    assert [r["code"] for r in entry["reasons"]] == ["customer_not_linked"]


async def test_an_unknown_tenant_is_denied_like_a_foreign_one_and_audited():
    h, w = await world()
    await h.send(admin_tenant_actions.act, w.act(remove_device(), tenant_id="T-NOWHERE"))
    assert "customer_not_linked" in reasons(h.one(DENIED))
    assert len(audit_entries(h)) == 1


async def test_a_linked_tenant_that_never_opted_in_is_denied_and_audited():
    h, w = await world()
    await w.customer("C-2", "T-CUS-2", RESELLER, "Quiet Example Ltd")
    await h.send(admin_tenant_actions.act, w.act(remove_device(), tenant_id="T-CUS-2"))
    assert reasons(h.one(DENIED)) == {"customer_not_opted_in"}
    assert audit_entries(h)[0]["allowed"] is False


async def test_a_tenant_that_opted_out_a_moment_ago_is_denied_at_once():
    h, w = await world()
    await h.send(admin_tenant_actions.act, w.act(remove_device()))
    h.clock.advance(timedelta(seconds=1))
    await w.opt_out()
    h.clock.advance(timedelta(milliseconds=1))
    await h.send(admin_tenant_actions.act, w.act(remove_device()))
    assert len(h.of_type(AUDITED)) == 1
    assert reasons(h.one(DENIED)) == {"customer_not_opted_in"}
    assert [e["allowed"] for e in audit_entries(h)] == [True, False]


async def test_a_user_without_the_role_is_denied_even_from_the_resellers_tenant():
    h, w = await world()
    colleague = actor("sam@reseller.example.com", partner_id=RESELLER, tenant_id=RESELLER_TENANT)
    await h.send(admin_tenant_actions.act, w.act(remove_device(), by=colleague))
    assert reasons(h.one(DENIED)) == {"not_partner_admin"}


async def test_a_claimed_role_the_reseller_never_granted_is_denied():
    h, w = await world()
    pretender = actor(
        "eve@reseller.example.com", "partner_admin", partner_id=RESELLER, tenant_id=RESELLER_TENANT
    )
    await h.send(admin_tenant_actions.act, w.act(remove_device(), by=pretender))
    assert reasons(h.one(DENIED)) == {"not_partner_admin"}


async def test_a_revoked_partner_administrator_is_denied_at_once():
    h, w = await world()
    await h.send(
        admin_on_behalf.revoke,
        c.RevokePartnerAdministrator(
            request_id="rv-1",
            actor=RESELLER_ADMIN,
            tenant_id=RESELLER_TENANT,
            user_id=PARTNER_ADMIN_USER.user_id,
        ),
    )
    await h.send(admin_tenant_actions.act, w.act(remove_device()))
    assert reasons(h.one(DENIED)) == {"not_partner_admin"}


async def test_a_partner_administrator_of_another_reseller_reaches_none_of_ours():
    h, w = await world()
    other_admin = actor(
        "max@other.example.com", "partner_admin", partner_id=OTHER_RESELLER, tenant_id="T-RES-9"
    )
    await h.send(admin_tenant_actions.act, w.act(remove_device(), by=other_admin))
    assert "not_partner_admin" in reasons(h.one(DENIED))


async def test_a_redelivered_on_behalf_command_is_audited_once_and_decided_as_before():
    h, w = await world()
    command = w.act(remove_device(), tenant_id=FOREIGN_TENANT)
    envelope = await h.send(admin_tenant_actions.act, command)
    await h.send(admin_tenant_actions.act, command, envelope)
    assert len(h.of_type(DENIED)) == 1
    assert len(audit_entries(h)) == 1


async def test_the_helpdesk_switch_on_behalf_is_checked_and_audited_like_any_action():
    h, w = await world()
    switch = c.SwitchPartnerHelpdesk(enabled=False)
    await h.send(admin_tenant_actions.act, w.act(switch, tenant_id=FOREIGN_TENANT))
    assert reasons(h.one(DENIED)) == {"customer_not_linked"}
    assert "onboarding.customer_tenant.partner_helpdesk_switched" not in h.types()


async def test_with_the_dpa_policy_on_an_eu_customer_without_dpa_is_denied():
    h = Harness(require_dpa=True)
    w = World(h)
    await w.linked_and_opted_in()
    await h.send(admin_tenant_actions.act, w.act(remove_device()))
    assert reasons(h.one(DENIED)) == {"dpa_missing"}
    await h.send(
        admin_on_behalf.record_dpa,
        c.RecordDataProcessingAgreement(
            request_id="dpa-1",
            actor=PARTNER_ADMIN_USER,
            tenant_id=CUSTOMER_TENANT,
            signed_at=h.clock.now() - timedelta(days=3),
            signed_by="Pat Example",
        ),
    )
    await h.send(admin_tenant_actions.act, w.act(remove_device()))
    assert len(h.of_type(AUDITED)) == 1


async def test_without_the_policy_a_missing_dpa_refuses_nothing():
    h, w = await world()
    await h.send(admin_tenant_actions.act, w.act(remove_device()))
    assert h.of_type(DENIED) == []


# -- the role ------------------------------------------------------------------------------


async def test_a_user_of_another_tenant_cannot_get_the_role():
    h, w = await world()
    await w.grant("stranger@faraway.example.com", user_tenant_id=FOREIGN_TENANT)
    refused = h.last("onboarding.on_behalf.action_refused")
    assert refused.data["code"] == "forbidden"
    assert reasons(refused) == {"user_not_in_reseller_tenant"}
    admins = h.state(RESELLER_TENANTS, RESELLER_TENANT)["reseller"]["partner_administrators"]
    assert [a["user_id"] for a in admins] == [PARTNER_ADMIN_USER.user_id]


@pytest.mark.parametrize(
    ("package", "refused"),
    [
        (None, {"user_not_in_reseller_tenant", "user_not_paid"}),  # no licence on record
        ("Free", {"user_not_paid"}),  # a free package
        ("Team", {"user_not_paid"}),  # a package the tenant never ordered
    ],
)
async def test_an_unpaid_user_cannot_get_the_role_whatever_the_command_claims(package, refused):
    h, w = await world()
    await w.grant("intern@reseller.example.com", package=package)
    assert reasons(h.last("onboarding.on_behalf.action_refused")) <= refused


async def test_only_the_resellers_tenant_admin_grants_the_role():
    h, w = await world()
    await w.grant("sam@reseller.example.com", by=PARTNER_ADMIN_USER)
    assert reasons(h.last("onboarding.on_behalf.action_refused")) == {"not_reseller_tenant_admin"}


# -- the tenant list -----------------------------------------------------------------------


def listing(**query) -> c.ListManageableTenants:
    return c.ListManageableTenants(request_id="list-1", actor=PARTNER_ADMIN_USER, **query)


async def test_the_list_shows_only_linked_and_opted_in_tenants():
    h, w = await world()
    await w.customer("C-2", "T-CUS-2", RESELLER, "Quiet Example Ltd")  # linked, not opted in
    await w.customer("C-3", "T-CUS-3", RESELLER, "Atlas Example plc")
    await w.opt_in("T-CUS-3", actor("a@atlas.example.com", "tenant_admin", tenant_id="T-CUS-3"))
    await w.customer("C-4", "T-CUS-4", RESELLER, "Gone Example Ltd")
    gone_admin = actor("g@gone.example.com", "tenant_admin", tenant_id="T-CUS-4")
    await w.opt_in("T-CUS-4", gone_admin)
    await w.opt_out("T-CUS-4", gone_admin)
    await h.send(admin_queries.list_tenants, listing())
    listed = h.one("onboarding.on_behalf.tenants_listed")
    assert [r["tenant_id"] for r in listed.data["rows"]] == ["T-CUS-3", CUSTOMER_TENANT]
    assert listed.data["total"] == 2
    assert FOREIGN_TENANT not in str(listed.data)
    assert h.one(AUDITED).data["tenant_id"] == "*"


async def test_the_list_is_searched_and_sorted():
    h, w = await world()
    await w.customer("C-3", "T-CUS-3", RESELLER, "Atlas Example plc")
    await w.opt_in("T-CUS-3", actor("a@atlas.example.com", "tenant_admin", tenant_id="T-CUS-3"))
    await h.send(admin_queries.list_tenants, listing(query="north"))
    assert [r["name"] for r in h.last("onboarding.on_behalf.tenants_listed").data["rows"]] == [
        "Northwind Example Ltd"
    ]
    await h.send(admin_queries.list_tenants, listing(sort_by="tenant_id", descending=True))
    rows = h.last("onboarding.on_behalf.tenants_listed").data["rows"]
    assert [r["tenant_id"] for r in rows] == ["T-CUS-3", CUSTOMER_TENANT]


async def test_a_user_who_is_not_a_partner_administrator_cannot_list_and_is_audited():
    h, _ = await world()
    for who in (
        actor("sam@reseller.example.com", partner_id=RESELLER, tenant_id=RESELLER_TENANT),
        actor("x@faraway.example.com", "partner_admin", tenant_id=FOREIGN_TENANT),
    ):
        await h.send(admin_queries.list_tenants, listing().model_copy(update={"actor": who}))
    assert h.of_type("onboarding.on_behalf.tenants_listed") == []
    assert len(h.of_type(DENIED)) == 2
    assert [e["allowed"] for e in audit_entries(h)] == [False, False]
