"""The partner, customer and activation aggregates as the use cases store them, and their timers.

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
from services.onboarding.application.common.outcomes import About, Kind, no_timers
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
from shared.store import Stored, Timer
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


def _partner_about(partner: Partner) -> About:
    return About(partner.partner_id, partner.preferred_distributor_id)


def _customer_about(account: CustomerAccount) -> About:
    rel = account.relationship
    return About(
        rel.reseller_partner_id or rel.tier1_partner_id,
        rel.distributor_partner_id,
        ids={"customer_id": account.customer_id},
    )


def request_about(request: ActivationRequest) -> About:
    return About(
        request.partner_id,
        request.distributor_partner_id,
        str(request.status),
        ids={"activation_request_id": request.request_id},
    )


def _state(stored: Stored) -> Document:
    return stored.state


def _same(state: Document) -> Document:
    return state


def _nobody(_: Document) -> About:
    return About()


PARTNER: Kind[Partner] = Kind(
    PARTNERS,
    "partner_id",
    PartnerActionRefusedV1,
    lambda stored: load_partner(stored.state),
    dump_partner,
    partner_timers,
    _partner_about,
)
"""The partner as the use cases not yet on the core read it (activation reads partners)."""

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
CUSTOMER: Kind[CustomerAccount] = Kind(
    CUSTOMERS,
    "customer_id",
    CustomerActionRefusedV1,
    lambda stored: load_customer(stored.state),
    dump_customer,
    no_timers,
    _customer_about,
)
"""The customer as activation (not yet on the core) reads it."""

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
ACTIVATION: Kind[ActivationRequest] = Kind(
    ACTIVATION_REQUESTS,
    "activation_request_id",
    ActivationActionRefusedV1,
    load_request,
    dump_request,
    request_timers,
    request_about,
)
LEGACY_EMAIL: Kind[Document] = Kind(
    LEGACY_EMAILS, "email", LegacyEmailActionRefusedV1, _state, _same, no_timers, _nobody
)
