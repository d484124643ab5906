"""Kafka for the CLI: a producer that waits for every in-sync replica, and readers that
position themselves before anything is published (so no outcome is missed) or read a
topic between two offsets (tail, dead letters)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.errors import KafkaConnectionError, KafkaError

from cli.context import Cli, Failure, invalid_setting, not_answering, variable_of
from shared.settings import KafkaSettings

METADATA_TIMEOUT_MS = 10_000
STALL_SECONDS = 30
"""How long a read up to known end offsets may see nothing before it gives up."""


def security_options(settings: KafkaSettings) -> dict[str, Any]:
    """aiokafka's SASL/TLS options (`KafkaSettings.security_options`: no FastStream import,
    seconds on a busy machine). TLS material that cannot be read
    (`PARTNEROPS_KAFKA__SSL_CAFILE=/nonexistent`) is `invalid_setting` naming the variable,
    not an unexpected error."""
    import ssl

    try:
        return settings.security_options()
    except (OSError, ssl.SSLError, ValueError) as error:
        named = [n for n in ("ssl_cafile", "ssl_certfile", "ssl_keyfile") if getattr(settings, n)]
        unreadable = (
            [n for n in named if not Path(str(getattr(settings, n))).is_file()]
            or named
            or ["ssl_cafile"]
        )
        raise invalid_setting(
            variable_of("kafka", unreadable[0]), f"TLS material: {error}"[:300]
        ) from None


def _unreachable(cli: Cli, error: Exception) -> Failure:
    """`kafka_unreachable`: down, or another kind of server on a bootstrap address
    (`listening` names those, see `cli.context.not_answering`)."""
    servers = cli.settings.kafka.bootstrap_servers
    addresses = [a.strip() for a in servers.split(",") if a.strip()]
    message, others = not_answering("Kafka", addresses, error)
    return Failure("kafka_unreachable", message, bootstrap_servers=servers, listening=others)


@asynccontextmanager
async def producer(cli: Cli) -> AsyncIterator[AIOKafkaProducer]:
    """A started producer (acks=all, idempotent, the broker's size limit)."""
    kafka = cli.settings.kafka
    client = AIOKafkaProducer(
        bootstrap_servers=kafka.bootstrap_servers,
        acks="all",
        enable_idempotence=True,
        max_request_size=kafka.max_message_bytes,
        request_timeout_ms=METADATA_TIMEOUT_MS,
        **security_options(kafka),
    )
    try:
        await client.start()
    except (KafkaError, OSError) as error:
        await client.stop()
        raise _unreachable(cli, error) from error
    try:
        yield client
    finally:
        await client.stop()


async def ensure(cli: Cli, client: AIOKafkaProducer, topics: Iterable[str]) -> list[str]:
    """Create the logical topics (and their dead-letter topics) that are missing, as the
    services do at start (`shared.kafka.ensure_topics`, imported only when needed).
    Returns the physical names of those of `topics` that did not exist: no service has
    started in that namespace yet — or the topic prefix is mistyped."""
    wanted = list(topics)
    known = await client.client.fetch_all_metadata()
    missing = [cli.physical(t) for t in wanted if not known.partitions_for_topic(cli.physical(t))]
    if not missing:
        return []
    from shared.kafka.admin import ensure_topics

    try:
        await asyncio.wait_for(ensure_topics(cli.settings.kafka, wanted), 30)
    except (KafkaError, OSError, TimeoutError) as error:
        raise _unreachable(cli, error) from error
    return missing


@dataclass(frozen=True)
class Received:
    """One consumed record, with its logical topic."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: tuple[tuple[str, bytes | None], ...]
    timestamp_ms: int

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key == name and value is not None:
                return value.decode("utf-8", errors="replace")
        return None


class Reader:
    """A consumer without a group on whole topics, positioned when started (at the end,
    or the beginning) so that whatever is published afterwards is read."""

    def __init__(self, cli: Cli, topics: list[str], from_beginning: bool = False) -> None:
        self.cli = cli
        self.topics = topics
        self.from_beginning = from_beginning
        kafka = cli.settings.kafka
        self.consumer = AIOKafkaConsumer(
            bootstrap_servers=kafka.bootstrap_servers,
            group_id=None,
            enable_auto_commit=False,
            auto_offset_reset="earliest" if from_beginning else "latest",
            request_timeout_ms=METADATA_TIMEOUT_MS,
            **security_options(kafka),
        )
        self.ends: dict[TopicPartition, int] = {}

    async def __aenter__(self) -> Reader:
        try:
            await self.consumer.start()
            partitions: list[TopicPartition] = []
            for topic in self.topics:
                physical = self.cli.physical(topic)
                numbers = await partitions_of(self.consumer, physical)
                if not numbers:
                    raise Failure(
                        "unknown_topic",
                        f"topic {physical} does not exist (are the services started with "
                        f"topic prefix {self.cli.prefix!r}?)",
                        exit_code=2,
                        topic=topic,
                    )
                partitions += [TopicPartition(physical, n) for n in sorted(numbers)]
            self.consumer.assign(partitions)
            if self.from_beginning:
                await self.consumer.seek_to_beginning(*partitions)
            else:
                await self.consumer.seek_to_end(*partitions)
            for tp in partitions:
                await self.consumer.position(tp)  # pin the start now
            self.ends = await self.consumer.end_offsets(partitions)
        except Failure:
            await self.consumer.stop()
            raise
        except (KafkaConnectionError, KafkaError, OSError) as error:
            await self.consumer.stop()
            raise _unreachable(self.cli, error) from error
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.consumer.stop()

    async def records(self, timeout: float | None) -> AsyncIterator[Received]:
        """Records as they come; stops after `timeout` seconds without end (None: never)."""
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        while True:
            wait = 1.0 if deadline is None else min(1.0, deadline - loop.time())
            if wait <= 0:
                return
            batch = await self.consumer.getmany(timeout_ms=int(wait * 1000))
            for _, items in sorted(batch.items(), key=lambda kv: (kv[0].topic, kv[0].partition)):
                for r in items:
                    yield _received(self.cli, r)

    async def until_end(self) -> AsyncIterator[Received]:
        """Every record up to the end offsets seen when started, then stop."""
        remaining = {tp: end for tp, end in self.ends.items()}
        for tp in list(remaining):
            if await self.consumer.position(tp) >= remaining[tp]:
                remaining.pop(tp)
        idle = 0
        while remaining:
            batch = await self.consumer.getmany(*remaining, timeout_ms=1000)
            idle = 0 if batch else idle + 1
            if idle > STALL_SECONDS:
                raise Failure(
                    "kafka_stalled",
                    f"no record for {STALL_SECONDS} s before the end of "
                    f"{sorted(tp.topic for tp in remaining)}",
                )
            for tp, items in batch.items():
                for r in items:
                    if r.offset < remaining.get(tp, 0):
                        yield _received(self.cli, r)
            for tp in list(remaining):
                if await self.consumer.position(tp) >= remaining[tp]:
                    remaining.pop(tp)


async def partitions_of(consumer: AIOKafkaConsumer, topic: str) -> set[int]:
    """The partitions of `topic` (empty when it does not exist); a topic created a moment
    ago may take a few metadata refreshes to appear. (The consumer's own
    `partitions_for_topic` reads a cache that only subscribed topics refresh, so the fresh
    metadata aiokafka's client fetches is read instead.)"""
    for attempt in range(10):
        cluster = await consumer._client.fetch_all_metadata()
        found = cluster.partitions_for_topic(topic)
        if found:
            return set(found)
        if attempt < 9:
            await asyncio.sleep(0.3)
    return set()


def _received(cli: Cli, record: Any) -> Received:
    return Received(
        topic=cli.logical(record.topic),
        partition=record.partition,
        offset=record.offset,
        key=record.key,
        value=record.value,
        headers=tuple(record.headers or ()),
        timestamp_ms=record.timestamp,
    )


async def read_one(cli: Cli, topic: str, partition: int, offset: int) -> Received | None:
    """The record at `offset` of a partition (None when there is none)."""
    kafka = cli.settings.kafka
    consumer = AIOKafkaConsumer(
        bootstrap_servers=kafka.bootstrap_servers,
        group_id=None,
        enable_auto_commit=False,
        request_timeout_ms=METADATA_TIMEOUT_MS,
        **security_options(kafka),
    )
    try:
        await consumer.start()
    except (KafkaError, OSError) as error:
        await consumer.stop()
        raise _unreachable(cli, error) from error
    try:
        tp = TopicPartition(cli.physical(topic), partition)
        partitions = await partitions_of(consumer, tp.topic)
        if not partitions or partition not in partitions:
            return None
        consumer.assign([tp])
        start = (await consumer.beginning_offsets([tp]))[tp]
        end = (await consumer.end_offsets([tp]))[tp]
        if not start <= offset < end:
            return None
        consumer.seek(tp, offset)
        while True:
            batch = await consumer.getmany(tp, timeout_ms=5000, max_records=1)
            for record in batch.get(tp, []):
                if record.offset == offset:
                    return _received(cli, record)
                if record.offset > offset:
                    return None
            if not batch:
                return None
    finally:
        await consumer.stop()
