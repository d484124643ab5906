"""Invented sample data and steps for support's integration tests (no real people)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from services.support.adapters import onboarding_events as on
from shared.contracts import support as c
from shared.topics import ONBOARDING_EVENTS
from tests.integration.bus import Bus

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
    base = {"customer_id": customer, "occurred_at": bus.now - timedelta(days=10)}
    facts: list[Any] = [
        on.CustomerRecordedIn.model_validate(
            {
                **base,
                "company_name": f"Fictional {tenant} Ltd",
                "country": country,
                "subscription_numbers": [CONTRACT],
            }
        ),
        on.RelationshipRecordedIn.model_validate(
            {**base, "distributor_partner_id": DISTRIBUTOR, "reseller_partner_id": partner}
        ),
        on.TenantAssignedIn.model_validate({**base, "tenant_id": tenant}),
    ]
    for fact in facts:
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
