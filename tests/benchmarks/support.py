"""Support: ticket opening throughput and the breach sweep as open tickets grow (issue 11).

    uv run python -m tests.benchmarks.support --tickets 500 --open-tickets 1000 10000 --runs 3

On the Mongo-wire server named by `PARTNEROPS_MONGO__URL` (default the local one):
- *opening*: `--tickets` `support.ticket.open` commands through the real use case
  (read model look-ups, number allocation, domain checks and the versioned write with its
  outbox and timers; publishing replaced by a no-op), `--concurrency` at a time; the
  *baseline* of the same run inserts the same number of ticket-sized documents with one
  `insert_one` each at the same concurrency. Reported: tickets/s and the ratio to the
  baseline; also the same use case on the in-memory store (our own cost alone).
- *breach sweep*: `--open-tickets` open S1 tickets seeded with their breach timers, of
  which `--due-percent` are due; the time of one `TimerPoller.fire_due()` firing them
  through the real timer use case (breach + first escalation level stored), and how the
  time per breached ticket grows from the smallest size to the largest.
Times are wall-clock; they depend on the machine, compare the ratios. JSON goes to
`--json` (default `support-benchmark.json`).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from services.support.adapters.documents import TICKETS, loader
from services.support.adapters.mongo import INDEXES, MongoDirectory, ticket_numbers
from services.support.application import tickets, timers
from services.support.application.deps import Support
from services.support.application.payloads import payloads
from services.support.domain.calendar import Location
from services.support.domain.policy import SupportPolicy
from services.support.domain.ticket import Ticket
from shared.clock import FixedClock
from shared.events import Envelope, new_event
from shared.ids import new_id
from shared.memory_store import InMemoryAggregateStore
from shared.mongo import Document, aggregate_indexes, ensure_indexes
from shared.repository import Unswept
from shared.store import AggregateStore
from shared.timers import TimerPoller
from shared.usecase import UseCases
from tests.unit.support.world import open_command, seed_tenant

T0 = datetime(2031, 3, 3, 10, 0, tzinfo=UTC)  # a Monday


class _NoOutbox(Unswept):
    async def publish_written(self, collection: str, doc_id: str, entries: list[Document]) -> None:
        return None

    async def flush(self, collection: str, doc_id: str) -> int:
        return 0


async def _nothing(topic: str, envelope: Envelope) -> None:
    return None


def _support(stores: Callable[[str], Any], directory: Any, numbers: Any, clock: Any) -> Support:
    uc = UseCases("support", "support.events", clock, stores, _NoOutbox(), _nothing, payloads)
    return Support(uc, SupportPolicy(), numbers, directory, Location("GB"))


def _mongo_support(db: AsyncDatabase[Document], clock: FixedClock) -> Support:
    made: dict[str, AggregateStore] = {}

    def store(name: str) -> AggregateStore:
        if name not in made:
            made[name] = AggregateStore(db[name])
        return made[name]

    return _support(store, MongoDirectory(db), ticket_numbers(db), clock)


async def _seed_read_model(support: Support) -> None:
    """The tenant the tickets are opened for, through the real read-model use cases."""
    from tests.unit.support.world import World

    world = World(clock=FixedClock(T0))
    world.support = support
    world.uc = support.uc
    await seed_tenant(world)


async def _concurrently(jobs: list[Callable[[], Awaitable[None]]], width: int) -> float:
    queue = list(reversed(jobs))

    async def worker() -> None:
        while queue:
            await queue.pop()()

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(width)))
    return time.perf_counter() - start


def _opening_jobs(support: Support, count: int, run: str) -> list[Callable[[], Awaitable[None]]]:
    def job(i: int) -> Callable[[], Awaitable[None]]:
        cmd = open_command(f"{run}-{i}")
        cause = new_event(cmd, source="/bench", now=T0, subject=cmd.partner_id)
        return lambda: tickets.open_ticket(support, cause, cmd)

    return [job(i) for i in range(count)]


async def _opening(client: AsyncMongoClient[Any], count: int, width: int) -> dict[str, float]:
    db = client[f"bench_support_{new_id().lower()}"]
    try:
        await ensure_indexes(db, [*INDEXES, *aggregate_indexes(TICKETS)])
        support = _mongo_support(db, FixedClock(T0))
        await _seed_read_model(support)
        seconds = await _concurrently(_opening_jobs(support, count, "m"), width)
        assert await db[TICKETS].count_documents({}) == count
        sample = await db[TICKETS].find_one({})
        assert sample is not None
        body = {k: v for k, v in sample.items() if k != "_id"}
        baseline_col = db["baseline"]

        def insert(i: int) -> Callable[[], Awaitable[None]]:
            async def run() -> None:
                await baseline_col.insert_one({**body, "_id": f"b{i}"})

            return run

        baseline = await _concurrently([insert(i) for i in range(count)], width)
        stores: dict[str, InMemoryAggregateStore] = {}

        def memory(name: str) -> InMemoryAggregateStore:
            return stores.setdefault(name, InMemoryAggregateStore(name))

        from services.support.adapters.memory import MemoryDirectory, MemoryTicketNumbers

        in_memory = _support(memory, MemoryDirectory(stores), MemoryTicketNumbers(), FixedClock(T0))
        await _seed_read_model(in_memory)
        memory_seconds = await _concurrently(_opening_jobs(in_memory, count, "x"), width)
        return {
            "tickets_per_s": count / seconds,
            "baseline_inserts_per_s": count / baseline,
            "in_memory_tickets_per_s": count / memory_seconds,
        }
    finally:
        await client.drop_database(db.name)


async def _sweep(client: AsyncMongoClient[Any], count: int, due_every: int) -> dict[str, float]:
    """Seed `count` open S1 tickets (every `due_every`-th past its breach), sweep once."""
    db = client[f"bench_support_{new_id().lower()}"]
    try:
        await ensure_indexes(db, [*INDEXES, *aggregate_indexes(TICKETS)])
        clock = FixedClock(T0)
        support = _mongo_support(db, clock)
        await _seed_read_model(support)
        template_cmd = open_command("template", impact="widespread", urgency="critical")
        cause = new_event(template_cmd, source="/bench", now=T0, subject="p")
        await tickets.open_ticket(support, cause, template_cmd)
        template = await db[TICKETS].find_one({})
        assert template is not None
        await db[TICKETS].delete_many({})
        store = AggregateStore(db[TICKETS])
        state = template["state"]
        due_at = template["timers"][0]["due_at"]
        docs: list[Document] = []
        for i in range(count):
            ticket_id = f"TKT-B{i:07d}"
            later = timedelta(0) if i % due_every == 0 else timedelta(days=1)
            timer = {**template["timers"][0], "id": f"{ticket_id}:response:1:breach"}
            timer["due_at"] = due_at + later
            docs.append(
                {
                    **{k: v for k, v in template.items() if k != "_id"},
                    "_id": ticket_id,
                    "state": {**state, "ticket_id": ticket_id, "ticket_number": f"NA{i + 1:08d}"},
                    "timers": [timer],
                    "next_due_at": timer["due_at"],
                }
            )
        for offset in range(0, count, 1000):
            await db[TICKETS].insert_many(docs[offset : offset + 1000])
        loader(Ticket)(docs[0]["state"])  # the seeded state is a valid ticket
        clock.set(due_at + timedelta(minutes=1))

        async def fire(ticket_id: str, timer: Any) -> None:
            await timers.fire(support, ticket_id, timer)

        poller = TimerPoller(db[TICKETS], clock, fire, "bench", store=store)
        await poller.reload()
        start = time.perf_counter()
        fired = await poller.fire_due()
        sweep = time.perf_counter() - start
        breached = await db[TICKETS].count_documents(
            {"state.response_plans.0.breached_at": {"$ne": None}}
        )
        due = (count + due_every - 1) // due_every
        assert fired == due and breached == due, (fired, breached, due)
        start = time.perf_counter()
        assert await poller.fire_due() == 0
        idle = time.perf_counter() - start
        return {"due": due, "sweep_ms": sweep * 1000, "idle_tick_ms": idle * 1000}
    finally:
        await client.drop_database(db.name)


async def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--tickets", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--open-tickets", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--due-percent", type=float, default=1.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", default="support-benchmark.json")
    args = parser.parse_args()
    url = os.environ.get("PARTNEROPS_MONGO__URL", "mongodb://127.0.0.1:37017")
    client: AsyncMongoClient[Any] = AsyncMongoClient(url, tz_aware=True)
    due_every = max(1, round(100 / args.due_percent))
    result: dict[str, Any] = {"medians_of": args.runs}
    try:
        openings = [
            await _opening(client, args.tickets, args.concurrency) for _ in range(args.runs)
        ]
        opening = {k: statistics.median(r[k] for r in openings) for k in openings[0]}
        opening["ratio_to_baseline"] = opening["tickets_per_s"] / opening["baseline_inserts_per_s"]
        result["opening"] = opening
        rows = []
        for count in args.open_tickets:
            runs = [await _sweep(client, count, due_every) for _ in range(args.runs)]
            row: dict[str, float] = {
                "open_tickets": count,
                "due": runs[0]["due"],
                "sweep_ms": statistics.median(r["sweep_ms"] for r in runs),
                "idle_tick_ms": statistics.median(r["idle_tick_ms"] for r in runs),
            }
            row["ms_per_breach"] = row["sweep_ms"] / row["due"]
            rows.append(row)
        result["sweep"] = rows
    finally:
        await client.close()
    o = result["opening"]
    print(
        f"opening: {o['tickets_per_s']:.0f} tickets/s; baseline "
        f"{o['baseline_inserts_per_s']:.0f} inserts/s; ratio {o['ratio_to_baseline']:.3f}; "
        f"in memory {o['in_memory_tickets_per_s']:.0f}/s"
    )
    print(f"{'open tickets':>12} {'due':>5} {'sweep ms':>9} {'per breach':>10} {'idle tick':>9}")
    for r in rows:
        print(
            f"{r['open_tickets']:>12} {r['due']:>5} {r['sweep_ms']:>9.1f} "
            f"{r['ms_per_breach']:>10.2f} {r['idle_tick_ms']:>9.2f}"
        )
    if len(rows) >= 2:
        growth = rows[-1]["ms_per_breach"] / rows[0]["ms_per_breach"]
        sizes = f"{rows[-1]['open_tickets']} vs {rows[0]['open_tickets']} open"
        print(f"per breach, {sizes}: ×{growth:.2f}")
    with open(args.json, "w", encoding="utf-8") as out:
        json.dump(result, out, indent=2, default=str)


if __name__ == "__main__":
    asyncio.run(main())
