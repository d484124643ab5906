"""Aggregate documents with idempotency, an outbox and durable timers in one atomic update.

Every effect of a handled message is stored in *one* document update that also

* records the id of the message handled (the tracking id), so a redelivery is recognised
  and changes nothing — the id is kept in the same document as the change it caused; for
  a command, a fingerprint of the whole command (`fingerprint`) is kept with it, so the
  same bytes again are a duplicate while a *different* command under the same id is
  refused (`CommandIdReused`) instead of being taken for the earlier one;
* appends the outgoing events to the document's `outbox` array, so they cannot be lost
  between the database write and the publish (the relay publishes and removes them);
* replaces the document's pending `timers` and their earliest `next_due_at`, so a
  scheduled timer exists exactly when the state that scheduled it does.

Concurrency is optimistic: each write names the version it read; a mismatch raises
`ConcurrencyConflict` and the caller reloads (the dispatcher retries it as transient).
No multi-document transaction is needed.

Three guards keep a change storable and its events publishable, whatever a caller sent:

* keys inside `state` and timer `data` are escaped on the way in and restored on the way
  out (`escape_key`): a map keyed by caller-chosen text (a port request's `extra_fields`
  with `lsp.account_ref` or `$account`) never becomes a key the database refuses
  (`.`, a leading `$`, NUL), so it can neither fail the write nor reach a query operator;
* every outgoing event is measured before it enters the outbox: one over the broker's
  limit raises `EventTooLarge` (a refusal with a reason, see `shared.kafka`) instead of
  storing an effect whose event could never be published;
* the state and timers are encoded before the write (`check_storable`): a value BSON cannot
  hold (an integer beyond 64 bits from a fuzzed or careless sender) raises
  `UnstorableValue`, a refusal of that one message, instead of a write error that would be
  retried for ever (and, on the batch path, hold up the batch).

Document layout: `{_id, version, state: {...}, handled: [ids], fingerprints: [{id, digest}],
receipts: [{id, outcome, at, events: [[id, type]], message | message_digest, code?,
reasons?, events_total?, reasons_total?}] (`Receipt`), outbox: [{id, topic, key, body}],
outbox_pending, timers: [{id, kind, due_at, data}], next_due_at, lease_until, lease_owner,
correlation_id}`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime

import bson
from bson.errors import InvalidDocument
from pymongo import UpdateOne
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import BulkWriteError, DuplicateKeyError

from shared.binding import STRUCTURED_CONTENT_TYPE
from shared.dead_letter import DEFAULT_MAX_MESSAGE_BYTES, record_size
from shared.documents import (
    EXISTING,
    KEEP_HANDLED,
    Applied,
    Change,
    Decide,
    Outgoing,
    Receipt,
    SavedListener,
    Stored,
    Timer,
    Write,
    kept_handled,
    stored_from_doc,
)
from shared.errors import ConcurrencyConflict, EventTooLarge, UnstorableValue
from shared.events import Envelope
from shared.keys import escape_key, escape_keys, unescape_key, unescape_keys
from shared.mongo import Document
from shared.tracking import CommandIdReused, fingerprint

__all__ = [
    "EXISTING",
    "KEEP_HANDLED",
    "AggregateStore",
    "Applied",
    "Change",
    "CommandIdReused",
    "Outgoing",
    "Receipt",
    "Stored",
    "Timer",
    "Write",
    "escape_key",
    "escape_keys",
    "fingerprint",
    "unescape_key",
    "unescape_keys",
]


class AggregateStore:
    """Loads and saves aggregate documents of one collection (see module doc)."""

    def __init__(
        self,
        collection: AsyncCollection[Document],
        max_event_bytes: int = DEFAULT_MAX_MESSAGE_BYTES,
        bulk_chunk: int = 500,
    ) -> None:
        self.collection = collection
        self.max_event_bytes = max_event_bytes
        self.bulk_chunk = bulk_chunk
        self._saved_listeners: list[SavedListener] = []
        self._other_writers: list[Callable[[str], None]] = []

    def on_saved(self, listener: SavedListener) -> None:
        """Call `listener(aggregate_id, next_due_at, events)` after every successful save:
        `shared.timers` learns this instance's timers and `shared.outbox` what to publish
        without reading the collection."""
        self._saved_listeners.append(listener)

    def _saved(
        self, aggregate_id: str, next_due_at: datetime | None, events: int, *, batch: bool = False
    ) -> None:
        for listener in self._saved_listeners:
            listener(aggregate_id, next_due_at, events)
        if not batch:
            for forget in self._other_writers:
                forget(aggregate_id)

    def on_other_write(self, forget: Callable[[str], None]) -> None:
        """Call `forget(aggregate_id)` after a save outside a batch (a timer, the
        per-message path): a batch cache drops what it kept of that aggregate."""
        self._other_writers.append(forget)

    @property
    def name(self) -> str:
        return self.collection.name

    async def load(self, aggregate_id: str) -> Stored | None:
        """The document, or None when it does not exist."""
        doc = await self.collection.find_one(
            {"_id": aggregate_id}, {"outbox": 0, "lease_until": 0, "lease_owner": 0}
        )
        return None if doc is None else stored_from_doc(doc)

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
        """Store `change` atomically; returns the new version.

        Raises ConcurrencyConflict (reload and retry), EventTooLarge (an event over the
        broker's limit) or UnstorableValue (a value BSON cannot hold); for the last two
        nothing is stored.
        """
        handled, digests, receipts = kept_handled(previous, handled_id, fingerprint, change.receipt)
        outbox = [e.to_doc() for e in change.events]
        self.check_sizes(outbox)
        self.check_storable(change.state, change.timers)
        timers = (
            [t.to_doc() for t in change.timers]
            if change.timers is not None
            else [t.to_doc() for t in (previous.timers if previous else [])]
        )
        fields: Document = {
            "state": None if change.state is None else escape_keys(change.state),
            "version": expected_version + 1,
            "handled": handled,
            "fingerprints": [{"id": k, "digest": v} for k, v in digests.items()],
            "receipts": [r.to_doc(k) for k, r in receipts.items()],
            "timers": timers,
            "next_due_at": min((t["due_at"] for t in timers), default=None),
            "lease_until": None,
            "lease_owner": None,
        }
        if outbox:
            fields["outbox_pending"] = True
        if change.correlation_id is not None:
            fields["correlation_id"] = change.correlation_id
        if expected_version == 0:
            try:
                await self.collection.insert_one(
                    {
                        "_id": aggregate_id,
                        **fields,
                        "outbox": outbox,
                        "outbox_pending": bool(outbox),
                    }
                )
            except DuplicateKeyError as error:
                raise ConcurrencyConflict(
                    f"{self.name}/{aggregate_id} created meanwhile"
                ) from error
            self._saved(aggregate_id, fields["next_due_at"], len(outbox))
            return 1
        update: Document = {"$set": fields}
        if outbox:
            update["$push"] = {"outbox": {"$each": outbox}}
        result = await self.collection.update_one(
            {"_id": aggregate_id, "version": expected_version}, update
        )
        if result.matched_count != 1:
            raise ConcurrencyConflict(
                f"{self.name}/{aggregate_id} changed since version {expected_version}"
            )
        self._saved(aggregate_id, fields["next_due_at"], len(outbox))
        return expected_version + 1

    def check_storable(self, state: Document | None, timers: Sequence[Timer] | None) -> None:
        """Raise `UnstorableValue` when `state` or the timers' data hold a value BSON cannot
        encode (an int beyond 64 bits, ...), so the one message is refused instead of the
        write failing (on the batch path: every message of the batch with it)."""
        timer_docs = [t.to_doc() for t in timers or ()]
        try:  # as it is first: escaping the keys only matters for a NUL in a key
            bson.encode({"state": state, "timers": timer_docs})
        except (OverflowError, InvalidDocument):
            try:
                escaped = None if state is None else escape_keys(state)
                bson.encode({"state": escaped, "timers": timer_docs})
            except (OverflowError, InvalidDocument) as error:
                raise UnstorableValue(f"{self.name} state", error) from None

    def check_sizes(self, outbox: list[Document]) -> None:
        """Raise `EventTooLarge` for an outbox entry over the broker's limit."""
        headers = {"content-type": STRUCTURED_CONTENT_TYPE}
        for entry in outbox:
            key = entry["key"].encode() if entry.get("key") else None
            size = record_size(entry["body"].encode(), key, headers)
            if size > self.max_event_bytes:
                kind = Envelope.model_validate_json(entry["body"]).type
                raise EventTooLarge(f"event {kind}", size, self.max_event_bytes)

    async def load_for_batch(self, aggregate_id: str) -> tuple[Stored | None, bool]:
        """The document (or None) and whether its outbox holds unpublished events."""
        doc = await self.collection.find_one(
            {"_id": aggregate_id}, {"outbox": 0, "lease_until": 0, "lease_owner": 0}
        )
        return (
            (None, False)
            if doc is None
            else (stored_from_doc(doc), bool(doc.get("outbox_pending")))
        )

    async def load_many_for_batch(
        self, aggregate_ids: Sequence[str]
    ) -> dict[str, tuple[Stored | None, bool]]:
        """`load_for_batch` of several aggregates with one read per `bulk_chunk` ids (an
        `_id: {$in}` filter, answered from the `_id` index)."""
        found: dict[str, tuple[Stored | None, bool]] = {i: (None, False) for i in aggregate_ids}
        step = max(1, self.bulk_chunk)
        for start in range(0, len(aggregate_ids), step):
            chunk = list(aggregate_ids[start : start + step])
            cursor = self.collection.find(
                {"_id": {"$in": chunk}}, {"outbox": 0, "lease_until": 0, "lease_owner": 0}
            )
            async for doc in cursor:
                found[doc["_id"]] = (stored_from_doc(doc), bool(doc.get("outbox_pending")))
        return found

    async def write_batch(self, writes: Sequence[Write]) -> set[str]:
        """Store each aggregate of a batch with one versioned update, in unordered bulk
        writes of `bulk_chunk`; returns the ids that another writer changed meanwhile
        (nothing of theirs is stored). Raises a transient error as `save` does.

        Each update filters on `{_id, version: base}` with `upsert`: a version that moved
        on makes the upsert collide on `_id` (E11000), which names the aggregate; a new
        aggregate (base 0) is inserted the same way."""
        conflicted: set[str] = set()
        for start in range(0, len(writes), max(1, self.bulk_chunk)):
            chunk = writes[start : start + max(1, self.bulk_chunk)]
            ops = [UpdateOne(*versioned_update(w), upsert=True) for w in chunk]
            try:
                await self.collection.bulk_write(ops, ordered=False)
            except BulkWriteError as error:
                errors = error.details.get("writeErrors") or []
                if any(e.get("code") != 11000 for e in errors):
                    raise
                conflicted |= {chunk[e["index"]].stored.id for e in errors}
            for w in chunk:
                if w.stored.id not in conflicted:
                    due = min((t.due_at for t in w.stored.timers), default=None)
                    self._saved(w.stored.id, due, 0, batch=True)  # the batch publishes them
        return conflicted

    async def clear_outboxes(self, written: Sequence[tuple[str, int]]) -> None:
        """Empty the outboxes of (id, version) a batch wrote and published, in bulk; one
        that changed since keeps its entries for the relay (published again, same ids)."""
        for start in range(0, len(written), max(1, self.bulk_chunk)):
            ops = [
                UpdateOne(
                    {"_id": doc_id, "version": version},
                    {"$set": {"outbox": [], "outbox_pending": False}},
                )
                for doc_id, version in written[start : start + max(1, self.bulk_chunk)]
            ]
            await self.collection.bulk_write(ops, ordered=False)

    async def apply(
        self,
        aggregate_id: str,
        message_id: str,
        decide: Decide,
        fingerprint: str | None = None,
    ) -> Applied:
        """Load, skip if `message_id` was handled, decide, save; retries on conflicts.

        Returns what was stored: `changed` is False for a duplicate or a no-op; `outbox`
        holds the entries written to the document's outbox by this change; for a
        duplicate, `receipt` is what its first handling kept (`Receipt`), if anything. With a
        `fingerprint` (of a command, see `fingerprint`), the id is bound to it: the same id
        with another fingerprint raises `CommandIdReused` before anything is decided.
        """
        for _attempt in range(20):
            stored = await self.load(aggregate_id)
            if stored is not None and stored.has_handled(message_id, fingerprint):
                return Applied(False, receipt=stored.receipts.get(message_id))
            outcome = decide(stored)
            change = await outcome if isinstance(outcome, Awaitable) else outcome
            if change is None:
                return Applied(False)
            try:
                await self.save(
                    aggregate_id,
                    change,
                    expected_version=stored.version if stored else 0,
                    handled_id=message_id,
                    previous=stored,
                    fingerprint=fingerprint,
                )
                return Applied(True, [e.to_doc() for e in change.events])
            except ConcurrencyConflict:
                continue
        raise ConcurrencyConflict(f"{self.name}/{aggregate_id}: too many concurrent writers")


def versioned_update(write: Write) -> tuple[Document, Document]:
    """The filter and update that store `write` (`{_id, version: base}`; `$set` of state,
    tracking ids, receipts, timers; `$push` of the outbox entries, or their `$set` when
    `write.replace_outbox`), as
    `AggregateStore.write_batch` sends them with `upsert`."""
    stored = write.stored
    timers = [t.to_doc() for t in stored.timers]
    fields: Document = {
        "state": escape_keys(stored.state) if stored.exists else None,
        "version": stored.version,
        "handled": stored.handled,
        "fingerprints": [{"id": k, "digest": v} for k, v in stored.fingerprints.items()],
        "receipts": [r.to_doc(k) for k, r in stored.receipts.items()],
        "timers": timers,
        "next_due_at": min((t["due_at"] for t in timers), default=None),
        "lease_until": None,
        "lease_owner": None,
    }
    if write.outbox or write.base == 0 or write.replace_outbox:
        fields["outbox_pending"] = bool(write.outbox)
    if stored.correlation_id is not None:
        fields["correlation_id"] = stored.correlation_id
    if write.replace_outbox:  # what it held at `base` is published (`shared.outbox_clears`)
        fields["outbox"] = write.outbox
        return {"_id": stored.id, "version": write.base}, {"$set": fields}
    update: Document = {"$set": fields, "$push": {"outbox": {"$each": write.outbox}}}
    return {"_id": stored.id, "version": write.base}, update
