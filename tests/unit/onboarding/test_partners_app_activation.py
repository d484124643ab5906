"""Use cases: tenant activation requests from submission to co-administrator (§1.5)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from services.onboarding.adapters.partners_documents import ACTIVATION_REQUESTS, CUSTOMERS
from services.onboarding.application.activation import invitation as partners_invitation
from services.onboarding.application.activation import requests as partners_activation
from services.onboarding.application.common.kinds import INVITATION_EXPIRY, INVITATION_OVERDUE
from services.onboarding.application.orders import orders as partners_orders
from services.onboarding.application.partners import registry as partners_registry
from services.onboarding.domain.partners.partners import Language, PartnerKind
from shared.contracts import onboarding as c
from shared.contracts.orders import OrderPlaced
from tests.unit.onboarding.test_partners_app_fakes import Harness, actor, request_id
from tests.unit.onboarding.test_partners_app_orders import order_data

pytestmark = pytest.mark.unit

BERLIN = ZoneInfo("Europe/Berlin")
FRIDAY_13 = datetime(2025, 3, 7, 13, 0, tzinfo=BERLIN)
FRIDAY_15 = datetime(2025, 3, 7, 15, 0, tzinfo=BERLIN)
TUESDAY_15 = datetime(2025, 3, 11, 15, 0, tzinfo=BERLIN)
OPS = actor("u-ops", "vendor_operations")
CLOUD_OPS = actor("u-cloud", "cloud_operations")
DAM = actor("am-dam-1", "account_manager")
OTHER_AM = actor("am-dam-2", "account_manager")
RESELLER = actor("u-res", "partner_admin", partner_id="P-RES-1")
ADMIN_EMAIL = "bea@bakkerij.example.com"
CUSTOMER = c.EndCustomerIn(
    company_name="Bakkerij Voorbeeld BV",
    street="Voorbeeldstraat 1",
    postal_code="1234 AB",
    city="Voorbeeldstad",
    country="NL",
    admin_first_name="Bea",
    admin_last_name="Bakker",
    admin_email=ADMIN_EMAIL,
    business_activity="Bakery",
    end_use="Shop telephony",
)


async def send(h: Harness, use_case, cmd, subject: str = "x") -> None:
    await use_case(h.deps, h.envelope(cmd, subject=subject), cmd)


async def partners(h: Harness) -> None:
    dam = c.AccountManagerIn(
        account_manager_id="am-dam-1",
        name="Dana Example",
        email="dam@vendor.example.com",
        role="dam",
    )
    for partner_id, kind, extra in (
        ("P-DIST-1", PartnerKind.DISTRIBUTOR, {"account_manager": dam}),
        ("P-RES-1", PartnerKind.RESELLER, {"preferred_distributor_id": "P-DIST-1"}),
    ):
        cmd = c.RegisterPartner(
            request_id=request_id(),
            actor=OPS,
            partner_id=partner_id,
            kind=kind,
            name=f"{partner_id} Example BV",
            country="NL",
            language=Language.NL,
            **extra,
        )
        await send(h, partners_registry.register, cmd)


async def submitted(h: Harness, data: c.EndCustomerIn = CUSTOMER) -> str:
    await partners(h)
    cmd = c.SubmitActivationRequest(
        request_id="req-1",
        actor=RESELLER,
        partner_id="P-RES-1",
        end_customer=data,
        customer_id="C-100",
    )
    await send(h, partners_activation.submit, cmd)
    return partners_activation.activation_request_id("P-RES-1", "req-1")


def on(model, request: str, who=CLOUD_OPS, **fields):
    return model(request_id=request_id(), actor=who, activation_request_id=request, **fields)


async def fire_due(h: Harness, request: str) -> None:
    for timer in h.timers(ACTIVATION_REQUESTS, request):
        if timer.due_at <= h.clock.now():
            await partners_invitation.on_timer(h.deps, request, timer)


async def test_a_tier2_request_is_routed_through_the_distributor_to_its_dam():
    h = Harness(FRIDAY_13)

    request = await submitted(h)

    requested = h.one("onboarding.activation.requested")
    assert requested.subject == request
    assert requested.data["account_manager_id"] == "am-dam-1"
    assert requested.data["account_manager_role"] == "dam"
    assert requested.data["distributor_partner_id"] == "P-DIST-1"


async def test_incomplete_data_and_a_legacy_address_are_refused_with_every_reason():
    h = Harness(FRIDAY_13)
    legacy = c.RecordLegacyEmail(
        request_id=request_id(),
        actor=CLOUD_OPS,
        email=" Bea@Bakkerij.example.com ",
        legacy_tenant_id="L-1",
    )
    await send(h, partners_registry.record_legacy_email, legacy)

    request = await submitted(h, CUSTOMER.model_copy(update={"end_use": " "}))

    assert h.one("onboarding.legacy_email.recorded").data["email"] == ADMIN_EMAIL
    refused = h.one("onboarding.activation.action_refused")
    assert refused.subject == request
    assert refused.data["code"] == "validation_failed"
    assert {(r["code"], r["field"]) for r in refused.data["reasons"]} == {
        ("missing", "end_use"),
        ("email_tied_to_legacy_tenant", "admin_email"),
    }
    assert refused.data["distributor_partner_id"] == "P-DIST-1"
    # no request: only the refusal record keeping the command's tracking id
    assert h.docs(ACTIVATION_REQUESTS)[request]["state"] is None


async def test_only_the_dam_it_was_routed_to_checks_the_request():
    h = Harness(FRIDAY_13)
    request = await submitted(h)

    await send(h, partners_activation.approve, on(c.ApproveActivationRequest, request, RESELLER))
    await send(h, partners_activation.approve, on(c.ApproveActivationRequest, request, OTHER_AM))

    refusals = h.of_type("onboarding.activation.action_refused")
    assert [r.data["code"] for r in refusals] == ["forbidden", "forbidden"]
    assert refusals[1].data["reasons"][0]["code"] == "not_the_responsible_account_manager"
    assert refusals[1].data["status"] == "awaiting_check"


async def test_a_returned_request_is_resubmitted_to_the_same_dam():
    h = Harness(FRIDAY_13)
    request = await submitted(h)
    reasons = [c.ReasonIn(code="end_use_unclear", message="Say what it is used for")]

    await send(
        h,
        partners_activation.return_to_partner,
        on(c.ReturnActivationRequest, request, DAM, reasons=reasons),
    )
    await send(
        h,
        partners_activation.resubmit,
        on(c.ResubmitActivationRequest, request, RESELLER, end_customer=CUSTOMER),
    )

    assert h.one("onboarding.activation.returned").data["reason_codes"] == ["end_use_unclear"]
    again = h.of_type("onboarding.activation.requested")[-1]
    assert again.data["resubmitted"] is True


async def test_the_invitation_is_overdue_48_working_day_hours_after_cloud_operations_got_it():
    h = Harness(FRIDAY_13)
    request = await submitted(h)
    h.clock.set(FRIDAY_15)
    await send(h, partners_activation.approve, on(c.ApproveActivationRequest, request, DAM))

    [timer] = h.timers(ACTIVATION_REQUESTS, request)
    assert (timer.kind, timer.due_at) == (INVITATION_OVERDUE, TUESDAY_15)
    h.clock.set(TUESDAY_15 - timedelta(seconds=1))
    await partners_invitation.on_timer(h.deps, request, timer)  # early: nothing
    assert not h.of_type("onboarding.activation.invitation_overdue")
    h.clock.set(TUESDAY_15)
    await fire_due(h, request)

    overdue = h.one("onboarding.activation.invitation_overdue")
    assert overdue.data["partner_id"] == "P-RES-1"
    assert h.timers(ACTIVATION_REQUESTS, request) == []


async def test_an_invitation_expires_after_72_hours_and_a_resend_gives_72_fresh_hours():
    h = Harness(FRIDAY_13)
    request = await submitted(h)
    await send(h, partners_activation.approve, on(c.ApproveActivationRequest, request, DAM))
    h.clock.set(FRIDAY_15)
    await send(
        h, partners_invitation.send_invitation, on(c.SendInvitation, request, invitation_id="INV-1")
    )

    sent = h.one("onboarding.activation.invitation_sent")
    assert sent.data["spam_notice"] is True
    [expiry] = h.timers(ACTIVATION_REQUESTS, request)
    assert (expiry.kind, expiry.due_at) == (INVITATION_EXPIRY, FRIDAY_15 + timedelta(hours=72))
    h.clock.set(expiry.due_at)
    await fire_due(h, request)
    assert h.one("onboarding.activation.invitation_expired").data["invitation_id"] == "INV-1"

    resend = on(
        c.ResendInvitation, request, CLOUD_OPS, invitation_id="INV-2", requested_by="am-dam-1"
    )
    await send(h, partners_invitation.resend_invitation, resend)
    [fresh] = h.timers(ACTIVATION_REQUESTS, request)
    assert fresh.due_at == h.clock.now() + timedelta(hours=72)
    activate = on(
        c.ActivateTenant,
        request,
        actor(ADMIN_EMAIL, "customer_admin"),
        invitation_id="INV-1",
        tenant_id="T-1",
        terms_accepted=True,
    )
    await send(h, partners_invitation.activate_tenant, activate)
    refused = h.one("onboarding.activation.action_refused")
    assert refused.data["reasons"][0]["code"] == "invitation_superseded"


async def test_the_invited_admin_activates_the_tenant_which_then_holds_the_customers_licences():
    h = Harness(FRIDAY_13)
    order = OrderPlaced.model_validate(order_data())
    await partners_orders.on_order(h.deps, h.envelope(order), order)
    request = await submitted(h)
    await send(h, partners_activation.approve, on(c.ApproveActivationRequest, request, DAM))
    await send(h, partners_invitation.send_invitation, on(c.SendInvitation, request))
    invitation_id = h.one("onboarding.activation.invitation_sent").data["invitation_id"]
    admin = actor(ADMIN_EMAIL.upper(), "customer_admin")

    co_admin_too_early = on(c.AddPartnerAsCoAdministrator, request, admin)
    await send(h, partners_invitation.add_co_administrator, co_admin_too_early)
    activate = on(
        c.ActivateTenant,
        request,
        admin,
        invitation_id=invitation_id,
        tenant_id="T-1",
        terms_accepted=True,
    )
    await send(h, partners_invitation.activate_tenant, activate)
    tenant_admin = actor("bea", "customer_admin", tenant_id="T-1")
    await send(
        h,
        partners_invitation.add_co_administrator,
        on(c.AddPartnerAsCoAdministrator, request, tenant_admin),
    )

    assert h.one("onboarding.activation.action_refused").data["reasons"][0]["code"] == (
        "tenant_not_yet_activated"
    )
    activated = h.one("onboarding.activation.activated")
    assert (activated.data["tenant_id"], activated.data["customer_id"]) == ("T-1", "C-100")
    assigned = h.one("onboarding.customer.tenant_assigned")
    assert (assigned.subject, assigned.data["tenant_id"]) == ("C-100", "T-1")
    assert h.doc(CUSTOMERS, "C-100")["state"]["tenant_id"] == "T-1"
    assert h.one("onboarding.tenant.co_admin_added").data["partner_id"] == "P-RES-1"
    assert h.timers(ACTIVATION_REQUESTS, request) == []


async def test_someone_else_may_not_activate_the_tenant():
    h = Harness(FRIDAY_13)
    request = await submitted(h)
    await send(h, partners_activation.approve, on(c.ApproveActivationRequest, request, DAM))
    await send(
        h, partners_invitation.send_invitation, on(c.SendInvitation, request, invitation_id="I")
    )

    activate = on(
        c.ActivateTenant,
        request,
        actor("mallory@example.com", "customer_admin"),
        invitation_id="I",
        tenant_id="T-1",
        terms_accepted=True,
    )
    await send(h, partners_invitation.activate_tenant, activate)

    assert h.one("onboarding.activation.action_refused").data["code"] == "forbidden"


async def test_a_tier1_request_goes_to_its_cam_and_one_without_a_cam_is_refused():
    h = Harness(FRIDAY_13)
    cam = c.AccountManagerIn(
        account_manager_id="am-cam-1",
        name="Cleo Example",
        email="cam@vendor.example.com",
        role="cam",
    )
    for partner_id, manager in (("P-T1-1", cam), ("P-T1-2", None)):
        register = c.RegisterPartner(
            request_id=request_id(),
            actor=OPS,
            partner_id=partner_id,
            kind=PartnerKind.TIER1,
            name="Direct Example Ltd",
            country="GB",
            language=Language.EN,
            account_manager=manager,
        )
        await send(h, partners_registry.register, register)
        submit = c.SubmitActivationRequest(
            request_id="req-1",
            actor=actor("u-t1", "partner_admin", partner_id=partner_id),
            partner_id=partner_id,
            end_customer=CUSTOMER,
        )
        await send(h, partners_activation.submit, submit)

    requested = h.one("onboarding.activation.requested")
    assert (requested.data["account_manager_id"], requested.data["account_manager_role"]) == (
        "am-cam-1",
        "cam",
    )
    assert requested.data["distributor_partner_id"] is None
    refused = h.one("onboarding.activation.action_refused")
    assert refused.data["partner_id"] == "P-T1-2"
    assert refused.data["reasons"][0]["code"] == "no_responsible_account_manager"
