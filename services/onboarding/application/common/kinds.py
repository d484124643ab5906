"""The Repository (`shared.usecase`) of the partner, legacy address, customer and
activation aggregates, and their timers.

Timers are recomputed from the aggregate after every change, with deterministic ids:
- `confirmation_overdue:<order reference>` on a partner — §1.3 order confirmation due 48
  hours after the signed onboarding order, while it is neither sent nor already overdue;
- `invitation_overdue` on an activation request — due 48 working-day hours after cloud
  operations received it, while no invitation went out;
- `invitation_expiry:<invitation id>` — the current invitation's 72 hours are over; a
  resend is a new invitation id, hence a new timer.
"""

from __future__ import annotations

from datetime import UTC

from services.onboarding.adapters.partners_documents import (
    ACTIVATION_REQUESTS,
    CUSTOMERS,
    LEGACY_EMAILS,
    PARTNERS,
    dump_customer,
    dump_partner,
    dump_request,
    load_customer,
    load_partner,
    load_request,
)
from services.onboarding.domain.activation.activation import ActivationRequest
from services.onboarding.domain.activation.invitation import ActivationStatus
from services.onboarding.domain.orders.orders import CustomerAccount
from services.onboarding.domain.partners.partners import Partner
from shared.contracts.onboarding import (
    ActivationActionRefusedV1,
    CustomerActionRefusedV1,
    LegacyEmailActionRefusedV1,
    PartnerActionRefusedV1,
)
from shared.mongo import Document
from shared.store import Timer
from shared.usecase import Repository

CONFIRMATION_OVERDUE = "confirmation_overdue"
INVITATION_OVERDUE = "invitation_overdue"
INVITATION_EXPIRY = "invitation_expiry"


def partner_timers(partner: Partner) -> list[Timer]:
    onboarding = partner.onboarding
    if (
        onboarding is None
        or onboarding.confirmation_sent_at is not None
        or onboarding.confirmation_overdue_at is not None
    ):
        return []
    return [
        Timer(
            f"{CONFIRMATION_OVERDUE}:{onboarding.order_reference}",
            CONFIRMATION_OVERDUE,
            onboarding.confirmation_due_at.astimezone(UTC),
        )
    ]


def request_timers(request: ActivationRequest) -> list[Timer]:
    timers: list[Timer] = []
    if (
        request.invitation_due_at is not None
        and not request.invitations
        and request.invitation_overdue_at is None
    ):
        timers.append(
            Timer(INVITATION_OVERDUE, INVITATION_OVERDUE, request.invitation_due_at.astimezone(UTC))
        )
    invitation = request.current_invitation
    if invitation is not None and request.status is ActivationStatus.INVITATION_SENT:
        timers.append(
            Timer(
                f"{INVITATION_EXPIRY}:{invitation.invitation_id}",
                INVITATION_EXPIRY,
                invitation.valid_until,
                {"invitation_id": invitation.invitation_id},
            )
        )
    return timers


def _same(state: Document) -> Document:
    return state


PARTNER_REPO: Repository[Partner] = Repository(
    collection=PARTNERS,
    entity="partner",
    id_field="partner_id",
    load=load_partner,
    dump=dump_partner,
    refused=PartnerActionRefusedV1,
    timers=partner_timers,
    about=lambda p: {
        "partner_id": p.partner_id,
        "distributor_partner_id": p.preferred_distributor_id,
    },
)
"""Partners on the use-case core (`application/partners/`)."""

LEGACY_EMAIL_REPO: Repository[Document] = Repository(
    collection=LEGACY_EMAILS,
    entity="email",
    id_field="email",
    load=_same,
    dump=_same,
    refused=LegacyEmailActionRefusedV1,
)
"""Addresses tied to a tenant of the older product: the state is the record itself."""

CUSTOMER_REPO: Repository[CustomerAccount] = Repository(
    collection=CUSTOMERS,
    entity="customer",
    id_field="customer_id",
    load=load_customer,
    dump=dump_customer,
    refused=CustomerActionRefusedV1,
    about=lambda account: {
        "partner_id": account.relationship.reseller_partner_id
        or account.relationship.tier1_partner_id,
        "distributor_partner_id": account.relationship.distributor_partner_id,
    },
)
"""Customer accounts on the use-case core (`application/orders/`)."""

ACTIVATION_REPO: Repository[ActivationRequest] = Repository(
    collection=ACTIVATION_REQUESTS,
    entity="activation_request",
    id_field="activation_request_id",
    load=load_request,
    dump=dump_request,
    refused=ActivationActionRefusedV1,
    timers=request_timers,
    about=lambda request: {
        "partner_id": request.partner_id,
        "distributor_partner_id": request.distributor_partner_id,
        "status": str(request.status),
    },
)
"""Activation requests on the use-case core (`application/activation/`)."""
