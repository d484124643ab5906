"""Kafka plumbing on FastStream: broker factory, publishing, and reliable consumption.

Consumption is at-least-once: every subscriber uses a consumer group with
`AckPolicy.NACK_ON_ERROR` and manual commits, so an offset is committed only after the
handler returned (its effect stored). `Dispatcher` sits between FastStream and the use
cases and decides what happens to each message:

* undecodable body, invalid envelope, or a command whose data fails validation
  → published to `<topic>.dlq` with the error (and, for a command, a rejection event),
  then committed: the consumer continues with the next message;
* a transient fault (database or broker unreachable, optimistic-lock conflict)
  → retried in place with capped exponential backoff, then the message is nacked
  (FastStream seeks back) so it is redelivered — nothing is lost and nothing spins;
* any other exception (a bug, a poison message) → retried a few times, then parked in
  the DLQ with the traceback summary so one message cannot block its partition.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
import random
import time
import traceback
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import structlog
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaConnectionError, KafkaError, TopicAlreadyExistsError
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from faststream.middlewares import AckPolicy
from faststream.security import BaseSecurity, SASLPlaintext, SASLScram256, SASLScram512
from pydantic import Field, ValidationError
from pymongo.errors import ConnectionFailure, PyMongoError

from shared import metrics
from shared.events import (
    CONTENT_TYPE,
    Envelope,
    Payload,
    follow_up,
    validation_reasons,
)
from shared.logging import get_logger
from shared.settings import KafkaSettings
from shared.topics import BY_NAME, Topic, TopicKind, dead_letter_topic
from shared.tracing import consuming

log = get_logger("shared.kafka")


class ConcurrencyConflict(Exception):
    """Someone else changed the aggregate between our read and our write: reload and retry."""


class MessageRejected(Exception):
    """Raise from a handler when a well-formed message cannot be acted on at all (e.g. it
    names an aggregate that does not exist): it is dead-lettered with `code` and `reasons`
    and, for a command, answered with a rejection event. Nothing is retried."""

    def __init__(self, code: str, reasons: list[dict[str, str]] | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.reasons = reasons or [{"field": "$", "code": code, "message": code}]


class Transient(Exception):
    """Raise (or wrap) to mark a failure as transient: the message is retried, never dropped."""


TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    ConcurrencyConflict,
    Transient,
    ConnectionFailure,
    KafkaConnectionError,
    KafkaError,
    ConnectionError,
    TimeoutError,
)


def make_security(settings: KafkaSettings) -> BaseSecurity | None:
    """FastStream security object from settings (SASL and/or TLS)."""
    context = settings.ssl_context()
    if settings.security_protocol in ("SASL_PLAINTEXT", "SASL_SSL"):
        password = settings.sasl_password.get_secret_value() if settings.sasl_password else ""
        username = settings.sasl_username or ""
        kind = {
            "PLAIN": SASLPlaintext,
            "SCRAM-SHA-256": SASLScram256,
            "SCRAM-SHA-512": SASLScram512,
        }[settings.sasl_mechanism]
        return kind(username=username, password=password, ssl_context=context)
    if context is not None:
        return BaseSecurity(ssl_context=context)
    return None


def build_broker(settings: KafkaSettings, client_id: str, **extra: Any) -> KafkaBroker:
    """A broker whose producer waits for all in-sync replicas and is idempotent."""
    return KafkaBroker(
        settings.bootstrap_servers,
        client_id=client_id,
        security=make_security(settings),
        acks="all",
        enable_idempotence=True,
        graceful_timeout=15.0,  # well inside Kubernetes' 30 s termination grace
        allow_auto_create_topics=False,
        # FastStream's "Received"/"Processed" lines per message: debug only (our
        # dispatcher logs what matters, with ids and redaction).
        log_level=logging.DEBUG,
        description="partnerops " + client_id,
        **extra,
    )


def security_options(settings: KafkaSettings) -> dict[str, Any]:
    """aiokafka client options for SASL/TLS (for clients FastStream does not build)."""
    return {
        "security_protocol": settings.security_protocol,
        "ssl_context": settings.ssl_context(),
        "sasl_mechanism": settings.sasl_mechanism,
        "sasl_plain_username": settings.sasl_username,
        "sasl_plain_password": (
            settings.sasl_password.get_secret_value() if settings.sasl_password else None
        ),
    }


async def ensure_topics(settings: KafkaSettings, topics: Iterable[str]) -> None:
    """Create the topics (and their dead-letter topics) that do not exist yet."""
    names = sorted({settings.topic(n) for t in topics for n in (t, dead_letter_topic(t))})
    admin = AIOKafkaAdminClient(
        bootstrap_servers=settings.bootstrap_servers, **security_options(settings)
    )
    await admin.start()
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


class Publisher:
    """Publishes envelopes; the Kafka key is the aggregate id so its events stay ordered.

    Topic names given are logical; `prefix` (the settings' topic namespace) is prepended.
    """

    def __init__(self, broker: KafkaBroker, prefix: str = "") -> None:
        self._broker = broker
        self.prefix = prefix

    async def publish_raw(
        self, topic: str, key: str | None, body: bytes, headers: dict[str, str] | None = None
    ) -> None:
        """Publish bytes, waiting for the broker's acknowledgement."""
        all_headers = {"content-type": CONTENT_TYPE, **(headers or {})}
        await self._broker.publish(
            body,
            topic=self.prefix + topic,
            key=key.encode() if key else None,
            headers=all_headers,
        )
        metrics.EVENTS_OUT.labels(topic=topic).inc()

    async def publish(self, topic: str, envelope: Envelope, key: str | None = None) -> None:
        """Publish an envelope in structured mode."""
        await self.publish_raw(
            topic,
            key or envelope.subject,
            envelope.to_json(),
            {"ce_type": envelope.type, "ce_id": envelope.id},
        )


Handler = Callable[[Envelope, Any], Awaitable[None]]


@dataclass
class RetryPolicy:
    """How long to retry before nacking (transient) or dead-lettering (other errors)."""

    first_delay: float = 0.2
    max_delay: float = 10.0
    transient_budget_seconds: float = 60.0
    other_attempts: int = 3

    def delay(self, attempt: int) -> float:
        """Exponential backoff with jitter."""
        base = min(self.max_delay, self.first_delay * (2 ** (attempt - 1)))
        return base * (0.5 + random.random() / 2)


@dataclass
class _Route:
    model: type[Payload]
    handler: Handler


@dataclass
class Dispatcher:
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
        """Subscribe to every routed topic in consumer group `group_id`."""
        self.publisher = self.publisher or Publisher(broker)
        prefix = self.publisher.prefix
        for topic in self.topics():
            self._subscribe(broker, topic, prefix, group_id, dict(subscriber_options))

    def _subscribe(
        self, broker: KafkaBroker, topic: str, prefix: str, group_id: str, options: dict[str, Any]
    ) -> None:
        async def consume(body: bytes, message: KafkaMessage) -> None:
            await self.dispatch(topic, body, _record_meta(message, group_id))

        broker.subscriber(
            prefix + topic,
            group_id=group_id,
            ack_policy=AckPolicy.NACK_ON_ERROR,
            auto_offset_reset=options.pop("auto_offset_reset", "earliest"),
            decoder=_raw_body,
            title=f"{self.service}:{topic}",
            **options,
        )(consume)

    async def dispatch(self, topic: str, body: bytes, meta: dict[str, Any]) -> None:
        """Decode, route and run one message with the reliability rules above."""
        started = time.perf_counter()
        try:
            envelope = Envelope.from_json(body)
        except (ValueError, ValidationError) as error:
            if self.await_time is not None:
                await self.await_time(None)
            await self._dead_letter(topic, body, meta, "invalid_envelope", _reasons(error))
            return
        if self.await_time is not None:
            await self.await_time(envelope.time)
        route = self.routes.get(topic, {}).get(envelope.type)
        if route is None:
            await self._unknown_type(topic, body, meta, envelope)
            return
        try:
            payload: Payload = envelope.parse_data(route.model)
        except ValidationError as error:
            reasons = validation_reasons(error)
            await self._dead_letter(topic, body, meta, "invalid_data", reasons)
            await self._reject_command(topic, envelope, "invalid_data", reasons)
            return
        attributes = {
            "messaging.system": "kafka",
            "messaging.destination.name": topic,
            "messaging.kafka.partition": meta.get("partition", -1),
            "cloudevents.event_id": envelope.id,
            "cloudevents.event_type": envelope.type,
            "partnerops.correlation_id": envelope.correlation,
        }
        with (
            structlog.contextvars.bound_contextvars(
                event_id=envelope.id, correlation_id=envelope.correlation, event_type=envelope.type
            ),
            consuming(envelope.traceparent, f"{self.service} consume {envelope.type}", attributes),
        ):
            await self._run(topic, body, meta, envelope, route, payload)
        metrics.HANDLER_SECONDS.labels(topic=topic, type=envelope.type).observe(
            time.perf_counter() - started
        )

    async def _run(
        self,
        topic: str,
        body: bytes,
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
                metrics.EVENTS_IN.labels(topic=topic, type=envelope.type, outcome="ok").inc()
                return
            except MessageRejected as rejected:
                metrics.EVENTS_IN.labels(topic=topic, type=envelope.type, outcome="rejected").inc()
                await self._dead_letter(topic, body, meta, rejected.code, rejected.reasons)
                await self._reject_command(topic, envelope, rejected.code, rejected.reasons)
                return
            except TRANSIENT_ERRORS as error:
                now = time.monotonic()
                transient_since = transient_since or now
                metrics.EVENTS_IN.labels(topic=topic, type=envelope.type, outcome="retry").inc()
                if now - transient_since > self.retry.transient_budget_seconds:
                    log.warning("transient fault persists; nack for redelivery", error=repr(error))
                    raise
                log.info("transient fault; retrying", error=repr(error), attempt=attempt)
                await asyncio.sleep(self.retry.delay(attempt))
            except PyMongoError as error:
                # Other database errors (e.g. a write error) are not transient by nature.
                if attempt >= self.retry.other_attempts:
                    await self._dead_letter(topic, body, meta, "handler_failed", _trace(error))
                    return
                await asyncio.sleep(self.retry.delay(attempt))
            except Exception as error:
                metrics.EVENTS_IN.labels(topic=topic, type=envelope.type, outcome="error").inc()
                log.exception("handler failed", attempt=attempt)
                if attempt >= self.retry.other_attempts:
                    await self._dead_letter(topic, body, meta, "handler_failed", _trace(error))
                    return
                await asyncio.sleep(self.retry.delay(attempt))

    async def _unknown_type(
        self, topic: str, body: bytes, meta: dict[str, Any], envelope: Envelope
    ) -> None:
        kind = BY_NAME[topic].kind if topic in BY_NAME else TopicKind.EVENTS
        if kind is TopicKind.COMMANDS:
            reasons = [{"field": "type", "code": "unknown_command", "message": envelope.type}]
            await self._dead_letter(topic, body, meta, "unknown_command", reasons)
            await self._reject_command(topic, envelope, "unknown_command", reasons)
        else:
            # Facts we do not need are none of our business: tolerate, commit, move on.
            metrics.EVENTS_IN.labels(topic=topic, type=envelope.type, outcome="ignored").inc()

    async def _dead_letter(
        self,
        topic: str,
        body: bytes,
        meta: dict[str, Any],
        code: str,
        reasons: list[dict[str, str]],
    ) -> None:
        assert self.publisher is not None, "bind() the dispatcher first"
        headers = {
            "x-dlq-original-topic": topic,
            "x-dlq-error-code": code,
            "x-dlq-error": json.dumps(reasons)[:8000],
            "x-dlq-service": self.service,
            "x-dlq-failed-at": self.clock().isoformat(),
            **{f"x-dlq-{k}": str(v) for k, v in meta.items()},
        }
        log.warning("message dead-lettered", topic=topic, code=code, reasons=reasons[:5])
        metrics.DEAD_LETTERED.labels(topic=topic, code=code).inc()
        await self.publisher.publish_raw(dead_letter_topic(topic), meta.get("key"), body, headers)

    async def _reject_command(
        self, topic: str, envelope: Envelope, code: str, reasons: list[dict[str, str]]
    ) -> None:
        if BY_NAME.get(topic) is None or BY_NAME[topic].kind is not TopicKind.COMMANDS:
            return
        assert self.publisher is not None
        owner = BY_NAME[topic].owner
        rejection = command_rejected_model(owner)(
            command_id=envelope.id,
            command_type=envelope.type,
            code=code,
            reasons=reasons,
        )
        event = follow_up(
            envelope,
            rejection,
            source=f"/{owner}",
            now=self.clock(),
            subject=envelope.subject,
        )
        await self.publisher.publish(f"{owner}.events", event)


class CommandRejected(Payload):
    """A command that could not even be read: its id, type and machine-readable reasons."""

    EVENT_TYPE = "service.command.rejected"
    command_id: str = Field(description="CloudEvents id of the refused command")
    command_type: str = Field(description="CloudEvents type of the refused command")
    code: str = Field(description="invalid_data | unknown_command")
    reasons: list[dict[str, str]] = Field(description="[{field, code, message}]")


@functools.cache
def command_rejected_model(service: str) -> type[CommandRejected]:
    """`<service>.command.rejected`: the rejection of an unreadable command to `service`."""
    return type(
        "CommandRejected",
        (CommandRejected,),
        {"EVENT_TYPE": f"{service}.command.rejected", "__module__": __name__},
    )


def _raw_body(message: Any) -> bytes:
    body = message.body
    return body if isinstance(body, bytes) else bytes(body)


def _record_meta(message: Any, group_id: str) -> dict[str, Any]:
    raw = message.raw_message
    key = raw.key.decode(errors="replace") if isinstance(raw.key, bytes) else raw.key
    return {
        "partition": raw.partition,
        "offset": raw.offset,
        "key": key,
        "consumer-group": group_id,
    }


def _reasons(error: Exception) -> list[dict[str, str]]:
    if isinstance(error, ValidationError):
        return validation_reasons(error)
    return [{"field": "$", "code": type(error).__name__, "message": str(error)[:500]}]


def _trace(error: BaseException) -> list[dict[str, str]]:
    summary = "".join(traceback.format_exception_only(type(error), error)).strip()
    return [{"field": "$", "code": type(error).__name__, "message": summary[:2000]}]
