"""Topic administration: create the topics a service uses, and their dead-letter topics."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterable

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from shared.kafka.access import start_client
from shared.kafka.broker import security_options
from shared.logging import get_logger
from shared.settings import KafkaSettings
from shared.topics import dead_letter_topic

log = get_logger("shared.kafka")


async def ensure_topics(settings: KafkaSettings, topics: Iterable[str]) -> None:
    """Create the topics (and their dead-letter topics) that do not exist yet."""
    names = sorted({settings.topic(n) for t in topics for n in (t, dead_letter_topic(t))})
    admin = AIOKafkaAdminClient(
        bootstrap_servers=settings.bootstrap_servers, **security_options(settings)
    )
    await start_client(admin.start, settings)
    try:
        existing = set(await admin.list_topics())
        missing = [n for n in names if n not in existing]
        if not missing:
            return
        with contextlib.suppress(TopicAlreadyExistsError):  # another instance won the race
            await admin.create_topics(
                [
                    NewTopic(
                        name=n,
                        num_partitions=settings.topic_partitions,
                        replication_factor=settings.topic_replication,
                    )
                    for n in missing
                ]
            )
        log.info("topics created", topics=missing)
        await _wait_for_leaders(admin, missing)
    finally:
        await admin.close()


async def _wait_for_leaders(admin: AIOKafkaAdminClient, topics: list[str]) -> None:
    """New partitions answer NotLeaderForPartition until a leader is elected: wait for it."""
    for _ in range(50):
        described = await admin.describe_topics(topics)
        if all(
            t.get("error_code", 0) == 0
            and t.get("partitions")
            and all(p.get("leader", -1) >= 0 for p in t["partitions"])
            for t in described
        ):
            return
        await asyncio.sleep(0.2)
