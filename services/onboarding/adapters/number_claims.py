"""One group per number across the whole platform: a claim per number (`_id` = the number).

A number can sit in several partners' inventories (a provisioning slip, or a port fact of
one partner consumed before another's cancellation), but only one group may hold it. The
claim names the group (and its partner) and carries an `epoch` that every claim, renewal
and takeover increments with a compare-and-swap. Correct under any interleaving, not by
timing, because:

- a group's intent comes first: the partner's inventory assigns the number to the group
  *before* the group claims it, and the group document drops it only after the inventory
  no longer assigns it; so "the owner holds the number" (`Holding`) is true from before
  its claim until the owner has let go for good;
- a claim is taken over only from an owner that does not hold the number, by a
  compare-and-swap on (owner, epoch);
- an owner renews its own claim (epoch + 1) every time it asserts it, so a taker that
  judged the owner on a read made before the owner asserted again loses its swap, rereads
  and finds the owner holding.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from pymongo import UpdateOne
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import BulkWriteError

from shared.mongo import Document

NUMBER_GROUP_CLAIMS = "number_group_claims"
CHUNK = 500
MAX_ROUNDS = 5
DUPLICATE_KEY = 11000


@dataclass(frozen=True)
class NumberClaim:
    """Who claims a number: the group, its partner, and the claim's epoch."""

    number: str
    group_id: str
    partner_id: str
    epoch: int


Holding = Callable[[list[NumberClaim]], Awaitable[set[str]]]
"""`holding(claims)`: the numbers among `claims` whose owner group still holds them."""


def _chunks(values: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


class GroupNumberClaims:
    """The platform-wide claims of numbers by groups (see the module doc)."""

    def __init__(self, collection: AsyncCollection[Document] | None) -> None:
        self._col = collection  # None: an in-memory twin (`adapters.memory_ports`)

    async def claim(
        self, group_id: str, partner_id: str, numbers: Iterable[str], holding: Holding
    ) -> set[str]:
        """Claim (or renew) `numbers` for the group; returns those another group holds.

        Bulk round trips in chunks, a few rounds at most; numbers still contended after
        `MAX_ROUNDS` are reported as held (safe: the caller refuses them).
        """
        pending = sorted(set(numbers))
        held: set[str] = set()
        for _round in range(MAX_ROUNDS):
            if not pending:
                return held
            await self._insert_new(group_id, partner_id, pending)
            current = await self.claims(pending)
            ours = [c for c in current.values() if c.group_id == group_id]
            others = [c for c in current.values() if c.group_id != group_id]
            still_held = await holding(others) if others else set()
            held |= still_held
            stale = [c for c in others if c.number not in still_held]
            await self._swap(ours + stale, group_id, partner_id)
            after = await self.claims([c.number for c in ours + stale])
            won = {
                n
                for n, c in after.items()
                if c.group_id == group_id and c.epoch == current[n].epoch + 1
            }
            pending = [n for n in pending if n not in won and n not in still_held]
        return held | set(pending)

    async def _insert_new(self, group_id: str, partner_id: str, numbers: Sequence[str]) -> None:
        assert self._col is not None
        for chunk in _chunks(numbers):
            docs = [
                {"_id": n, "group_id": group_id, "partner_id": partner_id, "epoch": 0}
                for n in chunk
            ]
            try:
                await self._col.insert_many(docs, ordered=False)
            except BulkWriteError as error:
                errors = error.details.get("writeErrors", [])
                if any(e.get("code") != DUPLICATE_KEY for e in errors):
                    raise

    async def _swap(self, claims: list[NumberClaim], group_id: str, partner_id: str) -> None:
        """Compare-and-swap each claim on (owner, epoch) to this group at epoch + 1."""
        assert self._col is not None
        operations = [
            UpdateOne(
                {"_id": c.number, "group_id": c.group_id, "epoch": c.epoch},
                {"$set": {"group_id": group_id, "partner_id": partner_id, "epoch": c.epoch + 1}},
            )
            for c in claims
        ]
        for start in range(0, len(operations), CHUNK):
            await self._col.bulk_write(operations[start : start + CHUNK], ordered=True)

    async def claims(self, numbers: Iterable[str]) -> dict[str, NumberClaim]:
        """The current claims on `numbers` (bulk reads)."""
        assert self._col is not None
        found: dict[str, NumberClaim] = {}
        for chunk in _chunks(sorted(set(numbers))):
            async for doc in self._col.find({"_id": {"$in": list(chunk)}}):
                found[str(doc["_id"])] = NumberClaim(
                    str(doc["_id"]), str(doc["group_id"]), str(doc["partner_id"]), doc["epoch"]
                )
        return found
