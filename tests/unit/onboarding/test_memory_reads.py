"""The read ports' contract on the in-memory reads (what the unit tests run on)."""

from __future__ import annotations

from typing import Any

import pytest

from services.onboarding.adapters.memory_ports import InMemoryDirectoryReads, InMemoryTenantReads
from shared.memory_store import InMemoryAggregateStore
from shared.store import Change
from tests.contracts.onboarding_reads import OnboardingReadsContract

pytestmark = pytest.mark.unit


class InMemoryWorld:
    def __init__(self) -> None:
        self.stores: dict[str, InMemoryAggregateStore] = {}
        self.tenants = InMemoryTenantReads(self.store)
        self.directory = InMemoryDirectoryReads(self.store)

    def store(self, collection: str) -> InMemoryAggregateStore:
        return self.stores.setdefault(collection, InMemoryAggregateStore(collection))

    async def stored(self, collection: str, aggregate_id: str, state: dict[str, Any]) -> None:
        await self.store(collection).apply(aggregate_id, "seed", lambda _: Change(state))


class TestInMemoryReads(OnboardingReadsContract):
    @pytest.fixture
    def world(self):
        return InMemoryWorld()
