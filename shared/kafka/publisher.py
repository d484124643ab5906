"""Publishing records: structured-mode CloudEvents and raw records, within the size limit."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from aiokafka import AIOKafkaProducer
from aiokafka.errors import MessageSizeTooLargeError, RecordTooLargeError
from faststream.kafka import KafkaBroker

from shared import metrics
from shared.binding import STRUCTURED_CONTENT_TYPE, encode_structured
from shared.dead_letter import DEFAULT_MAX_MESSAGE_BYTES, record_size
from shared.errors import EventTooLarge
from shared.events import Envelope

SIZE_REFUSALS = (MessageSizeTooLargeError, RecordTooLargeError)
"""The broker's (or producer's) refusals of a record's size: raised as `EventTooLarge`."""


class Publisher:
    """Publishes envelopes; the Kafka key is the aggregate id so its events stay ordered.

    Topic names given are logical; `prefix` (the settings' topic namespace) is prepended.
    A record over `max_message_bytes` (key, value, headers and framing) is never sent:
    `EventTooLarge` is raised instead (also when the broker itself refuses the size),
    which is not a transient fault and so is never retried.
    """

    prefix: str = ""
    max_message_bytes: int = DEFAULT_MAX_MESSAGE_BYTES

    def __init__(
        self,
        broker: KafkaBroker,
        prefix: str = "",
        max_message_bytes: int = DEFAULT_MAX_MESSAGE_BYTES,
    ) -> None:
        self._broker = broker
        self.prefix = prefix
        self.max_message_bytes = max_message_bytes

    async def publish_raw(
        self,
        topic: str,
        key: str | bytes | None,
        body: bytes,
        headers: dict[str, str] | None = None,
    ) -> None:
        """Publish bytes, waiting for the broker's acknowledgement.

        `headers` are sent as given (a structured event's content type by default).
        """
        all_headers = headers if headers is not None else {"content-type": STRUCTURED_CONTENT_TYPE}
        key_bytes = key.encode() if isinstance(key, str) else key
        size = record_size(body, key_bytes or None, all_headers)
        if size > self.max_message_bytes:
            raise self._too_large(topic, size)
        try:
            await self._broker.publish(
                body, topic=self.prefix + topic, key=key_bytes or None, headers=all_headers
            )
        except SIZE_REFUSALS as error:
            raise self._too_large(topic, size) from error
        metrics.labelled(metrics.EVENTS_OUT, topic=topic).inc()

    def _too_large(self, topic: str, size: int) -> EventTooLarge:
        """The refusal of a record of `size` bytes for `topic` (ours, or the broker's)."""
        return EventTooLarge(f"a record for {topic}", size, self.max_message_bytes)

    async def enqueue_raw(
        self,
        topic: str,
        key: str | bytes | None,
        body: bytes,
        headers: dict[str, str] | None = None,
    ) -> asyncio.Future[Any]:
        """Hand a record to the producer without waiting for the broker (records enqueued
        one after another keep their order); await the returned future for the broker's
        acknowledgement (it raises `EventTooLarge` or the producer's error)."""
        all_headers = headers if headers is not None else {"content-type": STRUCTURED_CONTENT_TYPE}
        key_bytes = key.encode() if isinstance(key, str) else key
        size = record_size(body, key_bytes or None, all_headers)
        if size > self.max_message_bytes:
            raise self._too_large(topic, size)
        producer = self._producer()
        if producer is None:
            sent = await self._broker.publish(
                body,
                topic=self.prefix + topic,
                key=key_bytes or None,
                headers=all_headers,
                no_confirm=True,
            )
            return asyncio.ensure_future(self._acknowledged(topic, size, sent))
        delivered = await producer.send(
            self.prefix + topic,
            value=body,
            key=key_bytes or None,
            headers=[(name, value.encode()) for name, value in all_headers.items()],
        )
        return self._settled(topic, size, delivered)

    def _settled(
        self, topic: str, size: int, delivered: asyncio.Future[Any]
    ) -> asyncio.Future[Any]:
        """A future settled from the producer's: its result, or its error with a size
        refusal as `EventTooLarge` (a done-callback, not a task per record: the batch
        path hands hundreds of records over at once)."""
        acknowledged: asyncio.Future[Any] = asyncio.get_running_loop().create_future()

        def settle(done: asyncio.Future[Any]) -> None:
            if acknowledged.done():
                return
            if done.cancelled():
                acknowledged.cancel()
                return
            error = done.exception()
            if error is None:
                metrics.labelled(metrics.EVENTS_OUT, topic=topic).inc()
                acknowledged.set_result(done.result())
            elif isinstance(error, SIZE_REFUSALS):
                refused = self._too_large(topic, size)
                refused.__cause__ = error
                acknowledged.set_exception(refused)
            else:
                acknowledged.set_exception(error)

        delivered.add_done_callback(settle)
        return acknowledged

    def _producer(self) -> AIOKafkaProducer | None:
        """The broker's connected aiokafka producer, or None (not connected, or a broker
        that has none, e.g. FastStream's test client): the batch path hands records to it
        directly — FastStream's `publish` costs as much again per record (its publish
        command, middlewares and codec: the profile of the in-memory benchmark) and adds
        nothing to a record that is already the encoded event. The records are the same
        (value, key, headers; FastStream's `correlation_id` header is off anyway,
        `shared.kafka.broker.build_broker`)."""
        try:  # FastStream 0.7: broker.config.producer → its ProducerState → aiokafka
            found = self._broker.config.producer._producer.producer  # type: ignore[attr-defined]
        except Exception:  # not connected (FastStream raises IncorrectState), or no such
            return None
        return found if isinstance(found, AIOKafkaProducer) else None

    async def _acknowledged(self, topic: str, size: int, sent: Awaitable[Any]) -> None:
        try:
            await sent
        except SIZE_REFUSALS as error:
            raise self._too_large(topic, size) from error
        metrics.labelled(metrics.EVENTS_OUT, topic=topic).inc()

    async def enqueue(self, topic: str, envelope: Envelope) -> asyncio.Future[Any]:
        """`enqueue_raw` for an envelope in structured mode."""
        body, headers = encode_structured(envelope)
        return await self.enqueue_raw(topic, envelope.subject, body, headers)

    async def publish(self, topic: str, envelope: Envelope, key: str | None = None) -> None:
        """Publish an envelope in structured mode (no `ce_*` headers)."""
        body, headers = encode_structured(envelope)
        await self.publish_raw(topic, key or envelope.subject, body, headers)
