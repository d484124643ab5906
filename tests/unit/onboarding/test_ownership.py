"""Ownership is decided from onboarding's own records, never from the caller (issue 7, §4).

The instances: a partner requested partner administration for a tenant of another partner
(and took its place); a role grant trusted the user's tenant and paid licence as stated in
the command. Other members of the kind: the customer ID a partner names in an activation
request, the customer ID used as a reporting partition's billing tag, the distributor a
reseller is registered with, the tenant an activation names (legacy or another's).
"""

from __future__ import annotations

from typing import Any

import pytest

from services.onboarding.adapters.admin_documents import RESELLER_TENANTS
from services.onboarding.adapters.partners_documents import CUSTOMERS
from services.onboarding.application.on_behalf import directory as admin_directory
from services.onboarding.application.on_behalf import on_behalf as admin_on_behalf
from services.onboarding.application.on_behalf.customer_fact_views import CUSTOMER_FACTS_READ
from services.onboarding.application.orders import orders as partners_orders
from services.onboarding.application.orders.order_events import order_from_event
from services.onboarding.application.partners import registry as partners_registry
from services.onboarding.domain.errors import NotEnoughLicences, ReleasingUnusedLicences
from services.onboarding.domain.orders.licences import UserAlreadyLicensed
from services.onboarding.domain.orders.orders import CustomerAccount
from services.onboarding.domain.partners.partners import Language, PartnerKind
from shared.contracts import onboarding as a
from shared.contracts import onboarding as c
from shared.contracts.onboarding import AssignLicence, UnassignLicence
from shared.contracts.orders import OrderPlaced
from tests.unit.onboarding.test_admin_fakes import NOW, Harness, actor
from tests.unit.onboarding.test_orders_contract import placed_payload

pytestmark = pytest.mark.unit

RESELLER, OTHER, DISTRIBUTOR = "P-RES-1", "P-RES-2", "P-DIST-1"
OWN_TENANT, OWN_CUSTOMER = "T-RES-1", "C-RES-1"
OPS = actor("ops.engineer", "cloud_operations")
SALES = actor("sales@reseller.example.com", partner_id=RESELLER)
MALLORY = actor("mallory@other.example.com", partner_id=OTHER)
TENANT_ADMIN = actor("admin@reseller.example.com", "tenant_admin", tenant_id=OWN_TENANT)
JO = "jo.bloggs@reseller.example.com"
FACTS = {m.EVENT_TYPE: m for m in CUSTOMER_FACTS_READ}


class World(Harness):
    """The harness, plus which published facts the admin side has read already."""

    def __init__(self) -> None:
        super().__init__()
        self.relayed: set[str] = set()


async def relay_facts(h: World) -> None:
    """What onboarding's own consumer does: the admin side reads the customer facts."""
    for envelope in list(h.published):
        if envelope.type in FACTS and envelope.id not in h.relayed:
            h.relayed.add(envelope.id)
            fact = envelope.parse_data(FACTS[envelope.type])
            await admin_directory.record_customer_fact(h.deps, envelope, fact)


async def own_subscription(h: World, customer_partner_id: str | None = RESELLER) -> None:
    """The reseller's own paid subscription: its orders name it as the customer."""
    data = placed_payload(
        order_id="O-OWN",
        tenant_id=OWN_TENANT,
        distributor_partner_id=DISTRIBUTOR,
        reseller_partner_id=DISTRIBUTOR,  # bought from its distributor
        lines=[{"package": "Enterprise", "licences": 5}, {"package": "Free", "licences": 5}],
    )
    data["customer"] = {
        **data["customer"],
        "customer_id": OWN_CUSTOMER,
        "partner_id": customer_partner_id,
    }
    order = OrderPlaced.model_validate(data)
    await partners_orders.on_order(h.deps, h.envelope(order, OWN_CUSTOMER), order)
    await relay_facts(h)


def request(by: Any = SALES, partner_id: str = RESELLER) -> a.RequestPartnerAdministration:
    return a.RequestPartnerAdministration(
        request_id=f"rq-{by.user_id}",
        actor=by,
        tenant_id=OWN_TENANT,
        partner_id=partner_id,
        domain="reseller.example.com",
    )


def reasons(envelope: Any) -> set[str]:
    return {r["code"] for r in envelope.data["reasons"]}


def world() -> World:
    return World()


# -- partner administration for a tenant that is not the partner's own --------------------------


async def test_a_partner_cannot_request_another_partners_tenant_nor_take_its_place():
    h = world()
    await own_subscription(h)
    await h.send(admin_on_behalf.request, request(MALLORY, OTHER))
    refused = h.one("onboarding.on_behalf.action_refused")
    assert reasons(refused) == {"not_the_partners_tenant"}
    assert OWN_TENANT not in h.aggregates(RESELLER_TENANTS)
    await h.send(admin_on_behalf.request, request())  # the owner still can
    requested = h.one("onboarding.reseller_tenant.partner_administration_requested")
    assert requested.data["partner_id"] == RESELLER


@pytest.mark.parametrize("owner", [None, OTHER], ids=["no partner named", "another partner"])
async def test_a_tenant_the_orders_do_not_give_to_the_partner_is_refused(owner):
    h = world()
    await own_subscription(h, customer_partner_id=owner)
    await h.send(admin_on_behalf.request, request())
    assert reasons(h.one("onboarding.on_behalf.action_refused")) == {"not_the_partners_tenant"}


async def test_an_unknown_tenant_is_refused():
    h = world()
    await h.send(admin_on_behalf.request, request())
    assert reasons(h.one("onboarding.on_behalf.action_refused")) == {"not_the_partners_tenant"}


# -- the partner-administrator role: the user's tenant and licence from the ledger -------------


async def enabled(h: World) -> None:
    await own_subscription(h)
    await h.send(admin_on_behalf.request, request())
    enable = a.EnablePartnerAdministration(request_id="en", actor=OPS, tenant_id=OWN_TENANT)
    await h.send(admin_on_behalf.enable, enable)
    assert h.of_type("onboarding.reseller_tenant.partner_administration_enabled")


async def assign(h: World, user_id: str, package: str, by: Any = TENANT_ADMIN) -> None:
    command = AssignLicence(
        request_id=f"as-{user_id}-{package}",
        actor=by,
        customer_id=OWN_CUSTOMER,
        package=package,
        user_id=user_id,
    )
    await h.send(partners_orders.assign_licence, command)
    await relay_facts(h)


def grant(user_id: str = JO, request_id: str = "gr-1") -> a.GrantPartnerAdministrator:
    return a.GrantPartnerAdministrator(  # the command claims a paid user of the tenant
        request_id=request_id,
        actor=TENANT_ADMIN,
        tenant_id=OWN_TENANT,
        user_id=user_id,
        user_tenant_id=OWN_TENANT,
        user_licence_package="Enterprise",
    )


async def test_the_role_goes_to_a_user_the_ledger_gives_a_paid_licence_of_the_tenant():
    h = world()
    await enabled(h)
    await assign(h, JO, "Enterprise")
    await h.send(admin_on_behalf.grant, grant())
    assert h.one("onboarding.reseller_tenant.partner_administrator_granted").data["user_id"] == JO


@pytest.mark.parametrize(
    ("package", "refused"),
    [(None, "user_not_in_reseller_tenant"), ("Free", "user_not_paid")],
    ids=["no licence at all", "a free licence"],
)
async def test_the_commands_claim_of_a_paid_user_of_the_tenant_is_not_taken(package, refused):
    h = world()
    await enabled(h)
    if package:
        await assign(h, JO, package)
    await h.send(admin_on_behalf.grant, grant())
    assert refused in reasons(h.one("onboarding.on_behalf.action_refused"))
    assert "onboarding.reseller_tenant.partner_administrator_granted" not in h.types()


async def test_a_user_whose_licence_was_taken_back_no_longer_gets_the_role():
    h = world()
    await enabled(h)
    await assign(h, JO, "Enterprise")
    unassign = UnassignLicence(
        request_id="un-1", actor=TENANT_ADMIN, customer_id=OWN_CUSTOMER, user_id=JO
    )
    await h.send(partners_orders.unassign_licence, unassign)
    await relay_facts(h)
    await h.send(admin_on_behalf.grant, grant())
    assert "user_not_in_reseller_tenant" in reasons(h.one("onboarding.on_behalf.action_refused"))


# -- the licence records themselves -------------------------------------------------------------


async def test_a_licence_is_assigned_from_the_ledger_and_only_by_the_customer_or_its_partners():
    h = world()
    await own_subscription(h)
    await assign(h, JO, "Enterprise")
    assigned = h.one("onboarding.licences.user_assigned")
    assert (assigned.data["user_id"], assigned.data["package"]) == (JO, "Enterprise")
    assert assigned.data["customer_partner_id"] == RESELLER
    balance = h.last("onboarding.licences.updated").data["balances"][0]
    assert (balance["package"], balance["used"], balance["available"]) == ("Enterprise", 1, 4)
    stored = h.docs(CUSTOMERS)[OWN_CUSTOMER]["state"]["customer"]["licensed_users"]
    assert stored == [{"user_id": JO, "package": "Enterprise"}]  # dotted IDs never keys
    await assign(h, "eve@other.example.com", "Enterprise", by=MALLORY)
    assert h.one("onboarding.customer.action_refused").data["code"] == "forbidden"


def test_the_ledger_assigns_what_is_available_once_per_user_and_keeps_assigned_ones_in_use():
    data = placed_payload(lines=[{"package": "Enterprise", "licences": 2}])
    account, _ = CustomerAccount.from_order(order_from_event(OrderPlaced.model_validate(data)), NOW)
    account.assign_licence(JO, "Enterprise", NOW)
    with pytest.raises(UserAlreadyLicensed):
        account.assign_licence(JO, "Enterprise", NOW)
    account.assign_licence("ann@reseller.example.com", "Enterprise", NOW)
    assert account.available("Enterprise") == 0
    with pytest.raises(NotEnoughLicences):
        account.assign_licence("bob@reseller.example.com", "Enterprise", NOW)
    with pytest.raises(ReleasingUnusedLicences):  # assigned licences go back by unassigning
        account.release_licences("Enterprise", 1, NOW)
    account.unassign_licence(JO, NOW)
    assert account.available("Enterprise") == 1
    assert account.licensed_users == {"ann@reseller.example.com": "Enterprise"}


# -- registering a reseller with a distributor the records know ---------------------------------


@pytest.mark.parametrize(
    ("distributor", "kind", "reason"),
    [("P-NOBODY", None, "unknown_partner"), ("P-T1-1", PartnerKind.TIER1, "not_a_distributor")],
)
async def test_a_reseller_is_registered_only_with_a_registered_distributor(
    distributor, kind, reason
):
    h = world()
    ops = actor("u-ops", "vendor_operations")

    def registration(partner_id: str, partner_kind: PartnerKind, **extra: Any) -> c.RegisterPartner:
        return c.RegisterPartner(
            request_id=f"reg-{partner_id}",
            actor=ops,
            partner_id=partner_id,
            kind=partner_kind,
            name=f"{partner_id} Example Ltd",
            country="GB",
            language=Language.EN,
            **extra,
        )

    if kind is not None:
        await h.send(partners_registry.register, registration(distributor, kind))
    reseller = registration("P-RES-9", PartnerKind.RESELLER, preferred_distributor_id=distributor)
    await h.send(partners_registry.register, reseller)
    refused = h.one("onboarding.partner.action_refused")
    assert reasons(refused) == {reason}
    assert not [e for e in h.of_type("onboarding.partner.registered") if e.subject == "P-RES-9"]
