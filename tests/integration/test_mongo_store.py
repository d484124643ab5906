"""The store contract on the Mongo store against the real Mongo-wire server."""

from __future__ import annotations

import pytest

from shared.store import AggregateStore
from tests.contracts.store import StoreContract

pytestmark = pytest.mark.integration


class TestMongoStore(StoreContract):
    @pytest.fixture
    def store(self, mongo_db):
        return AggregateStore(mongo_db["things"])
