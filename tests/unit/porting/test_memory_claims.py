"""The number-claims contract on the in-memory claims."""

from __future__ import annotations

import pytest

from services.porting.adapters.memory_claims import InMemoryNumberClaims
from tests.contracts.number_claims import NumberClaimsContract

pytestmark = pytest.mark.unit


class TestInMemoryNumberClaims(NumberClaimsContract):
    @pytest.fixture
    def claims_with(self):
        return InMemoryNumberClaims
