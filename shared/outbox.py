"""The outbox relay: publishes events stored in aggregate documents, then removes them.

After a use case stores a change, it asks the relay to flush that document at once (the
fast path). Every save that wrote events is also noted in memory (`note_written`), and
what no flush has published yet (a broker outage, a writer that does not flush) is retried
every `sweep_seconds`. Events stranded by a crash between the write and the publish
are found by a full sweep — the documents flagged `outbox_pending` — run when the relay
starts (so a restarted instance publishes what it left behind) and every
`full_sweep_seconds` (what another, dead instance left). Publication is at-least-once: a
crash after publishing but before removal republishes the same events (same CloudEvents
ids) and consumers drop the duplicates by id.

Removal reads the document by `_id` and writes back what is left with a compare-and-set on
`(_id, version)` — both served from an index even on mongo-java-server, which reads the
whole collection for any other filter (see `shared.mongo.aggregate_indexes`); a concurrent
save (which bumps the version) makes it read again.

A document this instance is writing and about to publish itself (`hold` until `release`:
a batch from its write to its flush, the per-message path from its save to its publish) is
not taken for stranded by a full sweep meanwhile, which would publish its events a second
time in a run without any fault. A hold older than `hold_seconds` is ignored (a writer that
never released it: its events are then the sweep's). Another instance's write in flight
can still be swept — publication stays at-least-once.

A batch leaves the outboxes it published to be emptied later (`shared.outbox_clears`);
until then the relay reads their entries as published: it does not publish them again,
removes them with what it does publish, and empties what is due on each sweep (everything
noted, before a full sweep).

An entry that can never be published (over the broker's size limit: stored before the
store refused such changes, or the limit was lowered since) is not retried for ever: its
copy goes to `<topic>.dlq` (`x-dlq-error-code: event_too_large`, cut to fit) and it leaves
the outbox, so the events after it go out.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence

from pymongo.asynchronous.collection import AsyncCollection

from shared import metrics
from shared.binding import Record
from shared.clock import Clock, sleep_or_jump
from shared.dead_letter import dead_letter_copy
from shared.kafka import TRANSIENT_ERRORS, EventTooLarge, Publisher
from shared.logging import get_logger
from shared.mongo import Document
from shared.outbox_clears import DeferredClears
from shared.topics import dead_letter_topic

log = get_logger("shared.outbox")

HOLD_SECONDS = 30.0
"""How long (s) a `hold` keeps a full sweep away from a document (a batch's write to its
flush takes well under a second; a hold never released ends by itself)."""


class OutboxRelay:
    """Publishes the outboxes of the given collections."""

    def __init__(
        self,
        collections: Sequence[AsyncCollection[Document]],
        publisher: Publisher,
        clock: Clock,
        sweep_seconds: float = 2.0,
        full_sweep_seconds: float = 60.0,
        clears: DeferredClears | None = None,
        hold_seconds: float = HOLD_SECONDS,
    ) -> None:
        self._collections = {c.name: c for c in collections}
        self._held: dict[tuple[str, str], tuple[int, float]] = {}
        self._hold_seconds = hold_seconds
        self._publisher = publisher
        self._clock = clock
        self._sweep_seconds = sweep_seconds
        self._full_sweep_seconds = full_sweep_seconds
        self._swept_at: float | None = None
        self._locks: dict[tuple[str, str], asyncio.Lock] = {}
        self._retry: set[tuple[str, str]] = set()
        self._clears = clears

    def add(self, collection: AsyncCollection[Document]) -> None:
        """Relay the outbox of one more collection."""
        self._collections[collection.name] = collection

    def hold(self, collection: str, doc_id: str) -> None:
        """This instance is writing the document and will publish what it writes (or
        `note_written` it): a full sweep leaves it alone until `release` (holds nest)."""
        count, _since = self._held.get((collection, doc_id), (0, 0.0))
        self._held[(collection, doc_id)] = (count + 1, time.monotonic())

    def release(self, collection: str, doc_id: str) -> None:
        """One `hold` of the document ended (published, handed to the relay, or not written)."""
        count, since = self._held.pop((collection, doc_id), (1, 0.0))
        if count > 1:
            self._held[(collection, doc_id)] = (count - 1, since)

    def _is_held(self, collection: str, doc_id: str) -> bool:
        held = self._held.get((collection, doc_id))
        return held is not None and time.monotonic() - held[1] < self._hold_seconds

    def note_written(self, collection: str, doc_id: str) -> None:
        """A write put events in this document's outbox: publish them on the next sweep
        unless a flush does first (the aggregate store calls this for every such save, so
        a writer that never flushes — or a flush that fails — is covered in seconds)."""
        self._retry.add((collection, doc_id))

    def pending(self, collection: str, doc_id: str) -> bool:
        """Whether the document has events this relay is to publish (a failed or not yet
        flushed publish): a batch that wrote it leaves its new events to the relay too, so
        the older ones go out first."""
        return (collection, doc_id) in self._retry

    def forget(self, collection: str, doc_id: str) -> None:
        """The document's outbox was published and cleared by a batch (`shared.batch`)."""
        self._retry.discard((collection, doc_id))

    async def flush(self, collection: str, doc_id: str) -> int:
        """Publish and remove the pending events of one document; returns how many."""
        lock = self._locks.setdefault((collection, doc_id), asyncio.Lock())
        try:
            async with lock:
                published = await self._flush(self._collections[collection], doc_id)
                self._retry.discard((collection, doc_id))
                return published
        except BaseException:
            self._retry.add((collection, doc_id))
            raise
        finally:
            if not lock.locked():
                self._locks.pop((collection, doc_id), None)

    async def _flush(self, col: AsyncCollection[Document], doc_id: str) -> int:
        doc = await col.find_one({"_id": doc_id}, {"outbox": 1})
        entries: list[Document] = (doc or {}).get("outbox") or []
        known = self._published(col.name, doc_id)
        unpublished = [entry for entry in entries if entry["id"] not in known]
        await self._publish(col.name, doc_id, unpublished)
        await self._remove(col, doc_id, entries)
        return len(unpublished)

    def _published(self, collection: str, doc_id: str) -> frozenset[str]:
        """Ids in the document's outbox already published (its clear deferred)."""
        return self._clears.published_ids(collection, doc_id) if self._clears else frozenset()

    async def publish_written(self, collection: str, doc_id: str, entries: list[Document]) -> None:
        """Fast path: publish the entries a write just stored (no read), then remove them.

        Anything else pending in the document (stranded by an earlier crash) is left to a
        normal flush, which the caller runs when this one could not empty the outbox.
        """
        col = self._collections[collection]
        lock = self._locks.setdefault((collection, doc_id), asyncio.Lock())
        try:
            async with lock:
                await self._publish(collection, doc_id, entries)
                if not await self._remove(col, doc_id, entries):
                    await self._flush(col, doc_id)
                self._retry.discard((collection, doc_id))
        except BaseException:
            self._retry.add((collection, doc_id))
            raise
        finally:
            if not lock.locked():
                self._locks.pop((collection, doc_id), None)

    async def _publish(self, collection: str, doc_id: str, entries: list[Document]) -> None:
        for entry in entries:
            body = entry["body"].encode()
            try:
                await self._publisher.publish_raw(entry["topic"], entry.get("key"), body)
            except EventTooLarge as error:
                await self._dead_letter(collection, doc_id, entry, body, error)

    async def _dead_letter(
        self, collection: str, doc_id: str, entry: Document, body: bytes, error: EventTooLarge
    ) -> None:
        key = entry.get("key")
        copy = dead_letter_copy(
            Record(body, key.encode() if key else None),
            code=error.code,
            reasons=error.reasons,
            context={
                "original-topic": entry["topic"],
                "event-id": entry["id"],
                "outbox": f"{collection}/{doc_id}",
                "failed-at": self._clock.now().isoformat(),
            },
            limit=self._publisher.max_message_bytes,
        )
        log.error("unpublishable event dead-lettered", event_id=entry["id"], size=error.size)
        metrics.labelled(metrics.DEAD_LETTERED, topic=entry["topic"], code=error.code).inc()
        await self._publisher.publish_raw(
            dead_letter_topic(entry["topic"]), copy.key, copy.value, copy.headers
        )

    async def _remove(
        self, col: AsyncCollection[Document], doc_id: str, entries: list[Document]
    ) -> bool:
        """Remove published entries (and those known published before); True when the
        outbox is now empty."""
        published = {entry["id"] for entry in entries} | self._published(col.name, doc_id)
        for _attempt in range(20):
            doc = await col.find_one({"_id": doc_id}, {"outbox": 1, "version": 1})
            if doc is None:
                self._cleared(col.name, doc_id)
                return True
            outbox: list[Document] = doc.get("outbox") or []
            left = [entry for entry in outbox if entry["id"] not in published]
            if left and len(left) == len(outbox):
                return False  # none of ours there (removed meanwhile); the rest is pending
            written = await col.update_one(
                {"_id": doc_id, "version": doc.get("version")},
                {"$set": {"outbox": left, "outbox_pending": bool(left)}},
            )
            if written.matched_count == 1:
                if not left:
                    self._cleared(col.name, doc_id)
                return not left
        return False

    def _cleared(self, collection: str, doc_id: str) -> None:
        if self._clears is not None:
            self._clears.discard(collection, doc_id)

    async def sweep(self, *, full: bool | None = None) -> int:
        """Empty the published outboxes whose deferred clear is due (all of them before a
        full sweep), flush what the fast path could not publish and, on a full sweep (at
        start, then every `full_sweep_seconds` of real time, or when `full`), every
        document still flagged as having unpublished events. Returns how many events
        went out."""
        if full is None:
            full = (
                self._swept_at is None
                or time.monotonic() - self._swept_at >= self._full_sweep_seconds
            )
        if self._clears is not None:
            await self._clears.clear_due(everything=full)
        total = 0
        for collection, doc_id in sorted(self._retry):
            total += await self.flush(collection, doc_id)
        if not full:
            return total
        for name, col in self._collections.items():
            pending = [d["_id"] async for d in col.find({"outbox_pending": True}, {"_id": 1})]
            metrics.labelled(metrics.OUTBOX_PENDING, collection=name).set(len(pending))
            for doc_id in pending:
                if not self._is_held(name, doc_id):  # its writer publishes it
                    total += await self.flush(name, doc_id)
        self._swept_at = time.monotonic()
        return total

    async def run(self, stop: asyncio.Event) -> None:
        """Sweep periodically until `stop` is set; transient faults are retried next round."""
        while not stop.is_set():
            try:
                published = await self.sweep()
                if published:
                    log.info("outbox sweep published stranded events", count=published)
            except TRANSIENT_ERRORS as error:
                log.warning("outbox sweep failed; will retry", error=repr(error))
            except Exception:
                log.exception("outbox sweep crashed; will retry")
            await sleep_or_jump(self._clock, self._sweep_seconds)
