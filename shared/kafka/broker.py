"""The Kafka broker (producer + consumers) and its security (SASL, TLS).

Two things here make every consumed record reach the dispatcher, whatever its bytes:

* `lenient_parser` — FastStream's own parser decodes every header value as UTF-8 and
  raises on anything else, and a record it cannot parse is neither acked nor nacked (the
  next commit skips it). Ours hands FastStream a header-less copy, so parsing never
  fails; the dispatcher reads the raw record's headers itself. No header (`reply_to`)
  can make FastStream publish a reply either.
* `TolerantConsumer` — aiokafka decodes header *names* as UTF-8 while it fetches, and a
  name that is not UTF-8 makes every `getone` fail on that record for ever (the
  partition is stuck). The consumer skips such a record and hands on an
  `UndecodableRecord` in its place, which the dispatcher dead-letters.
"""

from __future__ import annotations

import copy
import inspect
import logging
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.errors import ConsumerStoppedError, KafkaError
from faststream.kafka import KafkaBroker
from faststream.security import BaseSecurity, SASLPlaintext, SASLScram256, SASLScram512

from shared.logging import get_logger
from shared.settings import KafkaSettings

log = get_logger("shared.kafka")


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
    return PartnerOpsBroker(
        settings.bootstrap_servers,
        client_id=client_id,
        security=make_security(settings),
        acks="all",
        enable_idempotence=True,
        max_request_size=settings.max_message_bytes,
        max_batch_size=settings.record_batch_bytes,
        # No FastStream `correlation_id` header: a record carries the CloudEvent only.
        id_generator=lambda: "",
        graceful_timeout=15.0,  # well inside Kubernetes' 30 s termination grace
        allow_auto_create_topics=False,
        # FastStream's "Received"/"Processed" lines per message: debug only (our
        # dispatcher logs what matters, with ids and redaction).
        log_level=logging.DEBUG,
        # Through stdlib logging, so the service's log format renders them (JSON in
        # production) instead of FastStream's own coloured text handler.
        logger=logging.getLogger("partnerops.faststream"),
        description="partnerops " + client_id,
        **extra,
    )


def security_options(settings: KafkaSettings) -> dict[str, Any]:
    """aiokafka client options for SASL/TLS (`KafkaSettings.security_options`)."""
    return settings.security_options()


class UndecodableRecord(ConsumerRecord[bytes, bytes]):
    """Stands for a record the Kafka client could not decode (its offset is skipped)."""

    error: str = ""


class TolerantConsumer(AIOKafkaConsumer):
    """An aiokafka consumer that never stops at a record it cannot decode (see module doc).

    Relies on aiokafka 0.14's fetcher internals to find the partition of the failure;
    `tests/integration/test_bad_records.py` proves it on the real broker.
    """

    async def getone(self, *partitions: Any) -> Any:
        try:
            return await super().getone(*partitions)
        except (KafkaError, ConsumerStoppedError):
            raise
        except Exception as error:
            skipped = self._skip_undecodable(error)
            if skipped is None:
                raise
            return skipped

    async def getmany(self, *partitions: Any, **options: Any) -> Any:
        try:
            return await super().getmany(*partitions, **options)
        except (KafkaError, ConsumerStoppedError):
            raise
        except Exception as error:
            skipped = self._skip_undecodable(error)
            if skipped is None:
                raise
            return {TopicPartition(skipped.topic, skipped.partition): [skipped]}

    def _skip_undecodable(self, error: Exception) -> UndecodableRecord | None:
        fetcher = getattr(self, "_fetcher", None)
        for tp, result in list(getattr(fetcher, "_records", {}).items()):
            records = getattr(result, "_partition_records", None)
            iterator = getattr(records, "_records_iterator", None)
            if records is None or not inspect.isgenerator(iterator):
                continue
            if inspect.getgeneratorstate(iterator) != inspect.GEN_CLOSED:
                continue
            offset = int(records.next_fetch_offset)
            log.error(
                "undecodable record skipped",
                topic=tp.topic,
                partition=tp.partition,
                offset=offset,
                error=repr(error),
            )
            self.seek(tp, offset + 1)
            skipped = UndecodableRecord(
                tp.topic, tp.partition, offset, -1, 0, None, None, None, -1, -1, []
            )
            skipped.error = f"{type(error).__name__}: {error}"[:500]
            return skipped
        return None


async def lenient_parser(record: Any, original: Callable[[Any], Awaitable[Any]]) -> Any:
    """FastStream parser: FastStream's own, on a copy of the record without headers."""
    stripped = copy.copy(record)
    stripped.headers = []
    message = await original(stripped)
    message.raw_message = record
    return message


async def lenient_batch_parser(records: Any, original: Callable[[Any], Awaitable[Any]]) -> Any:
    """`lenient_parser` for a fetched batch (a tuple of records)."""
    stripped = tuple(copy.copy(record) for record in records)
    for record in stripped:
        record.headers = []
    message = await original(stripped)
    message.raw_message = records
    return message


class PartnerOpsBroker(KafkaBroker):
    """A FastStream broker whose consumers are `TolerantConsumer`s."""

    async def _connect(self) -> Callable[..., AIOKafkaConsumer]:
        builder = await super()._connect()
        options = getattr(builder, "keywords", {})
        tolerant = partial(TolerantConsumer, **options)
        self.config.broker_config.builder = tolerant
        return tolerant
