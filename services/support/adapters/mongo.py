"""Support's ports over the Mongo-wire server: the ticket-number allocator and the
directory (read-model and ticket queries). Only primitives every supported server
honours: inserts refused on a duplicate `_id`, plain finds on indexed fields.
"""

from __future__ import annotations

import asyncio

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from services.support.adapters.documents import (
    PARTNERS,
    TENANTS,
    TICKET_NUMBERS,
    TICKETS,
    PartnerRecord,
    loader,
)
from services.support.domain.tenants import TenantRecord
from services.support.domain.ticket import Ticket
from shared.batch import persist_before_query
from shared.errors import Transient
from shared.mongo import Document, IndexSpec
from shared.store import EXISTING, unescape_keys


class MongoTicketNumbers:
    """Ticket sequence numbers as documents whose `_id` is the number (`support_ticket_numbers`).

    A number is taken by inserting `{_id: number, ticket_id}`: the unique `_id` makes the
    insert succeed for exactly one caller whatever the timing, and the unique `ticket_id`
    (`INDEXES`) for exactly one number per ticket — two instances opening the same ticket
    at once (a rebalance hands its command to the second while the first still runs it)
    took one number each before, and the ticket kept one: a gap. The loser of either race
    reads again: the ticket's number if another caller gave it one, else the next. Both
    hold on every supported server
    (an upserted `$inc` through `find_one_and_update` is not: mongo-java-server hands the
    same value to concurrent callers, see `tests/integration/mongo_contract/test_counter.py`).
    The candidate is the highest number taken plus one; a caller that loses the race reads
    again and tries the next. A ticket that already holds a number (a redelivered opening
    whose first attempt stopped after taking it) gets the same one back, so no number is
    lost to retries. Inside one process the claims take turns (a lock), so only instances
    contend with each other — a few callers, not every concurrent handler; a claim that
    still loses `attempts` times is a transient fault (the message is retried).
    """

    def __init__(self, collection: AsyncCollection[Document], attempts: int = 100) -> None:
        self._col = collection
        self._attempts = attempts
        self._turn = asyncio.Lock()

    async def claim(self, ticket_id: str) -> int:
        held = await self._col.find_one({"ticket_id": ticket_id})
        if held is not None:
            return int(held["_id"])
        async with self._turn:
            held = await self._col.find_one({"ticket_id": ticket_id})
            if held is not None:  # a concurrent handler of this ticket took it meanwhile
                return int(held["_id"])
            return await self._take(ticket_id)

    async def _take(self, ticket_id: str) -> int:
        for _ in range(self._attempts):
            last = await self._col.find_one({}, sort=[("_id", -1)])
            candidate = 1 if last is None else int(last["_id"]) + 1
            try:
                await self._col.insert_one({"_id": candidate, "ticket_id": ticket_id})
            except DuplicateKeyError:
                held = await self._col.find_one({"ticket_id": ticket_id})
                if held is not None:  # another instance numbered this ticket meanwhile
                    return int(held["_id"])
                continue  # the number went to another ticket: the next one
            return candidate
        raise Transient("no ticket number after many attempts: too much contention")


VOID = "void:"
"""Prefix of the `ticket_id` a surplus number is given (`void_duplicate_numbers`)."""


async def void_duplicate_numbers(db: AsyncDatabase[Document]) -> None:
    """Before `ticket_id` is unique: a ticket that got more than one number (two instances
    at once, before the index) keeps the one its ticket shows (`state.ticket_number`; the
    lowest when it has none yet); every other stays taken, under `void:<number>` — never
    handed out again, so no ticket can share it. Idempotent; reads the collection once."""
    numbers: dict[str, list[int]] = {}
    async for doc in db[TICKET_NUMBERS].find({}, {"ticket_id": 1}):
        numbers.setdefault(str(doc.get("ticket_id")), []).append(int(doc["_id"]))
    for ticket_id, held in numbers.items():
        if len(held) < 2 or ticket_id.startswith(VOID):
            continue
        ticket = await db[TICKETS].find_one({"_id": ticket_id}, {"state.ticket_number": 1})
        shown = str((ticket or {}).get("state", {}).get("ticket_number") or "")
        kept = int(shown[2:]) if shown[2:].isdigit() and int(shown[2:]) in held else min(held)
        for number in held:
            if number != kept:
                await db[TICKET_NUMBERS].update_one(
                    {"_id": number, "ticket_id": ticket_id},
                    {"$set": {"ticket_id": VOID + str(number)}},
                )


def _state(doc: Document) -> Document:
    return unescape_keys(doc["state"])


class MongoDirectory:
    """Queries over support's collections (see `application.deps.Directory`). On the batch
    path each first stores what the batch decided in the collections it reads
    (`shared.batch.persist_before_query`): it answers as on the per-message path."""

    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._db = db

    async def tenants_with_id(self, tenant_id: str) -> list[TenantRecord]:
        await persist_before_query(TENANTS)
        cursor = self._db[TENANTS].find({"state.tenant_id.value": tenant_id})
        return [loader(TenantRecord)(_state(doc)) async for doc in cursor]

    async def tenants_of(self, partner_id: str) -> list[TenantRecord]:
        await persist_before_query(TENANTS)
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
        await persist_before_query(PARTNERS)
        doc = await self._db[PARTNERS].find_one({"_id": partner_id, **EXISTING})
        return None if doc is None else loader(PartnerRecord)(_state(doc))

    async def tickets(
        self, partner_id: str | None, opened_by: str | None, limit: int
    ) -> list[Ticket]:
        await persist_before_query(TICKETS)
        query: Document = dict(EXISTING)  # not refusal records
        if partner_id is not None:
            query["state.partner_id"] = partner_id
        if opened_by is not None:
            query["state.opened_by"] = opened_by
        cursor = self._db[TICKETS].find(query).sort("state.opened_at", -1).limit(limit)
        return [loader(Ticket)(_state(doc)) async for doc in cursor]


def ticket_numbers(db: AsyncDatabase[Document]) -> MongoTicketNumbers:
    """The allocator over the service's ticket-number collection."""
    return MongoTicketNumbers(db[TICKET_NUMBERS])


INDEXES = [
    IndexSpec(TENANTS, [("state.tenant_id.value", 1)]),
    IndexSpec(TENANTS, [("state.relationship.value.reseller_partner_id", 1)]),
    IndexSpec(TENANTS, [("state.relationship.value.tier1_partner_id", 1)]),
    IndexSpec(TICKETS, [("state.partner_id", 1), ("state.opened_at", -1)]),
    IndexSpec(
        TICKET_NUMBERS,
        [("ticket_id", 1)],
        unique=True,
        name="ticket_id_unique",
        replaces=("ticket_id_1",),  # not unique: two instances could number one ticket twice
        prepare=void_duplicate_numbers,
    ),
]
"""The indexes the directory's queries use, and the one that keeps a ticket to one number."""
