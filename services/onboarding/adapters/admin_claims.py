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
    """Claims on unique keys in one collection; `owner` is the aggregate that uses the key."""

    def __init__(self, collection: AsyncCollection[Document]) -> None:
        self._col = collection

    async def claim(self, key: str, owner: str, partner_id: str, in_use: InUse) -> bool:
        """Claim `key` for `owner`; False when another owner holds it."""
        for _ in range(5):
            doc = await self._col.find_one({"_id": key})
            if doc is None:
                try:
                    await self._col.insert_one(
                        {"_id": key, "owner": owner, "partner_id": partner_id}
                    )
                    return True
                except DuplicateKeyError:
                    continue
            holder = str(doc["owner"])
            if holder == owner:
                return True
            if await in_use(holder, key):
                return False
            swapped = await self._col.update_one(
                {"_id": key, "owner": holder},
                {"$set": {"owner": owner, "partner_id": partner_id}},
            )
            if swapped.matched_count == 1:
                return True
        return False

    async def release(self, key: str, owner: str) -> None:
        """Give the key up, if `owner` still holds it."""
        await self._col.delete_one({"_id": key, "owner": owner})

    async def owner_of(self, key: str) -> str | None:
        doc = await self._col.find_one({"_id": key})
        return None if doc is None else str(doc["owner"])
