"""Orders onboarding takes in (§1.2, §1.5; issue 7 §7): terms, the e-store, legacy tenants.

A customer ordering accepts the reseller's and the vendor's terms; the reseller's e-store
gives free tenants only, once linked, and paid plans come through the distributor's
portal; a tenant of the older product is never reused. A refused order changes nothing
and is answered by `onboarding.order.refused` with one reason per broken rule.
"""

from __future__ import annotations

from typing import Any

import pytest

from services.onboarding.adapters.partners_documents import CUSTOMERS
from services.onboarding.application.orders import orders as partners_orders
from services.onboarding.application.orders.order_events import order_from_event
from services.onboarding.application.partners import programme as partners_programme
from services.onboarding.application.partners import registry as partners_registry
from services.onboarding.domain.orders.order_rules import OrderContext, order_reasons
from services.onboarding.domain.orders.orders import Order, OrderStatus
from services.onboarding.domain.partners.authorisation import Agreement, Webinar
from shared.contracts import onboarding as c
from shared.contracts.orders import OrderAmended, OrderCancelled, OrderPlaced
from tests.unit.onboarding.test_partners_app_fakes import Harness, actor, request_id
from tests.unit.onboarding.test_partners_app_orders import NOW, deliver, order_data
from tests.unit.onboarding.test_partners_app_partners import registered

pytestmark = pytest.mark.unit

REFUSED = "onboarding.order.refused"
FREE = OrderContext(free_packages=["Free"], estore_linked=True)


def order(**changes: Any) -> Order:
    return order_from_event(OrderPlaced.model_validate(order_data(**changes)))


def codes(reasons: Any) -> set[str]:
    return {r.code if hasattr(r, "code") else r["code"] for r in reasons}


# -- the rules (domain) -------------------------------------------------------------------------


def test_an_order_with_both_terms_accepted_is_taken_in():
    assert order_reasons(order(), FREE) == []


@pytest.mark.parametrize(
    ("changes", "broken"),
    [
        ({"reseller_terms_accepted": False}, {"reseller_terms_not_accepted"}),
        ({"vendor_terms_accepted": None}, {"vendor_terms_not_accepted"}),  # an older sender
        (
            {"reseller_terms_accepted": None, "vendor_terms_accepted": False},
            {"reseller_terms_not_accepted", "vendor_terms_not_accepted"},
        ),
    ],
)
def test_a_customer_ordering_accepts_the_resellers_and_the_vendors_terms(changes, broken):
    assert codes(order_reasons(order(**changes), FREE)) == broken


def test_a_direct_order_needs_the_vendors_terms_only():
    direct = {
        "distributor_partner_id": None,
        "reseller_partner_id": None,
        "tier1_partner_id": "P-T1-1",
        "reseller_terms_accepted": None,
    }
    assert order_reasons(order(**direct), FREE) == []


def test_the_estore_gives_free_tenants_only_and_paid_plans_go_through_the_distributor():
    paid = order(channel="estore", lines=[{"package": "Professional", "licences": 5}])
    [reason] = order_reasons(paid, FREE)
    assert reason.code == "paid_plan_through_estore"
    assert "Professional" in reason.message and "distributor's portal" in reason.message
    free = order(channel="estore", lines=[{"package": "Free", "licences": 5}])
    assert order_reasons(free, FREE) == []
    upgrade = order(channel="classic", lines=[{"package": "Professional", "licences": 5}])
    assert order_reasons(upgrade, FREE) == []


def test_the_estore_sells_only_once_the_vendor_linked_it():
    free = order(channel="estore", lines=[{"package": "Free", "licences": 1}])
    unlinked = OrderContext(free_packages=["Free"], estore_linked=False)
    assert codes(order_reasons(free, unlinked)) == {"estore_not_linked"}


def test_an_order_naming_a_legacy_tenant_is_refused():
    legacy = OrderContext(free_packages=["Free"], legacy_tenant=True)
    assert codes(order_reasons(order(tenant_id="T-OLD-1"), legacy)) == {
        "legacy_tenant_not_reusable"
    }


def test_a_cancellation_is_never_refused_it_only_takes_licences_away():
    cancelled = order_from_event(
        OrderCancelled.model_validate(
            order_data(channel="estore", vendor_terms_accepted=None, reseller_terms_accepted=None)
        )
    )
    assert cancelled.status is OrderStatus.CANCELLED
    context = OrderContext(free_packages=[], estore_linked=False, legacy_tenant=True)
    assert order_reasons(cancelled, context) == []


# -- through the use case -----------------------------------------------------------------------


async def test_an_order_without_the_terms_is_refused_with_its_reasons_and_records_nothing():
    h = Harness(NOW)
    envelope = await deliver(h, OrderPlaced, vendor_terms_accepted=None)
    refused = h.one(REFUSED)
    assert codes(refused.data["reasons"]) == {"vendor_terms_not_accepted"}
    assert refused.data["order_id"] == "O.1"
    assert refused.data["order_version"] == 1
    assert refused.data["partner_id"] == "P-RES-1"
    assert refused.data["distributor_partner_id"] == "P-DIST-1"
    assert refused.causationid == envelope.id
    assert not h.docs(CUSTOMERS)
    assert "onboarding.customer.recorded" not in h.types()


async def test_a_refused_amendment_keeps_the_order_as_it_was_and_is_told_once():
    h = Harness(NOW)
    await deliver(h, OrderPlaced)
    amended = OrderAmended.model_validate(
        order_data(order_version=2, reseller_terms_accepted=False, lines=[])
    )
    envelope = h.envelope(amended, subject="C-100")
    await partners_orders.on_order(h.deps, envelope, amended)
    await partners_orders.on_order(h.deps, envelope, amended)  # redelivered
    assert codes(h.one(REFUSED).data["reasons"]) == {"reseller_terms_not_accepted"}
    state = h.doc(CUSTOMERS, "C-100")["state"]["customer"]
    assert [o["version"] for o in state["orders"]] == [1]


async def linked_reseller(h: Harness) -> None:
    """P-RES-1 through the programme: e-store and terms linked (§1.2 step 6)."""
    await registered(h)
    reseller = actor("u-res", "partner_admin", partner_id="P-RES-1")
    distributor = actor("u-dist", "partner_admin", partner_id="P-DIST-1")
    ops = actor("u-ops", "vendor_operations")

    def cmd(model: Any, who: Any = reseller, **fields: Any) -> Any:
        return model(request_id=request_id(), actor=who, partner_id="P-RES-1", **fields)

    steps: list[tuple[Any, Any]] = [
        (
            partners_programme.register_as_cloud_reseller,
            cmd(
                c.RegisterAsCloudReseller, preferred_distributor_id="P-DIST-1", terms_accepted=True
            ),
        ),
        *[
            (partners_programme.complete_webinar, cmd(c.CompleteWebinar, ops, webinar=w))
            for w in Webinar
        ],
        (partners_programme.take_certification_test, cmd(c.TakeCertificationTest, ops, score=14)),
        (
            partners_programme.sign_agreement,
            cmd(c.SignAgreement, distributor, agreement=Agreement.WHOLESALE),
        ),
        (
            partners_programme.sign_agreement,
            cmd(c.SignAgreement, agreement=Agreement.CLOUD_ADDENDUM),
        ),
        (
            partners_programme.pass_terms_url,
            cmd(c.PassTermsUrl, terms_url="https://r.example.com/t"),
        ),
        (
            partners_programme.activate_estore,
            cmd(c.ActivateEStore, products=["Free"], estore_link="https://shop.example.com/r"),
        ),
    ]
    for use_case, command in steps:
        await h.send(use_case, command)
    assert h.of_type("onboarding.reseller.estore_linked"), h.types()


async def test_a_free_tenant_through_a_linked_estore_is_taken_in_and_a_paid_plan_is_not():
    h = Harness(NOW)
    await linked_reseller(h)
    await deliver(h, OrderPlaced, channel="estore", lines=[{"package": "Free", "licences": 3}])
    assert h.one("onboarding.customer.recorded").data["customer_id"] == "C-100"
    await deliver(
        h,
        OrderAmended,
        channel="estore",
        order_version=2,
        lines=[{"package": "Team", "licences": 3}],
    )
    assert codes(h.one(REFUSED).data["reasons"]) == {"paid_plan_through_estore"}
    await deliver(  # the upgrade through the distributor's portal
        h,
        OrderAmended,
        channel="classic",
        order_version=3,
        lines=[{"package": "Team", "licences": 3}],
    )
    ledger = h.last("onboarding.licences.updated").data["balances"]
    assert [(b["package"], b["ordered"]) for b in ledger] == [("Team", 3)]


async def test_an_estore_order_before_the_reseller_is_linked_is_refused():
    h = Harness(NOW)
    await registered(h)
    await deliver(h, OrderPlaced, channel="estore", lines=[{"package": "Free", "licences": 1}])
    assert codes(h.one(REFUSED).data["reasons"]) == {"estore_not_linked"}


async def test_an_order_for_a_legacy_tenant_is_refused_once_its_address_was_recorded():
    h = Harness(NOW)
    record = c.RecordLegacyEmail(
        request_id=request_id(),
        actor=actor("u-ops", "vendor_operations"),
        email="old.admin@bakkerij.example.com",
        legacy_tenant_id="T-OLD-7",
    )
    await h.send(partners_registry.record_legacy_email, record)
    await deliver(h, OrderPlaced, tenant_id="T-OLD-7")
    assert codes(h.one(REFUSED).data["reasons"]) == {"legacy_tenant_not_reusable"}
    await deliver(h, OrderPlaced, tenant_id="T-NEW-7", order_id="O.2")
    assert h.one("onboarding.customer.recorded").data["tenant_id"] == "T-NEW-7"
