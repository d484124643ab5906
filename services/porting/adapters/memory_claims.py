"""Number claims in memory: the same port and the same claiming rule as `NumberClaims`, no
database (unit tests of the use cases; `tests/contracts/number_claims.py` runs on both)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from services.porting.adapters.claims import NumberClaims, OwnersHolding


class InMemoryNumberClaims(NumberClaims):
    """Claims in a dict, number → (port id, partner id). Inherits the claiming rounds
    (`claim`, `held_elsewhere`) and replaces only the storage primitives."""

    def __init__(self, owners_holding: OwnersHolding) -> None:
        super().__init__(None, owners_holding)
        self.claims: dict[str, tuple[str, str]] = {}

    async def _insert_in_order(
        self, port_id: str, partner_id: str, numbers: Sequence[str]
    ) -> int | None:
        for index, number in enumerate(numbers):
            if number in self.claims:
                return index
            self.claims[number] = (port_id, partner_id)
        return None

    async def _take_over(self, port_id: str, partner_id: str, stale: dict[str, str]) -> None:
        for number, owner in stale.items():
            if self.claims.get(number, ("", ""))[0] == owner:
                self.claims[number] = (port_id, partner_id)

    async def owners(self, numbers: Iterable[str]) -> dict[str, str]:
        return {n: self.claims[n][0] for n in set(numbers) if n in self.claims}

    async def release(
        self, port_id: str, keep: Iterable[str] = (), among: Iterable[str] | None = None
    ) -> None:
        kept = set(keep)
        within = None if among is None else set(among)
        for number in [n for n, (owner, _) in self.claims.items() if owner == port_id]:
            if number not in kept and (within is None or number in within):
                del self.claims[number]
