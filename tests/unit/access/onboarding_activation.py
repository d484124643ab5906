"""Onboarding's access matrix, tenant activation (§1.5) and licences (§1.1): every command
× every actor kind × own/other tenant where one is named, through the use cases on the
in-memory fakes (`tests/fakes.py`).

Rules (spec/domain.md §1.1, §1.5; `services/onboarding/domain/access.py`):
- a partner asks for a tenant for its own customer, and resubmits its own returned
  request; vendor operations may do both for any partner;
- the CAM/DAM the request was routed to (`account_manager`) approves or returns it and
  asks for a resend; cloud operations (`cloud_operations`) send and resend invitations;
- the invited admin (`customer_admin`, its address the invited one) activates the tenant,
  and the tenant's admin adds the partner as co-administrator; cloud operations relay
  both from the platform;
- a customer's licences are booked by its partners (its reseller and distributor, as its
  orders say) or the operators (cloud operations, provisioning, vendor operations); a user
  licence is also assigned or taken back by the admin of the customer's own tenant;
- another partner, another account manager, an anonymous user: none of it.
Own tenant: the customer's; other tenant: another customer's. Columns: `own` the reseller's
user, `other` another reseller's, `dist` the reseller's distributor's, `vops` vendor
operations, `prov` provisioning, `ops` cloud operations, `am` the routed DAM, `am2`
another account manager, `cust` the customer's admin (invited, then tenant admin).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, cast

from services.onboarding.application.activation import invitation, requests
from services.onboarding.application.orders import orders
from shared.actor import Actor
from shared.contracts import onboarding as c
from shared.contracts.common import PartnerCommand
from shared.contracts.orders import OrderPlaced
from tests.unit.access.matrix import parse
from tests.unit.onboarding.test_admin_fakes import Harness, actor
from tests.unit.onboarding.test_partners_app_activation import (
    ADMIN_EMAIL,
    CLOUD_OPS,
    CUSTOMER,
    DAM,
    FRIDAY_13,
    OPS,
    RESELLER,
    partners,
)
from tests.unit.onboarding.test_partners_app_fakes import Harness as PartnersHarness
from tests.unit.onboarding.test_partners_app_orders import order_data

TABLE = """
command                          tenant own other dist vops prov ops am am2 cust anon none
activation.submit                -      A   D     D    A    D    D   D  D   D    D    D
activation.approve               -      D   D     D    D    D    D   A  D   D    D    D
activation.return                -      D   D     D    D    D    D   A  D   D    D    D
activation.resubmit              -      A   D     D    A    D    D   D  D   D    D    D
activation.send_invitation       -      D   D     D    D    D    A   D  D   D    D    D
activation.resend_invitation     -      D   D     D    D    D    A   A  D   D    D    D
activation.activate_tenant       own    D   D     D    D    D    A   D  D   A    D    D
activation.activate_tenant       other  D   D     D    D    D    A   D  D   D    D    D
activation.add_co_administrator  own    D   D     D    D    D    A   D  D   A    D    D
activation.add_co_administrator  other  D   D     D    D    D    A   D  D   D    D    D
licences.use                     -      A   D     A    A    A    A   D  D   D    D    D
licences.release                 -      A   D     A    A    A    A   D  D   D    D    D
licences.assign_to_user          own    A   D     A    A    A    A   D  D   A    D    D
licences.assign_to_user          other  A   D     A    A    A    A   D  D   D    D    D
licences.unassign_from_user      own    A   D     A    A    A    A   D  D   A    D    D
licences.unassign_from_user      other  A   D     A    A    A    A   D  D   D    D    D
"""
TENANTS = True
"""Whether a scenario builds its command for the own or the other tenant."""
ROWS = parse(TABLE, prefix="onboarding.")

TENANT, OTHER_TENANT = "T-1", "T-2"
ACTORS: dict[str, Actor] = {
    "own": RESELLER,
    "other": actor("u-res-2", "partner_admin", partner_id="P-RES-2"),
    "dist": actor("u-dist", "partner_admin", partner_id="P-DIST-1"),
    "vops": OPS,
    "prov": actor("u-prov", "provisioning"),
    "ops": CLOUD_OPS,
    "am": DAM,
    "am2": actor("am-dam-2", "account_manager"),
    "cust": actor(ADMIN_EMAIL, "customer_admin", "tenant_admin", tenant_id=TENANT),
    "anon": actor("someone@example.com"),
}
OUTSIDERS = ("other", "am2", "anon")
OWNER = ("P-RES-1", "P-RES-1 Example BV", "Bakkerij Voorbeeld BV")
"""What identifies the owning reseller and its customer (invented data of the unit tests)."""

REQUEST = requests.activation_request_id("P-RES-1", "req-1")
RETURN_REASONS = [c.ReasonIn(code="end_use_unclear", message="Say what it is used for")]


def cmd(model: type[PartnerCommand], a: Actor, **fields: Any) -> Any:
    return model.model_validate({"request_id": "m-1", "actor": a, **fields})


def on(model: type[PartnerCommand], a: Actor, **fields: Any) -> Any:
    return cmd(model, a, activation_request_id=REQUEST, **fields)


async def customer(h: Harness) -> None:
    """The partners (the reseller's distributor has its DAM) and the customer's order."""
    h.clock.set(FRIDAY_13)
    order = OrderPlaced.model_validate(order_data())
    await orders.on_order(h.deps, h.envelope(order), order)
    await partners(cast(PartnersHarness, h))  # it only sends through the shared harness


async def submitted(h: Harness) -> None:
    await customer(h)
    ask = c.SubmitActivationRequest(
        request_id="req-1",
        actor=RESELLER,
        partner_id="P-RES-1",
        end_customer=CUSTOMER,
        customer_id="C-100",
    )
    await h.send(requests.submit, ask)


async def returned(h: Harness) -> None:
    await submitted(h)
    back = on(c.ReturnActivationRequest, DAM, reasons=RETURN_REASONS)
    await h.send(requests.return_to_partner, back.model_copy(update={"request_id": "b"}))


async def approved(h: Harness) -> None:
    await submitted(h)
    await h.send(requests.approve, on(c.ApproveActivationRequest, DAM, request_id="b"))


async def invited(h: Harness) -> None:
    await approved(h)
    sent = on(c.SendInvitation, CLOUD_OPS, request_id="i", invitation_id="INV-1")
    await h.send(invitation.send_invitation, sent)


async def activated(h: Harness) -> None:
    await invited(h)
    admin = actor(ADMIN_EMAIL, "customer_admin")
    go = on(
        c.ActivateTenant,
        admin,
        request_id="a",
        invitation_id="INV-1",
        tenant_id=TENANT,
        terms_accepted=True,
    )
    await h.send(invitation.activate_tenant, go)


def as_for(a: Actor, t: str) -> Actor:
    """The actor as it acts for the own tenant, or its twin of another tenant (an admin of
    another tenant: same roles, another tenant and address)."""
    if t == "own" or a.tenant_id is None:
        return a
    return a.model_copy(update={"user_id": "other.admin@example.com", "tenant_id": OTHER_TENANT})


async def in_use(h: Harness) -> None:
    await activated(h)
    use = cmd(c.UseLicences, OPS, request_id="u", customer_id="C-100", package="Team 2.0", count=2)
    await h.send(orders.use_licences, use)


async def assigned(h: Harness) -> None:
    await in_use(h)
    give = cmd(
        c.AssignLicence,
        OPS,
        request_id="g",
        customer_id="C-100",
        package="Team 2.0",
        user_id="kees@bakkerij.example.com",
    )
    await h.send(orders.assign_licence, give)


Base = Callable[[Harness], Awaitable[None]]
Build = Callable[[Actor, Harness, str], PartnerCommand]
SCENARIOS: dict[str, tuple[Base, Any, Build]] = {
    # command type: (base, use case, the command an actor sends for the own/other tenant)
    "onboarding.activation.submit": (
        customer,
        requests.submit,
        lambda a, h, t: cmd(
            c.SubmitActivationRequest,
            a,
            partner_id="P-RES-1",
            end_customer=CUSTOMER,
            customer_id="C-100",
        ),
    ),
    "onboarding.activation.approve": (
        submitted,
        requests.approve,
        lambda a, h, t: on(c.ApproveActivationRequest, a),
    ),
    "onboarding.activation.return": (
        submitted,
        requests.return_to_partner,
        lambda a, h, t: on(c.ReturnActivationRequest, a, reasons=RETURN_REASONS),
    ),
    "onboarding.activation.resubmit": (
        returned,
        requests.resubmit,
        lambda a, h, t: on(c.ResubmitActivationRequest, a, end_customer=CUSTOMER),
    ),
    "onboarding.activation.send_invitation": (
        approved,
        invitation.send_invitation,
        lambda a, h, t: on(c.SendInvitation, a, invitation_id="INV-1"),
    ),
    "onboarding.activation.resend_invitation": (
        invited,
        invitation.resend_invitation,
        lambda a, h, t: on(c.ResendInvitation, a, invitation_id="INV-2", requested_by=DAM.user_id),
    ),
    "onboarding.activation.activate_tenant": (
        invited,
        invitation.activate_tenant,
        lambda a, h, t: on(
            c.ActivateTenant,
            as_for(a, t),
            invitation_id="INV-1",
            tenant_id=TENANT,
            terms_accepted=True,
        ),
    ),
    "onboarding.activation.add_co_administrator": (
        activated,
        invitation.add_co_administrator,
        lambda a, h, t: on(c.AddPartnerAsCoAdministrator, as_for(a, t)),
    ),
    "onboarding.licences.use": (
        activated,
        orders.use_licences,
        lambda a, h, t: cmd(c.UseLicences, a, customer_id="C-100", package="Team 2.0", count=1),
    ),
    "onboarding.licences.release": (
        in_use,
        orders.release_licences,
        lambda a, h, t: cmd(c.ReleaseLicences, a, customer_id="C-100", package="Team 2.0", count=1),
    ),
    "onboarding.licences.assign_to_user": (
        in_use,
        orders.assign_licence,
        lambda a, h, t: cmd(
            c.AssignLicence,
            as_for(a, t),
            customer_id="C-100",
            package="Team 2.0",
            user_id="anna@bakkerij.example.com",
        ),
    ),
    "onboarding.licences.unassign_from_user": (
        assigned,
        orders.unassign_licence,
        lambda a, h, t: cmd(
            c.UnassignLicence,
            as_for(a, t),
            customer_id="C-100",
            user_id="kees@bakkerij.example.com",
        ),
    ),
}
