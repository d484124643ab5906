"""Outboxes published but not yet emptied: the outbox clear, deferred and coalesced.

Once a batch has published the events it wrote (`shared.batch.Batch.publish`), the
outboxes that hold them may be emptied. Emptying them at once costs one more database
command per batch — a write to every document the batch changed. Instead each published
outbox is noted here as `(collection, id) → (version, event ids)` and emptied by whichever
comes first:

* **the aggregate's next write** (`take`): a batch that writes the document again from
  that same version replaces the outbox (`$set` of the new entries, `Write.replace_outbox`)
  instead of appending to it — the clear costs nothing. A hot aggregate is cleared this way;
* **the window** (`clear_due`, `window_seconds`, 1 s by default): what no write folded in
  time is emptied in one bulk update per collection (`AggregateStore.clear_outboxes`, chunked),
  started in the background at the end of a later batch (`clear_soon`: the batch does not
  wait for it, its next fetch overlaps it) or by the outbox relay's loop;
* **revocation, a full relay sweep and a graceful stop** (`clear_due(everything=True)`).

Both the folded write and the deferred clear filter on `{_id, version}`, so either order is
correct: whichever lands second finds the version moved and does nothing, and an outbox a
later write appended to is never emptied of events not yet published. A note stays until
its clear has landed (and goes only if no newer note replaced it meanwhile): while the
clear is in flight a batch reading the document still knows its outbox as published (not
stranded, to be replaced by its next write) and the relay does not send those events
again. Two clears never carry the same note at once.

Meanwhile the relay (`shared.outbox`) reads these documents' outboxes as holding events
that are **already published** (`published_ids`): it does not publish them again, and
removes them with what it does publish. A crash loses the notes: the relay's start-up sweep
then publishes those events once more (same CloudEvents ids; consumers drop duplicates by
id, as after any crash between publish and clear).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Protocol

from shared.logging import get_logger

log = get_logger("shared.outbox_clears")


class Clearable(Protocol):
    """What empties outboxes (`shared.store.AggregateStore`, the in-memory store)."""

    @property
    def name(self) -> str: ...

    async def clear_outboxes(self, written: Sequence[tuple[str, int]]) -> None: ...


class DeferredClears:
    """The published outboxes of one service instance not emptied yet (see the module doc).

    `window_seconds` — how long (s) a published outbox waits for its aggregate's next
    write before a bulk clear empties it; 0 clears at the end of the batch that published
    it. `monotonic` — the clock the window is measured on (s; `time.monotonic`)."""

    def __init__(
        self, window_seconds: float = 1.0, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self._window_s = window_seconds
        self._monotonic = monotonic
        self._stores: dict[str, Clearable] = {}
        # (collection, id) → (version, event ids, noted at); oldest first
        self._pending: dict[tuple[str, str], tuple[int, frozenset[str], float]] = {}
        self._in_flight: set[tuple[str, str]] = set()  # notes a running clear carries
        self._running: set[asyncio.Future[None]] = set()  # one per running clear
        self._background: asyncio.Task[None] | None = None

    def __len__(self) -> int:
        return len(self._pending)

    def add(self, store: Clearable, doc_id: str, version: int, ids: Iterable[str]) -> None:
        """Every event in the outbox of `doc_id` at `version` was published: empty it later.
        A note for an older version of the same document is replaced (its events were in
        the outbox this version holds: the newer write appended to it)."""
        self._stores.setdefault(store.name, store)
        key = (store.name, doc_id)
        earlier = self._pending.pop(key, None)
        published = frozenset(ids) | (earlier[1] if earlier else frozenset())
        self._pending[key] = (version, published, self._monotonic())

    def pending_at(self, collection: str, doc_id: str) -> int | None:
        """The version at which the document's outbox holds only published events, or None."""
        found = self._pending.get((collection, doc_id))
        return found[0] if found else None

    def published_ids(self, collection: str, doc_id: str) -> frozenset[str]:
        """Ids of events in the document's outbox known to be published already."""
        found = self._pending.get((collection, doc_id))
        return found[1] if found else frozenset()

    def discard(self, collection: str, doc_id: str, version: int | None = None) -> None:
        """The outbox was emptied (or replaced) another way; with `version`, only a note for
        that version is dropped."""
        found = self._pending.get((collection, doc_id))
        if found is not None and (version is None or found[0] == version):
            del self._pending[(collection, doc_id)]

    async def clear_due(self, *, everything: bool = False) -> int:
        """Empty the outboxes noted at least `window_seconds` ago (all of them with
        `everything`, after every clear already running has ended), one bulk update per
        collection; returns how many were asked. A note another clear carries is left to
        it. Raises what the store raises; the notes of a collection whose clear failed or
        was not reached stay for the next try (a note is dropped only once its clear has
        landed, and only if no newer note replaced it meanwhile)."""
        if everything:
            await self.settled()
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._running.add(done)
        now = self._monotonic()
        due: dict[str, dict[tuple[str, str], tuple[int, frozenset[str], float]]] = {}
        for key, note in self._pending.items():
            if not everything and now - note[2] < self._window_s:
                break  # oldest first: the rest are younger
            if key not in self._in_flight:
                due.setdefault(key[0], {})[key] = note
        carried = {key for notes in due.values() for key in notes}
        self._in_flight |= carried
        try:
            for collection, notes in due.items():
                await self._stores[collection].clear_outboxes(
                    [(doc_id, version) for (_, doc_id), (version, _, _) in notes.items()]
                )
                for key, note in notes.items():
                    if self._pending.get(key) is note:
                        del self._pending[key]
        finally:
            self._in_flight -= carried
            self._running.discard(done)
            done.set_result(None)
        return len(carried)

    def clear_soon(self) -> None:
        """`clear_due` in the background, one at a time (a call while one runs does
        nothing): the batch that asks does not wait for the database, its next fetch
        overlaps the clear. A failure is logged; its notes stay for the next try."""
        if self._background is None or self._background.done():
            self._background = asyncio.get_running_loop().create_task(self._clear_logged())

    async def _clear_logged(self) -> None:
        try:
            await self.clear_due()
        except Exception as error:  # kept for the next try; the events are out
            log.warning("deferred outbox clear failed; kept for later", error=repr(error))

    async def settled(self) -> None:
        """Return once every clear running or started now has ended (landed or failed);
        cancelling the wait cancels no clear."""
        if self._background is not None and not self._background.done():
            await asyncio.wait({self._background})
        while self._running:
            await asyncio.wait(set(self._running))
