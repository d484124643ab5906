"""Running a real service in-process against the real servers, and talking to it via Kafka.

Every test gets its own topic namespace (`KafkaSettings.topic_prefix`) and database, so
tests never see each other's messages or documents, and consumers may start from the
earliest offset without replaying anything old.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError

from shared.events import ClockAdvanced, Envelope, Payload, new_event
from shared.ids import new_id
from shared.kafka import ensure_topics
from shared.kafka.broker import security_options
from shared.runtime import Wire, run_service
from shared.settings import KafkaSettings, MongoSettings, ServiceSettings
from shared.topics import ALL_TOPICS, PLATFORM_CLOCK

DEFAULT_START = datetime(2031, 3, 3, 8, 0, tzinfo=UTC)
"""Where a test's clock starts unless it pins its own: a Monday, far from today on purpose
(no test may depend on today's date; CI also runs the suite with the clock a year ahead)."""


class Bus:
    """Publishes to and reads from one test's topic namespace."""

    def __init__(
        self,
        bootstrap: str,
        prefix: str,
        start: datetime = DEFAULT_START,
        security: KafkaSettings | None = None,
    ) -> None:
        """`security`: the SASL/TLS part of these settings is used by the bus's own
        clients and handed to the services (a secured broker); default plaintext."""
        self.bootstrap = bootstrap
        self.prefix = prefix
        # Two partitions per topic: enough to exercise keying, light on the test broker.
        self.kafka = (security or KafkaSettings()).model_copy(
            update={
                "bootstrap_servers": bootstrap,
                "topic_prefix": prefix,
                "topic_partitions": 2,
                # A service's consumers join its group one after another, each join a
                # rebalance the others hear of at their next heartbeat: quick in tests.
                "heartbeat_interval_ms": 250,
            }
        )
        self._options = security_options(self.kafka)
        self.now = start
        self._producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", **self._options)
        self._tails: dict[str, _Tail] = {}

    async def start(self) -> None:
        """Create the namespace's topics and start the services' clock at `start`."""
        await ensure_topics(self.kafka, [t.name for t in ALL_TOPICS])
        await self._producer.start()
        await self.advance(timedelta(0))

    async def stop(self) -> None:
        """Stop the readers and the producer. (The namespace's topics are deleted after the
        test by the `unique` fixture that named them.)"""
        for tail in self._tails.values():
            await tail.stop()
        self._tails.clear()
        await self._producer.stop()

    async def __aenter__(self) -> Bus:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def send(
        self, topic: str, payload: Payload, subject: str, event_id: str | None = None
    ) -> Envelope:
        envelope = new_event(
            payload, source="/tests", now=self.now, subject=subject, event_id=event_id
        )
        await self.send_raw(topic, subject, envelope.to_json())
        return envelope

    async def send_raw(self, topic: str, key: str, body: bytes) -> None:
        await self._producer.send_and_wait(self.prefix + topic, body, key=key.encode())

    async def advance(self, delta: timedelta) -> datetime:
        """Move the services' demonstration clock forward by `delta` (a tick)."""
        if delta < timedelta(0):
            raise ValueError("the demonstration clock never goes backwards")
        self.now += delta
        tick = new_event(ClockAdvanced(now=self.now), source="/tests", now=self.now)
        await self.send_raw(PLATFORM_CLOCK.name, "clock", tick.to_json())
        return self.now

    async def advance_to(self, instant: datetime) -> datetime:
        return await self.advance(max(instant - self.now, timedelta(0)))

    async def _tail(self, topic: str) -> _Tail:
        tail = self._tails.get(topic)
        if tail is None:
            consumer = AIOKafkaConsumer(
                self.prefix + topic,
                bootstrap_servers=self.bootstrap,
                auto_offset_reset="earliest",
                group_id=None,
                **self._options,
            )
            await consumer.start()
            tail = self._tails.get(topic)
            if tail is not None:  # another task opened it meanwhile
                await consumer.stop()
                return tail
            tail = self._tails[topic] = _Tail(consumer)
        return tail

    async def read(self, topic: str, timeout: float = 3.0) -> list[Any]:
        """Every record on a topic so far, after waiting `timeout` (s) for stragglers — for
        checks that something did *not* arrive (again). Waiting *for* records: `expect`,
        `wait_records`, which return as soon as they are there."""
        tail = await self._tail(topic)
        await asyncio.sleep(timeout)
        return list(tail.records)

    async def wait_records(self, topic: str, count: int, timeout: float = 30.0) -> list[Any]:
        """Wait until `topic` holds at least `count` records (e.g. a dead-letter topic);
        returns every record seen by then."""
        tail = await self._tail(topic)
        if not await tail.until(lambda: len(tail.records) >= count, timeout):
            got = len(tail.records)
            raise AssertionError(f"{count} records not seen on {topic} (got {got})")
        return list(tail.records)

    async def events(self, topic: str, timeout: float = 3.0) -> list[Envelope]:
        """The events on `topic` after waiting `timeout` (s), each CloudEvents id once
        (first copy), as every consumer reads them: delivery is at-least-once, so a
        rebalance or a redelivered command may publish the same event (same id) again.
        `read` gives the raw records."""
        tail = await self._tail(topic)
        await asyncio.sleep(timeout)
        return tail.events()

    async def expect(
        self,
        topic: str,
        event_type: str,
        where: Callable[[Envelope], bool] = lambda e: True,
        timeout: float = 30.0,
        count: int = 1,
    ) -> list[Envelope]:
        """Wait (at most `timeout`, s) until `count` events of `event_type` matching `where`
        are on `topic`; returns those seen by then, each id once."""
        tail = await self._tail(topic)

        def found() -> list[Envelope]:
            return [e for e in tail.events() if e.type == event_type and where(e)]

        if await tail.until(lambda: len(found()) >= count, timeout):
            return found()
        seen = sorted({e.type for e in tail.events()})
        raise AssertionError(f"{count}× {event_type} not seen on {topic} (seen: {seen})")


class _Tail:
    """One topic read from its start by a consumer of no group, for the bus's lifetime:
    the records in offset order per partition, as they arrive."""

    POLL_MS = 100

    def __init__(self, consumer: AIOKafkaConsumer) -> None:
        self.consumer = consumer
        self.records: list[Any] = []
        self._events: list[Envelope] = []
        self._ids: set[str] = set()
        self._parsed = 0
        self._arrived = asyncio.Event()
        self._task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        while True:
            batch = await self.consumer.getmany(timeout_ms=self.POLL_MS)
            for part in batch.values():
                self.records.extend(part)
            if batch:
                self._arrived.set()

    def events(self) -> list[Envelope]:
        """The records parsed as events, each id once (first copy)."""
        for record in self.records[self._parsed :]:
            event = Envelope.from_json(record.value)
            if event.id not in self._ids:
                self._ids.add(event.id)
                self._events.append(event)
        self._parsed = len(self.records)
        return list(self._events)

    async def until(self, condition: Callable[[], bool], timeout: float) -> bool:
        """Whether `condition` held within `timeout` (s), checked as records arrive."""
        deadline = asyncio.get_running_loop().time() + timeout
        while not condition():
            left = deadline - asyncio.get_running_loop().time()
            if left <= 0:
                return False
            self._arrived.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._arrived.wait(), left)
            if self._task.done():
                self._task.result()  # the reader failed: say why
        return True

    async def stop(self) -> None:
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await self._task
        await self.consumer.stop()


async def delete_topics(bootstrap: str, names: Iterable[str]) -> None:
    """Delete the topics whose names start with one of `names` (a test's prefixes). A
    broker holding every test's topics answers ever slower (raw consume→produce ~5,000/s
    with 12,000 partitions on it, 15,000–21,000/s on a fresh one: `drop_created_topics` in
    `tests/benchmarks/pipeline.py`). A broker that refuses or does not answer keeps them."""
    starts = tuple(names)
    if not starts:
        return
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    with contextlib.suppress(KafkaError, OSError):
        await admin.start()
        try:
            doomed = [t for t in await admin.list_topics() if t.startswith(starts)]
            if doomed:
                await admin.delete_topics(doomed)
        finally:
            await admin.close()


def drop_topics(bootstrap: str, names: Iterable[str]) -> None:
    """`delete_topics` from synchronous code (a fixture's teardown), in a thread of its own:
    the tests' event loop may be set on this one."""
    with ThreadPoolExecutor(1) as thread:
        thread.submit(asyncio.run, delete_topics(bootstrap, list(names))).result()


@contextlib.asynccontextmanager
async def running_service(
    name: str,
    settings_class: type[ServiceSettings],
    wire: Wire,
    bus: Bus,
    mongo_url: str,
    database: str,
    **overrides: Any,
) -> AsyncIterator[ServiceSettings]:
    """Run a service (its real `run_service`) until the block ends."""
    settings = settings_class(
        kafka=bus.kafka,
        mongo=MongoSettings(url=mongo_url),
        database=database,
        http_port=0,
        timer_poll_seconds=0.2,
        outbox_sweep_seconds=0.5,
        instance_id=f"{name}-{new_id()[-6:]}",
        **overrides,
    )
    stop = asyncio.Event()
    task = asyncio.create_task(run_service(name, settings, wire, stop=stop))
    try:
        yield settings
    finally:
        stop.set()
        await asyncio.wait_for(task, 60)
