"""Kafka plumbing on FastStream, one module per concern, re-exported here:
`broker` (the broker factory, SASL/TLS security, the lenient parser and tolerant
consumer), `admin` (topics), `publisher`, `retry` (transient errors, backoff) and
`dispatcher` (reliable consumption).

Consumption is at-least-once: every subscriber uses a consumer group with
`AckPolicy.NACK_ON_ERROR` and manual commits, so an offset is committed only after the
handler returned (its effect stored). `Dispatcher` sits between FastStream and the use
cases and gives every consumed record exactly one outcome, whatever its bytes, headers,
key or size — handled, refused with a rejection event, or dead-lettered:

* a record that holds no readable CloudEvent (null or empty value, invalid UTF-8 or JSON,
  not an object, unknown specversion, `time` without offset, `data` not an object,
  contradictory headers: see `shared.binding`), a type nobody publishes on the topic, or
  a command whose data fails validation → a copy goes to `<topic>.dlq` with the error
  (`shared.dead_letter`: secrets masked, cut to the broker's limit) and a command whose
  id and type could be read is answered with `<service>.command.rejected`; then the
  offset is committed and the consumer continues with the next record;
* a known event type that this service does not consume → handled: nothing to do;
* a transient fault (database or broker unreachable, optimistic-lock conflict)
  → retried in place with capped exponential backoff, then the message is nacked
  (FastStream seeks back) so it is redelivered — nothing is lost and nothing spins;
* `MessageRejected` from a handler (including `EventTooLarge`: an effect that could
  never be published) → dead-lettered and, for a command, rejected; never retried;
* any other exception (a bug, a poison message) → retried a few times, then parked in
  the DLQ with the traceback summary so one message cannot block its partition.
"""

from shared.contracts.common import CommandRejected, command_rejected_model
from shared.errors import ConcurrencyConflict, EventTooLarge, MessageRejected, Transient
from shared.kafka.admin import ensure_topics
from shared.kafka.broker import (
    UndecodableRecord,
    build_broker,
    lenient_parser,
    make_security,
    security_options,
)
from shared.kafka.dispatcher import Dispatcher
from shared.kafka.publisher import Publisher
from shared.kafka.retry import TRANSIENT_ERRORS, RetryPolicy

__all__ = [
    "TRANSIENT_ERRORS",
    "CommandRejected",
    "ConcurrencyConflict",
    "Dispatcher",
    "EventTooLarge",
    "MessageRejected",
    "Publisher",
    "RetryPolicy",
    "Transient",
    "UndecodableRecord",
    "build_broker",
    "command_rejected_model",
    "ensure_topics",
    "lenient_parser",
    "make_security",
    "security_options",
]
