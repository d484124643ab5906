"""An in-memory aggregate store: the same port as `shared.store.AggregateStore`, no database.

For fast unit tests of use cases (`shared.usecase.UseCases` on top of it) and for the
benchmark that separates our own overhead from the database's. It keeps exactly what the
Mongo store keeps — state (keys escaped as stored, then restored), version, tracking ids
with their fingerprints and receipts, outbox, timers, correlation id — and applies the
same optimistic version check (the state it keeps and hands out is a fresh tree of dicts and
lists each time, made by the key escaping itself: a caller changing what it loaded or saved
never changes the stored aggregate), so the same contract tests pass on both
(`tests/contracts/store.py`). It is not an imitation of the Mongo driver: it implements
`load` and `save`, and inherits `apply` unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from shared.dead_letter import DEFAULT_MAX_MESSAGE_BYTES
from shared.documents import kept_handled
from shared.errors import ConcurrencyConflict
from shared.mongo import Document
from shared.repository import Unswept
from shared.store import (
    AggregateStore,
    Change,
    Receipt,
    Stored,
    Timer,
    Write,
    escape_keys,
    unescape_keys,
)


@dataclass
class MemoryDocument:
    """One aggregate as the in-memory store holds it."""

    version: int
    state: Document
    handled: list[str]
    timers: list[Timer]
    fingerprints: dict[str, str] = field(default_factory=dict)
    receipts: dict[str, Receipt] = field(default_factory=dict)
    outbox: list[Document] = field(default_factory=list)
    correlation_id: str | None = None
    exists: bool = True  # False: a refusal record, its state `{}` (`Stored.exists`)


class InMemoryAggregateStore(AggregateStore):
    """Aggregates of one collection, in a dict (see module doc)."""

    def __init__(self, name: str, max_event_bytes: int = DEFAULT_MAX_MESSAGE_BYTES) -> None:
        self._name = name
        self.max_event_bytes = max_event_bytes
        self.documents: dict[str, MemoryDocument] = {}
        self._saved_listeners = []
        self._other_writers = []

    @property
    def name(self) -> str:
        return self._name

    async def load(self, aggregate_id: str) -> Stored | None:
        """The aggregate, or None when it does not exist."""
        doc = self.documents.get(aggregate_id)
        if doc is None:
            return None
        return Stored(
            id=aggregate_id,
            version=doc.version,
            state=unescape_keys(doc.state),
            handled=list(doc.handled),
            timers=list(doc.timers),
            correlation_id=doc.correlation_id,
            fingerprints=dict(doc.fingerprints),
            receipts=dict(doc.receipts),
            exists=doc.exists,
        )

    async def save(
        self,
        aggregate_id: str,
        change: Change,
        *,
        expected_version: int,
        handled_id: str | None,
        previous: Stored | None = None,
        fingerprint: str | None = None,
    ) -> int:
        """Store `change` if the aggregate is still at `expected_version`; returns the new
        version (raises ConcurrencyConflict or EventTooLarge, as the Mongo store does)."""
        current = self.documents.get(aggregate_id)
        if (current.version if current else 0) != expected_version:
            raise ConcurrencyConflict(
                f"{self.name}/{aggregate_id} changed since version {expected_version}"
            )
        outbox = [e.to_doc() for e in change.events]
        self.check_sizes(outbox)
        self.check_storable(change.state, change.timers)
        handled, digests, receipts = kept_handled(previous, handled_id, fingerprint, change.receipt)
        timers = (
            list(change.timers)
            if change.timers is not None
            else list(previous.timers if previous else [])
        )
        self.documents[aggregate_id] = MemoryDocument(
            version=expected_version + 1,
            state=escape_keys(change.state or {}),
            exists=change.state is not None,
            handled=handled,
            timers=timers,
            fingerprints=digests,
            receipts=receipts,
            outbox=[*(current.outbox if current else []), *outbox],
            correlation_id=change.correlation_id or (current.correlation_id if current else None),
        )
        self._saved(aggregate_id, min((t.due_at for t in timers), default=None), len(outbox))
        return expected_version + 1

    async def load_for_batch(self, aggregate_id: str) -> tuple[Stored | None, bool]:
        """The aggregate (or None) and whether its outbox holds unpublished events."""
        doc = self.documents.get(aggregate_id)
        return await self.load(aggregate_id), bool(doc and doc.outbox)

    async def load_many_for_batch(
        self, aggregate_ids: Sequence[str]
    ) -> dict[str, tuple[Stored | None, bool]]:
        """`load_for_batch` of several aggregates."""
        return {i: await self.load_for_batch(i) for i in aggregate_ids}

    async def write_batch(self, writes: Sequence[Write]) -> set[str]:
        """Store a batch's aggregates (see `AggregateStore.write_batch`)."""
        conflicted: set[str] = set()
        for w in writes:
            current = self.documents.get(w.stored.id)
            if (current.version if current else 0) != w.base:
                conflicted.add(w.stored.id)
                continue
            self.check_sizes(w.outbox)
            self.documents[w.stored.id] = MemoryDocument(
                version=w.stored.version,
                state=escape_keys(w.stored.state),
                exists=w.stored.exists,
                handled=list(w.stored.handled),
                timers=list(w.stored.timers),
                fingerprints=dict(w.stored.fingerprints),
                receipts=dict(w.stored.receipts),
                outbox=[
                    *(current.outbox if current and not w.replace_outbox else []),
                    *w.outbox,
                ],
                correlation_id=w.stored.correlation_id,
            )
            due = min((t.due_at for t in w.stored.timers), default=None)
            self._saved(w.stored.id, due, 0, batch=True)
        return conflicted

    async def clear_outboxes(self, written: Sequence[tuple[str, int]]) -> None:
        """Empty the outboxes of (id, version) still at that version."""
        for doc_id, version in written:
            doc = self.documents.get(doc_id)
            if doc is not None and doc.version == version:
                doc.outbox = []

    def pending_outbox(self, aggregate_id: str) -> list[Document]:
        """What the aggregate's outbox still holds (tests)."""
        doc = self.documents.get(aggregate_id)
        return list(doc.outbox) if doc else []


class InMemoryOutbox(Unswept):
    """An outbox relay for the in-memory store: 'publishes' into `published` and clears."""

    def __init__(self, stores: dict[str, InMemoryAggregateStore]) -> None:
        self._stores = stores
        self.published: list[Document] = []

    async def publish_written(self, collection: str, doc_id: str, entries: list[Document]) -> None:
        """Publish what a write just stored, then remove it from the outbox."""
        self.published.extend(entries)
        doc = self._stores[collection].documents.get(doc_id)
        if doc is not None:
            ids = {e["id"] for e in entries}
            doc.outbox = [e for e in doc.outbox if e["id"] not in ids]

    async def flush(self, collection: str, doc_id: str) -> int:
        """Publish whatever the aggregate's outbox still holds."""
        doc = self._stores[collection].documents.get(doc_id)
        pending = list(doc.outbox) if doc else []
        await self.publish_written(collection, doc_id, pending)
        return len(pending)
