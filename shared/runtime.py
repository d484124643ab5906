"""Runs one service process: Mongo, Kafka, the dispatcher, the outbox relay, timers, HTTP.

A service module supplies a `wire(context)` function that registers its message handlers
on `context.dispatcher`, its aggregate stores, timer callbacks and indexes. Everything is
built inside `run_service` (nothing at import time) and torn down gracefully on SIGTERM:
consumption stops, in-flight handlers finish and commit, background loops end.

`main(name, settings_cls, wire)` is every service's `python -m services.<name>`: it reads
the settings from the environment first; one the service cannot use ends the process with
one JSON line on stderr and exit code 2 (`settings_or_exit`), not a traceback.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import os
import signal
import socket
import sys
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NoReturn, TypeVar

from aiokafka.errors import KafkaError
from faststream.kafka import KafkaBroker
from faststream.middlewares import AckPolicy
from pydantic import ValidationError
from pydantic_settings import SettingsError
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from shared import batch
from shared.clock import Clock, ControllableClock, SystemClock
from shared.contracts import published_types
from shared.demo_clock import latest_tick
from shared.events import ClockAdvanced, Envelope, Payload
from shared.http import OpsServer
from shared.ids import new_id
from shared.kafka import Dispatcher, Publisher, Transient, build_broker, ensure_topics
from shared.kafka.access import start_client
from shared.kafka.broker import lenient_parser
from shared.lag import LagMonitor
from shared.logging import configure_logging, get_logger
from shared.mongo import Document, IndexSpec, aggregate_indexes, create_client, ensure_indexes
from shared.outbox import OutboxRelay
from shared.outbox_clears import DeferredClears
from shared.repository import apply_and_publish
from shared.settings import (
    ServiceSettings,
    service_setting_problems,
    setting_variable,
    settings_reasons,
)
from shared.startup import DependencyUnavailable, wait_for_dependencies
from shared.store import AggregateStore, Decide
from shared.timers import FireTimer, TimerPoller
from shared.topics import ALL_TOPICS, PLATFORM_CLOCK
from shared.tracing import configure_tracing
from shared.usecase import UseCases

log = get_logger("shared.runtime")

EXIT_INVALID_SETTINGS = 2
"""The exit code of a service started with a setting it cannot use (`settings_or_exit`)."""

EXIT_DEPENDENCY_UNAVAILABLE = 3
"""The exit code of a service whose Kafka or database did not answer within the start-up
wait, or refused it (`shared.startup`)."""


@dataclass
class ServiceContext:
    """What a service's wiring needs: settings, clock, database, dispatcher, publisher."""

    name: str
    settings: ServiceSettings
    clock: Clock
    db: AsyncDatabase[Document]
    dispatcher: Dispatcher
    publisher: Publisher
    instance_id: str
    stores: dict[str, AggregateStore] = field(default_factory=dict)
    indexes: list[IndexSpec] = field(default_factory=list)
    timer_callbacks: dict[str, FireTimer] = field(default_factory=dict)
    relay: OutboxRelay | None = None
    batch_cache: dict[tuple[str, str], Any] = field(default_factory=dict)
    """Aggregates as the last batches left them (`shared.batch`); dropped on revocation."""
    clears: DeferredClears = field(default_factory=DeferredClears)
    """Published outboxes not emptied yet (`shared.outbox_clears`)."""

    def store(self, collection: str) -> AggregateStore:
        """The aggregate store of `collection` (its outbox is relayed, its indexes made)."""
        if collection not in self.stores:
            self.stores[collection] = AggregateStore(
                self.db[collection],
                self.settings.kafka.max_message_bytes,
                self.settings.bulk_write_chunk,
            )
            self.indexes.extend(aggregate_indexes(collection))
            cache = self.batch_cache
            self.stores[collection].on_other_write(
                lambda aggregate_id: cache.pop((collection, aggregate_id), None)
            )
            if self.relay is not None:
                self.relay.add(self.db[collection])
                relay = self.relay
                self.stores[collection].on_saved(
                    lambda aggregate_id, _due, events: (
                        relay.note_written(collection, aggregate_id) if events else None
                    )
                )
        return self.stores[collection]

    def use_cases(
        self, events_topic: str, payloads: Callable[[Any], Sequence[Payload]]
    ) -> UseCases:
        """The narrow dependencies of this service's use cases (see `shared.usecase`):
        its aggregate stores, the outbox relay, the publisher and the clock."""
        assert self.relay is not None
        return UseCases(
            service=self.name,
            events_topic=events_topic,
            clock=self.clock,
            stores=self.store,
            outbox=self.relay,
            publish=self.publisher.publish,
            payloads=payloads,
        )

    def on_timer(self, collection: str, fire: FireTimer) -> None:
        """Fire due timers stored in `collection` with `fire(aggregate_id, timer)`."""
        self.store(collection)
        self.timer_callbacks[collection] = fire

    async def persist(self) -> None:
        """Store what the running batch has decided so far, now (see `shared.batch`)."""
        unit = batch.current()
        if unit is not None:
            await unit.persist()

    def new_batch(self) -> batch.Batch:
        """A unit of work for one fetched batch (the dispatcher asks for one per batch)."""
        if len(self.batch_cache) > self.settings.batch_cache_aggregates:
            self.batch_cache.clear()
        return batch.Batch(self.publisher, self.relay, self.batch_cache, self.clears)

    async def partitions_moved(self) -> None:
        """Partitions were taken from this instance or given to it: drop the batch cache
        and empty every published outbox now (bounded: what fails is left to the relay's
        sweeps), so the next owner finds no published events to send again."""
        self.batch_cache.clear()
        await self.clear_published_outboxes()

    async def clear_published_outboxes(self, timeout_seconds: float = 5.0) -> None:
        """Empty every outbox whose clear was deferred (revocation, graceful stop); a
        failure is logged, not raised: the relay's full sweep covers those events
        (published again, same ids)."""
        try:
            await asyncio.wait_for(self.clears.clear_due(everything=True), timeout_seconds)
        except Exception as error:
            log.warning(
                "deferred outbox clears failed; the relay's sweep covers them", error=repr(error)
            )

    def index(self, spec: IndexSpec) -> None:
        """Ensure an extra index at start-up."""
        self.indexes.append(spec)

    async def apply(
        self,
        collection: str,
        aggregate_id: str,
        message_id: str,
        decide: Decide,
        *,
        fingerprint: str | None = None,
    ) -> bool:
        """Store a change through the aggregate store, then publish its events at once.

        Pass the command's `shared.store.fingerprint` for a command: a different command
        under a tracking id already recorded is then refused (`CommandIdReused`)."""
        unit = batch.current()
        if unit is not None:
            store = self.store(collection)
            return (await unit.apply(store, aggregate_id, message_id, decide, fingerprint)).changed
        assert self.relay is not None
        applied = await apply_and_publish(
            self.store(collection),
            self.relay,
            collection,
            aggregate_id,
            message_id,
            decide,
            fingerprint,
        )
        return applied.changed


Wire = Callable[[ServiceContext], None]


def demo_time_gate(
    clock: ControllableClock, timeout: float
) -> Callable[[datetime | None], Awaitable[None]]:
    """Demonstration mode: hold a message until the clock's ticks reach its `time`.

    A message stamped after the latest tick this instance has read (a command sent right
    after a tick) waits up to `timeout` s for that tick. Without any tick yet the message is
    retried as transient; one stamped beyond every tick is handled at the clock's time.
    """

    async def wait(instant: datetime | None) -> None:
        if await clock.wait_until(instant, timeout):
            return
        if not clock.started:
            raise Transient("the demonstration clock has not received its first tick")
        log.warning(
            "message is ahead of the demonstration clock; handled at the clock's time",
            message_time=instant.isoformat() if instant else None,
            clock=clock.now().isoformat(),
        )

    return wait


def build_context(
    name: str,
    settings: ServiceSettings,
    broker: KafkaBroker,
    client: AsyncMongoClient[Document],
    clock: Clock,
    wire: Wire,
) -> ServiceContext:
    """Build the context and let the service wire itself (no I/O here)."""
    publisher = Publisher(broker, settings.kafka.topic_prefix, settings.kafka.max_message_bytes)
    dispatcher = Dispatcher(
        service=name,
        publisher=publisher,
        clock=clock.now,
        batch_records=settings.batch_max_records,
    )
    context = ServiceContext(
        name=name,
        settings=settings,
        clock=clock,
        db=client[settings.database_name],
        dispatcher=dispatcher,
        publisher=publisher,
        instance_id=settings.instance_id or f"{socket.gethostname()}-{os.getpid()}",
    )
    context.clears = DeferredClears(settings.outbox_clear_window_seconds)
    context.relay = OutboxRelay(
        [],
        publisher,
        clock,
        settings.outbox_sweep_seconds,
        settings.outbox_full_sweep_seconds,
        context.clears,
    )
    dispatcher.new_batch = context.new_batch
    dispatcher.revoked = context.partitions_moved
    wire(context)
    return context


async def start_at_latest_tick(clock: ControllableClock, settings: ServiceSettings) -> None:
    """Demonstration mode: move `clock` to the latest tick on the clock topic before any
    business message is consumed, so a restarted instance does not decide at the instant
    of a tick it is still replaying (`shared.demo_clock`). Best effort: if the broker
    cannot be read now, the clock subscription still catches up tick by tick."""
    try:
        instant = await latest_tick(settings.kafka, settings.kafka.topic(PLATFORM_CLOCK.name))
    except KafkaError as error:
        log.warning("could not read the latest clock tick; replaying ticks", error=repr(error))
        return
    if instant is not None and clock.advance_to(instant):
        log.info("demo clock started at the latest tick", now=clock.now().isoformat())


def subscribe_demo_clock(
    broker: KafkaBroker, clock: ControllableClock, group: str, topic: str
) -> None:
    """Demonstration mode: follow `platform.clock.advanced` events (every instance reads all)."""

    async def on_tick(body: bytes) -> None:
        try:
            moved = clock.advance_to(Envelope.from_json(body).parse_data(ClockAdvanced).now)
        except (ValueError, ValidationError) as error:
            log.warning("ignored malformed clock tick", error=repr(error))
            return
        if moved:
            log.info("demo clock advanced", now=clock.now().isoformat())

    broker.subscriber(
        topic,
        group_id=group,
        auto_offset_reset="earliest",
        ack_policy=AckPolicy.ACK,
        parser=lenient_parser,
        decoder=lambda message: message.body,
        no_reply=True,
        title=f"{group}:{topic}",
    )(on_tick)


_GC_TUNED = False


def tune_garbage_collector(young_threshold: int) -> None:
    """Tune CPython's cyclic garbage collector for a long-running consumer (once, after
    wiring): collect, `gc.freeze()` every object start-up built (modules, pydantic schemas,
    the wiring: never garbage, so no longer scanned by any collection), then collect the
    youngest generation every `young_threshold` allocations instead of 700 (the older two
    keep Python's 10 and 10). `young_threshold` 0 changes nothing.

    A handled message allocates thousands of short-lived objects (decoded JSON, pydantic
    models, documents); at 700 the collector ran every few messages and each full
    collection walked the whole heap, ~15 % of a batch's CPU in the in-memory benchmark
    (see README, *Performance*). Memory held longer: at most `young_threshold` objects of
    cyclic garbage between two collections; objects without cycles are freed at once
    as always."""
    global _GC_TUNED
    if young_threshold <= 0 or _GC_TUNED:
        return  # once per process: a later call would freeze what earlier ones left
    _GC_TUNED = True
    gc.collect()
    gc.freeze()
    _young, middle, old = gc.get_threshold()
    gc.set_threshold(young_threshold, middle, old)


async def _dependencies_answered(name: str, settings: ServiceSettings, stop: asyncio.Event) -> bool:
    """`shared.startup.wait_for_dependencies`, given up when `stop` is set (a SIGTERM
    while waiting ends the service within one probe, at most 10 s, instead of the whole
    wait): True once both answered, False when stopped; raises `DependencyUnavailable`."""
    waiting = asyncio.ensure_future(
        wait_for_dependencies(
            settings.kafka, settings.mongo, settings.startup_wait_seconds, name, stop
        )
    )
    stopping = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({waiting, stopping}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in (waiting, stopping):
            task.cancel()
        await asyncio.gather(waiting, stopping, return_exceptions=True)
    if stop.is_set():
        return False  # stopping: whatever the wait came to
    waiting.result()  # DependencyUnavailable
    return True


async def run_service(
    name: str,
    settings: ServiceSettings,
    wire: Wire,
    stop: asyncio.Event | None = None,
    extra_topics: Sequence[str] = (),
) -> None:
    """Run the service until SIGTERM/SIGINT (or `stop` is set)."""
    configure_logging(name, settings.log_format, settings.log_level)
    configure_tracing(settings.otel_exporter)
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)

    clock: Clock = (
        ControllableClock(settings.demo_clock_start) if settings.demo_clock else SystemClock()
    )
    if not await _dependencies_answered(name, settings, stop):
        log.info("stopped while waiting for Kafka or the database")
        return
    client = create_client(settings.mongo, app_name=name)
    broker = build_broker(settings.kafka, client_id=name)
    context = build_context(name, settings, broker, client, clock, wire)
    if isinstance(clock, ControllableClock):
        context.dispatcher.await_time = demo_time_gate(clock, settings.demo_clock_wait_seconds)
        subscribe_demo_clock(
            broker,
            clock,
            f"{name}-clock-{context.instance_id}-{new_id()}",
            settings.kafka.topic(PLATFORM_CLOCK.name),
        )

    if settings.kafka.create_topics:
        await ensure_topics(settings.kafka, [t.name for t in ALL_TOPICS] + list(extra_topics))
    await ensure_indexes(context.db, context.indexes)
    if isinstance(clock, ControllableClock):
        await start_at_latest_tick(clock, settings)
    context.dispatcher.known_types = published_types()
    context.dispatcher.bind(
        broker,
        group_id=settings.kafka.topic_prefix + name,
        max_workers=settings.consumer_workers,
        heartbeat_interval_ms=settings.kafka.heartbeat_interval_ms,
    )
    tune_garbage_collector(settings.gc_young_threshold)
    await start_client(broker.start, settings.kafka)
    log.info("service started", consumes=context.dispatcher.topics(), instance=context.instance_id)

    async def ready() -> bool:
        try:
            await client.admin.command("ping")
            return bool(broker.running) if hasattr(broker, "running") else True
        except Exception:
            return False

    ops = OpsServer(settings.http_host, settings.http_port, ready)
    await ops.start()
    assert context.relay is not None
    tasks: list[asyncio.Task[Any]] = [asyncio.create_task(context.relay.run(stop))]
    for collection, fire in context.timer_callbacks.items():
        poller = TimerPoller(
            context.db[collection],
            clock,
            fire,
            owner=context.instance_id,
            lease_seconds=settings.timer_lease_seconds,
            poll_seconds=settings.timer_poll_seconds,
            store=context.store(collection),
            reload_seconds=settings.timer_reload_seconds,
        )
        tasks.append(asyncio.create_task(poller.run(stop)))
    lag = LagMonitor(
        settings.kafka,
        settings.kafka.topic_prefix + name,
        context.dispatcher.topics(),
        settings.lag_interval_seconds,
    )
    tasks.append(asyncio.create_task(lag.run(stop)))
    log.info("ops endpoint listening", port=ops.port)

    await stop.wait()
    log.info("stopping: finishing in-flight work")
    await broker.stop()  # stops consuming; waits for in-flight handlers (graceful timeout)
    await context.clear_published_outboxes()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    await ops.stop()
    await client.close()
    log.info("service stopped")


Settings = TypeVar("Settings", bound=ServiceSettings)


def settings_or_exit(name: str, settings_cls: type[Settings]) -> Settings:
    """`settings_cls()` read from the environment; when a setting is refused, one JSON line
    on stderr and `SystemExit(EXIT_INVALID_SETTINGS)` (2), before anything is logged or
    connected:

        {"error": "invalid_settings", "service": "porting", "reasons": [{"field":
        "kafka.producer_batch_bytes", "code": "int_parsing", "message": "Input should be a
        valid integer, ...", "variable": "PARTNEROPS_KAFKA__PRODUCER_BATCH_BYTES"}]}

    One reason per refused setting, all at once: pydantic's refusals
    (`shared.settings.settings_reasons`); each variable that is no JSON where JSON is read
    (the settings are read again without it, so the others are checked too); and, once
    pydantic accepted them, what the service would fail on while wiring itself
    (`shared.settings.service_setting_problems`: the Kafka bootstrap list, topic prefix,
    SASL pair, TLS files, database name, log level, the Mongo URL as pymongo parses it).
    No value is echoed: a setting may be a password or a URL with credentials."""
    reasons: list[dict[str, str | None]] = []
    hidden: dict[str, str] = {}
    settings: Settings | None = None
    try:
        while True:
            try:
                settings = settings_cls()
            except SettingsError as error:
                [reason] = settings_reasons(error, settings_cls)
                reasons.append(reason)
                variable = reason["variable"]
                if variable is None or variable not in os.environ:
                    break  # cannot read past it: the others wait for the next start
                hidden[variable] = os.environ.pop(variable)
                continue
            except ValidationError as error:
                reasons.extend(settings_reasons(error, settings_cls))
            break
    finally:
        os.environ.update(hidden)
    if hidden or reasons:
        settings = None  # read without a variable, or refused: not what was configured
    if settings is not None:
        for path, problem in service_setting_problems(settings):
            code = "url_parsing" if path == ("mongo", "url") else "value_error"
            reasons.append(
                {
                    "field": ".".join(path),
                    "code": code,
                    "message": problem,
                    "variable": setting_variable(settings_cls, path),
                }
            )
    if reasons or settings is None:
        refuse_settings(name, reasons)
    return settings


def refuse_settings(name: str, reasons: Sequence[dict[str, str | None]]) -> NoReturn:
    """Print `{"error": "invalid_settings", "service": name, "reasons": reasons}` as one
    line on stderr and exit with `EXIT_INVALID_SETTINGS`."""
    line = {"error": "invalid_settings", "service": name, "reasons": list(reasons)}
    print(json.dumps(line), file=sys.stderr, flush=True)
    raise SystemExit(EXIT_INVALID_SETTINGS)


def main(name: str, settings_cls: type[ServiceSettings], wire: Wire) -> None:
    """`python -m services.<name>`: the settings from the environment (`settings_or_exit`:
    exit code 2 and one JSON line on stderr when one is refused), then `run_service` until
    SIGTERM/SIGINT. Kafka or the database not answering within `startup_wait_seconds`
    (or refusing the service): exit code 3 and one JSON line (`shared.startup`)."""
    settings = settings_or_exit(name, settings_cls)
    try:
        asyncio.run(run_service(name, settings, wire))
    except DependencyUnavailable as unavailable:
        print(json.dumps(unavailable.report(name)), file=sys.stderr, flush=True)
        raise SystemExit(EXIT_DEPENDENCY_UNAVAILABLE) from None
