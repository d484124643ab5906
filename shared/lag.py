"""Consumer lag per partition, for the Prometheus gauge that autoscaling can follow."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from shared import metrics
from shared.kafka import TRANSIENT_ERRORS, security_options
from shared.logging import get_logger
from shared.settings import KafkaSettings

log = get_logger("shared.lag")


class LagMonitor:
    """Measures end offset − committed offset of a consumer group on its topics."""

    def __init__(
        self,
        settings: KafkaSettings,
        group_id: str,
        topics: Sequence[str],
        interval_seconds: float = 15.0,
    ) -> None:
        self._settings = settings
        self._group = group_id
        self._topics = [settings.topic(t) for t in topics]
        self._interval = interval_seconds

    async def measure(self) -> dict[TopicPartition, int]:
        """The lag of every partition of the group's topics (uncommitted = from offset 0)."""
        options = security_options(self._settings)
        admin = AIOKafkaAdminClient(bootstrap_servers=self._settings.bootstrap_servers, **options)
        consumer = AIOKafkaConsumer(
            bootstrap_servers=self._settings.bootstrap_servers, group_id=None, **options
        )
        await admin.start()
        await consumer.start()
        try:
            committed = await admin.list_consumer_group_offsets(self._group)
            partitions = [
                TopicPartition(t["topic"], p["partition"])
                for t in await admin.describe_topics(self._topics)
                for p in t.get("partitions", [])
            ]
            ends = await consumer.end_offsets(partitions) if partitions else {}
        finally:
            await consumer.stop()
            await admin.close()
        lag: dict[TopicPartition, int] = {}
        for tp, end in ends.items():
            done = committed.get(tp)
            lag[tp] = max(0, end - (done.offset if done is not None and done.offset >= 0 else 0))
        return lag

    async def run(self, stop: asyncio.Event) -> None:
        """Update the gauge periodically until `stop` is set."""
        while not stop.is_set():
            try:
                for tp, value in (await self.measure()).items():
                    metrics.labelled(
                        metrics.CONSUMER_LAG, topic=tp.topic, partition=str(tp.partition)
                    ).set(value)
            except TRANSIENT_ERRORS as error:
                log.warning("lag measurement failed; will retry", error=repr(error))
            await asyncio.sleep(self._interval)
