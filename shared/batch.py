"""The batch path: what the consumer fetched, handled as one unit of work per aggregate.

The dispatcher hands every record of a fetched batch (per partition, in offset order) to
its handler inside one `Batch` (`running(batch)`); the use-case core (`shared.usecase`,
`ServiceContext.apply`) then works on the batch instead of the database:

* an aggregate is read once per batch (the first message that names it; concurrent reads
  of one aggregate share one read) and kept in memory for the rest of the batch;
* each message's decision is applied **in memory**, in order, with the same checks as the
  per-message path (`AggregateStore.apply`): a tracking id already recorded is skipped (a
  different command under it is refused), every event is measured against the broker's
  limit, the version is bumped per change (event ids derive from it, as before);
* at the end (`write`), **one** versioned update per changed aggregate — state, tracking
  ids, outbox, timers — goes out in one unordered `bulk_write` per collection, in chunks
  of `bulk_chunk` (`AggregateStore.write_batch`); an aggregate another writer changed
  meanwhile (a timer, another instance after a rebalance) is a *conflict*: it is dropped
  from memory and only the messages that read or changed it are run again, in order, on
  the stored state (their tracking ids make the rest of their work a no-op);
* then every outbox entry written is sent without waiting and acknowledged with one flush
  (`publish`), and the dispatcher commits the offsets once. The published outboxes are
  emptied later (`shared.outbox_clears`): by the aggregate's next write, which replaces
  the outbox instead of appending to it, or by one bulk clear once the window has passed.
  Anything a publish could not deliver stays in its outbox, where the relay
  (`shared.outbox`) finds it, as on the per-message path.

A use case that acts outside the store on what it decided (claims numbers, sends a mail)
calls `UseCases.persist()` first: the changes decided so far are stored at once, so the
outside effect never depends on a change that could still be lost. What it then records
about that effect (the SMTP answer) it stores at once too, outside the batch
(`UseCases.unbatched()`, `outside`). Outside a batch (timers, the per-message path)
everything works as before.
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Awaitable, Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol

from shared.coalesce import TURNS, Coalescer, settle, start
from shared.documents import kept_handled
from shared.events import Envelope
from shared.logging import get_logger
from shared.mongo import Document
from shared.outbox_clears import DeferredClears
from shared.store import AggregateStore, Applied, Decide, Stored, Write


class Publisher(Protocol):
    """What a batch publishes with (`shared.kafka.Publisher`)."""

    async def enqueue_raw(
        self, topic: str, key: str | bytes | None, body: bytes
    ) -> asyncio.Future[Any]: ...

    async def enqueue(self, topic: str, envelope: Envelope) -> asyncio.Future[Any]: ...


class OutboxRelay(Protocol):
    """What a batch tells the outbox relay (`shared.outbox.OutboxRelay`)."""

    def forget(self, collection: str, doc_id: str) -> None: ...

    def note_written(self, collection: str, doc_id: str) -> None: ...

    def hold(self, collection: str, doc_id: str) -> None: ...

    def release(self, collection: str, doc_id: str) -> None: ...

    def pending(self, collection: str, doc_id: str) -> bool: ...

    async def flush(self, collection: str, doc_id: str) -> int: ...


log = get_logger("shared.batch")

MAX_ROUNDS = 20
"""Rounds of re-running conflicting messages before the batch is given back to Kafka."""


class RedoLater(Exception):
    """The aggregate a message was working on was dropped (conflict): run it again later,
    after the earlier messages of that aggregate (the dispatcher does)."""


@dataclass
class _Entry:
    store: AggregateStore
    stored: Stored | None  # as it is in memory now
    base: int  # the version stored in the database
    stranded: bool  # the stored document had unpublished events (left by a crash)
    outbox: list[Document] = field(default_factory=list)  # added, not yet written
    touched: set[int] = field(default_factory=set)  # positions that read or changed it
    evicted: bool = False
    cached: bool = False  # from an earlier batch (not read from the database in this one)

    @property
    def dirty(self) -> bool:
        return self.stored is not None and self.stored.version > self.base


_POSITION: contextvars.ContextVar[int] = contextvars.ContextVar("batch_position", default=-1)
_CURRENT: contextvars.ContextVar[Batch | None] = contextvars.ContextVar("batch", default=None)


def current() -> Batch | None:
    """The batch the running handler belongs to, or None (per-message path)."""
    return _CURRENT.get()


@contextmanager
def running(batch: Batch, position: int) -> Iterator[None]:
    """Run the code inside as message `position` of `batch` (done with it when the code
    inside returns)."""
    token, where = _CURRENT.set(batch), _POSITION.set(position)
    batch.finished.discard(position)  # run again after a conflict: not done until it returns
    try:
        yield
        batch.finished.add(position)
    finally:
        _POSITION.reset(where)
        _CURRENT.reset(token)


async def persist_before_query(*collections: str) -> None:
    """Before a query outside the aggregate store (a read model, a claim's holder): store
    what the running batch has decided so far when any of it is in `collections`, the
    collections the query reads, so the query sees every decision taken before it as on
    the per-message path (the whole batch goes in that write, `Batch.persist`). Nothing
    outside a batch or when nothing of `collections` waits to be written. Raises
    `RedoLater` as `Batch.persist` does (the dispatcher runs the message again)."""
    unit = current()
    if unit is not None and unit.pending_in(collections):
        await unit.persist()


@contextmanager
def outside() -> Iterator[None]:
    """Run the code inside on the store itself (the per-message path: stored at once,
    retried on conflicts against the stored state), not on the running batch.

    For recording an effect outside the store the moment it happened (an SMTP server's
    answer): kept in the batch's memory until the batch ends, the record would lag the
    effect by the whole batch, and whatever waits on the stored state meanwhile (a
    claim's expiry) would take the effect for one that never happened."""
    token = _CURRENT.set(None)
    try:
        yield
    finally:
        _CURRENT.reset(token)


class Batch:
    """The unit of work of one fetched batch (see the module doc)."""

    def __init__(
        self,
        publisher: Publisher,
        relay: OutboxRelay | None = None,
        cache: dict[tuple[str, str], Stored | None] | None = None,
        clears: DeferredClears | None = None,
    ) -> None:
        self._publisher = publisher
        self._relay = relay
        self._clears = clears
        self._cache = cache if cache is not None else {}
        self._entries: dict[tuple[str, str], _Entry] = {}
        self._loading: dict[tuple[str, str], asyncio.Future[_Entry]] = {}
        self._later: list[tuple[str, Envelope]] = []
        self._written: list[tuple[_Entry, str, int, list[Document]]] = []
        self._lock = asyncio.Lock()
        self.redo: set[int] = set()
        self.finished: set[int] = set()
        """Positions whose handling returned: every change they made is in memory."""
        self.conflicts = 0
        self._reads: dict[str, Coalescer[str, Loaded]] = {}
        self._flush: asyncio.Future[set[int]] | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._held: set[tuple[str, str]] = set()

    # -- reading and deciding (in memory) ------------------------------------------------

    async def _entry(self, store: AggregateStore, aggregate_id: str) -> _Entry:
        key = (store.name, aggregate_id)
        if (found := self._entries.get(key)) is not None:
            found.touched.add(_POSITION.get())
            return found
        if key in self._cache and key not in self._loading:
            stored = self._cache[key]
            entry = _Entry(store, stored, stored.version if stored else 0, False, cached=True)
            self._entries[key] = entry
            entry.touched.add(_POSITION.get())
            return entry
        if (pending := self._loading.get(key)) is None:
            pending = asyncio.get_running_loop().create_future()
            self._loading[key] = pending
            try:
                stored, stranded = await self._read(store, aggregate_id)
                if stranded and stored is not None and self._clears is not None:
                    # published, only its clear deferred: nothing stranded there
                    stranded = self._clears.pending_at(store.name, aggregate_id) != stored.version
                entry = _Entry(store, stored, stored.version if stored else 0, stranded)
                self._entries[key] = entry
                if not stranded:
                    self._cache[key] = stored
                pending.set_result(entry)
            except BaseException as error:
                pending.set_exception(error)
                pending.exception()  # retrieved: waiters get it, nobody logs it unheard
                raise
            finally:
                del self._loading[key]
        entry = await asyncio.shield(pending)
        if entry.evicted:
            raise RedoLater(aggregate_id)
        entry.touched.add(_POSITION.get())
        return entry

    def _read(self, store: AggregateStore, aggregate_id: str) -> asyncio.Future[Loaded]:
        """The stored aggregate, read together with every other one the batch's messages
        ask for in the same turn of the event loop (one `load_many_for_batch`,
        `shared.coalesce`): the keys of a batch run side by side, so their first reads go
        out as one round trip."""
        if (reads := self._reads.get(store.name)) is None:
            reads = self._reads[store.name] = Coalescer(store.load_many_for_batch)
        return reads.ask(aggregate_id)

    async def load(self, store: AggregateStore, aggregate_id: str) -> Stored | None:
        """The aggregate as this batch has made it so far, or None."""
        return (await self._entry(store, aggregate_id)).stored

    async def apply(
        self,
        store: AggregateStore,
        aggregate_id: str,
        message_id: str,
        decide: Decide,
        fingerprint: str | None = None,
    ) -> Applied:
        """`AggregateStore.apply`, in memory: the change is written by `write`."""
        entry = await self._entry(store, aggregate_id)
        stored = entry.stored
        if stored is not None and stored.has_handled(message_id, fingerprint):
            return Applied(False, receipt=stored.receipts.get(message_id))
        outcome = decide(stored)
        change = await outcome if isinstance(outcome, Awaitable) else outcome
        if entry.evicted or entry.stored is not stored:
            raise RedoLater(aggregate_id)  # dropped or changed while deciding
        if change is None:
            if entry.cached and not entry.dirty:
                # Decided "nothing to do" on what an earlier batch left in memory: make
                # sure on the stored state (a timer of another instance may have moved it).
                self._drop(entry)
                return await self.apply(store, aggregate_id, message_id, decide, fingerprint)
            return Applied(False)
        outbox = [e.to_doc() for e in change.events]
        store.check_sizes(outbox)  # EventTooLarge: nothing kept
        store.check_storable(change.state, change.timers)  # UnstorableValue: nothing kept
        handled, digests, receipts = kept_handled(stored, message_id, fingerprint, change.receipt)
        entry.stored = Stored(
            id=aggregate_id,
            version=(stored.version if stored else 0) + 1,
            state=change.state if change.state is not None else {},
            exists=change.state is not None,
            handled=handled,
            timers=list(change.timers)
            if change.timers is not None
            else list(stored.timers if stored else []),
            correlation_id=change.correlation_id or (stored.correlation_id if stored else None),
            fingerprints=digests,
            receipts=receipts,
        )
        entry.outbox.extend(outbox)
        return Applied(True, outbox)

    def publish_later(self, topic: str, envelope: Envelope) -> None:
        """Publish `envelope` (no aggregate stores it) after the batch's writes. An answer
        under an id already waiting replaces it: a message run again after a conflict
        answers once, as it last decided."""
        self._later = [(t, e) for t, e in self._later if (t, e.id) != (topic, envelope.id)]
        self._later.append((topic, envelope))

    # -- writing -------------------------------------------------------------------------

    def pending_in(self, collections: Collection[str]) -> bool:
        """Whether a change this batch decided in one of `collections` is not stored yet."""
        return any(
            entry.dirty for (name, _id), entry in self._entries.items() if name in collections
        )

    async def persist(self) -> None:
        """Store every change decided so far now. A conflict drops its aggregate and raises
        `RedoLater` for the running message (it and the others that touched the aggregate
        are run again in order).

        The messages that ask in the same turn of the event loop share one write (a group
        commit): each of them returns once its changes are stored."""
        position = _POSITION.get()
        if self._flush is None:
            self._flush = asyncio.get_running_loop().create_future()
            asyncio.get_running_loop().call_soon(start, self._tasks, self._persist_queued())
        again = await asyncio.shield(self._flush)
        if position in again:
            raise RedoLater("persist")

    async def _persist_queued(self) -> None:
        for _turn in range(TURNS):  # the others woken by the same answer (`shared.coalesce`)
            await asyncio.sleep(0)
        flush = self._flush
        assert flush is not None
        try:
            async with self._lock:
                # Whoever asked while the write before this one was in flight is in this
                # one too: one write per round trip of the database, not one per asker.
                self._flush = None  # who asks from now on waits for the next
                again = await self._write()
        except BaseException as error:  # the waiters have it
            settle([flush], error)
            if self._flush is flush:
                self._flush = None
            if isinstance(error, asyncio.CancelledError):
                raise
            return
        flush.set_result(again)

    async def write(self) -> set[int]:
        """One versioned update per changed aggregate (bulk, per collection). Returns the
        positions to run again (also added to `redo`)."""
        async with self._lock:
            return await self._write()

    async def _write(self) -> set[int]:
        """`write` with the lock held."""
        by_store: dict[str, tuple[AggregateStore, list[tuple[_Entry, Write, set[int]]]]] = {}
        clears = self._clears
        for entry in list(self._entries.values()):
            if entry.dirty and entry.stored is not None:
                replace = (
                    clears is not None
                    and clears.pending_at(entry.store.name, entry.stored.id) == entry.base
                )
                write = Write(entry.stored, entry.base, list(entry.outbox), replace)
                # Positions done with it now: all they changed is in this write. One still
                # running (a persist's asker, a decision in flight) may change it after.
                stored_all = entry.touched & self.finished
                by_store.setdefault(entry.store.name, (entry.store, []))[1].append(
                    (entry, write, stored_all)
                )
        again: set[int] = set()
        for store, writes in by_store.values():
            for _entry, write, _done in writes:
                if write.outbox:  # a full sweep must not take it for stranded meanwhile
                    self._hold(store.name, write.stored.id)
            conflicted = await store.write_batch([w for _, w, _ in writes])
            for entry, write, stored_all in writes:
                if write.stored.id in conflicted:
                    self.conflicts += 1
                    again |= self._evict(entry)
                    continue
                if write.replace_outbox and clears is not None:
                    clears.discard(store.name, write.stored.id, write.base)  # folded in
                entry.base = write.stored.version
                self._cache[(store.name, write.stored.id)] = write.stored
                del entry.outbox[: len(write.outbox)]
                entry.touched -= stored_all  # a later conflict redoes only the rest
                if write.outbox:
                    self._written.append(
                        (entry, write.stored.id, write.stored.version, write.outbox)
                    )
        self.redo |= again
        return again

    def _hold(self, collection: str, doc_id: str) -> None:
        if self._relay is not None and (collection, doc_id) not in self._held:
            self._relay.hold(collection, doc_id)
            self._held.add((collection, doc_id))

    def _release_all(self) -> None:
        """End the relay holds of this batch (its writes are published or handed over)."""
        if self._relay is not None:
            for collection, doc_id in self._held:
                self._relay.release(collection, doc_id)
        self._held.clear()

    def _evict(self, entry: _Entry) -> set[int]:
        assert entry.stored is not None
        self._drop(entry)
        return {p for p in entry.touched if p >= 0}

    def _drop(self, entry: _Entry) -> None:
        entry.evicted = True
        for key, found in list(self._entries.items()):
            if found is entry:
                del self._entries[key]
                self._cache.pop(key, None)

    async def abandon(self) -> None:
        """The batch failed after some writes: let a write still in flight (a `persist`
        whose askers were cancelled with their batch) finish, then hand the events of
        every write to the relay — none waits for the relay's full sweep."""
        await asyncio.sleep(0)  # a persist asked for in the last turn starts its write
        while pending := [task for task in self._tasks if not task.done()]:
            await asyncio.gather(*pending, return_exceptions=True)
        if self._relay is not None:
            for entry, doc_id, _version, _entries in self._written:
                self._relay.note_written(entry.store.name, doc_id)
        self._written.clear()
        self._release_all()

    async def publish(self) -> None:
        """Send every event written (and every answer), then one flush; note the outboxes
        that were fully published for a deferred clear (`shared.outbox_clears`; without
        one, clear them now) and empty those whose window has passed; hand what could not
        be sent to the relay. The relay's holds on what the batch wrote end here."""
        try:
            await self._publish()
        finally:
            self._release_all()

    async def _publish(self) -> None:
        """`publish`, holds not yet released."""
        sends: list[Awaitable[Any]] = []
        owners: list[tuple[str, str] | None] = []
        for entry, doc_id, _version, entries in self._written:
            if self._relay is not None and self._relay.pending(entry.store.name, doc_id):
                entry.stranded = True  # an older event of it waits for the relay: in order
            if entry.stranded:
                continue  # its whole outbox, older events first, goes out with the relay
            for item in entries:
                owners.append((entry.store.name, doc_id))
                sends.append(
                    await _enqueued(
                        self._publisher.enqueue_raw(
                            item["topic"], item.get("key"), item["body"].encode()
                        )
                    )
                )
        for topic, envelope in self._later:
            owners.append(None)
            sends.append(await _enqueued(self._publisher.enqueue(topic, envelope)))
        results = await asyncio.gather(*sends, return_exceptions=True)
        failed = {o for o, r in zip(owners, results, strict=True) if isinstance(r, BaseException)}
        if self._relay is not None:
            for owner in failed:
                if owner is not None:
                    self._relay.note_written(*owner)
        errors = [r for r in results if isinstance(r, BaseException)]
        by_store: dict[str, tuple[AggregateStore, list[tuple[str, int]]]] = {}
        for entry, doc_id, version, entries in self._written:
            if (entry.store.name, doc_id) in failed or entry.stranded:
                continue
            if self._clears is not None:
                self._clears.add(entry.store, doc_id, version, (e["id"] for e in entries))
            by_store.setdefault(entry.store.name, (entry.store, []))[1].append((doc_id, version))
        for store, done in by_store.values():
            if self._clears is None:
                await store.clear_outboxes(done)
            if self._relay is not None:
                for doc_id, _version in done:
                    self._relay.forget(store.name, doc_id)
        if self._clears is not None:
            self._clears.clear_soon()  # in the background: the commit does not wait for it
        if self._relay is not None:
            for entry in self._entries.values():
                if entry.stranded and entry.stored is not None:
                    await self._relay.flush(entry.store.name, entry.stored.id)
                    entry.stranded = False
        self._written.clear()
        self._later.clear()
        if None in failed or (errors and self._relay is None):
            raise errors[0]  # an answer not sent: the batch is delivered again
        if errors:  # stored in their outboxes: the relay publishes them within seconds
            log.warning("events left in the outbox for the relay", count=len(errors))


Loaded = tuple[Stored | None, bool]
"""A stored aggregate (or None) and whether its outbox holds unpublished events."""


async def _enqueued(enqueue: Awaitable[asyncio.Future[Any]]) -> Awaitable[Any]:
    """The acknowledgement of a record handed to the producer (a failure to hand it over
    becomes a failed acknowledgement, so the others still go out)."""
    try:
        return await enqueue
    except Exception as error:
        failed: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        failed.set_exception(error)
        return failed
