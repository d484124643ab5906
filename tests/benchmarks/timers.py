"""Cost of one timer sweep as the number of aggregates grows (issue "Throughput", item 2).

    uv run python -m tests.benchmarks.timers --aggregates 1000 10000 --due-percent 1 --runs 3

For each size it seeds that many aggregate documents (each with one pending timer; the
given share already due) on the Mongo-wire server named by `PARTNEROPS_MONGO__URL` (default
the local one), then measures, over `--runs` fresh seeds (min and median):
- *sweep*: `TimerPoller.fire_due()` firing every due timer (the in-memory due index, an
  `_id` read and a lease compare-and-set per due aggregate, the effect stored through the
  aggregate store) — what every poll costs once something is due;
- *idle tick*: `fire_due()` when nothing is due;
- *reload*: the projection read of every pending timer, done at start and every
  `timer_reload_seconds` (60 s by default), not per tick;
- *query sweep*: the same firing done the way the poller did before, one
  `find_one_and_update({next_due_at <= now, no live lease})` per due aggregate plus the one
  that finds nothing: the baseline, measured in the same run.
It prints a table and writes it as JSON (`--json`, default `timers-benchmark.json`).
Times are wall-clock milliseconds; they depend on the machine, compare the ratios.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo import AsyncMongoClient, ReturnDocument

from shared.clock import FixedClock
from shared.ids import new_id
from shared.mongo import aggregate_indexes, ensure_indexes
from shared.store import AggregateStore, Change, Stored, Timer
from shared.timers import FireTimer, TimerPoller, timer_message_id

T0 = datetime(2031, 3, 3, 8, 0, tzinfo=UTC)


async def _seed(store: AggregateStore, count: int, due_every: int) -> None:
    async def one(i: int) -> None:
        due = T0 - timedelta(minutes=1) if i % due_every == 0 else T0 + timedelta(days=1)
        timer = Timer(id=f"t{i}", kind="remind", due_at=due)
        await store.save(
            f"a{i:06d}", Change({"n": i}, [], [timer]), expected_version=0, handled_id=None
        )

    for start in range(0, count, 200):
        await asyncio.gather(*(one(i) for i in range(start, min(count, start + 200))))


def _firing(store: AggregateStore) -> FireTimer:
    async def fire(aggregate_id: str, timer: Timer) -> None:
        def decide(stored: Stored | None) -> Change | None:
            assert stored is not None
            rest = [t for t in stored.timers if t.id != timer.id]
            return Change({**stored.state, "fired": timer.id}, [], rest)

        await store.apply(aggregate_id, timer_message_id(timer), decide)

    return fire


async def _query_sweep(store: AggregateStore, clock: FixedClock) -> int:
    """The former poller: a filtered find_one_and_update per due document."""
    fire, fired = _firing(store), 0
    while True:
        now = clock.now()
        doc = await store.collection.find_one_and_update(
            {
                "next_due_at": {"$lte": now},
                "$or": [{"lease_until": None}, {"lease_until": {"$lt": now}}],
            },
            {"$set": {"lease_until": now + timedelta(seconds=30), "lease_owner": "bench"}},
            return_document=ReturnDocument.AFTER,
        )
        if doc is None:
            return fired
        for t in doc["timers"]:
            if t["due_at"] <= now:
                await fire(doc["_id"], Timer.from_doc(t))
                fired += 1


async def _one_run(client: AsyncMongoClient[Any], count: int, due_every: int) -> dict[str, float]:
    database = client[f"bench_timers_{new_id().lower()}"]
    try:
        figures: dict[str, float] = {}
        for way in ("query", "index"):
            collection = database[f"agg_{way}"]
            await ensure_indexes(database, aggregate_indexes(collection.name))
            store = AggregateStore(collection)
            await _seed(store, count, due_every)
            clock = FixedClock(T0)
            if way == "query":
                start = time.perf_counter()
                fired = await _query_sweep(store, clock)
                figures["query_sweep_ms"] = (time.perf_counter() - start) * 1000
            else:
                poller = TimerPoller(collection, clock, _firing(store), "bench", store=store)
                start = time.perf_counter()
                await poller.reload()
                figures["reload_ms"] = (time.perf_counter() - start) * 1000
                start = time.perf_counter()
                fired = await poller.fire_due()
                figures["sweep_ms"] = (time.perf_counter() - start) * 1000
                start = time.perf_counter()
                assert await poller.fire_due() == 0
                figures["idle_tick_ms"] = (time.perf_counter() - start) * 1000
            assert fired == (count + due_every - 1) // due_every, (way, fired)
        figures["due"] = fired
        return figures
    finally:
        await client.drop_database(database.name)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--aggregates", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--due-percent", type=float, default=1.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", default="timers-benchmark.json")
    args = parser.parse_args()
    url = os.environ.get("PARTNEROPS_MONGO__URL", "mongodb://127.0.0.1:37017")
    client: AsyncMongoClient[Any] = AsyncMongoClient(url, tz_aware=True)
    due_every = max(1, round(100 / args.due_percent))
    rows = []
    try:
        for count in args.aggregates:
            runs = [await _one_run(client, count, due_every) for _ in range(args.runs)]
            row: dict[str, Any] = {"aggregates": count, "due": runs[0]["due"]}
            for key in ("sweep_ms", "idle_tick_ms", "reload_ms", "query_sweep_ms"):
                values = [r[key] for r in runs]
                row[key] = {"min": min(values), "median": statistics.median(values)}
            row["sweep_ms_per_due"] = row["sweep_ms"]["median"] / row["due"]
            row["query_sweep_ms_per_due"] = row["query_sweep_ms"]["median"] / row["due"]
            rows.append(row)
    finally:
        await client.close()
    header = (
        f"{'aggregates':>10} {'due':>5} {'sweep ms':>10} {'per due':>8} {'idle tick':>9} "
        f"{'reload':>8} {'query sweep':>11} {'per due':>8}"
    )
    print(header)
    for r in rows:
        print(
            f"{r['aggregates']:>10} {r['due']:>5} {r['sweep_ms']['median']:>10.1f} "
            f"{r['sweep_ms_per_due']:>8.2f} {r['idle_tick_ms']['median']:>9.2f} "
            f"{r['reload_ms']['median']:>8.1f} {r['query_sweep_ms']['median']:>11.1f} "
            f"{r['query_sweep_ms_per_due']:>8.2f}"
        )
    if len(rows) >= 2:
        small, large = rows[0], rows[-1]
        print(
            f"per due timer, {large['aggregates']} vs {small['aggregates']} aggregates: "
            f"sweep ×{large['sweep_ms_per_due'] / small['sweep_ms_per_due']:.2f}, "
            f"query sweep ×{large['query_sweep_ms_per_due'] / small['query_sweep_ms_per_due']:.2f}"
        )
    with open(args.json, "w", encoding="utf-8") as out:
        json.dump({"medians_of": args.runs, "rows": rows}, out, indent=2)


if __name__ == "__main__":
    asyncio.run(main())
