"""The number-claims port's contract: one class, run on the in-memory claims (unit) and on
the Mongo claims against the real Mongo-wire server (integration).

A subclass provides the `claims_with` fixture: `claims_with(owners_holding)` gives fresh,
empty claims whose owners' liveness is read through `owners_holding` (here: membership of
the test's `holding` set, standing in for "the owner may still hold numbers").
"""

from __future__ import annotations

from typing import Any

import pytest

NUMBERS = [f"+44207946{n:04d}" for n in range(10)]


class NumberClaimsContract:
    """What every number-claims store keeps, gives up and refuses."""

    claims_with: Any  # fixture from the subclass

    @pytest.fixture
    def holding(self) -> set[str]:
        return set()

    @pytest.fixture
    def claims(self, claims_with, holding):
        async def owners_holding(port_ids: set[str]) -> set[str]:
            return port_ids & holding

        return claims_with(owners_holding)

    async def test_free_numbers_are_claimed_by_the_request(self, claims):
        assert await claims.claim("A", "P-1", NUMBERS) == set()
        assert await claims.owners(NUMBERS) == dict.fromkeys(NUMBERS, "A")

    async def test_claiming_again_for_the_same_request_changes_nothing(self, claims):
        await claims.claim("A", "P-1", NUMBERS[:5])
        assert await claims.claim("A", "P-1", NUMBERS) == set()
        assert await claims.owners(NUMBERS) == dict.fromkeys(NUMBERS, "A")

    async def test_claiming_stops_at_the_first_number_another_active_request_holds(
        self, claims, holding
    ):
        holding.add("A")
        await claims.claim("A", "P-1", NUMBERS[4:6])
        # The held ones are told; the numbers after the first conflict are not claimed.
        assert await claims.claim("B", "P-2", NUMBERS) == set(NUMBERS[4:6])
        owners = await claims.owners(NUMBERS)
        assert owners == {**dict.fromkeys(NUMBERS[:4], "B"), **dict.fromkeys(NUMBERS[4:6], "A")}

    async def test_a_claim_whose_owner_can_no_longer_hold_it_is_taken_over(self, claims):
        await claims.claim("A", "P-1", NUMBERS[:3])  # "A" is not holding: stale
        assert await claims.claim("B", "P-2", NUMBERS) == set()
        assert await claims.owners(NUMBERS) == dict.fromkeys(NUMBERS, "B")

    async def test_held_elsewhere_reads_only_and_leaves_out_the_asker_and_stale_owners(
        self, claims, holding
    ):
        holding.update({"A", "B"})
        await claims.claim("A", "P-1", NUMBERS[:2])
        await claims.claim("B", "P-2", NUMBERS[2:4])
        await claims.claim("C", "P-3", NUMBERS[4:6])
        assert await claims.held_elsewhere("A", NUMBERS) == set(NUMBERS[2:4])
        assert await claims.held_elsewhere(None, NUMBERS) == set(NUMBERS[:4])
        assert set(await claims.owners(NUMBERS)) == set(NUMBERS[:6])

    async def test_release_gives_up_a_requests_claims_except_those_kept(self, claims):
        await claims.claim("A", "P-1", NUMBERS[:4])
        await claims.claim("B", "P-2", NUMBERS[4:6])
        await claims.release("A", keep=NUMBERS[:1])
        assert await claims.owners(NUMBERS) == {
            NUMBERS[0]: "A",
            **dict.fromkeys(NUMBERS[4:6], "B"),
        }
        await claims.release("A")
        assert await claims.owners(NUMBERS) == dict.fromkeys(NUMBERS[4:6], "B")

    async def test_release_among_numbers_gives_up_only_the_requests_claims_on_them(self, claims):
        await claims.claim("A", "P-1", NUMBERS[:4])
        await claims.claim("B", "P-2", NUMBERS[4:6])
        # B's numbers among them stay B's; A's outside them stay A's; kept stays.
        await claims.release("A", keep=NUMBERS[1:2], among=[*NUMBERS[:3], *NUMBERS[4:6]])
        assert await claims.owners(NUMBERS) == {
            NUMBERS[1]: "A",
            NUMBERS[3]: "A",
            **dict.fromkeys(NUMBERS[4:6], "B"),
        }
        await claims.release("A", among=[])
        assert set(await claims.owners(NUMBERS)) == {NUMBERS[1], NUMBERS[3], *NUMBERS[4:6]}

    async def test_more_numbers_than_one_bulk_chunk_are_all_claimed(self, claims, holding):
        many = [f"+44161496{n:04d}" for n in range(2500)]
        holding.add("A")
        assert await claims.claim("A", "P-1", many) == set()
        assert await claims.held_elsewhere("B", many[-3:]) == set(many[-3:])
        assert len(await claims.owners(many)) == 2500

    async def test_requests_claiming_side_by_side_each_get_theirs_and_one_a_shared_number(
        self, claims, holding
    ):
        import asyncio

        holding.update({"A", "B", "C", "D"})
        results = await asyncio.gather(
            claims.claim("A", "P-1", NUMBERS[0:1]),
            claims.claim("B", "P-2", NUMBERS[1:3]),
            claims.claim("C", "P-3", NUMBERS[3:5]),
            claims.claim("D", "P-4", NUMBERS[3:5]),  # the same numbers as C
        )
        assert results[:2] == [set(), set()]
        lost = [r for r in results[2:] if r]
        assert len(lost) == 1 and NUMBERS[3] in lost[0]  # one of C, D got both; never split
        owners = await claims.owners(NUMBERS[:5])
        assert owners[NUMBERS[0]] == "A" and owners[NUMBERS[1]] == owners[NUMBERS[2]] == "B"
        assert owners[NUMBERS[3]] == owners[NUMBERS[4]] in {"C", "D"}
