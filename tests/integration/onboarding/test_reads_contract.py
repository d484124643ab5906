"""The read ports' contract on the Mongo reads, against the real Mongo-wire server."""

from __future__ import annotations

from typing import Any

import pytest

from services.onboarding.adapters.read_models import DirectoryReads, TenantReads
from shared.store import AggregateStore, Change
from tests.contracts.onboarding_reads import OnboardingReadsContract

pytestmark = pytest.mark.integration


class MongoWorld:
    def __init__(self, db: Any) -> None:
        self.db = db
        self.tenants = TenantReads(db)
        self.directory = DirectoryReads(db)

    async def stored(self, collection: str, aggregate_id: str, state: dict[str, Any]) -> None:
        store = AggregateStore(self.db[collection])
        await store.apply(aggregate_id, "seed", lambda _: Change(state))


class TestMongoReads(OnboardingReadsContract):
    @pytest.fixture
    def world(self, mongo_db):
        return MongoWorld(mongo_db)
