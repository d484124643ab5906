"""Durable timers: "fire X at T", stored in the aggregate they belong to.

A timer is scheduled by the same atomic update that changed the aggregate (see
`shared.store`), so it exists exactly when the state that asked for it does. Firing runs
the service's callback, which stores the effect and removes the fired timer in one update,
recording `timer:<id>` as the handled id — so a timer fires once even if a lease expires
mid-flight and another instance picks it up (the second write is refused by the version
check or sees the id). Timers survive restarts because they live in the database, and they
read only the one clock.

Finding due timers must not cost a read of every aggregate per tick (a Mongo-wire server
such as mongo-java-server serves only exact `_id`/unique-index lookups from an index; a
`next_due_at <= now` filter reads the whole collection). So each poller keeps a `DueIndex`
in memory — aggregate id → earliest due time — loaded with one projection read at start
and every `reload_seconds` (which also picks up timers written by other instances, e.g.
one that died), and kept current by the store's save listener for this instance's own
writes. A tick then costs one `_id` read and one lease write per *due* aggregate, not per
aggregate. The index is only a hint: the lease is taken by a compare-and-set on
`(_id, lease_until)` (a unique index, see `shared.mongo.aggregate_indexes`), so of several
instances exactly one fires a given document, and a stale hint costs one `_id` read.
"""

from __future__ import annotations

import asyncio
import heapq
import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from pymongo.asynchronous.collection import AsyncCollection

from shared import metrics
from shared.clock import Clock, sleep_or_jump, until_started
from shared.kafka import TRANSIENT_ERRORS
from shared.logging import get_logger
from shared.mongo import Document
from shared.store import AggregateStore, Timer

log = get_logger("shared.timers")

FireTimer = Callable[[str, Timer], Awaitable[None]]
"""Callback: (aggregate id, due timer). Must store its effect via `AggregateStore.apply`
with message id `timer_message_id(timer)` and drop the timer from the pending list."""


def timer_message_id(timer: Timer) -> str:
    """The tracking id recorded when a timer's effect is stored."""
    return f"timer:{timer.id}"


class DueIndex:
    """In memory: for each aggregate id, the earliest instant one of its timers is due (UTC).

    `note(id, due)` records (None: no timer); `pop_due(now)` returns and forgets the ids due
    at or before `now`, earliest first. O(log n) per note, O(k log n) to pop k due ids.
    """

    def __init__(self) -> None:
        self._due: dict[str, datetime] = {}
        self._heap: list[tuple[datetime, str]] = []

    def __len__(self) -> int:
        return len(self._due)

    def note(self, aggregate_id: str, due: datetime | None) -> None:
        """Record the aggregate's earliest due time (None: it has no pending timer)."""
        if due is None:
            self._due.pop(aggregate_id, None)
            return
        if self._due.get(aggregate_id) == due:
            return
        self._due[aggregate_id] = due
        heapq.heappush(self._heap, (due, aggregate_id))
        if len(self._heap) > 4 * len(self._due) + 64:  # drop superseded entries
            self._heap = [(d, a) for a, d in self._due.items()]
            heapq.heapify(self._heap)

    def pop_due(self, now: datetime) -> list[str]:
        """The ids due at or before `now`, removed from the index."""
        due: list[str] = []
        while self._heap and self._heap[0][0] <= now:
            at, aggregate_id = heapq.heappop(self._heap)
            if self._due.get(aggregate_id) == at:
                del self._due[aggregate_id]
                due.append(aggregate_id)
        return due

    def replace(self, entries: dict[str, datetime]) -> None:
        """Start again from a full read (id → earliest due time)."""
        self._due = dict(entries)
        self._heap = [(d, a) for a, d in self._due.items()]
        heapq.heapify(self._heap)


class TimerPoller:
    """Claims and fires due timers of one collection.

    `store`: the instance's store of that collection, whose saves keep the due index
    current (without one, timers written after a reload wait for the next reload).
    `lease_seconds`, `poll_seconds`, `reload_seconds` are seconds of real time.
    """

    def __init__(
        self,
        collection: AsyncCollection[Document],
        clock: Clock,
        fire: FireTimer,
        owner: str,
        lease_seconds: float = 30.0,
        poll_seconds: float = 1.0,
        *,
        store: AggregateStore | None = None,
        reload_seconds: float = 60.0,
    ) -> None:
        self._col = collection
        self._clock = clock
        self._fire = fire
        self._owner = owner
        self._lease = timedelta(seconds=lease_seconds)
        self._poll_seconds = poll_seconds
        self._reload_seconds = reload_seconds
        self._loaded_at: float | None = None
        self.due = DueIndex()
        if store is not None:
            store.on_saved(lambda aggregate_id, due, _events: self.due.note(aggregate_id, due))

    async def reload(self) -> int:
        """Read every pending timer's aggregate id and due time (one projection read)."""
        entries: dict[str, datetime] = {}
        cursor = self._col.find({"next_due_at": {"$ne": None}}, {"_id": 1, "next_due_at": 1})
        async for doc in cursor:
            if doc.get("next_due_at") is not None:
                entries[doc["_id"]] = doc["next_due_at"]
        self.due.replace(entries)
        self._loaded_at = time.monotonic()
        return len(entries)

    async def claim(self, aggregate_id: str) -> Document | None:
        """Lease the document if one of its timers is due and no live lease holds it.

        None when nothing is due there (then its current due time is noted again) or another
        instance holds it (noted again for when that lease ends). This instance's own live
        lease (left by a fire that failed) is taken again.
        """
        now = self._clock.now()
        doc = await self._col.find_one({"_id": aggregate_id})
        if doc is None:
            return None
        due_at = doc.get("next_due_at")
        if due_at is None or due_at > now:
            self.due.note(aggregate_id, due_at)
            return None
        lease_until = doc.get("lease_until")
        if lease_until is not None and lease_until >= now and doc.get("lease_owner") != self._owner:
            self.due.note(aggregate_id, lease_until + timedelta(microseconds=1))
            return None
        lease = {"lease_until": _to_ms(now + self._lease), "lease_owner": self._owner}
        taken = await self._col.update_one(
            {"_id": aggregate_id, "lease_until": lease_until}, {"$set": lease}
        )
        if taken.matched_count != 1:
            self.due.note(aggregate_id, now)  # raced with a save or another instance: look again
            return None
        return {**doc, **lease}

    async def claim_next(self) -> Document | None:
        """Lease the next document with a due timer (as `claim`); None when none is left."""
        await self._reload_if_old()
        while ids := self.due.pop_due(self._clock.now()):
            for position, aggregate_id in enumerate(ids):
                doc = await self.claim(aggregate_id)
                if doc is not None:
                    for later in ids[position + 1 :]:
                        self.due.note(later, self._clock.now())
                    return doc
        return None

    async def _reload_if_old(self) -> None:
        if self._loaded_at is None or time.monotonic() - self._loaded_at >= self._reload_seconds:
            await self.reload()

    async def fire_due(self) -> int:
        """Fire every due timer; returns how many fired."""
        await self._reload_if_old()
        fired = 0
        for aggregate_id in self.due.pop_due(self._clock.now()):
            try:
                fired += await self._fire_document(aggregate_id)
            except Exception as error:
                # Look again next poll (this instance may take its own lease back); the
                # others popped with it are still fired now.
                self.due.note(aggregate_id, self._clock.now())
                if isinstance(error, TRANSIENT_ERRORS):
                    log.warning("timer fire failed; will retry", error=repr(error))
                else:
                    log.exception("timer fire crashed; will retry", aggregate_id=aggregate_id)
        return fired

    async def _fire_document(self, aggregate_id: str) -> int:
        doc = await self.claim(aggregate_id)
        if doc is None:
            return 0
        now = self._clock.now()
        due = sorted(
            (Timer.from_doc(t) for t in doc.get("timers") or [] if t["due_at"] <= now),
            key=lambda t: t.due_at,
        )
        for timer in due:
            await self._fire(doc["_id"], timer)
            metrics.labelled(metrics.TIMERS_FIRED, kind=timer.kind).inc()
        if not due:
            # next_due_at was stale (e.g. clock skew): release the lease, if still ours.
            await self._col.update_one(
                {"_id": aggregate_id, "lease_until": doc["lease_until"]},
                {"$set": {"lease_until": None, "lease_owner": None}},
            )
            self.due.note(aggregate_id, doc.get("next_due_at"))
        return len(due)

    async def run(self, stop: asyncio.Event) -> None:
        """Poll until `stop` is set; failures are retried after the lease expires."""
        await until_started(self._clock)
        while not stop.is_set():
            try:
                await self.fire_due()
            except TRANSIENT_ERRORS as error:
                log.warning("timer poll failed; will retry", error=repr(error))
            except Exception:
                log.exception("timer fire crashed; its lease will expire and it is retried")
            await sleep_or_jump(self._clock, self._poll_seconds)


def _to_ms(instant: datetime) -> datetime:
    """`instant` cut to whole milliseconds, as BSON stores it (so it compares equal when read
    back for the compare-and-set)."""
    return instant.replace(microsecond=instant.microsecond // 1000 * 1000)
