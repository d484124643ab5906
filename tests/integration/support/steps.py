"""Invented sample data and steps for support's integration tests (no real people)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from shared.contracts import support as c
from shared.topics import ONBOARDING_EVENTS
from tests.integration.bus import Bus
from tests.unit.support.world import customer_facts

PARTNER = "partner-7001"
OTHER = "partner-7002"
DISTRIBUTOR = "partner-7000"
USER = "user-7001-a"
TENANT = "tenant-gb-7001"
OTHER_TENANT = "tenant-de-7002"
CONTRACT = "SC-700123"
VENDOR = {"user_id": "engineer-07", "roles": ["vendor_support"]}


def actor(partner: str = PARTNER, user: str = USER) -> dict[str, Any]:
    return {"user_id": user, "partner_id": partner, "roles": []}


async def seed_customer(
    bus: Bus, tenant: str = TENANT, partner: str = PARTNER, country: str = "GB"
) -> None:
    """Onboarding's facts about one customer tenant of `partner`, as onboarding sends them."""
    customer = f"customer-of-{tenant}"
    at = bus.now - timedelta(days=10)
    for fact in customer_facts(at, tenant, customer, partner, country, contract=CONTRACT):
        await bus.send(ONBOARDING_EVENTS.name, fact, subject=customer)


def open_ticket(request_id: str, **changes: Any) -> c.OpenTicket:
    values: dict[str, Any] = {
        "request_id": request_id,
        "actor": actor(),
        "partner_id": PARTNER,
        "tenant_id": TENANT,
        "contract_number": CONTRACT,
        "contact": {
            "name": "Sam Example",
            "phone": "+44 20 7946 0456",
            "email": "sam@partner.example.com",
        },
        "channel": "phone",
        "category": "service_availability",
        "description": "No site can place or receive calls.",
        "impact": "widespread",
        "urgency": "critical",
    }
    values.update(changes)
    return c.OpenTicket.model_validate(values)


async def tenant_known(db: Any, tenant: str = TENANT) -> None:
    """Wait until support's read model knows `tenant` (facts and commands travel on
    different topics, so a test lets the facts arrive first, as time would)."""
    from tests.conftest import eventually

    async def known() -> bool:
        doc = await db["support_tenants"].find_one({"state.tenant_id.value": tenant})
        return doc is not None and doc["state"].get("relationship") is not None

    await eventually(known)
