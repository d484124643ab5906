"""Support's ticket-number allocator: numbers taken by inserting `{_id: number}`, from
several clients at once, are each handed out exactly once (1, 2, … without gaps when
nothing fails); a ticket asking again gets its own number back.

(An upserted `$inc` through `find_one_and_update` — the usual counter — fails this on
mongo-java-server: concurrent callers get the same value.)"""

from __future__ import annotations

import asyncio

import pytest

from services.support.adapters.mongo import MongoTicketNumbers
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
