"""The order systems' events (`shared.contracts.orders`) as the domain's `Order`."""

from __future__ import annotations

from services.onboarding.domain.orders.orders import (
    Channel,
    CustomerDetails,
    MainContact,
    Order,
    OrderLine,
    OrderStatus,
    Relationship,
)
from shared.contracts.orders import OrderEvent


def order_from_event(event: OrderEvent) -> Order:
    """The domain's view of one order version (raises the domain's `ValidationFailed` for
    an order it finds malformed)."""
    customer = event.customer
    contact = customer.main_contact
    return Order(
        order_id=event.order_id,
        version=event.order_version,
        status=OrderStatus(event.STATUS),
        occurred_at=event.occurred_at,
        customer=CustomerDetails(
            customer_id=customer.customer_id,
            company_name=customer.company_name,
            country=customer.country,
            time_zone=customer.time_zone,
            main_contact=MainContact(contact.name, str(contact.email), contact.phone),
            partner_id=customer.partner_id,
        ),
        relationship=Relationship(
            channel=Channel(event.channel),
            distributor_partner_id=event.distributor_partner_id,
            reseller_partner_id=event.reseller_partner_id,
            tier1_partner_id=event.tier1_partner_id,
        ),
        lines=tuple(OrderLine(line.package, line.licences) for line in event.lines),
        tenant_id=event.tenant_id,
        subscription_number=event.subscription_number,
        reseller_terms_accepted=event.reseller_terms_accepted,
        vendor_terms_accepted=event.vendor_terms_accepted,
    )
