"""Conditional writes from several clients at once: each applies atomically or says it did not.

Every writer has its own client (its own connections), so the server really interleaves
them; the asserts are about what the server stored and what it told each writer.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pymongo import AsyncMongoClient
from pymongo.errors import BulkWriteError, DuplicateKeyError

from services.onboarding.adapters.admin_claims import UniqueClaims
from services.porting.adapters.repository import NumberClaims
from shared.clock import FixedClock
from shared.events import new_event
from shared.kafka import ConcurrencyConflict
from shared.store import AggregateStore, Change, Outgoing, Stored, Timer
from shared.timers import TimerPoller
from tests.integration.counter_service import Bumped

pytestmark = pytest.mark.integration

WRITERS = 4
UPDATES = 25
T0 = datetime(2031, 3, 4, 5, 6, 7, tzinfo=UTC)
"""The pinned instant of these tests."""


@asynccontextmanager
async def clients(url: str, count: int = WRITERS) -> AsyncIterator[list[AsyncMongoClient[Any]]]:
    """`count` independent clients (each with its own connection pool)."""
    opened: list[AsyncMongoClient[Any]] = [
        AsyncMongoClient(url, tz_aware=True) for _ in range(count)
    ]
    try:
        yield opened
    finally:
        for client in opened:
            await client.close()


async def test_concurrent_versioned_updates_apply_each_reported_update_exactly_once(
    mongo_url, mongo_db
):
    await mongo_db.docs.insert_one({"_id": "d1", "version": 0, "handled": []})

    async def writer(client: AsyncMongoClient[Any], name: str) -> int:
        col = client[mongo_db.name].docs
        reported = 0
        for i in range(UPDATES):
            for _attempt in range(1000):
                doc = await col.find_one({"_id": "d1"})
                assert doc is not None
                n = doc["version"]
                result = await col.update_one(
                    {"_id": "d1", "version": n},
                    {"$set": {"version": n + 1}, "$push": {"handled": f"{name}-{i}"}},
                )
                assert result.matched_count == result.modified_count
                if result.modified_count == 1:
                    reported += 1
                    break
            else:
                raise AssertionError(f"{name}-{i} never applied")
        return reported

    async with clients(mongo_url) as opened:
        reported = await asyncio.gather(
            *(writer(c, f"w{k}") for k, c in enumerate(opened, start=1))
        )

    doc = await mongo_db.docs.find_one({"_id": "d1"})
    expected = sorted(f"w{k}-{i}" for k in range(1, WRITERS + 1) for i in range(UPDATES))
    assert sum(reported) == WRITERS * UPDATES
    assert doc["version"] == WRITERS * UPDATES  # no update reported as applied was lost
    assert sorted(doc["handled"]) == expected  # every tracking id, each once


async def test_concurrent_aggregate_store_applies_keep_every_effect_tracking_id_and_event(
    mongo_url, mongo_db
):
    seed = AggregateStore(mongo_db.counters)
    await seed.save("c1", Change({"value": 0}), expected_version=0, handled_id="seed")

    async def writer(client: AsyncMongoClient[Any], name: str) -> None:
        store = AggregateStore(client[mongo_db.name].counters)
        for i in range(UPDATES):
            message_id = f"{name}-{i}"

            def decide(stored: Stored | None, message_id: str = message_id) -> Change:
                assert stored is not None
                value = stored.state["value"] + 1
                event = new_event(
                    Bumped(counter_id="c1", value=value),
                    source="/tests",
                    now=T0,
                    subject="c1",
                    event_id=f"evt-{message_id}",
                )
                return Change({"value": value}, [Outgoing("counter.events", event)])

            for _attempt in range(50):  # the dispatcher retries a conflict the same way
                try:
                    applied = await store.apply("c1", message_id, decide)
                    break
                except ConcurrencyConflict:
                    continue
            else:
                raise AssertionError(f"{message_id} never applied")
            assert applied.changed

    async with clients(mongo_url) as opened:
        await asyncio.gather(*(writer(c, f"w{k}") for k, c in enumerate(opened, start=1)))

    doc = await mongo_db.counters.find_one({"_id": "c1"})
    ids = sorted(f"w{k}-{i}" for k in range(1, WRITERS + 1) for i in range(UPDATES))
    assert doc["state"]["value"] == WRITERS * UPDATES
    assert doc["version"] == 1 + WRITERS * UPDATES
    assert sorted(doc["handled"]) == sorted(["seed", *ids])
    assert sorted(e["id"] for e in doc["outbox"]) == sorted(f"evt-{i}" for i in ids)
    assert doc["outbox_pending"] is True


async def test_each_due_timer_is_leased_by_exactly_one_of_four_pollers(mongo_url, mongo_db):
    due = T0 - timedelta(minutes=1)
    seed = AggregateStore(mongo_db.counters)
    ids = [f"c{i:02d}" for i in range(40)]
    for doc_id in ids:
        timer = Timer(id=f"t-{doc_id}", kind="remind", due_at=due)
        await seed.save(
            doc_id, Change({"value": 0}, [], [timer]), expected_version=0, handled_id=None
        )
    # Not due yet: must never be leased.
    later = Timer(id="t-later", kind="remind", due_at=T0 + timedelta(seconds=1))
    await seed.save("later", Change({}, [], [later]), expected_version=0, handled_id=None)

    async def never_fired(aggregate_id: str, timer: Timer) -> None:
        raise AssertionError("claim() only")

    async def poll(client: AsyncMongoClient[Any], owner: str) -> list[tuple[str, str]]:
        poller = TimerPoller(client[mongo_db.name].counters, FixedClock(T0), never_fired, owner)
        leased = []
        while (doc := await poller.claim_next()) is not None:
            assert doc["lease_owner"] == owner  # the document after the update
            assert doc["lease_until"] == T0 + timedelta(seconds=30)
            leased.append((doc["_id"], owner))
        return leased

    async with clients(mongo_url) as opened:
        results = await asyncio.gather(*(poll(c, f"p{k}") for k, c in enumerate(opened)))

    claims = [claim for result in results for claim in result]
    counts = Counter(doc_id for doc_id, _ in claims)
    assert sorted(counts) == ids and set(counts.values()) == {1}  # each once, "later" never
    stored = {d["_id"]: d["lease_owner"] async for d in mongo_db.counters.find({})}
    assert stored == {**dict(claims), "later": None}


async def test_a_unique_id_is_won_by_exactly_one_of_four_racing_inserts(mongo_url, mongo_db):
    keys = [f"k{i:02d}" for i in range(30)]

    async def claim_each(client: AsyncMongoClient[Any], owner: str, order: list[str]) -> set[str]:
        won = set()
        for key in order:
            try:
                await client[mongo_db.name].claims.insert_one({"_id": key, "owner": owner})
                won.add(key)
            except DuplicateKeyError:
                pass
        return won

    async def claim_bulk(client: AsyncMongoClient[Any], owner: str) -> set[str]:
        try:
            await client[mongo_db.name].bulk_claims.insert_many(
                [{"_id": key, "owner": owner} for key in keys], ordered=False
            )
            return set(keys)
        except BulkWriteError as error:
            errors = error.details["writeErrors"]
            assert {e["code"] for e in errors} == {11000}
            return set(keys) - {e["op"]["_id"] for e in errors}

    orders = [keys, keys[::-1], keys[1::2] + keys[::2], keys[::2] + keys[1::2]]
    async with clients(mongo_url) as opened:
        single = await asyncio.gather(
            *(claim_each(c, f"o{k}", orders[k]) for k, c in enumerate(opened))
        )
        bulk = await asyncio.gather(*(claim_bulk(c, f"o{k}") for k, c in enumerate(opened)))

    for collection, winners in (("claims", single), ("bulk_claims", bulk)):
        assert sorted(key for won in winners for key in won) == keys  # each key won once
        stored = {d["_id"]: d["owner"] async for d in mongo_db[collection].find({})}
        assert stored == {key: f"o{k}" for k, won in enumerate(winners) for key in won}


async def test_the_services_claims_give_a_contested_value_to_exactly_one_owner(mongo_url, mongo_db):
    numbers = [f"+3120555{i:04d}" for i in range(12)]
    group_ids = [f"group-{i}" for i in range(12)]

    async def always_active(*_: str) -> bool:
        return True

    async def all_holding(owners: set[str]) -> set[str]:
        return owners  # every other owner is an active request

    async def port(client: AsyncMongoClient[Any], port_id: str) -> set[str]:
        claims = NumberClaims(client[mongo_db.name].number_claims)
        held = await claims.claim(port_id, "P-1", numbers, all_holding)
        # Claiming in order stops at the first number another request holds.
        return set() if held else set(numbers)

    async def group(client: AsyncMongoClient[Any], owner: str) -> set[str]:
        claims = UniqueClaims(client[mongo_db.name].group_id_claims)
        return {key for key in group_ids if await claims.claim(key, owner, "P-1", always_active)}

    async with clients(mongo_url) as opened:
        ports = await asyncio.gather(*(port(c, f"port-{k}") for k, c in enumerate(opened)))
        groups = await asyncio.gather(*(group(c, f"owner-{k}") for k, c in enumerate(opened)))

    assert sorted(n for won in ports for n in won) == sorted(numbers)
    assert sorted(g for won in groups for g in won) == sorted(group_ids)
    owners = {d["_id"]: d["port_id"] async for d in mongo_db.number_claims.find({})}
    assert owners == {n: f"port-{k}" for k, won in enumerate(ports) for n in won}
