"""Port requests as documents, and the claims that keep a number in one active request."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from pydantic import TypeAdapter
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import BulkWriteError, DuplicateKeyError

from services.porting.domain.model import PortRequest
from shared.mongo import Document
from shared.store import Stored

PORTS = "ports"
CLAIMS = "number_claims"

_ADAPTER: TypeAdapter[PortRequest] = TypeAdapter(PortRequest)


def dump_port(request: PortRequest) -> Document:
    """The document form of a port request (JSON-compatible)."""
    return _ADAPTER.dump_python(request, mode="json")


def load_port(stored: Stored) -> PortRequest:
    """The port request held by a stored aggregate document."""
    return _ADAPTER.validate_python(stored.state["port"])


class NumberClaims:
    """One document per number naming the port request that holds it (unique `_id`).

    A claim is taken *before* the request that needs it is stored, so two requests racing
    for a number cannot both win. A claim whose owner is no longer active (completed,
    withdrawn, or never stored because its process died) is stale and is taken over with a
    compare-and-swap on the owner.
    """

    def __init__(self, collection: AsyncCollection[Document]) -> None:
        self._col = collection

    async def claim(
        self,
        port_id: str,
        partner_id: str,
        numbers: Iterable[str],
        is_active: Callable[[str], Awaitable[bool]],
    ) -> set[str]:
        """Claim `numbers` for `port_id`; returns those held by other active requests."""
        wanted = sorted(set(numbers))
        if not wanted:
            return set()
        taken: list[str] = []
        try:
            await self._col.insert_many(
                [{"_id": n, "port_id": port_id, "partner_id": partner_id} for n in wanted],
                ordered=False,
            )
        except BulkWriteError as error:
            taken = [e["op"]["_id"] for e in error.details.get("writeErrors", [])]
        held: set[str] = set()
        for number in taken:
            if not await self._claim_one(number, port_id, partner_id, is_active):
                held.add(number)
        return held

    async def _claim_one(
        self,
        number: str,
        port_id: str,
        partner_id: str,
        is_active: Callable[[str], Awaitable[bool]],
    ) -> bool:
        for _ in range(5):
            doc = await self._col.find_one({"_id": number})
            if doc is None:
                try:
                    await self._col.insert_one(
                        {"_id": number, "port_id": port_id, "partner_id": partner_id}
                    )
                    return True
                except DuplicateKeyError:
                    continue
            owner = doc["port_id"]
            if owner == port_id:
                return True
            if await is_active(owner):
                return False
            swapped = await self._col.update_one(
                {"_id": number, "port_id": owner},
                {"$set": {"port_id": port_id, "partner_id": partner_id}},
            )
            if swapped.matched_count == 1:
                return True
        return False

    async def release(self, port_id: str, keep: Iterable[str] = ()) -> None:
        """Give up the claims of `port_id`, except the numbers in `keep`."""
        query: dict[str, Any] = {"port_id": port_id}
        kept = list(keep)
        if kept:
            query["_id"] = {"$nin": kept}
        await self._col.delete_many(query)

    async def owner_of(self, number: str) -> str | None:
        doc = await self._col.find_one({"_id": number})
        return None if doc is None else str(doc["port_id"])
