"""The dispatcher: every consumed record gets exactly one outcome (see `shared.kafka`)."""

from __future__ import annotations

import asyncio
import time
import traceback
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from faststream.middlewares import AckPolicy
from pydantic import ValidationError
from pymongo.errors import PyMongoError

from shared import metrics
from shared.batch import Batch, RedoLater
from shared.binding import Header, Reason, Record, UnreadableEvent, decode, reason
from shared.contracts.common import command_rejected_model
from shared.dead_letter import capped_reasons, dead_letter_copy
from shared.errors import MessageRejected
from shared.events import Envelope, Payload, new_event, validation_reasons
from shared.ids import derived_id
from shared.kafka.batching import BatchDispatching
from shared.kafka.broker import UndecodableRecord, lenient_parser
from shared.kafka.publisher import Publisher
from shared.kafka.retry import TRANSIENT_ERRORS, RetryPolicy
from shared.logging import bound_message, get_logger
from shared.store import CommandIdReused
from shared.topics import BY_NAME, Topic, TopicKind, dead_letter_topic
from shared.tracing import consuming

log = get_logger("shared.kafka")


Handler = Callable[[Envelope, Any], Awaitable[None]]


@dataclass
class _Route:
    model: type[Payload]
    handler: Handler


@dataclass
class Dispatcher(BatchDispatching):
    """Routes CloudEvents from subscribed topics to use-case handlers by event type."""

    service: str
    publisher: Publisher | None = None
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    routes: dict[str, dict[str, _Route]] = field(default_factory=dict)
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    await_time: Callable[[datetime | None], Awaitable[object]] | None = None
    """Demonstration mode only: wait (bounded) until the shared clock's ticks have brought
    it to each message's `time` (None: until its first tick), so a command sent after a
    tick is never handled at an earlier instant. It never moves the clock."""
    batch_records: int = 0
    """Records fetched and handled as one batch (`shared.batch`); 0: one at a time."""
    new_batch: Callable[[], Batch] | None = None
    """A fresh unit of work per fetched batch (the service context gives one)."""
    revoked: Callable[[], Awaitable[None] | None] = lambda: None
    """Told when partitions are taken from this consumer or given to it (the batch cache is
    dropped, deferred outbox clears are done); awaited when it returns an awaitable."""
    known_types: Mapping[str, frozenset[str]] = field(default_factory=dict)
    """Per topic, every event type someone publishes there (from the catalogue): a known
    type this service does not consume is handled by doing nothing; any other type is
    dead-lettered as `unknown_event_type`."""

    def on(self, topic: Topic, model: type[Payload]) -> Callable[[Handler], Handler]:
        """Register `handler(envelope, payload)` for messages of `model` on `topic`."""

        def register(handler: Handler) -> Handler:
            self.routes.setdefault(topic.name, {})[model.EVENT_TYPE] = _Route(model, handler)
            return handler

        return register

    def topics(self) -> list[str]:
        """Every topic this dispatcher consumes."""
        return sorted(self.routes)

    def models(self) -> dict[str, list[type[Payload]]]:
        """Per topic, the payload models consumed (for the event catalogue)."""
        return {t: [r.model for r in rs.values()] for t, rs in self.routes.items()}

    def bind(self, broker: KafkaBroker, group_id: str, **subscriber_options: Any) -> None:
        """Subscribe **one** consumer — one member of consumer group `group_id` — to every
        routed topic (`subscriber_options` go to FastStream's subscriber, e.g.
        `max_workers`, `heartbeat_interval_ms`).

        One member per process, not one per topic: each member joining is a rebalance that
        stops the whole group until every member has rejoined at its next heartbeat, so a
        consumer per topic made every start of an instance (a deploy, a scale-out) stall
        its group once per topic. Each record is routed by the topic it came from."""
        self.publisher = self.publisher or Publisher(broker)
        prefix = self.publisher.prefix
        topics = self.topics()
        if not topics:
            return
        options = dict(subscriber_options)
        if self.batch_records > 0 and self.new_batch is not None:
            self._subscribe_batch(broker, topics, prefix, group_id, options)
            return

        async def consume(body: bytes, message: KafkaMessage) -> None:
            raw: Any = message.raw_message
            await self._dispatch_record(raw.topic.removeprefix(prefix), raw, group_id)

        broker.subscriber(
            *(prefix + topic for topic in topics),
            group_id=group_id,
            ack_policy=AckPolicy.NACK_ON_ERROR,
            auto_offset_reset=options.pop("auto_offset_reset", "earliest"),
            parser=lenient_parser,
            decoder=_raw_body,
            no_reply=True,
            title=self.service,
            **options,
        )(consume)

    async def _dispatch_record(self, topic: str, raw: Any, group_id: str) -> None:
        meta = _record_meta(raw, group_id)
        if isinstance(raw, UndecodableRecord):
            why = [reason("$", "undecodable_record", raw.error)]
            await self._dead_letter(topic, Record(b""), meta, "undecodable_record", why)
            return
        await self.dispatch(topic, raw.value, meta, tuple(raw.headers or ()))

    async def dispatch(
        self,
        topic: str,
        body: bytes | None,
        meta: dict[str, Any],
        headers: Sequence[Header] = (),
    ) -> None:
        """Give one record its outcome (see the module doc). `meta` holds where it came
        from (partition, offset, key as bytes or text, consumer-group); raises only a
        transient fault, for the record to be redelivered."""
        record = Record(body, _key_bytes(meta.get("key")), tuple(headers))
        try:
            await self._dispatch(topic, record, meta)
        except RedoLater:
            raise
        except TRANSIENT_ERRORS:
            raise
        except Exception as error:  # a bug on the way to a handler: park, never loop
            log.exception("dispatch failed", topic=topic)
            try:
                await self._dead_letter(topic, record, meta, "dispatch_failed", _trace(error))
            except TRANSIENT_ERRORS:
                raise
            except Exception:  # not even a copy can be parked: its place, without the value
                log.exception("dead-lettering failed; parking the record's place only")
                await self._dead_letter(topic, Record(b""), meta, "dispatch_failed", _trace(error))

    async def _dispatch(self, topic: str, record: Record, meta: dict[str, Any]) -> None:
        started = time.perf_counter()
        try:
            envelope = decode(record)
        except UnreadableEvent as unreadable:
            if self.await_time is not None:
                await self.await_time(None)
            _count_in(topic, "unreadable", "rejected")
            await self._dead_letter(topic, record, meta, unreadable.code, unreadable.reasons)
            await self._reject_command(
                topic, unreadable.attributes, unreadable.code, unreadable.reasons
            )
            return
        if self.await_time is not None:
            await self.await_time(envelope.time)
        route = self.routes.get(topic, {}).get(envelope.type)
        if route is None:
            await self._unknown_type(topic, record, meta, envelope)
            return
        try:
            payload: Payload = envelope.parse_data(route.model)
        except ValidationError as error:
            reasons = validation_reasons(error)
            await self._dead_letter(topic, record, meta, "invalid_data", reasons)
            await self._reject_command(topic, _cause(envelope), "invalid_data", reasons)
            return

        def attributes() -> dict[str, Any]:
            return {
                "messaging.system": "kafka",
                "messaging.destination.name": topic,
                "messaging.kafka.partition": meta.get("partition", -1),
                "cloudevents.event_id": envelope.id,
                "cloudevents.event_type": envelope.type,
                "partnerops.correlation_id": envelope.correlation,
            }

        with (
            bound_message(envelope.id, envelope.correlation, envelope.type),
            consuming(envelope.traceparent, f"{self.service} consume {envelope.type}", attributes),
        ):
            await self._run(topic, record, meta, envelope, route, payload)
        metrics.labelled(metrics.HANDLER_SECONDS, topic=topic, type=envelope.type).observe(
            time.perf_counter() - started
        )

    async def _run(
        self,
        topic: str,
        record: Record,
        meta: dict[str, Any],
        envelope: Envelope,
        route: _Route,
        payload: Payload,
    ) -> None:
        attempt = 0
        transient_since: float | None = None
        while True:
            attempt += 1
            try:
                await route.handler(envelope, payload)
                _count_in(topic, envelope.type, "ok")
                return
            except RedoLater:
                raise
            except MessageRejected as refused:
                rejected = (
                    refused.for_message(envelope)
                    if isinstance(refused, CommandIdReused)
                    else refused
                )
                _count_in(topic, envelope.type, "rejected")
                await self._dead_letter(topic, record, meta, rejected.code, rejected.reasons)
                await self._reject_command(topic, _cause(envelope), rejected.code, rejected.reasons)
                return
            except TRANSIENT_ERRORS as error:
                now = time.monotonic()
                transient_since = transient_since or now
                _count_in(topic, envelope.type, "retry")
                if now - transient_since > self.retry.transient_budget_seconds:
                    log.warning("transient fault persists; nack for redelivery", error=repr(error))
                    raise
                log.info("transient fault; retrying", error=repr(error), attempt=attempt)
                await asyncio.sleep(self.retry.delay(attempt))
            except PyMongoError as error:
                # Other database errors (e.g. a write error) are not transient by nature.
                if attempt >= self.retry.other_attempts:
                    await self._dead_letter(topic, record, meta, "handler_failed", _trace(error))
                    return
                await asyncio.sleep(self.retry.delay(attempt))
            except Exception as error:
                _count_in(topic, envelope.type, "error")
                log.exception("handler failed", attempt=attempt)
                if attempt >= self.retry.other_attempts:
                    await self._dead_letter(topic, record, meta, "handler_failed", _trace(error))
                    return
                await asyncio.sleep(self.retry.delay(attempt))

    async def _unknown_type(
        self, topic: str, record: Record, meta: dict[str, Any], envelope: Envelope
    ) -> None:
        kind = BY_NAME[topic].kind if topic in BY_NAME else TopicKind.EVENTS
        if kind is TopicKind.COMMANDS:
            reasons = [reason("type", "unknown_command", envelope.type[:200])]
            _count_in(topic, "unknown", "rejected")
            await self._dead_letter(topic, record, meta, "unknown_command", reasons)
            await self._reject_command(topic, _cause(envelope), "unknown_command", reasons)
        elif envelope.type in self.known_types.get(topic, frozenset()):
            # A fact others publish here that we do not need: handled, nothing to do.
            _count_in(topic, envelope.type, "ignored")
        else:
            message = f"{envelope.type[:200]} is not a type published on {topic}"
            reasons = [reason("type", "unknown_event_type", message)]
            _count_in(topic, "unknown", "rejected")
            await self._dead_letter(topic, record, meta, "unknown_event_type", reasons)

    async def _dead_letter(
        self,
        topic: str,
        record: Record,
        meta: dict[str, Any],
        code: str,
        reasons: list[Reason],
    ) -> None:
        assert self.publisher is not None, "bind() the dispatcher first"
        context = {k: v for k, v in meta.items() if k != "key"}
        context |= {
            "original-topic": topic,
            "service": self.service,
            "failed-at": self.clock().isoformat(),
        }
        copy = dead_letter_copy(
            record,
            code=code,
            reasons=reasons,
            context=context,
            limit=self.publisher.max_message_bytes,
        )
        log.warning("message dead-lettered", topic=topic, code=code, reasons=reasons[:5])
        metrics.labelled(metrics.DEAD_LETTERED, topic=topic, code=code).inc()
        await self.publisher.publish_raw(
            dead_letter_topic(topic), copy.key, copy.value, copy.headers
        )

    async def _reject_command(
        self, topic: str, cause: Mapping[str, str], code: str, reasons: list[Reason]
    ) -> None:
        """Answer a refused command with `<owner>.command.rejected` (when its id and type
        could be read: otherwise the dead-letter copy is all there is)."""
        if BY_NAME.get(topic) is None or BY_NAME[topic].kind is not TopicKind.COMMANDS:
            return
        command_id, command_type = cause.get("id"), cause.get("type")
        if not command_id or not command_type:
            return
        assert self.publisher is not None
        owner = BY_NAME[topic].owner
        capped = capped_reasons(reasons)
        request_id = cause.get("request_id")
        rejection = command_rejected_model(owner)(
            command_id=command_id[:200],
            command_type=command_type[:200],
            request_id=request_id[:200] if request_id else None,
            code=code,
            reasons=capped,
            occurred_at=self.clock(),
        )
        subject = cause.get("subject")
        event = new_event(
            rejection,
            source=f"/{owner}",
            now=self.clock(),
            subject=subject if subject and len(subject) <= 1_024 else None,
            correlation_id=(cause.get("correlationid") or command_id)[:200],
            causation_id=command_id[:200],
            event_id=derived_id(owner, "command.rejected", command_id, code, repr(capped)),
        )
        await self.publisher.publish(f"{owner}.events", event)


def _raw_body(message: Any) -> bytes:
    body = message.body
    return body if isinstance(body, bytes) else bytes(body)


def _record_meta(raw: Any, group_id: str) -> dict[str, Any]:
    return {
        "partition": raw.partition,
        "offset": raw.offset,
        "key": raw.key,
        "consumer-group": group_id,
    }


def _key_bytes(key: Any) -> bytes | None:
    if key is None or isinstance(key, bytes):
        return key
    return str(key).encode("utf-8", errors="surrogateescape")


def _count_in(topic: str, kind: str, outcome: str) -> None:
    metrics.labelled(metrics.EVENTS_IN, topic=topic, type=kind, outcome=outcome).inc()


def _cause(envelope: Envelope) -> dict[str, str]:
    """What a rejection echoes of the command it refuses."""
    request_id = envelope.data.get("request_id")
    return {
        "id": envelope.id,
        "type": envelope.type,
        "subject": envelope.subject or "",
        "correlationid": envelope.correlation,
        "request_id": request_id if isinstance(request_id, str) else "",
    }


def _trace(error: BaseException) -> list[dict[str, str]]:
    summary = "".join(traceback.format_exception_only(type(error), error)).strip()
    return [{"field": "$", "code": type(error).__name__, "message": summary[:2000]}]
