"""The batch half of the dispatcher: a fetched batch as one unit of work (`shared.batch`)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from aiokafka.abc import ConsumerRebalanceListener
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from faststream.middlewares import AckPolicy

from shared import batch
from shared.batch import MAX_ROUNDS, Batch, RedoLater
from shared.errors import ConcurrencyConflict
from shared.kafka.broker import lenient_batch_parser


class BatchDispatching:
    """Mixed into `Dispatcher`: subscribes in batches and runs each batch as one unit."""

    service: str
    batch_records: int
    new_batch: Callable[[], Batch] | None
    revoked: Callable[[], Awaitable[None] | None]
    _dispatch_record: Callable[[str, Any, str], Awaitable[None]]
    """`Dispatcher._dispatch_record(topic, raw record, group id)`: one record alone."""

    def _subscribe_batch(
        self,
        broker: KafkaBroker,
        topics: Sequence[str],
        prefix: str,
        group_id: str,
        options: dict[str, Any],
    ) -> None:
        async def consume_batch(body: Any, message: KafkaMessage) -> None:
            await self.dispatch_batch(tuple(message.raw_message), group_id, prefix)

        broker.subscriber(
            *(prefix + topic for topic in topics),
            group_id=group_id,
            ack_policy=AckPolicy.NACK_ON_ERROR,
            auto_offset_reset=options.pop("auto_offset_reset", "earliest"),
            batch=True,
            max_records=self.batch_records,
            listener=_Revoked(self),
            parser=lenient_batch_parser,
            decoder=_raw_bodies,
            no_reply=True,
            title=self.service,
            **options,
        )(consume_batch)

    async def dispatch_batch(self, records: Sequence[Any], group_id: str, prefix: str = "") -> None:
        """Give every record of a fetched batch its outcome as one unit of work (see
        `shared.batch`): records are routed by their topic (`prefix` taken off its name);
        records of one topic, partition and key run in offset order, the rest side by
        side; then one write per aggregate, conflicting aggregates' messages again, one
        flush. Raises a transient fault for the whole batch to be redelivered (tracking
        ids absorb it)."""
        assert self.new_batch is not None
        unit = self.new_batch()
        positions = list(range(len(records)))
        topics = [record.topic.removeprefix(prefix) for record in records]
        for _round in range(MAX_ROUNDS):
            groups: dict[Any, list[int]] = {}
            for position in positions:
                record = records[position]
                key = (topics[position], record.partition, record.key)
                groups.setdefault(key, []).append(position)
            try:
                async with asyncio.TaskGroup() as tasks:
                    for group in groups.values():
                        tasks.create_task(
                            self._dispatch_group(records, topics, group, unit, group_id)
                        )
            except BaseExceptionGroup as failed:
                await unit.abandon()
                raise failed.exceptions[0] from None  # transient: the batch comes again
            try:
                await unit.write()
            except BaseException:
                await unit.abandon()
                raise
            if not unit.redo:
                break
            positions, unit.redo = sorted(unit.redo), set()
        else:
            await unit.abandon()
            raise ConcurrencyConflict(
                f"{', '.join(sorted(set(topics)))}: a batch kept conflicting; delivered again"
            )
        await unit.publish()

    async def _dispatch_group(
        self,
        records: Sequence[Any],
        topics: Sequence[str],
        group: list[int],
        unit: Batch,
        group_id: str,
    ) -> None:
        for index, position in enumerate(group):
            with batch.running(unit, position):
                try:
                    await self._dispatch_record(topics[position], records[position], group_id)
                except RedoLater:
                    unit.redo.update(group[index:])  # the rest of this key after it
                    return


class _Revoked(ConsumerRebalanceListener):
    """Drops the batch cache and does the deferred outbox clears when partitions are taken
    away (another consumer owns them) or given."""

    def __init__(self, dispatcher: BatchDispatching) -> None:
        self._dispatcher = dispatcher

    async def on_partitions_revoked(self, revoked: Any) -> None:
        await self._told()

    async def on_partitions_assigned(self, assigned: Any) -> None:
        await self._told()  # what another consumer held meanwhile may have changed

    async def _told(self) -> None:
        outcome = self._dispatcher.revoked()
        if outcome is not None:
            await outcome


def _raw_bodies(message: Any) -> list[bytes]:
    return [b if isinstance(b, bytes) else bytes(b) for b in message.body]
