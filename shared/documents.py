"""What an aggregate document holds, as the stores read and write it (`shared.store`,
`shared.memory_store`, `shared.batch`): the stored aggregate, a change to store, its
outgoing events and durable timers. Layout: see `shared.store`."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from shared.events import Envelope
from shared.keys import escape_keys, unescape_keys
from shared.mongo import Document
from shared.tracking import CommandIdReused

KEEP_HANDLED = 500
"""Tracking ids kept per document. Kafka redelivers only uncommitted (recent) messages of
an aggregate's partition, so 500 covers any redelivery window by orders of magnitude."""


@dataclass(frozen=True)
class Timer:
    """A durable timer: fire `kind` with `data` at `due_at`."""

    id: str
    kind: str
    due_at: datetime
    data: dict[str, Any] = field(default_factory=dict)

    def to_doc(self) -> Document:
        data = escape_keys(self.data)
        return {"id": self.id, "kind": self.kind, "due_at": self.due_at, "data": data}

    @classmethod
    def from_doc(cls, doc: Document) -> Timer:
        return cls(doc["id"], doc["kind"], doc["due_at"], unescape_keys(doc.get("data") or {}))


@dataclass(frozen=True)
class Outgoing:
    """An event to publish once the change that produced it is stored."""

    topic: str
    envelope: Envelope
    key: str | None = None

    def to_doc(self) -> Document:
        return dict(self._doc)

    @functools.cached_property
    def _doc(self) -> Document:
        return {
            "id": self.envelope.id,
            "topic": self.topic,
            "key": self.key or self.envelope.subject,
            "body": self.envelope.to_json().decode(),
        }


@dataclass
class Stored:
    """An aggregate document as read."""

    id: str
    version: int
    state: Document
    handled: list[str]
    timers: list[Timer]
    correlation_id: str | None = None
    fingerprints: dict[str, str] = field(default_factory=dict)
    exists: bool = True
    """False for a *refusal record*: no aggregate (its `state` is `{}`, stored as null),
    only the tracking ids of commands refused before it was created, so a redelivery of
    such a command is a duplicate — its refusal stands — instead of being decided afresh
    (`shared.usecase`)."""

    def has_handled(self, message_id: str, fingerprint: str | None = None) -> bool:
        """Whether the message with this id already changed this document.

        Raises `CommandIdReused` when it did under another `fingerprint` (a different
        command reusing the id); an id recorded without one is taken as a duplicate.
        """
        if message_id not in self.handled:
            return False
        known = self.fingerprints.get(message_id)
        if fingerprint is not None and known is not None and known != fingerprint:
            raise CommandIdReused(message_id)
        return True


@dataclass
class Change:
    """What a use case wants stored: new state, events to publish, the timers now pending.

    `state` None stores a refusal record (see `Stored.exists`): nothing but the tracking id
    and the refusal in the outbox."""

    state: Document | None
    events: Sequence[Outgoing] = ()
    timers: Sequence[Timer] | None = None  # None: leave the pending timers as they are
    correlation_id: str | None = None  # the flow the aggregate belongs to (kept once set)


@dataclass
class Applied:
    """The outcome of `AggregateStore.apply`."""

    changed: bool
    outbox: list[Document] = field(default_factory=list)


@dataclass
class Write:
    """One aggregate's update of a batch (`AggregateStore.write_batch`): the aggregate as
    the batch made it, the version stored before, the outbox entries the batch added."""

    stored: Stored
    base: int
    outbox: list[Document]


Decide = Callable[[Stored | None], Awaitable[Change | None] | Change | None]
SavedListener = Callable[[str, datetime | None, int], None]
"""Told after each save: (aggregate id, earliest pending timer's due time in UTC or None,
number of events the save put in the outbox)."""


EXISTING: Document = {"state": {"$ne": None}}
"""The filter that leaves refusal records out of a query over aggregates (`Stored.exists`)."""


def stored_from_doc(doc: Document) -> Stored:
    """The `Stored` a document read from the database holds."""
    return Stored(
        id=doc["_id"],
        version=int(doc.get("version", 0)),
        state=unescape_keys(doc.get("state") or {}),
        handled=list(doc.get("handled") or []),
        timers=[Timer.from_doc(t) for t in doc.get("timers") or []],
        correlation_id=doc.get("correlation_id"),
        fingerprints={f["id"]: f["digest"] for f in doc.get("fingerprints") or []},
        exists="state" not in doc or doc["state"] is not None,
    )
