"""The claims that keep a number in one active port request (Mongo), and the port every
claims store implements (`NumberClaimsPort`; in memory: `memory_claims`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Iterator, Sequence
from typing import Any, Protocol

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import BulkWriteError, WriteError

from shared.coalesce import Coalescer
from shared.mongo import Document

CLAIMS = "number_claims"
"""The collection of claims: `{_id: number (E.164), port_id, partner_id}`."""

DUPLICATE_KEY = 11000

OwnersHolding = Callable[[set[str]], Awaitable[set[str]]]
"""`owners_holding(port_ids)`: those of the requests that hold or may still hold numbers."""

CHUNK = 1000
"""Numbers per bulk round trip (inserts, reads and compare-and-swaps of claims)."""

MAX_ROUNDS = 5
"""Claim rounds before giving up; numbers still unresolved then count as held (safe)."""


class NumberClaimsPort(Protocol):
    """What porting's use cases need of the number claims (Mongo: `NumberClaims`; tests:
    `memory_claims.InMemoryNumberClaims`; both pass `tests/contracts/number_claims.py`)."""

    async def claim(self, port_id: str, partner_id: str, numbers: Iterable[str]) -> set[str]:
        """Claim `numbers` for `port_id`; returns those other requests hold."""
        ...

    async def held_elsewhere(self, port_id: str | None, numbers: Sequence[str]) -> set[str]:
        """Which of `numbers` other requests hold or may still hold (reads only)."""
        ...

    async def release(
        self, port_id: str, keep: Iterable[str] = (), among: Iterable[str] | None = None
    ) -> None:
        """Give up the claims of `port_id`, except the numbers in `keep`; with `among`,
        only claims on those numbers (the caller knows every number the request can
        hold: read by number, not by owner)."""
        ...


Claim = tuple[str, str, str]
"""A claim to insert: (number, port id, partner id)."""


def _first_duplicate(error: BulkWriteError) -> int:
    """The index of the insert refused as a duplicate (re-raises any other write error)."""
    errors = error.details.get("writeErrors", [])
    if not errors or any(e.get("code") != DUPLICATE_KEY for e in errors):
        raise error
    return int(errors[0]["index"])


def _write_error(failed: Document) -> WriteError:
    return WriteError(str(failed.get("errmsg", "")), failed.get("code"), failed)


def _chunks(values: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


class NumberClaims:
    """One document per number naming the port request that holds it (`_id` = the number).

    Correct under any interleaving, not by timing (section 5 of issue 7):

    - the owner of a claim is a port request that was **stored before** the claim was
      written (a submission stores its draft as `submission_pending` first), so a claim
      whose owner is missing or can no longer hold numbers (completed, withdrawn, a draft
      whose submission was refused) is provably stale: `PortRequest.may_hold_numbers`,
      read through `owners_holding`;
    - a claim is taken over only from such an owner, by a compare-and-swap on the owner,
      and an owner that may hold numbers never loses a claim, so the submitting request
      needs no re-check: between its claims and its decision it stays `pending`;
    - numbers are claimed in ascending order with ordered inserts that stop at the first
      number already claimed. Two requests racing for overlapping numbers both start with
      the lowest common one, only one insert of it succeeds, and the loser stops there:
      one of them gets all the common numbers, never both and (without stale claims in
      between) never neither.

    Cost: a bounded number of bulk round trips per request (`CHUNK` numbers each, at most
    `MAX_ROUNDS` rounds), never one per number. `InMemoryNumberClaims` overrides only the
    storage primitives (`_insert_in_order`, `_take_over`, `owners`, `release`).
    """

    def __init__(
        self, collection: AsyncCollection[Document] | None, owners_holding: OwnersHolding
    ) -> None:
        self._col = collection
        self._owners_holding = owners_holding
        self._first: Coalescer[Claim, bool] | None = None

    @property
    def _collection(self) -> AsyncCollection[Document]:
        assert self._col is not None
        return self._col

    async def claim(
        self,
        port_id: str,
        partner_id: str,
        numbers: Iterable[str],
        owners_holding: OwnersHolding | None = None,
    ) -> set[str]:
        """Claim `numbers` for `port_id`; returns those held by other requests (then the
        claiming stops early: the caller refuses and releases what it got).
        `owners_holding` overrides the one given at construction."""
        holding_of = owners_holding or self._owners_holding
        pending = sorted(set(numbers))
        for _round in range(MAX_ROUNDS):
            conflict_at = await self._insert_in_order(port_id, partner_id, pending)
            if conflict_at is None:
                return set()
            rest = pending[conflict_at:]
            owners = await self.owners(rest)
            others = {n: owner for n, owner in owners.items() if owner != port_id}
            holding = await holding_of(set(others.values())) if others else set()
            held = {n for n, owner in others.items() if owner in holding}
            if held:
                return held
            await self._take_over(port_id, partner_id, others)
            # Numbers now claimed by us are skipped by the next round's first conflict.
            pending = [n for n in rest if owners.get(n) != port_id]
        return set(pending)

    async def held_elsewhere(self, port_id: str | None, numbers: Sequence[str]) -> set[str]:
        """Which of `numbers` other requests hold or may still hold (reads only)."""
        owners = {n: o for n, o in (await self.owners(numbers)).items() if o != port_id}
        holding = await self._owners_holding(set(owners.values())) if owners else set()
        return {n for n, owner in owners.items() if owner in holding}

    async def _insert_in_order(
        self, port_id: str, partner_id: str, numbers: Sequence[str]
    ) -> int | None:
        """Insert claims in order; the index of the first number already claimed, or None.

        The first number goes out with the first numbers of the other requests claiming in
        the same turn of the event loop (one unordered bulk insert, `shared.coalesce`;
        requests are independent of each other, as when claiming side by side), the rest
        in order after it."""
        if not numbers:
            return None
        if self._first is None:
            self._first = Coalescer(self._insert_firsts)
        if not await self._first.ask((numbers[0], port_id, partner_id)):
            return 0
        done = 1
        for chunk in _chunks(numbers[1:]):
            docs = [{"_id": n, "port_id": port_id, "partner_id": partner_id} for n in chunk]
            try:
                await self._collection.insert_many(docs, ordered=True)
            except BulkWriteError as error:
                return done + _first_duplicate(error)
            done += len(chunk)
        return None

    async def _insert_firsts(self, claims: list[Claim]) -> dict[Claim, bool | BaseException]:
        """Insert each claim (number, port id, partner id): True, or False when the number
        is claimed already."""
        answers: dict[Claim, bool | BaseException] = dict.fromkeys(claims, True)
        for start in range(0, len(claims), CHUNK):
            chunk = claims[start : start + CHUNK]
            docs = [{"_id": n, "port_id": p, "partner_id": o} for n, p, o in chunk]
            try:
                await self._collection.insert_many(docs, ordered=False)
            except BulkWriteError as error:
                for failed in error.details.get("writeErrors", []):
                    claim = chunk[int(failed["index"])]
                    duplicate = failed.get("code") == DUPLICATE_KEY
                    answers[claim] = False if duplicate else _write_error(failed)
        return answers

    async def _take_over(self, port_id: str, partner_id: str, stale: dict[str, str]) -> None:
        """Compare-and-swap stale claims to `port_id`, owner by owner, in bulk."""
        by_owner: dict[str, list[str]] = {}
        for number, owner in stale.items():
            by_owner.setdefault(owner, []).append(number)
        for owner, numbers in sorted(by_owner.items()):
            for chunk in _chunks(sorted(numbers)):
                await self._collection.update_many(
                    {"_id": {"$in": list(chunk)}, "port_id": owner},
                    {"$set": {"port_id": port_id, "partner_id": partner_id}},
                )

    async def owners(self, numbers: Iterable[str]) -> dict[str, str]:
        """The port request holding each claimed number among `numbers` (bulk reads)."""
        found: dict[str, str] = {}
        for chunk in _chunks(sorted(set(numbers))):
            async for doc in self._collection.find({"_id": {"$in": list(chunk)}}):
                found[str(doc["_id"])] = str(doc["port_id"])
        return found

    async def release(
        self, port_id: str, keep: Iterable[str] = (), among: Iterable[str] | None = None
    ) -> None:
        """Give up the claims of `port_id`, except the numbers in `keep`. With `among` (every
        number the request may hold) the claims are found by number, through `_id`'s index
        (`{_id: {$in}, port_id}`, chunked); without, by owner (`port_id`'s index on MongoDB;
        the local server, without secondary indexes, reads every claim)."""
        kept = set(keep)
        if among is None:
            query: dict[str, Any] = {"port_id": port_id}
            if kept:
                query["_id"] = {"$nin": sorted(kept)}
            await self._collection.delete_many(query)
            return
        for chunk in _chunks(sorted(set(among) - kept)):
            await self._collection.delete_many({"_id": {"$in": list(chunk)}, "port_id": port_id})
