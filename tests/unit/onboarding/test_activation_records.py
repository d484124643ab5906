"""Tenant activation decided from onboarding's records (§1.5; issue 7 §4 and §7).

- A partner names only its own customer: a customer ID whose orders name other partners
  is refused at submission, and its licences never go to the tenant of an activation that
  named it before its orders arrived.
- A tenant of the older product is never reused, nor one another customer holds; an
  address tied to a legacy tenant gets no invitation and activates nothing, even when it
  was recorded after the request was submitted.
"""

from __future__ import annotations

import pytest

from services.onboarding.application.activation import invitation as partners_invitation
from services.onboarding.application.activation import requests as partners_activation
from services.onboarding.application.orders import orders as partners_orders
from services.onboarding.application.partners import registry as partners_registry
from shared.contracts import onboarding as c
from shared.contracts.orders import OrderPlaced
from tests.unit.onboarding.test_partners_app_activation import (
    ADMIN_EMAIL,
    CLOUD_OPS,
    DAM,
    FRIDAY_13,
    on,
    send,
    submitted,
)
from tests.unit.onboarding.test_partners_app_fakes import Harness, actor, request_id
from tests.unit.onboarding.test_partners_app_orders import order_data

pytestmark = pytest.mark.unit

REFUSED = "onboarding.activation.action_refused"
ADMIN = actor(ADMIN_EMAIL, "customer_admin")


def codes(envelope) -> set[str]:
    return {r["code"] for r in envelope.data["reasons"]}


async def order_for(h: Harness, customer_id: str, reseller: str, **changes) -> None:
    data = order_data(reseller_partner_id=reseller, order_id=f"O-{customer_id}", **changes)
    data["customer"] = {**data["customer"], "customer_id": customer_id}
    order = OrderPlaced.model_validate(data)
    await partners_orders.on_order(h.deps, h.envelope(order, customer_id), order)


async def legacy(h: Harness, email: str, tenant_id: str) -> None:
    record = c.RecordLegacyEmail(
        request_id=request_id(), actor=CLOUD_OPS, email=email, legacy_tenant_id=tenant_id
    )
    await send(h, partners_registry.record_legacy_email, record)


async def invited(h: Harness) -> str:
    request = await submitted(h)
    await send(h, partners_activation.approve, on(c.ApproveActivationRequest, request, DAM))
    await send(
        h, partners_invitation.send_invitation, on(c.SendInvitation, request, invitation_id="I-1")
    )
    return request


def activation(request: str, tenant_id: str) -> c.ActivateTenant:
    return on(
        c.ActivateTenant,
        request,
        ADMIN,
        invitation_id="I-1",
        tenant_id=tenant_id,
        terms_accepted=True,
    )


# -- the customer the partner names -------------------------------------------------------------


async def test_a_request_naming_another_partners_customer_is_refused():
    h = Harness(FRIDAY_13)
    await order_for(h, "C-100", "P-RES-OTHER")  # C-100's orders name another reseller
    request = await submitted(h)  # P-RES-1 names C-100
    refused = h.one(REFUSED)
    assert refused.subject == request
    assert {(r["code"], r["field"]) for r in refused.data["reasons"]} == {
        ("customer_of_another_partner", "customer_id")
    }
    assert "onboarding.activation.requested" not in h.types()


async def test_a_request_naming_its_own_customer_or_one_not_known_yet_is_taken():
    h = Harness(FRIDAY_13)
    await order_for(h, "C-100", "P-RES-1")
    await submitted(h)
    assert h.one("onboarding.activation.requested").data["partner_id"] == "P-RES-1"


async def test_a_customer_whose_later_orders_name_others_keeps_its_licences_off_the_tenant():
    h = Harness(FRIDAY_13)
    request = await invited(h)  # C-100 not known yet: accepted
    await order_for(h, "C-100", "P-RES-OTHER")
    await send(h, partners_invitation.activate_tenant, activation(request, "T-1"))
    assert h.one("onboarding.activation.activated").data["tenant_id"] == "T-1"
    refused = h.one("onboarding.customer.action_refused")
    assert codes(refused) == {"customer_of_another_partner"}
    assert "onboarding.customer.tenant_assigned" not in h.types()


# -- the tenant an activation names -------------------------------------------------------------


async def test_a_legacy_tenant_is_not_reused_by_an_activation():
    h = Harness(FRIDAY_13)
    request = await invited(h)
    await legacy(h, "someone.else@old.example.com", "T-OLD-1")
    await send(h, partners_invitation.activate_tenant, activation(request, "T-OLD-1"))
    assert codes(h.one(REFUSED)) == {"legacy_tenant_not_reusable"}
    await send(h, partners_invitation.activate_tenant, activation(request, "T-NEW-1"))
    assert h.one("onboarding.activation.activated").data["tenant_id"] == "T-NEW-1"


async def test_a_tenant_another_customer_holds_is_not_taken_by_an_activation():
    h = Harness(FRIDAY_13)
    await order_for(h, "C-200", "P-RES-OTHER", tenant_id="T-TAKEN")
    request = await invited(h)
    await send(h, partners_invitation.activate_tenant, activation(request, "T-TAKEN"))
    assert codes(h.one(REFUSED)) == {"tenant_in_use"}
    assert "onboarding.activation.activated" not in h.types()


async def test_an_address_recorded_as_legacy_after_the_request_gets_no_invitation():
    h = Harness(FRIDAY_13)
    request = await submitted(h)
    await send(h, partners_activation.approve, on(c.ApproveActivationRequest, request, DAM))
    await legacy(h, ADMIN_EMAIL, "T-OLD-2")
    await send(h, partners_invitation.send_invitation, on(c.SendInvitation, request))
    assert codes(h.one(REFUSED)) == {"email_tied_to_legacy_tenant"}
    assert "onboarding.activation.invitation_sent" not in h.types()


async def test_an_address_recorded_as_legacy_after_the_invitation_activates_nothing():
    h = Harness(FRIDAY_13)
    request = await invited(h)
    await legacy(h, ADMIN_EMAIL, "T-OLD-3")
    await send(h, partners_invitation.activate_tenant, activation(request, "T-NEW-3"))
    assert codes(h.one(REFUSED)) == {"email_tied_to_legacy_tenant"}
    resend = on(c.ResendInvitation, request, DAM, invitation_id="I-2")
    await send(h, partners_invitation.resend_invitation, resend)
    assert len(h.of_type(REFUSED)) == 2
    assert "onboarding.activation.invitation_resent" not in h.types()
