"""Onboarding's read and claim ports in memory: the same ports and the same rules as the
Mongo ones (`read_models`, `admin_claims`, `number_claims`), no database. For the unit
tests of the use cases, over the in-memory aggregate store (`shared.memory_store`).

The claims inherit the claiming rules and replace only the storage primitives; the reads
answer the same questions from the stored states of the in-memory stores.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from typing import Any

from services.onboarding.adapters.admin_claims import UniqueClaims
from services.onboarding.adapters.admin_documents import (
    CUSTOMER_TENANTS,
    RESELLER_TENANTS,
    load_reseller,
)
from services.onboarding.adapters.number_claims import GroupNumberClaims, NumberClaim
from services.onboarding.adapters.partners_documents import (
    ACTIVATION_REQUESTS,
    CUSTOMERS,
    LEGACY_EMAILS,
)
from services.onboarding.adapters.read_models import Claims, DirectoryReads, TenantReads
from services.onboarding.domain.on_behalf.on_behalf import ResellerTenant
from shared.memory_store import InMemoryAggregateStore
from shared.mongo import Document

Stores = Callable[[str], InMemoryAggregateStore]
"""The in-memory aggregate store of a collection."""


async def _states(store: InMemoryAggregateStore) -> list[tuple[str, Document]]:
    """(id, state) of every aggregate of the store, in id order (refusal records left
    out, as the Mongo reads' filters on `state` leave them out)."""
    found = []
    for aggregate_id in sorted(store.documents):
        stored = await store.load(aggregate_id)
        if stored is not None and stored.exists:
            found.append((aggregate_id, stored.state))
    return found


class InMemoryTenantReads(TenantReads):
    """`TenantReads` over the in-memory stores."""

    def __init__(self, stores: Stores) -> None:
        self._stores = stores

    async def activated_tenant_of(
        self, customer_id: str, partner_ids: Collection[str]
    ) -> str | None:
        for _, state in await _states(self._stores(ACTIVATION_REQUESTS)):
            if (state.get("customer_id"), state.get("status")) != (customer_id, "activated"):
                continue
            if state.get("partner_id") in partner_ids:
                tenant_id: str | None = state.get("tenant_id")
                return tenant_id
        return None

    async def is_legacy_tenant(self, tenant_id: str) -> bool:
        states = await _states(self._stores(LEGACY_EMAILS))
        return any(state.get("legacy_tenant_id") == tenant_id for _, state in states)

    async def tenant_in_use(
        self, tenant_id: str, own_request: str | None, own_customer: str | None
    ) -> bool:
        for own, collection in ((own_request, ACTIVATION_REQUESTS), (own_customer, CUSTOMERS)):
            for aggregate_id, state in await _states(self._stores(collection)):
                if state.get("tenant_id") == tenant_id and aggregate_id != own:
                    return True
        return False


class InMemoryDirectoryReads(DirectoryReads):
    """`DirectoryReads` over the in-memory stores."""

    def __init__(self, stores: Stores) -> None:
        self._stores = stores

    async def reseller_tenants_of_partner(self, partner_id: str) -> list[ResellerTenant]:
        return [
            load_reseller(state["reseller"])
            for _, state in await _states(self._stores(RESELLER_TENANTS))
            if state["reseller"].get("partner_id") == partner_id
        ]

    async def opted_in_customer_tenants(self, reseller_partner_id: str) -> list[dict[str, Any]]:
        return [
            state
            for _, state in await _states(self._stores(CUSTOMER_TENANTS))
            if state["administration"].get("reseller_partner_id") == reseller_partner_id
            and state["administration"].get("opted_in_at") is not None
        ]


class InMemoryUniqueClaims(UniqueClaims):
    """Unique-key claims in a dict, key → (owner, partner ID)."""

    def __init__(self) -> None:
        super().__init__(None)
        self.claims: dict[str, tuple[str, str]] = {}

    async def _insert(self, key: str, owner: str, partner_id: str) -> bool:
        if key in self.claims:
            return False
        self.claims[key] = (owner, partner_id)
        return True

    async def _swap(self, key: str, holder: str, owner: str, partner_id: str) -> bool:
        if self.claims.get(key, ("", ""))[0] != holder:
            return False
        self.claims[key] = (owner, partner_id)
        return True

    async def release(self, key: str, owner: str) -> None:
        if self.claims.get(key, ("", ""))[0] == owner:
            del self.claims[key]

    async def owner_of(self, key: str) -> str | None:
        held = self.claims.get(key)
        return None if held is None else held[0]


class InMemoryGroupNumberClaims(GroupNumberClaims):
    """Number claims in a dict, number → `NumberClaim`."""

    def __init__(self) -> None:
        super().__init__(None)
        self.held: dict[str, NumberClaim] = {}

    async def _insert_new(self, group_id: str, partner_id: str, numbers: Sequence[str]) -> None:
        for number in numbers:
            self.held.setdefault(number, NumberClaim(number, group_id, partner_id, 0))

    async def _swap(self, claims: list[NumberClaim], group_id: str, partner_id: str) -> None:
        for claim in claims:
            if self.held.get(claim.number) == claim:  # same owner and epoch
                self.held[claim.number] = NumberClaim(
                    claim.number, group_id, partner_id, claim.epoch + 1
                )

    async def claims(self, numbers: Iterable[str]) -> dict[str, NumberClaim]:
        return {n: self.held[n] for n in set(numbers) if n in self.held}


def in_memory_claims() -> Claims:
    """Every claim port of onboarding, in memory."""
    return Claims(
        InMemoryUniqueClaims(),
        InMemoryUniqueClaims(),
        InMemoryUniqueClaims(),
        InMemoryGroupNumberClaims(),
    )
