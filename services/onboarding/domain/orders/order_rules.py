"""Which orders onboarding takes in (§1.2, §1.5): the rules an order event must meet.

- A customer ordering accepts the reseller's terms and the vendor's (§1.2 step 5): every
  order that counts states both (a direct order from a tier-1 partner: the vendor's).
- The reseller's syndicated e-store gives end customers a **free** tenant, and only once
  the vendor linked the reseller's e-store and terms (§1.2 step 6); a paid or cloud plan
  is ordered through the distributor's portal (the classic order process), never the
  e-store — so an e-store order holds free packages only.
- A tenant used with the older product is never reused (§1.5): an order naming one is
  refused.

A cancellation only ever takes licences away, so it is never refused by these rules. A
refused order changes nothing: it is answered by `onboarding.order.refused` with one
reason per broken rule, and the order system sends a corrected version.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from services.onboarding.domain.errors import Reason, ValidationFailed
from services.onboarding.domain.orders.orders import Channel, Order, OrderStatus

VENDOR_TERMS_NOT_ACCEPTED = "vendor_terms_not_accepted"
RESELLER_TERMS_NOT_ACCEPTED = "reseller_terms_not_accepted"
ESTORE_NOT_LINKED = "estore_not_linked"
PAID_PLAN_THROUGH_ESTORE = "paid_plan_through_estore"
LEGACY_TENANT_NOT_REUSABLE = "legacy_tenant_not_reusable"


class OrderRefused(ValidationFailed):
    """The order breaks the rules above; `reasons` says which."""

    code = "order_refused"


@dataclass(frozen=True)
class OrderContext:
    """What onboarding knows, from its own records, about the order's circumstances."""

    free_packages: Collection[str]
    estore_linked: bool = False  # the reseller's e-store and terms are linked (§1.2 step 6)
    legacy_tenant: bool = False  # the tenant the order names was used with the older product


def order_reasons(order: Order, context: OrderContext) -> list[Reason]:
    """Every rule the order breaks (empty: it is taken in)."""
    if order.status is OrderStatus.CANCELLED:
        return []
    reasons: list[Reason] = []
    if order.vendor_terms_accepted is not True:
        reasons.append(
            Reason(
                VENDOR_TERMS_NOT_ACCEPTED,
                "the customer must accept the vendor's terms when ordering",
                "vendor_terms_accepted",
            )
        )
    if not order.relationship.is_direct and order.reseller_terms_accepted is not True:
        reasons.append(
            Reason(
                RESELLER_TERMS_NOT_ACCEPTED,
                "the customer must accept the reseller's terms when ordering",
                "reseller_terms_accepted",
            )
        )
    if order.relationship.channel is Channel.ESTORE:
        reasons.extend(_estore_reasons(order, context))
    if order.tenant_id and context.legacy_tenant:
        reasons.append(
            Reason(
                LEGACY_TENANT_NOT_REUSABLE,
                f"tenant {order.tenant_id} was used with the older product and cannot be reused",
                "tenant_id",
            )
        )
    return reasons


def _estore_reasons(order: Order, context: OrderContext) -> list[Reason]:
    reasons: list[Reason] = []
    if not context.estore_linked:
        reasons.append(
            Reason(
                ESTORE_NOT_LINKED,
                "the reseller's e-store is not linked yet (it needs the e-store and the terms "
                "links, and only a reseller of the programme has one)",
                "channel",
            )
        )
    free = {p.casefold() for p in context.free_packages}
    paid = sorted(
        {li.package for li in order.lines if li.licences and li.package.casefold() not in free}
    )
    if paid:
        reasons.append(
            Reason(
                PAID_PLAN_THROUGH_ESTORE,
                f"the e-store gives free tenants only; {', '.join(paid)} is ordered (or "
                "upgraded to) through the distributor's portal",
                "lines",
            )
        )
    return reasons
