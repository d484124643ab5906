"""Tenant activation requests (§1.5) at cloud operations: invitation to co-administrator.

Cloud operations invites the customer's admin (due 48 working-day hours after receiving
the request: `onboarding.activation.invitation_overdue` at that instant if not sent); the
invitation is valid 72 hours (`onboarding.activation.invitation_expired` at the end); a
resend, requested through the CAM/DAM, gives a new invitation with 72 fresh hours. The
admin activates the tenant and accepts the terms; the customer may then add the partner
as co-administrator. An activated tenant is tied to the customer's licences when the
partner named the customer ID and the customer's orders name that partner.

From onboarding's own records, never the command's word (§1.5): no invitation goes to, and
no activation is made by, an address tied to a legacy tenant (even one recorded after the
request); a tenant of the older product is never reused, nor one that another customer
or request already holds.
"""

from __future__ import annotations

from datetime import datetime

from services.onboarding.application.activation.requests import customer_partner_ids
from services.onboarding.application.common.core import change, fire_timer, refused
from services.onboarding.application.common.kinds import (
    ACTIVATION_REPO,
    CUSTOMER_REPO,
    INVITATION_EXPIRY,
    INVITATION_OVERDUE,
)
from services.onboarding.application.deps import Deps
from services.onboarding.application.orders import orders as partners_orders
from services.onboarding.application.partners.registry import legacy_emails_matching
from services.onboarding.domain.access import (
    ACCOUNT_MANAGER,
    CLOUD_OPERATIONS,
    CUSTOMER_ADMIN,
    require,
    require_role,
)
from services.onboarding.domain.activation.activation import ActivationRequest
from services.onboarding.domain.errors import (
    InvitationNotYetDue,
    InvitationStillValid,
    Reason,
    ValidationFailed,
)
from services.onboarding.domain.event import DomainEvent
from services.onboarding.domain.partners.partners import normalise_email
from shared.actor import Actor
from shared.contracts import onboarding as c
from shared.events import Envelope
from shared.ids import derived_id
from shared.store import Timer


def _invitation_id(given: str | None, activation_request: str, actor: Actor, request: str) -> str:
    """The given id, else one derived from the request *and its sender* (another sender's
    request id never makes its resend look like a repeat of an earlier one)."""
    if given:
        return given
    derived = derived_id("invitation", activation_request, actor.user_id, request)
    return "INV-" + derived[:16].upper()


async def send_invitation(deps: Deps, cause: Envelope, cmd: c.SendInvitation) -> None:
    """Cloud operations invited the customer's admin."""
    invitation_id = _invitation_id(
        cmd.invitation_id, cmd.activation_request_id, cmd.actor, cmd.request_id
    )
    legacy = await _legacy_admin_email(deps, cmd.activation_request_id)
    await change(
        deps.uc,
        ACTIVATION_REPO,
        cmd.activation_request_id,
        cause,
        lambda _: require_role(cmd.actor, "send invitations", CLOUD_OPERATIONS),
        lambda r, now: r.send_invitation(invitation_id, now, legacy),
    )


async def resend_invitation(deps: Deps, cause: Envelope, cmd: c.ResendInvitation) -> None:
    """A new invitation, asked for by the CAM/DAM (cloud operations names who asked)."""
    invitation_id = _invitation_id(
        cmd.invitation_id, cmd.activation_request_id, cmd.actor, cmd.request_id
    )
    by_operations = cmd.actor.has_role(CLOUD_OPERATIONS) and cmd.requested_by
    requested_by = cmd.requested_by if by_operations else cmd.actor.user_id
    legacy = await _legacy_admin_email(deps, cmd.activation_request_id)
    await change(
        deps.uc,
        ACTIVATION_REPO,
        cmd.activation_request_id,
        cause,
        lambda _: require_role(cmd.actor, "resend invitations", ACCOUNT_MANAGER, CLOUD_OPERATIONS),
        lambda r, now: r.resend_invitation(requested_by or "", invitation_id, now, legacy),
    )


def _is_invited_admin(actor: Actor, request: ActivationRequest) -> bool:
    return actor.has_role(CUSTOMER_ADMIN) and normalise_email(actor.user_id) == normalise_email(
        request.data.admin_email
    )


async def _request_of(deps: Deps, activation_request_id: str) -> ActivationRequest | None:
    return await deps.uc.load(ACTIVATION_REPO, activation_request_id)


async def _legacy_admin_email(deps: Deps, activation_request_id: str) -> set[str]:
    """{the request's admin address} when it is tied to a legacy tenant by now."""
    request = await _request_of(deps, activation_request_id)
    if request is None:
        return set()
    return await legacy_emails_matching(deps, request.data.admin_email)


async def _tenant_in_use(deps: Deps, tenant_id: str, request: ActivationRequest | None) -> bool:
    """Another activation request or another customer already holds `tenant_id`."""
    own_request = request.request_id if request else None
    own_customer = request.customer_id if request else None
    return await deps.tenants.tenant_in_use(tenant_id, own_request, own_customer)


async def activate_tenant(deps: Deps, cause: Envelope, cmd: c.ActivateTenant) -> None:
    """The invited admin activated the tenant and accepted the terms."""
    current = await _request_of(deps, cmd.activation_request_id)
    legacy_tenant = await deps.tenants.is_legacy_tenant(cmd.tenant_id)
    in_use = await _tenant_in_use(deps, cmd.tenant_id, current)
    legacy = await _legacy_admin_email(deps, cmd.activation_request_id)
    await change(
        deps.uc,
        ACTIVATION_REPO,
        cmd.activation_request_id,
        cause,
        lambda r: require(
            cmd.actor.has_role(CLOUD_OPERATIONS) or _is_invited_admin(cmd.actor, r),
            cmd.actor,
            "activate this tenant",
        ),
        lambda r, now: r.activate(
            cmd.invitation_id,
            cmd.tenant_id,
            cmd.terms_accepted,
            now,
            legacy_tenant=legacy_tenant,
            tenant_in_use=in_use,
            legacy_emails=legacy,
        ),
    )
    # Outside the request's update, so also after a crash in between (redelivery).
    request = await _request_of(deps, cmd.activation_request_id)
    if request is not None and request.customer_id and request.tenant_id:
        activation = f"activation:{request.request_id}:{request.tenant_id}"
        partners = await customer_partner_ids(deps, request.customer_id)
        if partners is not None and request.partner_id not in partners:
            error = ValidationFailed(
                [
                    Reason(
                        "customer_of_another_partner",
                        f"customer {request.customer_id} is not a customer of partner "
                        f"{request.partner_id}: its licences stay off tenant {request.tenant_id}",
                        "customer_id",
                    )
                ]
            )
            refusal = refused(error)

            def refuse(_: object, __: datetime) -> None:
                raise refusal

            # Told to the activating partner, once per activation (stored with the account).
            await deps.uc.handle(
                CUSTOMER_REPO,
                request.customer_id,
                cause,
                refuse,
                message_id=activation,
                about={"partner_id": request.partner_id, "distributor_partner_id": None},
                receipt=False,  # a step: the activation request answers a resend
            )
            return
        await partners_orders.assign_tenant(
            deps, cause, request.customer_id, request.tenant_id, activation
        )


def _is_tenant_admin(actor: Actor, request: ActivationRequest) -> bool:
    if not actor.has_role(CUSTOMER_ADMIN):
        return False
    if request.tenant_id is None:  # not active yet: the domain says so
        return _is_invited_admin(actor, request)
    return actor.tenant_id == request.tenant_id


async def add_co_administrator(
    deps: Deps, cause: Envelope, cmd: c.AddPartnerAsCoAdministrator
) -> None:
    """The customer made the partner co-administrator of its activated tenant."""
    await change(
        deps.uc,
        ACTIVATION_REPO,
        cmd.activation_request_id,
        cause,
        lambda r: require(
            cmd.actor.has_role(CLOUD_OPERATIONS) or _is_tenant_admin(cmd.actor, r),
            cmd.actor,
            "add co-administrators to this tenant",
        ),
        lambda r, now: r.add_partner_as_co_administrator(now),
    )


async def on_timer(deps: Deps, activation_request_id: str, timer: Timer) -> None:
    """The invitation is overdue, or the current invitation's 72 hours are over."""

    def do(r: ActivationRequest, now: datetime) -> list[DomainEvent]:
        if timer.kind == INVITATION_OVERDUE:
            return r.mark_invitation_overdue(now)
        if timer.kind == INVITATION_EXPIRY:
            return r.expire_invitation(now, timer.data.get("invitation_id"))
        return []

    await fire_timer(
        deps.uc,
        ACTIVATION_REPO,
        activation_request_id,
        timer,
        do,
        (InvitationNotYetDue, InvitationStillValid),
    )
