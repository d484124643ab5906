"""Customers, relationships and licences from the order systems' events (§1.1).

An order event goes to the customer account it names (id = customer ID); its tracking id
is the envelope id, so a redelivery changes nothing. The account keeps the newest
version of each order, so duplicates under another envelope id, stale versions and any
arrival order converge (see `domain.orders`). An order event the domain finds malformed
is dead-lettered (`invalid_order`); one that does not match the contract at all is
dead-lettered by the dispatcher (`invalid_data`).
"""

from __future__ import annotations

from services.onboarding import contracts_partners as c
from services.onboarding.adapters.partners_documents import (
    ACTIVATION_REQUESTS,
    CUSTOMERS,
    activated_tenant_of,
)
from services.onboarding.application.deps import Deps
from services.onboarding.application.partners_access import (
    CLOUD_OPERATIONS,
    PROVISIONING,
    VENDOR_OPERATIONS,
    require_partner_or_role,
)
from services.onboarding.application.partners_kinds import CUSTOMER
from services.onboarding.application.partners_outcomes import Check, act, saved
from services.onboarding.contracts_orders import OrderEvent, order_from_event
from services.onboarding.domain.errors import ValidationFailed
from services.onboarding.domain.orders import CustomerAccount
from shared.actor import Actor
from shared.events import Envelope
from shared.kafka import MessageRejected
from shared.store import Change, Stored


async def on_order(deps: Deps, cause: Envelope, event: OrderEvent) -> None:
    """Record the customer, its relationship, subscriptions and licences from an order."""
    try:
        order = order_from_event(event)
    except ValidationFailed as invalid:
        reasons = [
            {"field": r.field or "$", "code": r.code, "message": r.message} for r in invalid.reasons
        ]
        raise MessageRejected("invalid_order", reasons) from invalid
    customer_id = order.customer.customer_id
    # The tenant may have been activated before this customer's first order reached us.
    activated_tenant = await activated_tenant_of(deps.ctx.db[ACTIVATION_REQUESTS], customer_id)

    def decide(stored: Stored | None) -> Change | None:
        now = deps.now()
        if stored is None:
            account, events = CustomerAccount.from_order(order, now)
            if activated_tenant and order.tenant_id is None:
                events += account.assign_tenant(activated_tenant, now)
            return saved(CUSTOMER, account, customer_id, None, events, cause)
        account = CUSTOMER.load(stored)
        current = account.orders.get(order.order_id)
        if current is not None and not order.supersedes(current):
            return None  # a duplicate or a stale version
        events = account.apply_order(order, now)
        return saved(CUSTOMER, account, customer_id, stored, events, cause)

    await deps.ctx.apply(CUSTOMERS, customer_id, cause.id, decide)


def _customer_partners_or_operators(actor: Actor) -> Check[CustomerAccount]:
    return lambda account: require_partner_or_role(
        actor,
        account.relationship.partner_ids,
        "book this customer's licences",
        CLOUD_OPERATIONS,
        PROVISIONING,
        VENDOR_OPERATIONS,
    )


async def use_licences(deps: Deps, cause: Envelope, cmd: c.UseLicences) -> None:
    """Licences taken into use; never more than are available."""
    await act(
        deps,
        CUSTOMER,
        cmd.customer_id,
        cause,
        cmd,
        _customer_partners_or_operators(cmd.actor),
        lambda account, now: account.use_licences(cmd.package, cmd.count, now),
    )


async def release_licences(deps: Deps, cause: Envelope, cmd: c.ReleaseLicences) -> None:
    """Licences in use given back."""
    await act(
        deps,
        CUSTOMER,
        cmd.customer_id,
        cause,
        cmd,
        _customer_partners_or_operators(cmd.actor),
        lambda account, now: account.release_licences(cmd.package, cmd.count, now),
    )


async def assign_tenant(
    deps: Deps, cause: Envelope, customer_id: str, tenant_id: str, message_id: str
) -> None:
    """The activated tenant now holds the customer's licences (when the customer is known)."""

    def decide(stored: Stored | None) -> Change | None:
        if stored is None:
            return None
        account = CUSTOMER.load(stored)
        events = account.assign_tenant(tenant_id, deps.now())
        if not events:
            return None
        return saved(CUSTOMER, account, customer_id, stored, events, cause)

    await deps.ctx.apply(CUSTOMERS, customer_id, message_id, decide)
