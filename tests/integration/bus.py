"""Running a real service in-process against the real servers, and talking to it via Kafka.

Every test gets its own topic namespace (`KafkaSettings.topic_prefix`) and database, so
tests never see each other's messages or documents, and consumers may start from the
earliest offset without replaying anything old.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

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
            update={"bootstrap_servers": bootstrap, "topic_prefix": prefix, "topic_partitions": 2}
        )
        self._options = security_options(self.kafka)
        self.now = start
        self._producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", **self._options)

    async def start(self) -> None:
        """Create the namespace's topics and start the services' clock at `start`."""
        await ensure_topics(self.kafka, [t.name for t in ALL_TOPICS])
        await self._producer.start()
        await self.advance(timedelta(0))

    async def stop(self) -> None:
        await self._producer.stop()

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

    async def read(self, topic: str, timeout: float = 3.0) -> list[Any]:
        """Every record on a topic so far (waits `timeout` for stragglers)."""
        consumer = AIOKafkaConsumer(
            self.prefix + topic,
            bootstrap_servers=self.bootstrap,
            auto_offset_reset="earliest",
            group_id=None,
            **self._options,
        )
        await consumer.start()
        records: list[Any] = []
        try:
            deadline = asyncio.get_running_loop().time() + timeout
            while asyncio.get_running_loop().time() < deadline:
                batch = await consumer.getmany(timeout_ms=300)
                for part in batch.values():
                    records.extend(part)
        finally:
            await consumer.stop()
        return records

    async def wait_records(self, topic: str, count: int, timeout: float = 30.0) -> list[Any]:
        """Wait until `topic` holds at least `count` records (e.g. a dead-letter topic)."""
        deadline = asyncio.get_running_loop().time() + timeout
        records: list[Any] = []
        while asyncio.get_running_loop().time() < deadline:
            records = await self.read(topic, 1.0)
            if len(records) >= count:
                return records
        raise AssertionError(f"{count} records not seen on {topic} (got {len(records)})")

    async def events(self, topic: str, timeout: float = 3.0) -> list[Envelope]:
        """The events on `topic`, each CloudEvents id once (first copy), as every consumer
        reads them: delivery is at-least-once, so a rebalance or a redelivered command may
        publish the same event (same id) again. `read` gives the raw records."""
        seen: set[str] = set()
        events = []
        for record in await self.read(topic, timeout):
            event = Envelope.from_json(record.value)
            if event.id not in seen:
                seen.add(event.id)
                events.append(event)
        return events

    async def expect(
        self,
        topic: str,
        event_type: str,
        where: Callable[[Envelope], bool] = lambda e: True,
        timeout: float = 30.0,
        count: int = 1,
    ) -> list[Envelope]:
        """Wait until `count` events of `event_type` matching `where` are on `topic`."""
        deadline = asyncio.get_running_loop().time() + timeout
        found: list[Envelope] = []
        while asyncio.get_running_loop().time() < deadline:
            found = [e for e in await self.events(topic, 1.0) if e.type == event_type and where(e)]
            if len(found) >= count:
                return found
        seen = sorted({e.type for e in await self.events(topic, 0.5)})
        raise AssertionError(f"{count}× {event_type} not seen on {topic} (seen: {seen})")


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
