"""Onboarding's claim contracts on the in-memory claims (what the unit tests run on)."""

from __future__ import annotations

import pytest

from services.onboarding.adapters.memory_ports import (
    InMemoryGroupNumberClaims,
    InMemoryUniqueClaims,
)
from tests.contracts.onboarding_claims import GroupNumberClaimsContract, UniqueClaimsContract

pytestmark = pytest.mark.unit


class TestInMemoryUniqueClaims(UniqueClaimsContract):
    @pytest.fixture
    def unique_claims(self):
        return InMemoryUniqueClaims()


class TestInMemoryGroupNumberClaims(GroupNumberClaimsContract):
    @pytest.fixture
    def group_claims(self):
        return InMemoryGroupNumberClaims()
