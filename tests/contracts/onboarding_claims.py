"""The contracts of onboarding's claim ports — unique keys (group IDs, admin user IDs,
reporting usernames) and one group per number — each one class, run on the in-memory
claims (unit) and on the Mongo claims against the real Mongo-wire server (integration).

A subclass provides `unique_claims` (fresh, empty `UniqueClaims`) or `group_claims`
(fresh, empty `GroupNumberClaims`).
"""

from __future__ import annotations

from typing import Any

import pytest

from services.onboarding.adapters.number_claims import NumberClaim

NUMBERS = [f"+44207946{n:04d}" for n in range(6)]


class UniqueClaimsContract:
    """What every unique-key claim store keeps, takes over and gives up."""

    unique_claims: Any  # fixture from the subclass

    @pytest.fixture
    def in_use(self) -> set[str]:
        """The owners that still use their key (the rest are stale)."""
        return set()

    @pytest.fixture
    def uses(self, in_use):
        async def uses(holder: str, key: str) -> bool:
            return holder in in_use

        return uses

    async def test_a_free_key_is_claimed_by_its_owner(self, unique_claims, uses):
        assert await unique_claims.claim("northwind", "G#1", "P-1", uses)
        assert await unique_claims.owner_of("northwind") == "G#1"
        assert await unique_claims.owner_of("southwind") is None

    async def test_claiming_again_for_the_same_owner_is_granted(self, unique_claims, uses):
        await unique_claims.claim("northwind", "G#1", "P-1", uses)
        assert await unique_claims.claim("northwind", "G#1", "P-1", uses)
        assert await unique_claims.owner_of("northwind") == "G#1"

    async def test_a_key_its_owner_uses_is_refused_to_another(self, unique_claims, uses, in_use):
        in_use.add("G#1")
        await unique_claims.claim("northwind", "G#1", "P-1", uses)
        assert not await unique_claims.claim("northwind", "G#2", "P-2", uses)
        assert await unique_claims.owner_of("northwind") == "G#1"

    async def test_a_key_its_owner_no_longer_uses_is_taken_over(self, unique_claims, uses):
        await unique_claims.claim("northwind", "G#1", "P-1", uses)
        assert await unique_claims.claim("northwind", "G#2", "P-2", uses)
        assert await unique_claims.owner_of("northwind") == "G#2"

    async def test_only_the_owner_gives_a_key_up(self, unique_claims, uses):
        await unique_claims.claim("northwind", "G#1", "P-1", uses)
        await unique_claims.release("northwind", "G#2")
        assert await unique_claims.owner_of("northwind") == "G#1"
        await unique_claims.release("northwind", "G#1")
        assert await unique_claims.owner_of("northwind") is None


class GroupNumberClaimsContract:
    """What every number-to-group claim store keeps, renews and takes over."""

    group_claims: Any  # fixture from the subclass

    @pytest.fixture
    def holding(self) -> set[str]:
        """The groups that still hold (or are taking) their numbers."""
        return set()

    @pytest.fixture
    def held(self, holding):
        async def held(claims: list[NumberClaim]) -> set[str]:
            return {c.number for c in claims if c.group_id in holding}

        return held

    async def test_free_numbers_are_claimed_by_the_group(self, group_claims, held):
        assert await group_claims.claim("northwind", "P-1", NUMBERS, held) == set()
        found = await group_claims.claims(NUMBERS)
        assert {n: (c.group_id, c.partner_id) for n, c in found.items()} == dict.fromkeys(
            NUMBERS, ("northwind", "P-1")
        )

    async def test_claiming_again_renews_the_claims_epoch(self, group_claims, held):
        await group_claims.claim("northwind", "P-1", NUMBERS[:2], held)
        before = await group_claims.claims(NUMBERS[:2])
        assert await group_claims.claim("northwind", "P-1", NUMBERS[:2], held) == set()
        after = await group_claims.claims(NUMBERS[:2])
        assert all(after[n].epoch == before[n].epoch + 1 for n in NUMBERS[:2])

    async def test_numbers_another_group_holds_are_told_and_kept(self, group_claims, held, holding):
        holding.add("northwind")
        await group_claims.claim("northwind", "P-1", NUMBERS[:2], held)
        assert await group_claims.claim("southwind", "P-2", NUMBERS, held) == set(NUMBERS[:2])
        owners = {n: c.group_id for n, c in (await group_claims.claims(NUMBERS)).items()}
        assert owners == {
            **dict.fromkeys(NUMBERS[:2], "northwind"),
            **dict.fromkeys(NUMBERS[2:], "southwind"),
        }

    async def test_numbers_a_group_no_longer_holds_are_taken_over(self, group_claims, held):
        await group_claims.claim("northwind", "P-1", NUMBERS, held)  # not holding: stale
        assert await group_claims.claim("southwind", "P-2", NUMBERS, held) == set()
        found = await group_claims.claims(NUMBERS)
        assert {n: c.group_id for n, c in found.items()} == dict.fromkeys(NUMBERS, "southwind")
