"""Customers, relationships and licences from the order systems' events (§1.1).

An order event goes to the customer account it names (id = customer ID); its tracking id
is the envelope id, so a redelivery changes nothing. The account keeps the newest
version of each order, so duplicates under another envelope id, stale versions and any
arrival order converge (see `domain.orders`). An order event the domain finds malformed
is dead-lettered (`invalid_order`); one that does not match the contract at all is
dead-lettered by the dispatcher (`invalid_data`). An order that breaks a business rule
(`domain.order_rules`: terms, e-store, legacy tenant) changes nothing and is answered by
`onboarding.order.refused` with its reasons.
"""

from __future__ import annotations

from datetime import datetime

from services.onboarding.application.common.core import Check, change, refused
from services.onboarding.application.common.kinds import CUSTOMER_REPO
from services.onboarding.application.deps import Deps
from services.onboarding.application.orders.order_events import order_from_event
from services.onboarding.application.partners.registry import load_partner_or_none
from services.onboarding.domain.access import (
    CLOUD_OPERATIONS,
    PROVISIONING,
    VENDOR_OPERATIONS,
    require_partner_or_role,
)
from services.onboarding.domain.errors import Reason, ValidationFailed
from services.onboarding.domain.orders.order_rules import OrderContext, OrderRefused, order_reasons
from services.onboarding.domain.orders.orders import Channel, CustomerAccount, Order
from shared.actor import Actor
from shared.contracts import onboarding as c
from shared.contracts.common import Reason as ReasonOut
from shared.contracts.onboarding import AssignLicence, OrderRefusedV1, UnassignLicence
from shared.contracts.orders import OrderEvent
from shared.events import Envelope
from shared.kafka import MessageRejected
from shared.usecase import Decision


async def on_order(deps: Deps, cause: Envelope, event: OrderEvent) -> None:
    """Record the customer, its relationship, subscriptions and licences from an order."""
    try:
        order = order_from_event(event)
    except ValidationFailed as invalid:
        invalid_reasons = [
            {"field": r.field or "$", "code": r.code, "message": r.message} for r in invalid.reasons
        ]
        raise MessageRejected("invalid_order", invalid_reasons) from invalid
    customer_id = order.customer.customer_id
    # The tenant may have been activated before this customer's first order reached us
    # (by one of the partners this order names).
    activated_tenant = await deps.tenants.activated_tenant_of(
        customer_id, order.relationship.partner_ids
    )
    reasons = order_reasons(order, await order_context(deps, order))
    uc = deps.uc
    if reasons and await uc.load(CUSTOMER_REPO, customer_id) is None:
        # Nothing to store the refusal with: told at once (id derived from the event).
        await uc.answer(cause, _order_refused(cause, order, reasons, uc.now()), customer_id)
        return

    def decide(account: CustomerAccount | None, now: datetime) -> Decision[CustomerAccount] | None:
        current = account.orders.get(order.order_id) if account else None
        if current is not None and not order.supersedes(current):
            if account is not None and not current.supersedes(order) and order != current:
                # Same version and status, other content: the publisher changed the order
                # without raising its version (the contract's rule). Neither kept nor
                # dropped without a word: refused, the stored version stands.
                return Decision(account, [_order_refused(cause, order, [_reused(order)], now)])
            return None  # a duplicate or a stale version
        if account is not None and reasons:
            return Decision(account, [_order_refused(cause, order, reasons, now)])
        if account is None:
            if reasons:
                return None  # refused above; created meanwhile by another order: redelivered
            account, events = CustomerAccount.from_order(order, now)
            if activated_tenant and order.tenant_id is None:
                events += account.assign_tenant(activated_tenant, now)
            return Decision(account, events)
        return Decision(account, account.apply_order(order, now))

    # Tracked by the order event's id, bound to the whole event: another event under its
    # id is refused, not dropped.
    await uc.handle(CUSTOMER_REPO, customer_id, cause, decide)


async def order_context(deps: Deps, order: Order) -> OrderContext:
    """What onboarding's records say about the order: e-store linked, legacy tenant."""
    rel = order.relationship
    estore_linked = False
    if rel.channel is Channel.ESTORE:
        seller = await load_partner_or_none(deps, rel.reseller_partner_id or rel.tier1_partner_id)
        programme = seller.authorisation if seller else None
        estore_linked = programme is not None and programme.estore_linked_at is not None
    legacy = bool(order.tenant_id) and await deps.tenants.is_legacy_tenant(order.tenant_id or "")
    return OrderContext(deps.settings.free_packages, estore_linked, legacy)


def _reused(order: Order) -> Reason:
    return Reason(
        "order_version_reused",
        f"order {order.order_id} version {order.version} ({order.status}) was received "
        "before with other content; a changed order needs a higher order_version",
        "order_version",
    )


def _order_refused(
    cause: Envelope, order: Order, reasons: list[Reason], now: datetime
) -> OrderRefusedV1:
    """`onboarding.order.refused`: the order breaks a rule (`domain.order_rules`)."""
    rel = order.relationship
    error = refused(OrderRefused(reasons))
    return OrderRefusedV1(
        command_type=cause.type,
        command_id=cause.id,
        code=error.code,
        reasons=[ReasonOut.of(r) for r in error.reasons()],
        status=str(order.status),
        partner_id=rel.reseller_partner_id or rel.tier1_partner_id,
        distributor_partner_id=rel.distributor_partner_id,
        customer_id=order.customer.customer_id,
        order_id=order.order_id,
        order_version=order.version,
        reseller_partner_id=rel.reseller_partner_id,
        tier1_partner_id=rel.tier1_partner_id,
        occurred_at=now,
    )


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
    await change(
        deps.uc,
        CUSTOMER_REPO,
        cmd.customer_id,
        cause,
        _customer_partners_or_operators(cmd.actor),
        lambda account, now: account.use_licences(cmd.package, cmd.count, now),
    )


async def release_licences(deps: Deps, cause: Envelope, cmd: c.ReleaseLicences) -> None:
    """Licences in use given back."""
    await change(
        deps.uc,
        CUSTOMER_REPO,
        cmd.customer_id,
        cause,
        _customer_partners_or_operators(cmd.actor),
        lambda account, now: account.release_licences(cmd.package, cmd.count, now),
    )


def _customer_or_its_tenant_admin(actor: Actor) -> Check[CustomerAccount]:
    """Its partners and the operators, or an admin of the customer's own tenant."""

    def check(account: CustomerAccount) -> None:
        own_admin = (
            account.tenant_id is not None
            and actor.tenant_id == account.tenant_id
            and (actor.has_role("tenant_admin") or actor.has_role("customer_admin"))
        )
        if not own_admin:
            _customer_partners_or_operators(actor)(account)

    return check


async def assign_licence(deps: Deps, cause: Envelope, cmd: AssignLicence) -> None:
    """A user of the customer's tenant gets one licence of a package (one per user)."""
    await change(
        deps.uc,
        CUSTOMER_REPO,
        cmd.customer_id,
        cause,
        _customer_or_its_tenant_admin(cmd.actor),
        lambda account, now: account.assign_licence(cmd.user_id, cmd.package, now),
    )


async def unassign_licence(deps: Deps, cause: Envelope, cmd: UnassignLicence) -> None:
    """The user's licence is taken back."""
    await change(
        deps.uc,
        CUSTOMER_REPO,
        cmd.customer_id,
        cause,
        _customer_or_its_tenant_admin(cmd.actor),
        lambda account, now: account.unassign_licence(cmd.user_id, now),
    )


async def assign_tenant(
    deps: Deps, cause: Envelope, customer_id: str, tenant_id: str, message_id: str
) -> None:
    """The activated tenant now holds the customer's licences (when the customer is known).

    Tracked under `message_id` (the activation's), bound to the activating command; a
    step of it, so it keeps no receipt (the activation request answers a resend)."""

    def decide(account: CustomerAccount | None, now: datetime) -> Decision[CustomerAccount] | None:
        if account is None:
            return None
        events = account.assign_tenant(tenant_id, now)
        return Decision(account, events) if events else None

    await deps.uc.handle(
        CUSTOMER_REPO, customer_id, cause, decide, message_id=message_id, receipt=False
    )
