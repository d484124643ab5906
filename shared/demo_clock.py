"""Demonstration mode: where the shared clock stands when an instance starts.

Every instance follows the clock topic under its own consumer group from the earliest
offset, so a (re)started instance replays every tick one by one — minutes of demonstration
time per tick, hundreds of ticks after a long run. While it replays, its clock lags the
others, and a message stamped after the replayed position waits for it only a bounded time
(`ServiceSettings.demo_clock_wait_seconds`) before it is handled at the stale time: a
carrier's acceptance an hour "in the future" was refused as `accepted_at_in_future` that
way (fault run, seed 7). `latest_tick` reads just the last tick of each partition, so the
clock can start where the system stands before any business topic is consumed; the replay
that follows only repeats instants the clock already passed (it never moves back).
"""

from __future__ import annotations

from datetime import datetime

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from pydantic import ValidationError

from shared.events import ClockAdvanced, Envelope
from shared.kafka import security_options
from shared.logging import get_logger
from shared.settings import KafkaSettings

log = get_logger(__name__)

READ_TIMEOUT_MS = 5_000
"""How long (ms) to wait for the last record of a partition once its offset is known."""


async def latest_tick(settings: KafkaSettings, topic: str) -> datetime | None:
    """The latest instant on the clock topic `topic` (full name, prefix included).

    Reads only the last record of each partition (ticks are keyed alike, but any layout
    works) and returns the greatest `platform.clock.advanced` instant among them, or None
    when the topic is missing, empty or holds no readable tick. Raises the client's errors
    (KafkaError) when the broker cannot be reached.
    """
    options = security_options(settings)
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.bootstrap_servers, **options)
    await admin.start()
    try:
        described = await admin.describe_topics([topic])
    finally:
        await admin.close()
    partitions = [
        TopicPartition(topic, p["partition"])
        for t in described
        if t.get("error_code", 0) == 0
        for p in t.get("partitions", [])
    ]
    if not partitions:
        return None
    consumer = AIOKafkaConsumer(
        bootstrap_servers=settings.bootstrap_servers,
        group_id=None,
        enable_auto_commit=False,
        **options,
    )
    await consumer.start()
    try:
        ends = await consumer.end_offsets(partitions)
        filled = [tp for tp in partitions if ends[tp] > 0]
        if not filled:
            return None
        consumer.assign(filled)
        for tp in filled:
            consumer.seek(tp, ends[tp] - 1)
        latest: datetime | None = None
        pending = set(filled)
        while pending:
            fetched = await consumer.getmany(*pending, timeout_ms=READ_TIMEOUT_MS)
            if not fetched:
                break
            for tp, records in fetched.items():
                pending.discard(tp)
                for record in records:
                    instant = _instant(record.value)
                    if instant is not None and (latest is None or instant > latest):
                        latest = instant
        return latest
    finally:
        await consumer.stop()


def _instant(body: bytes | None) -> datetime | None:
    if body is None:
        return None
    try:
        return Envelope.from_json(body).parse_data(ClockAdvanced).now
    except (ValueError, ValidationError) as error:
        log.warning("ignored malformed clock tick", error=repr(error))
        return None
