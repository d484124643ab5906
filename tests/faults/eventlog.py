"""Everything the system published during the run, read back from Kafka.

One reader assigns itself every partition of every events topic and every dead-letter
topic of the run's namespace and reads from the beginning, so nothing published before
it started is missed and a broker restart only pauses it (the client reconnects). Every
record is kept: copies of one CloudEvents id are how redelivery shows.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition

from shared.topics import ALL_TOPICS, TopicKind

EVENT_TOPICS = [t.name for t in ALL_TOPICS if t.kind is TopicKind.EVENTS]
DLQ_TOPICS = [f"{t.name}.dlq" for t in ALL_TOPICS]


@dataclass(frozen=True)
class Seen:
    """One published event as read: CloudEvents id, type, subject, data, when read."""

    id: str
    type: str
    subject: str | None
    data: dict[str, Any]
    at: float


@dataclass(frozen=True)
class DeadLetter:
    topic: str
    code: str
    error: str
    original_topic: str
    key: str | None
    at: float


Match = Callable[[Seen], bool]


@dataclass
class _Waiter:
    type: str
    match: Match
    future: asyncio.Future[Seen]


@dataclass
class EventLog:
    """Reads the run's events and dead letters; lets flows wait for an event."""

    bootstrap: str
    prefix: str
    records: list[Seen] = field(default_factory=list)
    by_type: dict[str, list[Seen]] = field(default_factory=lambda: defaultdict(list))
    dead_letters: list[DeadLetter] = field(default_factory=list)
    undecodable: int = 0
    last_read: float = field(default_factory=time.monotonic)
    _waiters: dict[str, list[_Waiter]] = field(default_factory=lambda: defaultdict(list))
    _task: asyncio.Task[None] | None = None
    _consumer: AIOKafkaConsumer | None = None

    async def start(self) -> None:
        consumer = AIOKafkaConsumer(
            bootstrap_servers=self.bootstrap,
            group_id=None,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            max_partition_fetch_bytes=4 * 1024 * 1024,
        )
        await consumer.start()
        partitions = []
        for name in [*EVENT_TOPICS, *DLQ_TOPICS]:
            topic = self.prefix + name
            for number in consumer.partitions_for_topic(topic) or await _partitions(
                consumer, topic
            ):
                partitions.append(TopicPartition(topic, number))
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        self._consumer = consumer
        self._task = asyncio.create_task(self._read())

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._consumer:
            await self._consumer.stop()

    async def _read(self) -> None:
        assert self._consumer is not None
        while True:
            try:
                batches = await self._consumer.getmany(timeout_ms=500, max_records=2000)
            except Exception:  # broker restarting: the client reconnects on the next call
                await asyncio.sleep(0.5)
                continue
            now = time.monotonic()
            for records in batches.values():
                for record in records:
                    self.last_read = now
                    if record.topic.endswith(".dlq"):
                        self._dead_letter(record, now)
                    else:
                        self._event(record.value, now)

    def _dead_letter(self, record: Any, now: float) -> None:
        headers = {k: v.decode(errors="replace") for k, v in record.headers}
        self.dead_letters.append(
            DeadLetter(
                topic=record.topic.removeprefix(self.prefix),
                code=headers.get("x-dlq-error-code", ""),
                error=headers.get("x-dlq-error", "")[:300],
                original_topic=headers.get("x-dlq-original-topic", ""),
                key=record.key.decode(errors="replace") if record.key else None,
                at=now,
            )
        )

    def _event(self, value: bytes | None, now: float) -> None:
        try:
            body = json.loads(value or b"")
            seen = Seen(body["id"], body["type"], body.get("subject"), body.get("data") or {}, now)
        except (ValueError, KeyError, TypeError):
            self.undecodable += 1
            return
        self.records.append(seen)
        self.by_type[seen.type].append(seen)
        waiters = self._waiters.get(seen.type)
        if waiters:
            for waiter in list(waiters):
                if not waiter.future.done() and waiter.match(seen):
                    waiter.future.set_result(seen)
                    waiters.remove(waiter)

    def find(self, event_type: str, match: Match) -> Seen | None:
        for seen in self.by_type.get(event_type, ()):
            if match(seen):
                return seen
        return None

    def all(self, event_type: str, match: Match) -> list[Seen]:
        return [s for s in self.by_type.get(event_type, ()) if match(s)]

    async def expect(self, event_type: str, match: Match, timeout: float) -> Seen | None:
        """The first event of `event_type` matching `match`, or None after `timeout` s."""
        found = self.find(event_type, match)
        if found is not None:
            return found
        waiter = _Waiter(event_type, match, asyncio.get_running_loop().create_future())
        self._waiters[event_type].append(waiter)
        try:
            return await asyncio.wait_for(waiter.future, timeout)
        except TimeoutError:
            return None
        finally:
            if waiter in self._waiters[event_type]:
                self._waiters[event_type].remove(waiter)

    def subject(self, subject: str) -> Match:
        return lambda seen: seen.subject == subject

    def field(self, name: str, value: object) -> Match:
        return lambda seen: seen.data.get(name) == value


async def _partitions(consumer: AIOKafkaConsumer, topic: str) -> set[int]:
    """Partition numbers of a topic (metadata may need a refresh right after creation)."""
    for _ in range(50):
        await consumer._client.force_metadata_update()
        numbers = consumer.partitions_for_topic(topic)
        if numbers:
            return set(numbers)
        await asyncio.sleep(0.2)
    raise RuntimeError(f"topic {topic} has no partitions")
