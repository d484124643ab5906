"""Platform-unique values (group IDs, admin user IDs): one document per value, `_id` = the key.

Claim first, then store the aggregate that uses the value: two aggregates racing for one
key cannot both win, because only one insert of the key succeeds. A claim is taken over
(compare-and-swap on the owner) only when `in_use(holder, key)` proves the holder will
never use the key: the caller must count a holder whose command has not finished yet as
in use, and name owners so that one is never reused (e.g. "<group>#<command id>"),
otherwise a taker could take a claim its owner is about to use (issue 7, section 5).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from shared.mongo import Document

InUse = Callable[[str, str], Awaitable[bool]]
"""`in_use(owner, key)`: whether the owner holds the value (its aggregate uses it)."""


class UniqueClaims:
    """Claims on unique keys in one collection; `owner` is the aggregate that uses the key.

    The claiming rule is here; the storage primitives (`owner_of`, `_insert`, `_swap`,
    `release`) are what the in-memory twin replaces (`adapters.memory_ports`)."""

    def __init__(self, collection: AsyncCollection[Document] | None) -> None:
        self._col = collection

    async def claim(self, key: str, owner: str, partner_id: str, in_use: InUse) -> bool:
        """Claim `key` for `owner`; False when another owner holds it."""
        for _ in range(5):
            holder = await self.owner_of(key)
            if holder is None:
                if await self._insert(key, owner, partner_id):
                    return True
                continue
            if holder == owner:
                return True
            if await in_use(holder, key):
                return False
            if await self._swap(key, holder, owner, partner_id):
                return True
        return False

    async def _insert(self, key: str, owner: str, partner_id: str) -> bool:
        """Claim an unclaimed key; False when another insert won."""
        assert self._col is not None
        try:
            await self._col.insert_one({"_id": key, "owner": owner, "partner_id": partner_id})
        except DuplicateKeyError:
            return False
        return True

    async def _swap(self, key: str, holder: str, owner: str, partner_id: str) -> bool:
        """Compare-and-swap the key from `holder` to `owner`; False when it moved meanwhile."""
        assert self._col is not None
        swapped = await self._col.update_one(
            {"_id": key, "owner": holder},
            {"$set": {"owner": owner, "partner_id": partner_id}},
        )
        return swapped.matched_count == 1

    async def release(self, key: str, owner: str) -> None:
        """Give the key up, if `owner` still holds it."""
        assert self._col is not None
        await self._col.delete_one({"_id": key, "owner": owner})

    async def owner_of(self, key: str) -> str | None:
        """Who holds `key`, if anyone."""
        assert self._col is not None
        doc = await self._col.find_one({"_id": key})
        return None if doc is None else str(doc["owner"])
