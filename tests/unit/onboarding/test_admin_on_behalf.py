"""Enabling partner administration, opting in and out, the DPA, the helpdesk (§1.6)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from services.onboarding.adapters.admin_documents import CUSTOMER_TENANTS, RESELLER_TENANTS
from services.onboarding.application.on_behalf import directory as admin_directory
from services.onboarding.application.on_behalf import on_behalf as admin_on_behalf
from services.onboarding.application.on_behalf import queries as admin_queries
from services.onboarding.application.on_behalf import tenant_actions as admin_tenant_actions
from shared.contracts import onboarding as c
from shared.contracts import onboarding as partners
from shared.contracts.onboarding import PartnerContactsChanged
from tests.unit.onboarding.test_admin_fakes import (
    CUSTOMER_ADMIN,
    CUSTOMER_TENANT,
    DISTRIBUTOR,
    OPERATIONS,
    OTHER_RESELLER,
    PARTNER_ADMIN_USER,
    RESELLER,
    RESELLER_TENANT,
    Harness,
    World,
    actor,
)

pytestmark = pytest.mark.unit

REFUSED = "onboarding.on_behalf.action_refused"
HELPDESK = "helpdesk@reseller.example.com"


def codes(envelope) -> set[str]:
    return {r["code"] for r in envelope.data["reasons"]}


async def test_operations_enable_a_reseller_tenant_with_a_paid_subscription():
    h = Harness()
    await World(h).reseller(partner_admin=None)
    enabled = h.one("onboarding.reseller_tenant.partner_administration_enabled")
    assert enabled.data["partner_admin_id"] == RESELLER
    assert enabled.subject == RESELLER_TENANT


async def test_a_reseller_tenant_without_a_paid_subscription_is_not_enabled():
    h = Harness()
    await World(h).reseller(paid=False, partner_admin=None)
    assert codes(h.one(REFUSED)) == {"reseller_tenant_not_paid"}
    assert h.state(RESELLER_TENANTS, RESELLER_TENANT)["reseller"]["partner_admin_id"] is None


async def test_only_cloud_operations_enable_it():
    h = Harness()
    w = World(h)
    await w.reseller(enable=False)
    command = c.EnablePartnerAdministration(
        request_id="e-1", actor=PARTNER_ADMIN_USER, tenant_id=RESELLER_TENANT
    )
    await h.send(admin_on_behalf.enable, command)
    assert codes(h.one(REFUSED)) == {"not_cloud_operations"}


async def test_a_partner_is_enabled_with_one_tenant_only():
    h = Harness()
    w = World(h)
    await w.reseller(partner_admin=None)
    await w.reseller(tenant_id="T-RES-2", partner_admin=None)
    assert codes(h.last(REFUSED)) == {"partner_already_enabled"}


async def test_the_reseller_asks_for_itself_only():
    h = Harness()
    command = c.RequestPartnerAdministration(
        request_id="r-1",
        actor=actor("x@other.example.com", partner_id=OTHER_RESELLER),
        tenant_id=RESELLER_TENANT,
        partner_id=RESELLER,
        domain="reseller.example.com",
    )
    await h.send(admin_on_behalf.request, command)
    assert codes(h.one(REFUSED)) == {"not_the_reseller"}
    assert RESELLER_TENANT not in h.aggregates(RESELLER_TENANTS)


async def test_opting_in_needs_the_reseller_enabled_first():
    h = Harness()
    w = World(h)
    await w.reseller(enable=False)
    await w.customer("C-1", CUSTOMER_TENANT, RESELLER, "Northwind Example Ltd")
    await w.opt_in()
    assert codes(h.last(REFUSED)) == {"reseller_not_enabled"}


async def test_only_the_customers_own_admin_opts_in():
    h = Harness()
    w = World(h)
    await w.reseller()
    await w.customer("C-1", CUSTOMER_TENANT, RESELLER, "Northwind Example Ltd")
    await w.opt_in(by=PARTNER_ADMIN_USER)
    assert codes(h.last(REFUSED)) == {"not_customer_admin"}


async def test_opting_in_shows_the_resellers_domain_and_a_repeat_changes_nothing():
    h = Harness()
    w = World(h)
    await w.reseller()
    await w.customer("C-1", CUSTOMER_TENANT, RESELLER, "Northwind Example Ltd")
    command = c.OptInPartnerAdministration(
        request_id="in-1", actor=CUSTOMER_ADMIN, tenant_id=CUSTOMER_TENANT
    )
    envelope = await h.send(admin_on_behalf.opt_in, command)
    await h.send(admin_on_behalf.opt_in, command, envelope)
    opted = h.one("onboarding.customer_tenant.partner_administration_opted_in")
    assert opted.data["label"] == "Administration by partner reseller.example.com"
    assert opted.data["reseller_partner_id"] == RESELLER


async def test_a_customer_moved_to_another_reseller_loses_the_opt_in():
    h = Harness()
    w = World(h)
    await w.linked_and_opted_in()
    moved = partners.RelationshipChangedV1(
        customer_id="C-1",
        tenant_id=CUSTOMER_TENANT,
        distributor_partner_id=DISTRIBUTOR,
        reseller_partner_id=OTHER_RESELLER,
        tier1_partner_id=None,
        channel="classic",
        distributor_acts_as_reseller=False,
        order_id="O-2",
        previous_partner_ids=[DISTRIBUTOR, RESELLER],
        occurred_at=h.clock.now(),
    )
    await h.send(admin_directory.record_customer_fact, moved)
    out = h.last("onboarding.customer_tenant.partner_administration_opted_out")
    assert out.data["reseller_partner_id"] == RESELLER
    admin = h.state(CUSTOMER_TENANTS, CUSTOMER_TENANT)["administration"]
    assert admin["reseller_partner_id"] == OTHER_RESELLER
    assert admin["opted_in_at"] is None


async def test_the_dpa_is_recorded_by_the_customer_or_its_linked_reseller_only():
    h = Harness()
    w = World(h)
    await w.linked_and_opted_in()
    signed = h.clock.now() - timedelta(days=1)
    for request_id, who in (("d-1", CUSTOMER_ADMIN), ("d-2", actor("z@x.example.com"))):
        await h.send(
            admin_on_behalf.record_dpa,
            c.RecordDataProcessingAgreement(
                request_id=request_id,
                actor=who,
                tenant_id=CUSTOMER_TENANT,
                signed_at=signed,
                signed_by="Pat Example",
            ),
        )
    assert h.one("onboarding.customer_tenant.data_processing_agreement_recorded")
    assert codes(h.one(REFUSED)) == {"not_a_party"}


# -- report issue ------------------------------------------------------------------------------


async def helpdesk_world() -> tuple[Harness, World]:
    h = Harness()
    w = World(h)
    await w.linked_and_opted_in()
    contacts = PartnerContactsChanged(
        partner_id=RESELLER,
        contact_emails=["ops@reseller.example.com"],
        helpdesk_email=HELPDESK,
        occurred_at=h.clock.now(),
    )
    await h.send(admin_directory.record_partner_contacts, contacts)
    return h, w


def report(user_tenant: str = CUSTOMER_TENANT) -> c.RouteReportIssue:
    user = actor("anna@northwind.example.com", tenant_id=user_tenant)
    return c.RouteReportIssue(request_id="ri-1", actor=user, tenant_id=CUSTOMER_TENANT)


async def test_report_issue_goes_to_vendor_support_until_the_partner_helpdesk_is_enabled():
    h, w = await helpdesk_world()
    await h.send(admin_queries.route, report())
    assert h.last("onboarding.report_issue.routed").data["destination"] == "vendor_support"
    await h.send(admin_tenant_actions.act, w.act(c.SwitchPartnerHelpdesk(enabled=True)))
    switched = h.one("onboarding.customer_tenant.partner_helpdesk_switched")
    assert switched.data["on_behalf"] is True
    await h.send(admin_queries.route, report())
    routed = h.last("onboarding.report_issue.routed").data
    assert (routed["destination"], routed["email"]) == ("partner_helpdesk", HELPDESK)
    assert "logs" in routed["hint"]


async def test_the_customer_admin_switches_the_helpdesk_back_without_an_on_behalf_audit():
    h, w = await helpdesk_world()
    await h.send(admin_tenant_actions.act, w.act(c.SwitchPartnerHelpdesk(enabled=True)))
    await h.send(
        admin_tenant_actions.act,
        w.act(c.SwitchPartnerHelpdesk(enabled=False), by=CUSTOMER_ADMIN),
    )
    last = h.last("onboarding.customer_tenant.partner_helpdesk_switched").data
    assert (last["enabled"], last["on_behalf"]) == (False, False)
    assert len(h.of_type("onboarding.on_behalf.action_audited")) == 1


async def test_only_users_of_the_tenant_report_issues_for_it():
    h, _ = await helpdesk_world()
    await h.send(admin_queries.route, report(user_tenant="T-ELSEWHERE"))
    assert codes(h.one(REFUSED)) == {"not_a_tenant_user"}
    assert h.of_type("onboarding.report_issue.routed") == []


async def test_operations_cannot_enable_an_unknown_tenant():
    from shared.kafka import MessageRejected

    h = Harness()
    command = c.EnablePartnerAdministration(request_id="e", actor=OPERATIONS, tenant_id="T-X")
    with pytest.raises(MessageRejected) as rejected:
        await h.send(admin_on_behalf.enable, command)
    assert rejected.value.code == "unknown_tenant"
