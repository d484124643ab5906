"""What a service describes and receives around the use-case core (`shared.usecase`):
the ports of the store and the outbox, one `Repository` per aggregate type, the domain's
`Decision` and a use case's `Outcome`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Generic, Protocol, TypeVar

from shared.contracts.common import ActionRefused
from shared.documents import Applied, Decide, Stored, Timer
from shared.events import Envelope
from shared.mongo import Document

A = TypeVar("A")


class StorePort(Protocol):
    """The aggregate store of one collection (Mongo: `shared.store.AggregateStore`; tests:
    `shared.memory_store.InMemoryAggregateStore`)."""

    @property
    def name(self) -> str: ...

    async def load(self, aggregate_id: str) -> Stored | None:
        """The stored aggregate, or None."""
        ...

    async def apply(
        self, aggregate_id: str, message_id: str, decide: Decide, fingerprint: str | None = None
    ) -> Applied:
        """Load, skip a handled `message_id` (refuse it under another `fingerprint`), decide,
        save atomically; retry on conflicts."""
        ...


class OutboxPort(Protocol):
    """Publishes what a write put in an aggregate's outbox (`shared.outbox.OutboxRelay`)."""

    async def publish_written(self, collection: str, doc_id: str, entries: list[Document]) -> None:
        """Publish the entries a write just stored, then remove them from the outbox."""
        ...

    async def flush(self, collection: str, doc_id: str) -> int:
        """Publish whatever is still pending in one aggregate's outbox."""
        ...

    def hold(self, collection: str, doc_id: str) -> None:
        """The caller is writing the aggregate and will publish what it writes: no full
        sweep takes it for stranded meanwhile (until `release`)."""
        ...

    def release(self, collection: str, doc_id: str) -> None:
        """One `hold` ended."""
        ...


async def apply_and_publish(
    store: StorePort,
    outbox: OutboxPort,
    collection: str,
    aggregate_id: str,
    message_id: str,
    decide: Decide,
    fingerprint: str | None = None,
) -> Applied:
    """The per-message path (outside a batch, `shared.batch`): store a change through
    `store.apply`, then publish what it wrote at once; a message that changed nothing (a
    redelivery) sends whatever a crash left in the aggregate's outbox. The aggregate is
    held from the relay's full sweep meanwhile (ours to publish, not stranded); `collection`
    names it to the relay. Raises what `store.apply` raises (`CommandIdReused`,
    `EventTooLarge`, ...); a failed publish leaves the events in the outbox for the relay."""
    outbox.hold(collection, aggregate_id)
    try:
        applied = await store.apply(aggregate_id, message_id, decide, fingerprint)
        if applied.outbox:
            await outbox.publish_written(collection, aggregate_id, applied.outbox)
        elif not applied.changed:
            await outbox.flush(collection, aggregate_id)
    finally:
        outbox.release(collection, aggregate_id)
    return applied


class Unswept:
    """For an `OutboxPort` that nothing sweeps (in memory, test doubles): holds are no-ops."""

    def hold(self, collection: str, doc_id: str) -> None:
        """Nothing to keep a sweep away from."""

    def release(self, collection: str, doc_id: str) -> None:
        """See `hold`."""


Publish = Callable[[str, Envelope], Awaitable[None]]
"""Publish one envelope on a topic now (for what no aggregate stores: answers, refusals of
commands naming nothing that exists)."""


@dataclass(frozen=True)
class Repository(Generic[A]):
    """How one aggregate type is stored and told about.

    `load`/`dump` map the document's `state` to the domain aggregate and back; `timers`
    gives the durable timers the aggregate needs now (recomputed after every change, with
    deterministic ids); `refused` is its `…action_refused` model, whose id field is
    `id_field`; `about` adds what a refusal tells about an existing aggregate (its partner,
    status, other ids).
    """

    collection: str
    entity: str
    id_field: str
    load: Callable[[Document], A]
    dump: Callable[[A], Document]
    refused: type[ActionRefused]
    timers: Callable[[A], list[Timer]] = lambda _: []
    about: Callable[[A], Mapping[str, Any]] = lambda _: {}

    @property
    def unknown(self) -> str:
        """The rejection code of a message naming an aggregate that does not exist."""
        return f"unknown_{self.entity}"


@dataclass(frozen=True)
class Decision(Generic[A]):
    """What the domain decided: the aggregate as it now is and the events it produced."""

    aggregate: A
    events: Sequence[Any] = ()


Decider = Callable[[A | None, datetime], Decision[A] | None]
"""`decide(aggregate or None, now)`: call the domain; return None to change nothing, raise
a `Refused` to refuse. Pure and synchronous; it may run more than once (on a conflict)."""


class Outcome(StrEnum):
    APPLIED = "applied"
    REFUSED = "refused"
    UNCHANGED = "unchanged"  # handled before, or nothing to do
