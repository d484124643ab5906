"""Durable timers: "fire X at T", stored in the aggregate they belong to.

A timer is scheduled by the same atomic update that changed the aggregate (see
`shared.store`), so it exists exactly when the state that asked for it does. The poller
claims a document with a due timer through `find_one_and_update` that sets a lease: of
several instances exactly one gets it. Firing runs the service's callback, which stores
the effect and removes the fired timer in one update, recording `timer:<id>` as the
handled id — so a timer fires once even if a lease expires mid-flight and another
instance picks it up (the second write is refused by the version check or sees the id).
Timers survive restarts because they live in the database, and they read only the one
clock.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta

from pymongo import ReturnDocument
from pymongo.asynchronous.collection import AsyncCollection

from shared import metrics
from shared.clock import Clock, sleep_or_jump, until_started
from shared.kafka import TRANSIENT_ERRORS
from shared.logging import get_logger
from shared.mongo import Document
from shared.store import Timer

log = get_logger("shared.timers")

FireTimer = Callable[[str, Timer], Awaitable[None]]
"""Callback: (aggregate id, due timer). Must store its effect via `AggregateStore.apply`
with message id `timer_message_id(timer)` and drop the timer from the pending list."""


def timer_message_id(timer: Timer) -> str:
    """The tracking id recorded when a timer's effect is stored."""
    return f"timer:{timer.id}"


class TimerPoller:
    """Claims and fires due timers of one collection."""

    def __init__(
        self,
        collection: AsyncCollection[Document],
        clock: Clock,
        fire: FireTimer,
        owner: str,
        lease_seconds: float = 30.0,
        poll_seconds: float = 1.0,
    ) -> None:
        self._col = collection
        self._clock = clock
        self._fire = fire
        self._owner = owner
        self._lease = timedelta(seconds=lease_seconds)
        self._poll_seconds = poll_seconds

    async def claim(self) -> Document | None:
        """Lease one document with a due timer, or None when nothing is due.

        (No projection: FerretDB 1.24, which stays selectable as the local server, does not
        implement `fields` in findAndModify; MongoDB 7 and mongo-java-server do.)
        """
        now = self._clock.now()
        return await self._col.find_one_and_update(
            {
                "next_due_at": {"$lte": now},
                "$or": [{"lease_until": None}, {"lease_until": {"$lt": now}}],
            },
            {"$set": {"lease_until": now + self._lease, "lease_owner": self._owner}},
            return_document=ReturnDocument.AFTER,
        )

    async def fire_due(self) -> int:
        """Fire every due timer; returns how many fired."""
        fired = 0
        while True:
            doc = await self.claim()
            if doc is None:
                return fired
            now = self._clock.now()
            due = sorted(
                (Timer.from_doc(t) for t in doc.get("timers") or [] if t["due_at"] <= now),
                key=lambda t: t.due_at,
            )
            for timer in due:
                await self._fire(doc["_id"], timer)
                metrics.TIMERS_FIRED.labels(kind=timer.kind).inc()
                fired += 1
            if not due:
                # next_due_at was stale (e.g. clock skew): release the lease.
                await self._col.update_one(
                    {"_id": doc["_id"], "lease_owner": self._owner},
                    {"$set": {"lease_until": None}},
                )

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
