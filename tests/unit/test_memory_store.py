"""The store contract on the in-memory store."""

from __future__ import annotations

import pytest

from shared.memory_store import InMemoryAggregateStore
from tests.contracts.store import StoreContract

pytestmark = pytest.mark.unit


class TestInMemoryStore(StoreContract):
    @pytest.fixture
    def store(self):
        return InMemoryAggregateStore("things")
