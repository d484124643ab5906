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
  at the end of a later batch or by the outbox relay's loop when the service is idle;
* **revocation, a full relay sweep and a graceful stop** (`clear_due(everything=True)`).

Both the folded write and the deferred clear filter on `{_id, version}`, so either order is
correct: whichever lands second finds the version moved and does nothing, and an outbox a
later write appended to is never emptied of events not yet published.

Meanwhile the relay (`shared.outbox`) reads these documents' outboxes as holding events
that are **already published** (`published_ids`): it does not publish them again, and
removes them with what it does publish. A crash loses the notes: the relay's start-up sweep
then publishes those events once more (same CloudEvents ids; consumers drop duplicates by
id, as after any crash between publish and clear).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from typing import Protocol


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
        `everything`), one bulk update per collection; returns how many were asked.
        Raises what the store raises; the notes of a collection whose clear failed are
        kept (oldest first, unless a newer note replaced one meanwhile) for the next try."""
        now = self._monotonic()
        due: dict[str, dict[tuple[str, str], tuple[int, frozenset[str], float]]] = {}
        while self._pending:
            key, note = next(iter(self._pending.items()))
            if not everything and now - note[2] < self._window_s:
                break
            del self._pending[key]
            due.setdefault(key[0], {})[key] = note
        collections = list(due.items())
        for index, (collection, notes) in enumerate(collections):
            try:
                await self._stores[collection].clear_outboxes(
                    [(doc_id, version) for (_, doc_id), (version, _, _) in notes.items()]
                )
            except BaseException:
                kept = {
                    key: note
                    for _, untried in collections[index:]
                    for key, note in untried.items()
                    if key not in self._pending
                }
                self._pending = {**kept, **self._pending}
                raise
        return sum(len(notes) for notes in due.values())
