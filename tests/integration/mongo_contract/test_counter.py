"""Support's ticket-number allocator: numbers taken by inserting `{_id: number}`, from
several clients at once, are each handed out exactly once (1, 2, … without gaps when
nothing fails); a ticket asking again gets its own number back.

(An upserted `$inc` through `find_one_and_update` — the usual counter — fails this on
mongo-java-server: concurrent callers get the same value.)"""

from __future__ import annotations

import asyncio

import pytest

from services.support.adapters.mongo import INDEXES, MongoTicketNumbers
from shared.mongo import ensure_indexes
from tests.integration.mongo_contract.test_concurrency import WRITERS, clients

pytestmark = pytest.mark.integration

PER_WRITER = 25


async def test_concurrent_claims_give_each_number_once(mongo_url, mongo_db):
    async with clients(mongo_url) as opened:
        counters = [MongoTicketNumbers(c[mongo_db.name]["support_ticket_numbers"]) for c in opened]

        async def take(writer: int, counter: MongoTicketNumbers) -> list[int]:
            return [await counter.claim(f"T-{writer}-{i}") for i in range(PER_WRITER)]

        taken = await asyncio.gather(*(take(w, counter) for w, counter in enumerate(counters)))
        again = await counters[-1].claim("T-0-3")

    values = sorted(v for part in taken for v in part)
    assert values == list(range(1, WRITERS * PER_WRITER + 1))
    assert all(part == sorted(part) for part in taken)  # each caller's numbers only grow
    assert again == taken[0][3]


async def test_one_ticket_claimed_by_concurrent_handlers_in_one_process_gets_one_number(
    mongo_db,
):
    counter = MongoTicketNumbers(mongo_db["support_ticket_numbers"])
    numbers = await asyncio.gather(*(counter.claim("T-same") for _ in range(5)))
    after = await counter.claim("T-next")

    assert set(numbers) == {1}  # the same ticket, one number, whoever asked first
    assert after == 2  # and no number was taken and lost on the way


async def test_one_ticket_claimed_by_two_instances_at_once_gets_one_number(mongo_url, mongo_db):
    """Two instances handle the same opening at once around a rebalance: each took a number
    for the ticket (the lock is per process), the ticket kept one and the other was a gap
    (`NA…09` where `NA…08` was due, in a parallel test run). The unique `ticket_id` index
    the service creates makes the second insert fail, and its caller reads the first."""
    await ensure_indexes(mongo_db, INDEXES)
    async with clients(mongo_url) as opened:
        counters = [MongoTicketNumbers(c[mongo_db.name]["support_ticket_numbers"]) for c in opened]
        rounds = [
            await asyncio.gather(*(counter.claim(f"T-{i}") for counter in counters))
            for i in range(PER_WRITER)
        ]
    assert [set(numbers) for numbers in rounds] == [{i} for i in range(1, PER_WRITER + 1)]
    stored = await mongo_db["support_ticket_numbers"].find({}).sort("_id", 1).to_list()
    assert [d["_id"] for d in stored] == list(range(1, PER_WRITER + 1))  # no number lost


async def test_a_ticket_numbered_twice_before_the_unique_index_keeps_the_number_it_shows(
    mongo_db,
):
    """A database from before the unique index: `ticket_id_1` (not unique) and tickets that
    got two numbers. At start-up the ticket keeps the number its document shows (or the
    lowest, when it has not been stored yet); the other stays taken under `void:<n>`."""
    numbers = mongo_db["support_ticket_numbers"]
    await numbers.create_index([("ticket_id", 1)])  # what earlier versions made
    await numbers.insert_many(
        [
            {"_id": 1, "ticket_id": "T-shown"},
            {"_id": 2, "ticket_id": "T-shown"},
            {"_id": 3, "ticket_id": "T-pending"},
            {"_id": 4, "ticket_id": "T-pending"},
            {"_id": 5, "ticket_id": "T-once"},
        ]
    )
    await mongo_db["support_tickets"].insert_one(
        {"_id": "T-shown", "state": {"ticket_number": "NA00000002"}}
    )
    await ensure_indexes(mongo_db, INDEXES)
    await ensure_indexes(mongo_db, INDEXES)  # a second start (or instance): nothing changes

    stored = {d["_id"]: d["ticket_id"] async for d in numbers.find({})}
    assert stored == {1: "void:1", 2: "T-shown", 3: "T-pending", 4: "void:4", 5: "T-once"}
    indexes = await numbers.index_information()
    assert indexes["ticket_id_unique"]["unique"] and "ticket_id_1" not in indexes
    counter = MongoTicketNumbers(numbers)
    assert [await counter.claim(t) for t in ("T-shown", "T-pending", "T-new")] == [2, 3, 6]
