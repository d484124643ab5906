"""Support's ports over the Mongo-wire server: the ticket number counter and the directory
(read-model and ticket queries). Only primitives every supported server honours: an
upserted `$inc` through `find_one_and_update`, plain finds on indexed fields.
"""

from __future__ import annotations

from pymongo import ReturnDocument
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from services.support.adapters.documents import (
    COUNTERS,
    PARTNERS,
    TENANTS,
    TICKETS,
    PartnerRecord,
    loader,
)
from services.support.domain.tenants import TenantRecord
from services.support.domain.ticket import Ticket
from shared.mongo import Document, IndexSpec
from shared.store import unescape_keys

TICKET_SEQUENCE = "ticket_number"

INDEXES = [
    IndexSpec(TENANTS, [("state.tenant_id.value", 1)]),
    IndexSpec(TENANTS, [("state.relationship.value.reseller_partner_id", 1)]),
    IndexSpec(TENANTS, [("state.relationship.value.tier1_partner_id", 1)]),
    IndexSpec(TICKETS, [("state.partner_id", 1), ("state.opened_at", -1)]),
]
"""The indexes the directory's queries use."""


class MongoTicketNumbers:
    """Ticket sequence numbers from one counter document, incremented atomically.

    Every instance increments the same document (`_id` `ticket_number`) with `$inc` in a
    single `find_one_and_update`: the server serialises the increments, so no two callers
    ever see the same value, whatever the timing. The first call creates the document by
    upsert; of two first calls racing, the loser gets a duplicate-key error and simply
    increments the document the winner created.
    """

    def __init__(self, collection: AsyncCollection[Document]) -> None:
        self._col = collection

    async def next(self) -> int:
        for _ in range(3):
            try:
                doc = await self._col.find_one_and_update(
                    {"_id": TICKET_SEQUENCE},
                    {"$inc": {"value": 1}},
                    upsert=True,
                    return_document=ReturnDocument.AFTER,
                )
            except DuplicateKeyError:
                continue
            assert doc is not None
            return int(doc["value"])
        raise RuntimeError("could not allocate a ticket number")  # pragma: no cover


def _state(doc: Document) -> Document:
    return unescape_keys(doc["state"])


class MongoDirectory:
    """Queries over support's collections (see `application.deps.Directory`)."""

    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._db = db

    async def tenants_with_id(self, tenant_id: str) -> list[TenantRecord]:
        cursor = self._db[TENANTS].find({"state.tenant_id.value": tenant_id})
        return [loader(TenantRecord)(_state(doc)) async for doc in cursor]

    async def tenants_of(self, partner_id: str) -> list[TenantRecord]:
        cursor = (
            self._db[TENANTS]
            .find(
                {
                    "$or": [
                        {"state.relationship.value.reseller_partner_id": partner_id},
                        {"state.relationship.value.tier1_partner_id": partner_id},
                    ]
                }
            )
            .sort("_id", 1)
        )
        records = [loader(TenantRecord)(_state(doc)) async for doc in cursor]
        return [r for r in records if r.belongs_to(partner_id)]

    async def partner(self, partner_id: str) -> PartnerRecord | None:
        doc = await self._db[PARTNERS].find_one({"_id": partner_id})
        return None if doc is None else loader(PartnerRecord)(_state(doc))

    async def tickets(
        self, partner_id: str | None, opened_by: str | None, limit: int
    ) -> list[Ticket]:
        query: Document = {}
        if partner_id is not None:
            query["state.partner_id"] = partner_id
        if opened_by is not None:
            query["state.opened_by"] = opened_by
        cursor = self._db[TICKETS].find(query).sort("state.opened_at", -1).limit(limit)
        return [loader(Ticket)(_state(doc)) async for doc in cursor]


def ticket_numbers(db: AsyncDatabase[Document]) -> MongoTicketNumbers:
    """The allocator over the service's counters collection."""
    return MongoTicketNumbers(db[COUNTERS])
