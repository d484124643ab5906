"""The number-claims contract on the Mongo claims, against the real Mongo-wire server."""

from __future__ import annotations

import pytest

from services.porting.adapters.claims import CLAIMS, NumberClaims
from tests.contracts.number_claims import NumberClaimsContract

pytestmark = pytest.mark.integration


class TestMongoNumberClaims(NumberClaimsContract):
    @pytest.fixture
    def claims_with(self, mongo_db):
        return lambda owners_holding: NumberClaims(mongo_db[CLAIMS], owners_holding)
