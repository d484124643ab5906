"""Onboarding's claim contracts on the Mongo claims, against the real Mongo-wire server."""

from __future__ import annotations

import pytest

from services.onboarding.adapters.admin_claims import UniqueClaims
from services.onboarding.adapters.admin_group_documents import USER_ID_CLAIMS
from services.onboarding.adapters.number_claims import NUMBER_GROUP_CLAIMS, GroupNumberClaims
from tests.contracts.onboarding_claims import GroupNumberClaimsContract, UniqueClaimsContract

pytestmark = pytest.mark.integration


class TestMongoUniqueClaims(UniqueClaimsContract):
    @pytest.fixture
    def unique_claims(self, mongo_db):
        return UniqueClaims(mongo_db[USER_ID_CLAIMS])


class TestMongoGroupNumberClaims(GroupNumberClaimsContract):
    @pytest.fixture
    def group_claims(self, mongo_db):
        return GroupNumberClaims(mongo_db[NUMBER_GROUP_CLAIMS])
