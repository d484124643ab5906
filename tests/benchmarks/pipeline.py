"""Benchmark: the pipeline against what the broker and the database can do for the same work.

    uv run python -m tests.benchmarks.pipeline [--messages 10000] [--warmup 1000] [--runs 3]

Runs in one process against the servers named by PARTNEROPS_KAFKA__BOOTSTRAP_SERVERS and
PARTNEROPS_MONGO__URL (the local ones by default). Every throughput figure is a steady run:
the input topic is filled first (`--warmup` + `--messages` records), the consumer starts,
and the rate is counted from the moment `--warmup` results have come out to the moment all
have (results = events read back from the output topic); each is run `--runs` times and
given as min and median. The runs go in rounds (one run of every measure per round, each
pipeline right after its baseline), so a pair shares the machine's mood; the JSON also has
each pair's ratio round by round (`ratios_per_round`).

* **baseline** (same effects) — raw aiokafka: `getmany`, one `bulk_write` of the same
  versioned updates the pipeline stores (state, version, tracking ids, outbox, timers;
  `{_id, version}` filter, upsert), the same `Bumped` events produced with one flush, one
  commit per batch. No framework, no idempotency check, no outbox clear.
* **pipeline, counter** — the counter service (`tests.integration.counter_service`) on the
  batch path (`shared.batch`), as a ratio to the baseline.
* **porting baseline** (same effects as porting submissions) — raw aiokafka: `getmany`,
  per batch one `bulk_write` of the port request documents the service stores for
  these submissions (the document and outbox entries the real use case produces for one
  submission on the in-memory store, written under each request's id) and one unordered
  `insert_many` of their number claims, the same two events per submission produced with
  one flush, one commit. No framework, no validation, no draft-before-claim round trips.
* **pipeline, porting submissions** — the real porting service handling
  `porting.port.submit` (draft stored first, numbers claimed, decided), counted by its
  `porting.port.submitted`/`submission_rejected` events, as a ratio to the porting
  baseline (and, as before, to the counter's).
* **porting floor** — raw aiokafka plus porting's own work per submission without a
  database: decode, validate, the domain's checks and decision (numbers parsed and checked,
  draft, decision, timers, stored form), the published events built and sent. With the
  porting baseline (the database's work, no checks) it gives porting's **best case**
  (`porting_best_case` in the JSON: both works one after the other, no framework): its
  ratio to the porting baseline is the most a pipeline doing porting's checks can reach,
  the pipeline's ratio to it what two writes per submission, claims and framework cost.
* **onboarding, orders** — the real onboarding service on `orders.order.placed` events (a
  new customer each, two partners it has never heard of), counted by its
  `onboarding.customer.recorded` events; `--onboarding-warmup` + `--onboarding-messages`,
  `--onboarding-runs` runs. Shown as a ratio to the baseline, like porting, for scale
  only (no same-effects baseline of its own). Not counted: the customer facts onboarding
  then reads back from its own events for partner administration (two per order), which
  it handles in the same process, partly after the counted results.
* **pipeline, in-memory store** — the counter service with `InMemoryAggregateStore`, as a
  ratio to **raw consume→produce** (aiokafka `getmany`, the same records produced again
  with one flush, one commit): our own Python overhead, without the database's.
* **floor** — raw consume→produce plus what any pipeline that reads, validates and answers
  each command must do (decode the CloudEvent, validate its data, build and serialise the
  follow-up event), nothing else (no store, idempotency, outbox, metrics): `floor / raw`
  is the best ratio any such pipeline can reach on this machine, and `memory / floor` what
  the framework costs on top of it.
* **timer sweep** — `tests.benchmarks.timers` at 1,000 and 10,000 aggregates, 1 % due.
* **latency** — at a fixed offered rate (`--rate` per second for `--latency-messages`),
  p50/p99 of the time from a record produced to its result read back: an order event
  (`orders.order.placed`, a new customer each) to the real onboarding service's
  `onboarding.customer.recorded`, after `--latency-warmup` orders left out; and, as in
  earlier runs, a command to the counter pipeline's `Bumped` event.
* **a fixed start** — every porting measure runs at `START` (submissions stamped with it,
  the service on a demonstration clock started there, the floor on a `FixedClock`), and
  onboarding's orders likewise: port dates, working days and deadlines are the same
  whatever day the benchmark runs. The counter measures only stamp their records.
* **garbage collector** — tuned once at the start as every service tunes it
  (`shared.runtime.tune_garbage_collector`, `PARTNEROPS_GC_YOUNG_THRESHOLD`): baselines and
  pipelines alike run with it.
* **memory** — resident set size (VmRSS) of this process with one pipeline instance
  running (its first run: Python keeps what earlier measures allocated), and of the
  harness alone before any instance started.

Every measure deletes the topics it created once it is done, and the JSON records how many
partitions the broker held at the start (`broker_partitions_at_start`; a warning above
1,000): a broker carrying thousands of partitions left by earlier runs and test sessions
answers each produce several times slower (see `drop_created_topics`) — measure on a fresh one
(`deploy/local/servers.sh reset`, then `start`).

Prints a table and writes JSON (`--json`). Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import statistics
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from datetime import UTC, datetime
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient
from pymongo import AsyncMongoClient, UpdateOne
from pymongo.errors import BulkWriteError

from services.onboarding.app import NAME as ONBOARDING
from services.onboarding.app import wire as onboarding_wire
from services.onboarding.settings import OnboardingSettings
from services.porting.adapters.repository import port_requests as porting_ports
from services.porting.app import NAME as PORTING
from services.porting.app import wire as porting_wire
from services.porting.application.porting import details_of
from services.porting.application.published import payloads
from services.porting.application.submissions import port_id_for
from services.porting.domain.decisions import decide_submission, due_timers
from services.porting.domain.model import PortRequest
from services.porting.domain.validation import too_many_numbers
from services.porting.settings import PortingSettings
from shared.actor import Actor
from shared.binding import Record, decode
from shared.clock import FixedClock, SystemClock
from shared.contracts import porting as c
from shared.contracts.orders import OrderPlaced
from shared.documents import Write
from shared.events import Envelope, follow_up, new_event
from shared.ids import new_id
from shared.kafka import ensure_topics
from shared.memory_store import InMemoryAggregateStore
from shared.mongo import Document, aggregate_indexes, ensure_indexes
from shared.runtime import Wire, tune_garbage_collector
from shared.settings import KafkaSettings, ServiceSettings
from shared.store import Outgoing, versioned_update
from shared.topics import ONBOARDING_EVENTS, ORDERS_EVENTS, PORTING_COMMANDS, PORTING_EVENTS
from tests.benchmarks import timers
from tests.integration.bus import Bus, delete_topics, running_service
from tests.integration.counter_service import Bump, Bumped, make_context, wiring

START = datetime(2030, 1, 7, 9, 0, tzinfo=UTC)
"""Monday 7 January 2030, 09:00 in London: the instant the porting and onboarding measures
run at (records stamped with it, services on a demonstration clock started there), so no
figure depends on the day the benchmark runs."""

AGGREGATES = 1_000
"""Distinct counters the commands spread over (Kafka key = counter id)."""

BLOCKS = ["161", "113", "114", "115", "116", "117", "118", "121", "131", "141", "151"]
"""UK geographic areas whose `496 0000`–`0999` range is set aside for drama (invented)."""


def rss_mib() -> float:
    """This process's resident set size now, in MiB."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


class Counted:
    """Reads an output topic and notes when each result came out."""

    def __init__(self, bootstrap: str, topic: str, accept: Callable[[Envelope], bool]) -> None:
        self.consumer = AIOKafkaConsumer(
            topic, bootstrap_servers=bootstrap, group_id=None, auto_offset_reset="earliest"
        )
        self.accept = accept
        self.seen: set[str] = set()
        self.at: dict[str, float] = {}  # causation id → when its result came out
        self.arrivals: list[float] = []  # when the 1st, 2nd, … result was read (s)
        self.task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> Counted:
        await self.consumer.start()
        self.task = asyncio.create_task(self._read())
        return self

    async def __aexit__(self, *_: Any) -> None:
        assert self.task is not None
        self.task.cancel()
        await asyncio.gather(self.task, return_exceptions=True)
        await self.consumer.stop()

    async def _read(self) -> None:
        while True:
            batch = await self.consumer.getmany(timeout_ms=200)
            now = time.perf_counter()
            for records in batch.values():
                for record in records:
                    event = Envelope.from_json(record.value)
                    if event.id not in self.seen and self.accept(event):
                        self.seen.add(event.id)
                        self.at.setdefault(event.causationid or event.id, now)
                        self.arrivals.append(now)

    async def steady_rate(
        self,
        warmup: int,
        total: int,
        timeout: float = 1_800,
        worker: asyncio.Task[Any] | None = None,
    ) -> float:
        """Results per second between the `warmup`-th and the `total`-th result, by when
        each was read. Raises `ValueError` when both came in one read (too few messages
        for a steady run: the rate would be a division by almost nothing)."""
        self.worker = worker
        await self._reach(max(warmup, 1), timeout)
        await self._reach(total, timeout)
        start, end = self.arrivals[max(warmup, 1) - 1], self.arrivals[total - 1]
        if end <= start:
            raise ValueError(
                f"results {warmup} to {total} were read at once: too few to measure a rate "
                "(the README's runs use 1,000 + 10,000)"
            )
        return (total - warmup) / (end - start)

    async def _reach(self, count: int, timeout: float) -> float:
        deadline = time.perf_counter() + timeout
        while len(self.seen) < count:
            worker = getattr(self, "worker", None)
            if worker is not None and worker.done():
                worker.result()  # its error, at once
            if time.perf_counter() > deadline:
                raise TimeoutError(f"{len(self.seen)} of {count} results")
            await asyncio.sleep(0.01)
        return time.perf_counter()


async def _fill(bootstrap: str, topic: str, records: list[tuple[str, bytes]]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5)
    await producer.start()
    try:
        for key, body in records:
            await producer.send(topic, body, key=key.encode())
        await producer.flush()
    finally:
        await producer.stop()


def _bumps(total: int) -> list[tuple[str, bytes]]:
    now = SystemClock().now()
    out = []
    for i in range(total):
        cid = f"c{i % AGGREGATES}"
        out.append((cid, new_event(Bump(counter_id=cid), source="/bench", now=now).to_json()))
    return out


LEFTOVER_PARTITIONS = 1_000
"""More partitions than this on the broker at the start: the run warns (see
`drop_created_topics`)."""

CREATED: list[str] = []
"""Topics (and topic prefixes, ending in ".") this process created: dropped after each
measure (`drop_created_topics`)."""


async def _topics(bootstrap: str, *names: str) -> None:
    CREATED.extend(names)
    await ensure_topics(KafkaSettings(bootstrap_servers=bootstrap), list(names))


async def drop_created_topics(bootstrap: str) -> None:
    """Delete the topics the measures so far created. A broker holding thousands of
    partitions left by earlier runs answers every produce far slower (raw consume→produce
    on this machine: ~5,000/s with 12,000 partitions on the broker, flush ~90 ms per
    500 records; 15,000–21,000/s on a fresh one, flush ~10 ms), so each measure runs on a
    broker with only its own topics."""
    if CREATED:  # a name (unique: it ends in an id) is the prefix of its dead-letter topic
        await delete_topics(bootstrap, CREATED)
        CREATED.clear()


async def _partitions(bootstrap: str) -> int:
    """Partitions the broker holds (every topic's)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        described = await admin.describe_topics(await admin.list_topics())
        return sum(len(t.get("partitions", [])) for t in described)
    finally:
        await admin.close()


def _is_bumped(event: Envelope) -> bool:
    return event.type == Bumped.EVENT_TYPE


async def _fetched(consumer: AIOKafkaConsumer) -> AsyncIterator[list[Any]]:
    """The records of each non-empty `getmany` (up to 500), forever."""
    while True:
        fetched = await consumer.getmany(timeout_ms=200, max_records=500)
        records = [r for rs in fetched.values() for r in rs]
        if records:
            yield records


def _raw_clients(bootstrap: str, topic: str) -> tuple[AIOKafkaConsumer, AIOKafkaProducer]:
    """A consumer of `topic` (a group of its own, manual commits) and a producer set up as
    the services' (`shared.kafka.build_broker`: acks=all, idempotent, the same record
    batch size), so the broker does the same work for both."""
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=f"bench-{new_id().lower()}",
        enable_auto_commit=False,
        auto_offset_reset="earliest",
    )
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap,
        acks="all",
        enable_idempotence=True,
        max_batch_size=ServiceSettings().kafka.record_batch_bytes,  # the same environment
    )
    return consumer, producer


async def _raw_rate(
    bootstrap: str,
    topic: str,
    accept: Callable[[Envelope], bool],
    consumer: AIOKafkaConsumer,
    producer: AIOKafkaProducer,
    run: Callable[[], Coroutine[Any, Any, None]],
    warmup: int,
    n: int,
) -> float:
    """The steady rate of `run` (a raw consume→produce loop) as results on `topic`."""
    async with Counted(bootstrap, topic, accept) as counted:
        await producer.start()
        await consumer.start()
        worker = asyncio.create_task(run())
        try:
            return await counted.steady_rate(warmup, warmup + n, worker=worker)
        finally:
            worker.cancel()
            await asyncio.gather(worker, return_exceptions=True)
            await consumer.stop()
            await producer.stop()


async def baseline(bootstrap: str, mongo_url: str, warmup: int, n: int) -> float:
    """Raw aiokafka + one bulk_write of the same versioned updates + one flush + one commit."""
    cmd, evt = f"bench-bcmd-{new_id().lower()}", f"bench-bevt-{new_id().lower()}"
    await _topics(bootstrap, cmd, evt)
    await _fill(bootstrap, cmd, _bumps(warmup + n))
    client: AsyncMongoClient[Any] = AsyncMongoClient(mongo_url, tz_aware=True)
    db = client[f"bench_{new_id().lower()}"]
    await ensure_indexes(db, aggregate_indexes("counters"))
    consumer, producer = _raw_clients(bootstrap, cmd)
    versions: dict[str, tuple[int, int, list[str]]] = {}  # id → (version, value, handled)
    clock = SystemClock()

    async def run() -> None:
        async for records in _fetched(consumer):
            changed: dict[str, tuple[int, list[dict[str, Any]]]] = {}
            for record in records:
                env = Envelope.from_json(record.value)
                cid = env.data["counter_id"]
                version, value, handled = versions.get(cid, (0, 0, []))
                base = changed.get(cid, (version, []))[0]
                event = follow_up(
                    env,
                    Bumped(counter_id=cid, value=value + 1),
                    source="/test",
                    now=clock.now(),
                    subject=cid,
                )
                versions[cid] = (version + 1, value + 1, [*handled, env.id][-500:])
                entries = changed.get(cid, (base, []))[1]
                entries.append(Outgoing(evt, event).to_doc())
                changed[cid] = (base, entries)
            ops = []
            for cid, (base, entries) in changed.items():
                version, value, handled = versions[cid]
                fields = {
                    "state": {"value": value},
                    "version": version,
                    "handled": handled,
                    "fingerprints": [],
                    "timers": [],
                    "next_due_at": None,
                    "lease_until": None,
                    "lease_owner": None,
                    "outbox_pending": True,
                }
                update = {"$set": fields, "$push": {"outbox": {"$each": entries}}}
                ops.append(UpdateOne({"_id": cid, "version": base}, update, upsert=True))
            await db.counters.bulk_write(ops, ordered=False)
            for _base, entries in changed.values():
                for entry in entries:
                    await producer.send(evt, entry["body"].encode(), key=entry["key"].encode())
            await producer.flush()
            await consumer.commit()

    try:
        return await _raw_rate(bootstrap, evt, _is_bumped, consumer, producer, run, warmup, n)
    finally:
        await client.drop_database(db.name)
        await client.close()


async def raw_relay(bootstrap: str, _mongo_url: str, warmup: int, n: int) -> float:
    """Raw aiokafka consume→produce of the same records: getmany, send each, flush, commit."""
    cmd, evt = f"bench-rcmd-{new_id().lower()}", f"bench-revt-{new_id().lower()}"
    await _topics(bootstrap, cmd, evt)
    await _fill(bootstrap, cmd, _bumps(warmup + n))
    consumer, producer = _raw_clients(bootstrap, cmd)

    async def run() -> None:
        while True:
            fetched = await consumer.getmany(timeout_ms=200, max_records=500)
            for records in fetched.values():
                for record in records:
                    await producer.send(evt, record.value, key=record.key)
            await producer.flush()
            await consumer.commit()

    is_bump: Callable[[Envelope], bool] = lambda e: e.type == Bump.EVENT_TYPE  # noqa: E731
    return await _raw_rate(bootstrap, evt, is_bump, consumer, producer, run, warmup, n)


async def floor_relay(bootstrap: str, _mongo_url: str, warmup: int, n: int) -> float:
    """The least any pipeline that reads, validates and answers each command does: raw
    aiokafka `getmany`, each record decoded as a CloudEvent (`shared.binding.decode`), its
    data validated (`Bump`), the counter bumped in a dict, the `Bumped` follow-up built
    (`shared.events.follow_up`) and serialised as the outbox would hold it, sent; one flush,
    one commit. No store, no idempotency, no outbox, no metrics, no dead-lettering."""
    cmd, evt = f"bench-fcmd-{new_id().lower()}", f"bench-fevt-{new_id().lower()}"
    await _topics(bootstrap, cmd, evt)
    await _fill(bootstrap, cmd, _bumps(warmup + n))
    consumer, producer = _raw_clients(bootstrap, cmd)
    values: dict[str, int] = {}
    clock = SystemClock()

    async def run() -> None:
        async for records in _fetched(consumer):
            for record in records:
                env = decode(Record(record.value, record.key, tuple(record.headers or ())))
                bump = env.parse_data(Bump)
                value = values[bump.counter_id] = values.get(bump.counter_id, 0) + bump.by
                event = follow_up(
                    env,
                    Bumped(counter_id=bump.counter_id, value=value),
                    source="/test",
                    now=clock.now(),
                    subject=bump.counter_id,
                )
                entry = Outgoing(evt, event).to_doc()
                await producer.send(evt, entry["body"].encode(), key=entry["key"].encode())
            await producer.flush()
            await consumer.commit()

    return await _raw_rate(bootstrap, evt, _is_bumped, consumer, producer, run, warmup, n)


async def counter_pipeline(
    bootstrap: str, mongo_url: str, warmup: int, n: int, *, in_memory: bool = False
) -> float:
    """The counter service on the batch path (Mongo store, or the in-memory one)."""
    cmd, evt = f"bench-ccmd-{new_id().lower()}", f"bench-cevt-{new_id().lower()}"
    await _topics(bootstrap, cmd, evt)
    await _fill(bootstrap, cmd, _bumps(warmup + n))
    db_name = f"bench_{new_id().lower()}"
    wire = wiring(cmd, evt, count_deliveries=False)
    broker, ctx, client = make_context(bootstrap, mongo_url, db_name, wire)
    if in_memory:
        ctx.stores["counters"] = InMemoryAggregateStore("counters")
    else:
        await ensure_indexes(ctx.db, ctx.indexes)
    ctx.dispatcher.bind(broker, group_id=f"bench-{new_id().lower()}")
    async with Counted(bootstrap, evt, _is_bumped) as counted:
        await broker.start()
        try:
            rate = await counted.steady_rate(warmup, warmup + n)
            # the first run's (later ones come after other measures in this process)
            MEMORY.setdefault("counter pipeline" + (" (in-memory)" if in_memory else ""), rss_mib())
            return rate
        finally:
            await broker.stop()
            await client.drop_database(db_name)
            await client.close()


async def memory_pipeline(bootstrap: str, mongo_url: str, warmup: int, n: int) -> float:
    return await counter_pipeline(bootstrap, mongo_url, warmup, n, in_memory=True)


def _submissions(total: int) -> list[tuple[str, bytes]]:
    actor = Actor(user_id="bench", partner_id="P-BENCH")
    now = START
    out = []
    for i in range(total):
        area, line = BLOCKS[i // 1000 % len(BLOCKS)], i % 1000
        cmd = c.SubmitPortRequest(
            request_id=f"r{i}",
            actor=actor,
            partner_id="P-BENCH",
            country="GB",
            product="analogue",
            numbers=[f"+44{area}496{line:04d}"],
            main_billing_number="0161 496 0000",
            registered_address=c.AddressIn(
                lines=["1 Bench Street"], city="Manchester", postal_code="M1 1AA", country="GB"
            ),
            losing_provider="Oldline Telecom Ltd",
            range_holder="Rangeholder Networks plc",
        )
        env = new_event(cmd, source="/bench", now=now, subject="P-BENCH")
        out.append((f"P-BENCH-{i % 64}", env.to_json()))
    return out


DECIDED = {"porting.port.submitted", "porting.port.submission_rejected"}
PORTING_OUTCOMES: dict[str, int] = {}


def _decided(event: Envelope) -> bool:
    if event.type not in DECIDED:
        return False
    PORTING_OUTCOMES[event.type] = PORTING_OUTCOMES.get(event.type, 0) + 1
    return True


async def _porting_template() -> tuple[Document, list[Document]]:
    """The versioned update and the outbox entries porting's own use case produces for one
    of these submissions (in memory: `tests.unit.porting.world`), as the store writes them."""
    from tests.unit.porting.world import World  # the benchmark's only use of test code

    world = World()
    _key, body = _submissions(1)[0]
    env = Envelope.from_json(body)
    await world.submit(c.SubmitPortRequest.model_validate(env.data), env)
    [port_id] = world.store.documents
    stored = await world.store.load(port_id)
    assert stored is not None
    entries = [dict(e) for e in world.outbox.published]
    _filter, update = versioned_update(Write(stored, 0, entries))  # the store's encoding
    return update, entries


async def porting_baseline(bootstrap: str, mongo_url: str, warmup: int, n: int) -> float:
    """Raw aiokafka + per batch one bulk_write of the port requests and one insert_many of
    their claims + the same events, one flush, one commit (porting's same effects)."""
    total = min(warmup + n, 1000 * len(BLOCKS))
    cmd, evt = f"bench-pcmd-{new_id().lower()}", f"bench-pevt-{new_id().lower()}"
    await _topics(bootstrap, cmd, evt)
    await _fill(bootstrap, cmd, _submissions(total))
    update, entries = await _porting_template()
    client: AsyncMongoClient[Any] = AsyncMongoClient(mongo_url, tz_aware=True)
    db = client[f"bench_{new_id().lower()}"]
    await ensure_indexes(db, aggregate_indexes("ports"))
    consumer, producer = _raw_clients(bootstrap, cmd)

    async def run() -> None:
        async for records in _fetched(consumer):
            ops, claims, events = [], [], []
            for record in records:
                env = Envelope.from_json(record.value)
                port_id = f"PRT-{env.data['request_id']}"
                for number in env.data["numbers"]:
                    claims.append({"_id": number, "port_id": port_id, "partner_id": "P-BENCH"})
                outbox = []
                for entry in entries:  # the template's events under ids of their own
                    event_id = new_id()
                    body = entry["body"].replace(entry["id"], event_id)
                    outbox.append({**entry, "id": event_id, "body": body})
                    events.append((port_id, body))
                ops.append(
                    UpdateOne(
                        {"_id": port_id, "version": 0},
                        {"$set": update["$set"], "$push": {"outbox": {"$each": outbox}}},
                        upsert=True,
                    )
                )
            await db.ports.bulk_write(ops, ordered=False)
            with contextlib.suppress(BulkWriteError):  # redelivered: its claims are there
                await db.number_claims.insert_many(claims, ordered=False)
            for key, body in events:
                await producer.send(evt, body.encode(), key=key.encode())
            await producer.flush()
            await consumer.commit()

    decided: Callable[[Envelope], bool] = lambda e: e.type in DECIDED  # noqa: E731
    try:
        return await _raw_rate(
            bootstrap, evt, decided, consumer, producer, run, warmup, total - warmup
        )
    finally:
        await client.drop_database(db.name)
        await client.close()


async def porting_floor(bootstrap: str, _mongo_url: str, warmup: int, n: int) -> float:
    """The least porting's submission pipeline does without a database: raw aiokafka
    `getmany`, each record decoded and its `SubmitPortRequest` validated, the domain's own
    work (size limit, numbers parsed and checked, the draft created and the submission
    decided with nobody else holding its numbers, its timers, its stored form), the
    published events built and serialised, sent; one flush, one commit. No store, no
    claims, no idempotency, no outbox."""
    total = min(warmup + n, 1000 * len(BLOCKS))
    cmd, evt = f"bench-qcmd-{new_id().lower()}", f"bench-qevt-{new_id().lower()}"
    await _topics(bootstrap, cmd, evt)
    await _fill(bootstrap, cmd, _submissions(total))
    consumer, producer = _raw_clients(bootstrap, cmd)
    rules, clock = PortingSettings().rules, FixedClock(START)
    stored = porting_ports(rules)

    async def run() -> None:
        async for records in _fetched(consumer):
            for record in records:
                env = decode(Record(record.value, record.key, tuple(record.headers or ())))
                sub = env.parse_data(c.SubmitPortRequest)
                details, now = details_of(sub), clock.now()
                assert too_many_numbers(sub.country.upper(), details, rules) is None
                port_id = port_id_for(sub.partner_id, sub.request_id)
                request, _drafted = PortRequest.create_draft(
                    port_id=port_id,
                    partner_id=sub.partner_id,
                    country=sub.country,
                    details=details,
                    now=now,
                    actor=sub.actor.user_id,
                    submitting=True,
                )
                events = decide_submission(
                    request, now, sub.actor.user_id, rules, set(), sub.request_id
                )
                stored.dump(request), due_timers(request, rules)
                for position, payload in enumerate(p for e in events for p in payloads(e)):
                    event = follow_up(
                        env,
                        payload,
                        source="/porting",
                        now=now,
                        subject=port_id,
                        event_id=f"{port_id}-{position}",
                    )
                    entry = Outgoing(evt, event).to_doc()
                    await producer.send(evt, entry["body"].encode(), key=entry["key"].encode())
            await producer.flush()
            await consumer.commit()

    decided: Callable[[Envelope], bool] = lambda e: e.type in DECIDED  # noqa: E731
    return await _raw_rate(bootstrap, evt, decided, consumer, producer, run, warmup, total - warmup)


async def porting_pipeline(bootstrap: str, mongo_url: str, warmup: int, n: int) -> float:
    """The real porting service handling submissions (counted by its decision events)."""
    total = min(warmup + n, 1000 * len(BLOCKS))
    service = (PORTING, PortingSettings, porting_wire)
    feed = (PORTING_COMMANDS.name, _submissions(total))
    return await _service_rate(
        bootstrap, mongo_url, service, feed, PORTING_EVENTS.name, _decided, warmup, total
    )


async def latency(bootstrap: str, mongo_url: str, rate: float, count: int) -> dict[str, float]:
    """Command produced → its event read back, at `rate` commands/s (counter pipeline)."""
    cmd, evt = f"bench-lcmd-{new_id().lower()}", f"bench-levt-{new_id().lower()}"
    await _topics(bootstrap, cmd, evt)
    db_name = f"bench_{new_id().lower()}"
    broker, ctx, client = make_context(
        bootstrap, mongo_url, db_name, wiring(cmd, evt, count_deliveries=False)
    )
    await ensure_indexes(ctx.db, ctx.indexes)
    ctx.dispatcher.bind(broker, group_id=f"bench-{new_id().lower()}")
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    sent: dict[str, float] = {}
    async with Counted(bootstrap, evt, _is_bumped) as counted:
        await broker.start()
        await producer.start()
        try:
            await asyncio.sleep(3)  # the group has joined
            start = time.perf_counter()
            for i, (key, body) in enumerate(_bumps(count)):
                await asyncio.sleep(max(0.0, start + i / rate - time.perf_counter()))
                sent[Envelope.from_json(body).id] = time.perf_counter()
                await producer.send(cmd, body, key=key.encode())
            await counted._reach(count, 600)
        finally:
            await producer.stop()
            await broker.stop()
            await client.drop_database(db_name)
            await client.close()
    return _percentiles(counted, sent, rate)


def _order(i: int) -> tuple[str, bytes]:
    """An order of a new customer (its own key), stamped at `START`; invented data."""
    customer = f"C-BENCH-{i:06d}"
    placed = OrderPlaced.model_validate(
        {
            "order_id": f"O-{customer}",
            "order_version": 1,
            "occurred_at": START.isoformat(),
            "channel": "classic",
            "customer": {
                "customer_id": customer,
                "company_name": f"Bench Customer {i} Ltd",
                "country": "GB",
                "time_zone": "Europe/London",
                "main_contact": {"name": "Sam Example", "email": f"sam{i}@customer.example.com"},
            },
            "distributor_partner_id": "P-BENCH-DIST",
            "reseller_partner_id": "P-BENCH-RES",
            "lines": [{"package": "Enterprise", "licences": 10}],
            "subscription_number": f"SUB-{customer}",
            "reseller_terms_accepted": True,
            "vendor_terms_accepted": True,
        }
    )
    return customer, new_event(placed, source="/orders", now=START, subject=customer).to_json()


def _recorded(event: Envelope) -> bool:
    return event.type == "onboarding.customer.recorded"


async def onboarding_pipeline(bootstrap: str, mongo_url: str, warmup: int, n: int) -> float:
    """The real onboarding service handling order events (`orders.order.placed`, a new
    customer each), counted by its `onboarding.customer.recorded` events; its default
    settings (the batch path)."""
    orders = [_order(i) for i in range(warmup + n)]
    return await _service_rate(
        bootstrap,
        mongo_url,
        ONBOARDING_SERVICE,
        (ORDERS_EVENTS.name, orders),
        ONBOARDING_EVENTS.name,
        _recorded,
        warmup,
        warmup + n,
    )


Service = tuple[str, type[ServiceSettings], Wire]
"""A real service: its name, settings class and wiring."""

ONBOARDING_SERVICE: Service = (ONBOARDING, OnboardingSettings, onboarding_wire)


@contextlib.asynccontextmanager
async def _on_bus(bootstrap: str, mongo_url: str) -> AsyncIterator[tuple[Bus, str]]:
    """A bus of fresh topics (its prefix) and a database name; both dropped at the end."""
    bus = Bus(bootstrap, f"bench-{new_id().lower()}.")
    CREATED.append(bus.prefix)
    await bus.start()
    db_name = f"bench_{new_id().lower()}"
    try:
        yield bus, db_name
    finally:
        await bus.stop()
        client: AsyncMongoClient[Any] = AsyncMongoClient(mongo_url)
        await client.drop_database(db_name)
        await client.close()


def _running(
    service: Service, bus: Bus, mongo_url: str, db_name: str
) -> contextlib.AbstractAsyncContextManager[Any]:
    """The service with its default settings, on a demonstration clock started at `START`."""
    name, settings_class, wire = service
    return running_service(
        name, settings_class, wire, bus, mongo_url, db_name, demo_clock=True, demo_clock_start=START
    )


async def _service_rate(
    bootstrap: str,
    mongo_url: str,
    service: Service,
    feed: tuple[str, list[tuple[str, bytes]]],
    results: str,
    accept: Callable[[Envelope], bool],
    warmup: int,
    total: int,
) -> float:
    """Steady rate of a real service: `feed` (topic, records) filled first, its results on
    topic `results` counted (`accept`) from the `warmup`-th to the `total`-th; the
    process's RSS with the instance running is kept under "<name> service"."""
    async with _on_bus(bootstrap, mongo_url) as (bus, db_name):
        await _fill(bootstrap, bus.prefix + feed[0], feed[1])
        async with (
            Counted(bootstrap, bus.prefix + results, accept) as counted,
            _running(service, bus, mongo_url, db_name),
        ):
            rate = await counted.steady_rate(warmup, total)
            MEMORY.setdefault(f"{service[0]} service", rss_mib())
            return rate


async def order_latency(
    bootstrap: str, mongo_url: str, rate: float, count: int, warmup: int
) -> dict[str, float]:
    """Order event produced → onboarding's `onboarding.customer.recorded` read back (the
    event names the order event as its cause), the real onboarding service on its default
    settings, `rate` orders/s offered; the first `warmup` orders are left out. Also the
    process's RSS with the instance running (`MEMORY["onboarding service"]`)."""
    orders = [_order(i) for i in range(warmup + count)]
    sent: dict[str, float] = {}
    async with _on_bus(bootstrap, mongo_url) as (bus, db_name):
        producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
        await producer.start()
        try:
            async with (
                Counted(bootstrap, bus.prefix + ONBOARDING_EVENTS.name, _recorded) as counted,
                _running(ONBOARDING_SERVICE, bus, mongo_url, db_name),
            ):
                topic = bus.prefix + ORDERS_EVENTS.name
                warm: dict[str, float] = {}
                for part, timed, done in (
                    (orders[:warmup], warm, warmup),
                    (orders[warmup:], sent, len(orders)),
                ):
                    # the warm-up's results are all back (the group joined, the code
                    # warm) before the measured orders start
                    start = time.perf_counter()
                    for i, (key, body) in enumerate(part):
                        await asyncio.sleep(max(0.0, start + i / rate - time.perf_counter()))
                        timed[Envelope.from_json(body).id] = time.perf_counter()
                        await producer.send(topic, body, key=key.encode())
                    await counted._reach(done, 600)
                MEMORY.setdefault("onboarding service", rss_mib())
        finally:
            await producer.stop()
    return _percentiles(counted, sent, rate)


def _percentiles(counted: Counted, sent: dict[str, float], rate: float) -> dict[str, float]:
    waits = sorted((counted.at[k] - t) * 1000 for k, t in sent.items() if k in counted.at)
    return {
        "p50_ms": waits[len(waits) // 2],
        "p99_ms": waits[min(len(waits) - 1, int(0.99 * len(waits)))],
        "offered_per_s": rate,
        "messages": len(waits),
    }


MEMORY: dict[str, float] = {}
Measure = Callable[[str, str, int, int], Awaitable[float]]


async def _rounds(
    measures: dict[str, tuple[Measure, tuple[Any, ...], int]],
) -> dict[str, dict[str, Any]]:
    """Every measure's runs, in rounds: round i runs each measure's i-th run in turn, so a
    pipeline and its baseline (adjacent in `measures`) run minutes apart, not a whole
    series apart, and a slow spell of the machine touches both."""
    runs: dict[str, list[float]] = {name: [] for name in measures}
    for i in range(max((spec[2] for spec in measures.values()), default=0)):
        for name, (measure, measure_args, count) in measures.items():
            if i < count:
                runs[name].append(await measure(*measure_args))
                await drop_created_topics(measure_args[0])
                print(f"  {name} run {i + 1}/{count}: {runs[name][-1]:.0f}/s", flush=True)
    return {
        name: {"min": min(rates), "median": statistics.median(rates), "runs": rates}
        for name, rates in runs.items()
        if rates
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--warmup", type=int, default=1_000)
    parser.add_argument("--porting-messages", type=int, default=10_000)
    parser.add_argument("--porting-warmup", type=int, default=1_000)
    parser.add_argument("--porting-runs", type=int, default=3)
    parser.add_argument("--onboarding-messages", type=int, default=3_000)
    parser.add_argument("--onboarding-warmup", type=int, default=300)
    parser.add_argument("--onboarding-runs", type=int, default=3)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rate", type=float, default=200.0, help="counter commands/s offered")
    parser.add_argument(
        "--order-rate", type=float, default=200.0, help="order events/s offered to onboarding"
    )
    parser.add_argument("--latency-messages", type=int, default=3_000)
    parser.add_argument("--latency-warmup", type=int, default=200)
    parser.add_argument("--skip", nargs="*", default=[], help="measures to leave out")
    parser.add_argument("--json", default="pipeline-benchmark.json")
    args = parser.parse_args()
    bootstrap = os.environ.get("PARTNEROPS_KAFKA__BOOTSTRAP_SERVERS", "127.0.0.1:39092")
    mongo_url = os.environ.get("PARTNEROPS_MONGO__URL", "mongodb://127.0.0.1:37017")
    # the process collects garbage as a service does (`shared.runtime.run_service`): every
    # measure, baselines included, runs with the same collector settings
    tune_garbage_collector(ServiceSettings().gc_young_threshold)
    MEMORY["harness alone"] = rss_mib()
    load = os.getloadavg()
    partitions = await _partitions(bootstrap)
    if partitions > LEFTOVER_PARTITIONS:
        print(
            f"warning: the broker holds {partitions} partitions (topics of earlier runs and "
            "tests): every figure is slower than on a fresh one (`deploy/local/servers.sh "
            "reset`)",
            flush=True,
        )
    common = (bootstrap, mongo_url, args.warmup, args.messages)
    porting_args = (bootstrap, mongo_url, args.porting_warmup, args.porting_messages)
    onboarding_args = (bootstrap, mongo_url, args.onboarding_warmup, args.onboarding_messages)
    measures: dict[str, tuple[Measure, tuple[Any, ...], int]] = {
        "baseline": (baseline, common, args.runs),
        "counter": (counter_pipeline, common, args.runs),
        "raw": (raw_relay, common, args.runs),
        "floor": (floor_relay, common, args.runs),
        "memory": (memory_pipeline, common, args.runs),
        "porting baseline": (porting_baseline, porting_args, args.porting_runs),
        "porting": (porting_pipeline, porting_args, args.porting_runs),
        "porting floor": (porting_floor, porting_args, args.porting_runs),
        "onboarding": (onboarding_pipeline, onboarding_args, args.onboarding_runs),
    }
    rates = await _rounds({name: spec for name, spec in measures.items() if name not in args.skip})
    sweep: list[dict[str, Any]] = []
    if "timers" not in args.skip:
        print("measuring the timer sweep ...", flush=True)
        client: AsyncMongoClient[Any] = AsyncMongoClient(mongo_url, tz_aware=True)
        for count in (1_000, 10_000):
            sweeps = [await timers._one_run(client, count, 100) for _ in range(args.runs)]
            values = [r["sweep_ms"] for r in sweeps]
            idle = [r["idle_tick_ms"] for r in sweeps]
            sweep.append(
                {
                    "aggregates": count,
                    "due": sweeps[0]["due"],
                    "min_ms": min(values),
                    "median_ms": statistics.median(values),
                    "per_due_ms": statistics.median(values) / sweeps[0]["due"],
                    "idle_tick_ms": statistics.median(idle),
                }
            )
        await client.close()
    lat: dict[str, dict[str, float]] = {}
    if "latency" not in args.skip:
        print("measuring latency ...", flush=True)
        lat["order → onboarding"] = await order_latency(
            bootstrap, mongo_url, args.order_rate, args.latency_messages, args.latency_warmup
        )
        await drop_created_topics(bootstrap)
        lat["counter"] = await latency(bootstrap, mongo_url, args.rate, args.latency_messages)
    await drop_created_topics(bootstrap)
    report = {
        "load_average_at_start": load,
        "load_average_at_end": os.getloadavg(),
        "broker_partitions_at_start": partitions,
        "events_per_s": rates,
        "ratios": _ratios(rates),
        "porting_best_case": _porting_best_case(rates),
        "ratios_per_round": _paired(rates),
        "porting_outcomes": PORTING_OUTCOMES,
        "timer_sweep": sweep,
        "latency": lat,
        "rss_mib": MEMORY,
        "settings": vars(args),
    }
    _print(report)
    with open(args.json, "w", encoding="utf-8") as out:
        json.dump(report, out, indent=2)


PAIRS = (
    ("counter", "baseline"),
    ("porting", "porting baseline"),
    ("porting", "baseline"),
    ("memory", "raw"),
    ("floor", "raw"),
    ("memory", "floor"),
    ("porting floor", "porting baseline"),
    ("porting", "porting floor"),
    ("onboarding", "baseline"),
)


def _ratios(rates: dict[str, dict[str, Any]]) -> dict[str, float]:
    """Ratio of the medians of each pair."""
    return {
        f"{top} / {bottom}": rates[top]["median"] / rates[bottom]["median"]
        for top, bottom in PAIRS
        if top in rates and bottom in rates
    }


def _porting_best_case(rates: dict[str, dict[str, Any]]) -> dict[str, float]:
    """What porting submissions could reach with no framework at all: the domain's work
    (the porting floor) and the database's (the porting baseline) one after the other, the
    consume→produce both contain counted once (raw's, of the smaller counter records: a
    generous bound). Its ratio to the porting baseline is the most the porting target can
    ask for; the pipeline's ratio to it is what store, claims and framework cost."""
    names = ("porting floor", "porting baseline", "raw", "porting")
    if not all(n in rates for n in names):
        return {}
    floor, base, raw, porting = (rates[n]["median"] for n in names)
    best = 1 / (1 / floor + 1 / base - 1 / raw)
    return {
        "per_s": best,
        "best case / porting baseline": best / base,
        "porting / best case": porting / best,
    }


def _paired(rates: dict[str, dict[str, Any]]) -> dict[str, list[float]]:
    """Each pair's ratio round by round (run i of the pipeline ÷ run i of its baseline,
    measured in the same round)."""
    return {
        f"{top} / {bottom}": [
            t / b for t, b in zip(rates[top]["runs"], rates[bottom]["runs"], strict=False)
        ]
        for top, bottom in PAIRS
        if top in rates and bottom in rates
    }


def _print(report: dict[str, Any]) -> None:
    names = {
        "baseline": "baseline: aiokafka + bulk_write, same effects",
        "counter": "pipeline: counter service",
        "porting baseline": "porting baseline: aiokafka + bulk writes, same effects",
        "porting": "pipeline: porting submissions",
        "raw": "raw aiokafka consume→produce",
        "floor": "floor: raw + decode, validate, follow-up",
        "porting floor": "porting floor: raw + decode, validate, decide",
        "memory": "pipeline: counter, in-memory store",
        "onboarding": "onboarding: orders (batch path)",
    }
    print(f"\n{'measurement':48} {'min/s':>8} {'median/s':>9}")
    for key, figures in report["events_per_s"].items():
        print(f"{names[key]:48} {figures['min']:8.0f} {figures['median']:9.0f}")
    for name, ratio in report["ratios"].items():
        rounds = " ".join(f"{r:.2f}" for r in report["ratios_per_round"].get(name, []))
        print(f"ratio of medians {name:31} {ratio:8.2f}   per round: {rounds}")
    if best := report.get("porting_best_case"):
        print(
            f"porting best case (floor and baseline's work, no framework): {best['per_s']:.0f}/s"
            f" = {best['best case / porting baseline']:.2f} of the porting baseline; the "
            f"pipeline reaches {best['porting / best case']:.2f} of it"
        )
    for row in report["timer_sweep"]:
        print(
            f"timer sweep, {row['aggregates']:>6} aggregates, {row['due']:>3} due: "
            f"min {row['min_ms']:.1f} ms, median {row['median_ms']:.1f} ms, "
            f"{row.get('per_due_ms', float('nan')):.1f} ms per due timer, "
            f"idle tick {row.get('idle_tick_ms', float('nan')):.2f} ms"
        )
    for name, lat in report["latency"].items():
        print(
            f"latency, {name}, {lat['offered_per_s']:.0f}/s offered ({lat['messages']} "
            f"measured): p50 {lat['p50_ms']:.1f} ms, p99 {lat['p99_ms']:.1f} ms"
        )
    for name, mib in report["rss_mib"].items():
        print(f"RSS, {name}: {mib:.0f} MiB")
    print(
        f"load average at start {report['load_average_at_start']}, at end "
        f"{report['load_average_at_end']}"
    )


if __name__ == "__main__":
    asyncio.run(main())
