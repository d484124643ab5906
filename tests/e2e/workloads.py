"""What outside systems send in the e2e tests: orders, port requests, tickets, carrier news.

Invented companies, people and numbers only (UK numbers from Ofcom's drama range
020 7946 0000–0999)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from itertools import count
from typing import Any

from shared.actor import Actor
from shared.contracts import carrier
from shared.contracts import porting as pc
from shared.contracts import support as sc
from shared.contracts.orders import OrderPlaced
from shared.events import Envelope
from shared.ids import new_id
from shared.topics import CARRIER_EVENTS, ORDERS_EVENTS, PORTING_COMMANDS, SUPPORT_COMMANDS
from tests.e2e.system import Partner, System

VENDOR_SUPPORT = Actor(user_id="engineer.e2e", roles=("vendor_support",))
_numbers = count(0)


def numbers(how_many: int) -> list[str]:
    """Fresh London drama-range numbers (one system's porting database never sees one twice)."""
    return [f"+44207946{next(_numbers) % 1000:04d}" for _ in range(how_many)]


def order(
    partner: Partner, customer_id: str, tenant_id: str | None = None, company: str | None = None
) -> OrderPlaced:
    """An order of a customer whose distributor acts as its reseller (`partner`)."""
    return OrderPlaced.model_validate(
        {
            "order_id": f"O-{customer_id}",
            "order_version": 1,
            "occurred_at": "2031-03-01T09:00:00Z",
            "channel": "classic",
            "customer": {
                "customer_id": customer_id,
                "company_name": company or f"Example Bakery {customer_id} Ltd",
                "country": "GB",
                "time_zone": "Europe/London",
                "main_contact": {
                    "name": "Robin Example",
                    "email": f"robin.{customer_id.lower()}@bakery.example.com",
                },
            },
            "tenant_id": tenant_id,
            "distributor_partner_id": partner.partner_id,
            "reseller_partner_id": partner.partner_id,
            "lines": [{"package": "Professional", "licences": 10}],
            "subscription_number": f"SUB-{customer_id}",
            "reseller_terms_accepted": True,
            "vendor_terms_accepted": True,
        }
    )


async def place_orders(system: System, partner: Partner, how_many: int) -> list[str]:
    """`how_many` new customers of `partner`; their customer ids."""
    customers = [f"C-{new_id()[-8:]}" for _ in range(how_many)]
    for customer_id in customers:
        await system.send(ORDERS_EVENTS.name, order(partner, customer_id), customer_id)
    return customers


def submission(partner: Partner, request_id: str, wanted: list[str]) -> pc.SubmitPortRequest:
    return pc.SubmitPortRequest(
        request_id=request_id,
        actor=Actor(
            user_id=f"ops@{partner.partner_id.lower()}.example.com", partner_id=partner.partner_id
        ),
        partner_id=partner.partner_id,
        country="GB",
        product="multi_line",
        numbers=wanted,
        main_billing_number=wanted[0],
        registered_address=pc.AddressIn(
            lines=["7 Example Row"], city="London", postal_code="EC1A 1AA", country="GB"
        ),
        losing_provider="Oldline Telecom Ltd",
        range_holder="Rangeholder Networks plc",
    )


async def submit_ports(system: System, partner: Partner, how_many: int) -> list[str]:
    """`how_many` one-number port requests of `partner`; their request ids. Each new request
    is keyed by its request id, so a batch spreads over the topic's partitions."""
    requests = [f"{partner.partner_id}-port-{new_id()[-6:]}" for _ in range(how_many)]
    for request_id in requests:
        cmd = submission(partner, request_id, numbers(1))
        await system.send(PORTING_COMMANDS.name, cmd, request_id)  # spread over partitions
    return requests


async def carrier_accepts(system: System, port_id: str) -> None:
    await system.send(
        CARRIER_EVENTS.name,
        carrier.CarrierPortAccepted(
            port_id=port_id, carrier_ref=f"GC-{port_id[-6:]}", accepted_at=system.driver.now
        ),
        port_id,
    )


class Tenant:
    """A customer tenant of `partner` that support knows from onboarding's events."""

    def __init__(self, partner: Partner, customer_id: str, tenant_id: str) -> None:
        self.partner, self.customer_id, self.tenant_id = partner, customer_id, tenant_id
        self.contract = f"SUB-{customer_id}"
        self.user = Actor(
            user_id=f"lead@{partner.partner_id.lower()}.example.com",
            partner_id=partner.partner_id,
            roles=("support_lead",),
        )

    def ticket(self, request_id: str, **values: Any) -> sc.OpenTicket:
        return sc.OpenTicket.model_validate(
            {
                "request_id": request_id,
                "actor": self.user,
                "partner_id": self.partner.partner_id,
                "tenant_id": self.tenant_id,
                "contract_number": self.contract,
                "contact": {
                    "name": "Robin Example",
                    "phone": "+44 20 7946 0999",
                    "email": f"robin@{self.partner.partner_id.lower()}.example.com",
                },
                "channel": "online",
                "category": "user_question",
                "description": "How do users forward calls to voicemail?",
                "impact": "localized",
                "urgency": "low",
                **values,
            }
        )


async def tenant_of(system: System, partner: Partner) -> Tenant:
    """Order a customer with a tenant for `partner`; wait until support opens its tickets
    (support learns the tenant from onboarding's events a moment after onboarding)."""
    customer_id, tenant_id = f"C-{new_id()[-8:]}", f"T-{new_id()[-8:]}"
    await system.send(ORDERS_EVENTS.name, order(partner, customer_id, tenant_id), customer_id)
    await system.driver.expect(
        "onboarding.customer.recorded", lambda e: e.subject == customer_id, timeout=60
    )
    tenant = Tenant(partner, customer_id, tenant_id)
    opened: Callable[[Envelope], bool] = lambda e: e.data.get("tenant_id") == tenant_id  # noqa: E731
    for _ in range(20):
        mark = system.driver.mark()
        probe = tenant.ticket(f"probe-{new_id()}")
        await system.send(SUPPORT_COMMANDS.name, probe, partner.partner_id)
        try:
            await system.driver.expect("support.ticket.opened", opened, after=mark, timeout=5)
            return tenant
        except TimeoutError:  # refused as unknown_tenant: the facts are not in yet
            await asyncio.sleep(1)
    raise AssertionError(f"support never learnt tenant {tenant_id} from onboarding's events")


async def open_tickets(system: System, tenant: Tenant, how_many: int) -> list[str]:
    """`how_many` S4 tickets of `tenant`; their request ids."""
    requests = [f"tkt-{new_id()[-8:]}" for _ in range(how_many)]
    for request_id in requests:
        cmd = tenant.ticket(request_id, title=f"Call forwarding question {request_id}")
        await system.send(SUPPORT_COMMANDS.name, cmd, request_id)  # spread over partitions
    return requests
