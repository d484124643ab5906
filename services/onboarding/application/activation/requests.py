"""Tenant activation requests (§1.5): submission, routing and the CAM/DAM's check.

The partner submits complete end-customer data; the request is routed to its CAM
(tier-1) or through its distributor to the responsible DAM (tier-2), never straight to
cloud operations. An address tied to a legacy tenant (`legacy_emails`) is refused with
`email_tied_to_legacy_tenant`; a customer ID that onboarding's orders give to other
partners only is refused with `customer_of_another_partner` (the partner's word is not
taken for it). The CAM/DAM approves (forwarded to cloud operations: the
invitation is due 48 working-day hours later, Europe/Berlin) or returns it with reasons.
"""

from __future__ import annotations

from datetime import datetime

from services.onboarding.application.common.core import calendar, change, refusing, tracking
from services.onboarding.application.common.kinds import ACTIVATION_REPO, CUSTOMER_REPO
from services.onboarding.application.deps import Deps
from services.onboarding.application.partners.registry import (
    legacy_emails_matching,
    load_partner_or_none,
)
from services.onboarding.domain.access import (
    ACCOUNT_MANAGER,
    VENDOR_OPERATIONS,
    require_partner_or_role,
    require_role,
)
from services.onboarding.domain.activation.activation import ActivationRequest
from services.onboarding.domain.activation.end_customer import EndCustomerData
from services.onboarding.domain.errors import Duplicate, Reason
from services.onboarding.domain.partners.partners import PartnerKind
from shared.contracts import onboarding as c
from shared.events import Envelope
from shared.ids import derived_id
from shared.kafka import MessageRejected
from shared.usecase import Decision


def activation_request_id(partner_id: str, request_id: str) -> str:
    """The id a submission creates: the same command always makes the same request."""
    return "ACT-" + derived_id("activation", partner_id, request_id)[:16].upper()


def request_id_reused(request_id: str) -> Duplicate:
    """A different command under a request id that already created something."""
    return Duplicate(
        f"request_id {request_id} was already used by a different command",
        code="request_id_reused",
        details={"request_id": request_id},
    )


async def customer_partner_ids(deps: Deps, customer_id: str | None) -> tuple[str, ...] | None:
    """The partners the customer's orders name (None: no such customer known yet)."""
    if not customer_id:
        return None
    account = await deps.uc.load(CUSTOMER_REPO, customer_id)
    return None if account is None else account.relationship.partner_ids


def end_customer(data: c.EndCustomerIn) -> EndCustomerData:
    return EndCustomerData(**data.model_dump())


async def submit(deps: Deps, cause: Envelope, cmd: c.SubmitActivationRequest) -> None:
    """The partner asks for a tenant; incomplete data or a legacy address is refused."""
    request_id = activation_request_id(cmd.partner_id, cmd.request_id)
    partner = await load_partner_or_none(deps, cmd.partner_id)
    if partner is None:
        raise MessageRejected(
            "unknown_partner",
            [{"field": "partner_id", "code": "unknown_partner", "message": cmd.partner_id}],
        )
    distributor = None
    if partner.kind is PartnerKind.RESELLER:
        distributor = await load_partner_or_none(deps, partner.preferred_distributor_id)
    legacy = await legacy_emails_matching(deps, cmd.end_customer.admin_email)
    customer_partners = await customer_partner_ids(deps, cmd.customer_id)

    def decide(request: ActivationRequest | None, now: datetime) -> Decision[ActivationRequest]:
        with refusing():
            if request is not None:
                # Its tracking id (type, sender, request id) is not recorded here, so this
                # is a different command whose (partner, request id) made this request.
                raise request_id_reused(cmd.request_id)
            require_partner_or_role(
                cmd.actor, [cmd.partner_id], "request tenants for this partner", VENDOR_OPERATIONS
            )
            submitted, events = ActivationRequest.submit(
                request_id=request_id,
                partner=partner,
                data=end_customer(cmd.end_customer),
                legacy_emails=legacy,
                now=now,
                distributor=distributor,
                customer_id=cmd.customer_id,
                customer_partner_ids=customer_partners,
            )
        return Decision(submitted, events)

    about = {
        "partner_id": partner.partner_id,
        "distributor_partner_id": distributor.partner_id if distributor else None,
    }
    await deps.uc.handle(
        ACTIVATION_REPO, request_id, cause, decide, message_id=tracking(cause), about=about
    )


async def approve(deps: Deps, cause: Envelope, cmd: c.ApproveActivationRequest) -> None:
    """The CAM/DAM it was routed to found it complete: on to cloud operations."""
    working_days = calendar(deps.settings)
    await change(
        deps.uc,
        ACTIVATION_REPO,
        cmd.activation_request_id,
        cause,
        lambda _: require_role(cmd.actor, "check activation requests", ACCOUNT_MANAGER),
        lambda r, now: r.approve(cmd.actor.user_id, now, working_days),
    )


async def return_to_partner(deps: Deps, cause: Envelope, cmd: c.ReturnActivationRequest) -> None:
    """The CAM/DAM found it incomplete: back to the partner with the reasons."""
    reasons = [Reason(r.code, r.message, r.field) for r in cmd.reasons]
    await change(
        deps.uc,
        ACTIVATION_REPO,
        cmd.activation_request_id,
        cause,
        lambda _: require_role(cmd.actor, "check activation requests", ACCOUNT_MANAGER),
        lambda r, now: r.return_to_partner(cmd.actor.user_id, reasons, now),
    )


async def resubmit(deps: Deps, cause: Envelope, cmd: c.ResubmitActivationRequest) -> None:
    """The partner sends a returned request again, corrected, to the same CAM/DAM."""
    legacy = await legacy_emails_matching(deps, cmd.end_customer.admin_email)
    data = end_customer(cmd.end_customer)
    await change(
        deps.uc,
        ACTIVATION_REPO,
        cmd.activation_request_id,
        cause,
        lambda r: require_partner_or_role(
            cmd.actor, [r.partner_id], "resubmit this request", VENDOR_OPERATIONS
        ),
        lambda r, now: r.resubmit(data, legacy, now),
    )
