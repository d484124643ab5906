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

from services.onboarding.adapters.partners_documents import ACTIVATION_REQUESTS, CUSTOMERS
from services.onboarding.application.common.kinds import ACTIVATION, CUSTOMER
from services.onboarding.application.common.outcomes import (
    About,
    act,
    calendar,
    publish_refusal,
    saved,
    tracking_id,
)
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
from services.onboarding.domain.errors import Duplicate, OnboardingError, Reason
from services.onboarding.domain.partners.partners import PartnerKind
from shared.contracts import onboarding as c
from shared.events import Envelope
from shared.ids import derived_id
from shared.kafka import MessageRejected
from shared.store import Change, Stored, fingerprint


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
    stored = await deps.ctx.store(CUSTOMERS).load(customer_id) if customer_id else None
    return None if stored is None else CUSTOMER.load(stored).relationship.partner_ids


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
    refused: list[OnboardingError] = []
    digest = fingerprint(cause)

    def decide(stored: Stored | None) -> Change | None:
        if stored is not None:
            if stored.state.get("command_fingerprint", digest) != digest:
                refused.append(request_id_reused(cmd.request_id))
            return None  # the same submission again (or one reusing its request id)
        try:
            require_partner_or_role(
                cmd.actor, [cmd.partner_id], "request tenants for this partner", VENDOR_OPERATIONS
            )
            request, events = ActivationRequest.submit(
                request_id=request_id,
                partner=partner,
                data=end_customer(cmd.end_customer),
                legacy_emails=legacy,
                now=deps.now(),
                distributor=distributor,
                customer_id=cmd.customer_id,
                customer_partner_ids=customer_partners,
            )
        except OnboardingError as error:
            refused.append(error)  # nothing is stored: told directly below
            return None
        change = saved(ACTIVATION, request, request_id, None, events, cause)
        change.state["command_fingerprint"] = digest  # the request id is bound to this
        return change

    await deps.ctx.apply(
        ACTIVATION_REQUESTS, request_id, tracking_id(cause, cmd), decide, fingerprint=digest
    )
    if refused:
        about = About(
            partner.partner_id,
            distributor.partner_id if distributor else None,
            ids={"activation_request_id": request_id},
        )
        await publish_refusal(deps, ACTIVATION, request_id, about, cause, cmd, refused[0])


async def approve(deps: Deps, cause: Envelope, cmd: c.ApproveActivationRequest) -> None:
    """The CAM/DAM it was routed to found it complete: on to cloud operations."""
    working_days = calendar(deps)
    await act(
        deps,
        ACTIVATION,
        cmd.activation_request_id,
        cause,
        cmd,
        lambda _: require_role(cmd.actor, "check activation requests", ACCOUNT_MANAGER),
        lambda r, now: r.approve(cmd.actor.user_id, now, working_days),
    )


async def return_to_partner(deps: Deps, cause: Envelope, cmd: c.ReturnActivationRequest) -> None:
    """The CAM/DAM found it incomplete: back to the partner with the reasons."""
    reasons = [Reason(r.code, r.message, r.field) for r in cmd.reasons]
    await act(
        deps,
        ACTIVATION,
        cmd.activation_request_id,
        cause,
        cmd,
        lambda _: require_role(cmd.actor, "check activation requests", ACCOUNT_MANAGER),
        lambda r, now: r.return_to_partner(cmd.actor.user_id, reasons, now),
    )


async def resubmit(deps: Deps, cause: Envelope, cmd: c.ResubmitActivationRequest) -> None:
    """The partner sends a returned request again, corrected, to the same CAM/DAM."""
    legacy = await legacy_emails_matching(deps, cmd.end_customer.admin_email)
    data = end_customer(cmd.end_customer)
    await act(
        deps,
        ACTIVATION,
        cmd.activation_request_id,
        cause,
        cmd,
        lambda r: require_partner_or_role(
            cmd.actor, [r.partner_id], "resubmit this request", VENDOR_OPERATIONS
        ),
        lambda r, now: r.resubmit(data, legacy, now),
    )
