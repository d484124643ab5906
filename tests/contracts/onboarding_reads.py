"""The contract of onboarding's read ports (`TenantReads`, `DirectoryReads`): one class,
run on the in-memory reads over the in-memory store (unit) and on the Mongo reads over
the Mongo store against the real Mongo-wire server (integration).

A subclass provides `world`: fresh, empty stores (`world.stored(collection, id, state)`
stores an aggregate's state through the store port) and the two ports over them
(`world.tenants`, `world.directory`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from services.onboarding.adapters.admin_documents import (
    CUSTOMER_TENANTS,
    RESELLER_TENANTS,
    CustomerTenant,
    TenantFacts,
    dump_reseller,
)
from services.onboarding.adapters.partners_documents import (
    ACTIVATION_REQUESTS,
    CUSTOMERS,
    LEGACY_EMAILS,
)
from services.onboarding.domain.on_behalf.on_behalf import (
    CustomerTenantAdministration,
    ResellerTenant,
)
from shared.actor import Actor

AT = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)


def activated(customer_id: str, tenant_id: str, partner_id: str, status: str = "activated"):
    return {
        "customer_id": customer_id,
        "status": status,
        "tenant_id": tenant_id,
        "partner_id": partner_id,
    }


def reseller(tenant_id: str, partner_id: str) -> dict[str, Any]:
    by = Actor(user_id="sales@reseller.example.com", partner_id=partner_id)
    tenant, _ = ResellerTenant.request_enabling(
        tenant_id, partner_id, "reseller.example.com", by=by, now=AT, tenant_partner_id=partner_id
    )
    return {"reseller": dump_reseller(tenant)}


def customer_tenant(tenant_id: str, link: str, opted_in: bool) -> dict[str, Any]:
    admin = CustomerTenantAdministration(tenant_id, link, opted_in_at=AT if opted_in else None)
    return CustomerTenant(TenantFacts(f"C-{tenant_id}"), admin).dump()


class OnboardingReadsContract:
    """What every implementation of onboarding's read ports answers."""

    world: Any  # fixture from the subclass

    async def test_the_activated_tenant_of_a_customer_is_one_its_own_partners_asked_for(
        self, world
    ):
        await world.stored(ACTIVATION_REQUESTS, "ACT-1", activated("C-1", "T-9", "P-OTHER"))
        await world.stored(ACTIVATION_REQUESTS, "ACT-2", activated("C-1", "T-2", "P-RES", "sent"))
        assert await world.tenants.activated_tenant_of("C-1", ["P-RES"]) is None
        await world.stored(ACTIVATION_REQUESTS, "ACT-3", activated("C-1", "T-1", "P-RES"))
        assert await world.tenants.activated_tenant_of("C-1", ["P-RES"]) == "T-1"
        assert await world.tenants.activated_tenant_of("C-2", ["P-RES"]) is None

    async def test_a_tenant_with_a_recorded_legacy_address_is_legacy(self, world):
        await world.stored(LEGACY_EMAILS, "ada@example.com", {"legacy_tenant_id": "T-OLD"})
        assert await world.tenants.is_legacy_tenant("T-OLD")
        assert not await world.tenants.is_legacy_tenant("T-NEW")

    async def test_a_tenant_is_in_use_when_another_request_or_customer_holds_it(self, world):
        await world.stored(ACTIVATION_REQUESTS, "ACT-1", activated("C-1", "T-1", "P-RES"))
        await world.stored(CUSTOMERS, "C-1", {"tenant_id": "T-1"})
        assert not await world.tenants.tenant_in_use("T-1", "ACT-1", "C-1")
        assert await world.tenants.tenant_in_use("T-1", "ACT-2", "C-1")
        assert await world.tenants.tenant_in_use("T-1", "ACT-1", "C-2")
        assert not await world.tenants.tenant_in_use("T-2", None, None)

    async def test_the_reseller_tenants_of_a_partner_are_found_by_its_partner_id(self, world):
        await world.stored(RESELLER_TENANTS, "T-R1", reseller("T-R1", "P-RES"))
        await world.stored(RESELLER_TENANTS, "T-R2", reseller("T-R2", "P-RES"))
        await world.stored(RESELLER_TENANTS, "T-R9", reseller("T-R9", "P-OTHER"))
        found = await world.directory.reseller_tenants_of_partner("P-RES")
        assert sorted(t.tenant_id for t in found) == ["T-R1", "T-R2"]
        assert await world.directory.reseller_tenants_of_partner("P-NONE") == []

    async def test_the_opted_in_customer_tenants_of_a_reseller_are_listed(self, world):
        await world.stored(CUSTOMER_TENANTS, "T-1", customer_tenant("T-1", "P-RES", True))
        await world.stored(CUSTOMER_TENANTS, "T-2", customer_tenant("T-2", "P-RES", False))
        await world.stored(CUSTOMER_TENANTS, "T-9", customer_tenant("T-9", "P-OTHER", True))
        states = await world.directory.opted_in_customer_tenants("P-RES")
        assert [CustomerTenant.load(s).administration.tenant_id for s in states] == ["T-1"]
