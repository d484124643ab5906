"""The use-case core: the one way a service handles a message or a timer.

Every use case has the same shape — load one aggregate, call the domain, save — and this
module does everything around the domain call, once, for every service:

* **one atomic update** per handled message through the aggregate store (state, tracking
  id, outbox, timers; optimistic version, retried on conflict; see `shared.store`);
* **one rule for tracking ids** (`tracking_id`): a command's is its type, its sender and
  its `request_id`, so the same request sent twice counts once; any other message's is its
  CloudEvents id; a timer's is `timer:<timer id>`. Each is stored with the message's
  fingerprint (`shared.store.fingerprint`), so a *different* message under a recorded id is
  refused (`CommandIdReused`) rather than taken for the earlier one;
* **one rule for event ids** (`event_id`): derived from the service, the aggregate, the
  version the change creates, the position and the type, so a retried decision publishes
  the same ids and consumers drop the duplicates;
* **one refusal shape**: a domain `Refused` becomes the aggregate's `…action_refused`
  event (`shared.answers.refusal`) under a deterministic id, stored in the
  aggregate's outbox with the command's tracking id — when the aggregate does not exist
  yet, in a *refusal record* under its id (`shared.store.Stored.exists`) — so a
  redelivered command is a duplicate — the refusal it was told (once, from the outbox)
  stands — never decided afresh on facts that changed meanwhile (a refused opening is not
  opened by its redelivery);
* **one answer to a resend** (`shared.answers`): a command's tracking id is kept with a
  receipt of its handling, so the same command under a *new* CloudEvents id changes
  nothing and is answered with `<service>.command.already_handled` (applied: which
  events; refused: why), while a redelivery (the same id) stays silent;
* the outgoing events are published right after the write (the outbox relay).

A service describes each aggregate type once (`Repository`) and maps its domain events
to published contracts (`UseCases.payloads`); use cases receive a `UseCases`, never the
service context or a database handle. Tests run the same use cases on the in-memory store
(`shared.memory_store`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from shared import answers, batch
from shared.clock import Clock
from shared.errors import MessageRejected
from shared.events import Envelope, Payload, new_event
from shared.ids import derived_id
from shared.logging import get_logger
from shared.refusals import Refused
from shared.repository import (
    Decider,
    Decision,
    OutboxPort,
    Outcome,
    Publish,
    Repository,
    StorePort,
    apply_and_publish,
)
from shared.store import (
    AggregateStore,
    Change,
    Outgoing,
    Receipt,
    Stored,
    Timer,
    fingerprint,
)

A = TypeVar("A")

log = get_logger("shared.usecase")

__all__ = [
    "Decider",
    "Decision",
    "OutboxPort",
    "Outcome",
    "Publish",
    "Repository",
    "StorePort",
    "UseCases",
    "event_id",
    "timer_tracking_id",
    "tracking_id",
]


def tracking_id(cause: Envelope) -> str:
    """The id recorded when `cause` changes an aggregate (see the module doc)."""
    request_id = cause.data.get("request_id")
    if isinstance(request_id, str) and request_id:
        actor = cause.data.get("actor") or {}
        sender = actor.get("partner_id") or actor.get("user_id") or ""
        return f"{cause.type}:{sender}:{request_id}"
    return cause.id


def timer_tracking_id(timer: Timer) -> str:
    """The id recorded when a timer's effect is stored."""
    return f"timer:{timer.id}"


def event_id(
    service: str, collection: str, aggregate_id: str, version: int, position: int, kind: str
) -> str:
    """The id of the `position`-th event of the change that creates `version`."""
    return derived_id(service, collection, aggregate_id, str(version), str(position), kind)


@dataclass
class UseCases:
    """The narrow dependencies every use case of one service receives.

    `stores(collection)` gives the aggregate store of a collection; `payloads(event)` maps
    one domain event to the contract payloads published for it (usually one).
    """

    service: str
    events_topic: str
    clock: Clock
    stores: Callable[[str], StorePort]
    outbox: OutboxPort
    publish: Publish
    payloads: Callable[[Any], Sequence[Payload]]
    source: str = field(default="")

    def __post_init__(self) -> None:
        self.source = self.source or f"/{self.service}"

    def now(self) -> datetime:
        """The one clock (UTC)."""
        return self.clock.now()

    async def _stored(self, collection: str, aggregate_id: str) -> Stored | None:
        store = self.stores(collection)
        unit = batch.current()
        if unit is not None and isinstance(store, AggregateStore):
            return await unit.load(store, aggregate_id)
        return await store.load(aggregate_id)

    async def persist(self) -> None:
        """Store what this batch has decided so far, now (see `shared.batch`): call it
        before acting outside the store on a decision. A no-op outside a batch."""
        unit = batch.current()
        if unit is not None:
            await unit.persist()

    def unbatched(self) -> AbstractContextManager[None]:
        """`with uc.unbatched(): ...` runs the use cases inside on the store itself, stored
        at once (see `shared.batch.outside`): for the record of an effect outside the
        store, right after the effect. Outside a batch it changes nothing."""
        return batch.outside()

    async def load(self, repo: Repository[A], aggregate_id: str) -> A | None:
        """The aggregate, or None when it does not exist."""
        stored = await self._stored(repo.collection, aggregate_id)
        return None if stored is None or not stored.exists else repo.load(stored.state)

    async def require(self, repo: Repository[A], aggregate_id: str) -> A:
        """The aggregate; a message naming one that does not exist is rejected
        (dead-lettered and, for a command, answered with `<service>.command.rejected`)."""
        found = await self.load(repo, aggregate_id)
        if found is None:
            raise MessageRejected(
                repo.unknown,
                [{"field": repo.id_field, "code": repo.unknown, "message": aggregate_id}],
            )
        return found

    async def seen(
        self, repo: Repository[A], aggregate_id: str, cause: Envelope, message_id: str | None = None
    ) -> bool:
        """Whether `cause` (under `message_id`, else its tracking id) already changed the
        aggregate. Raises `CommandIdReused` when a *different* message used that id: a use
        case that acts outside the store first (claims values) asks before it acts."""
        stored = await self._stored(repo.collection, aggregate_id)
        if stored is None:
            return False
        return stored.has_handled(message_id or tracking_id(cause), fingerprint(cause))

    async def handle(
        self,
        repo: Repository[A],
        aggregate_id: str,
        cause: Envelope,
        decide: Decider[A],
        *,
        message_id: str | None = None,
        about: Mapping[str, Any] | None = None,
        receipt: bool = True,
    ) -> Outcome:
        """Run `decide` on one aggregate for `cause`, atomically and idempotently.

        `about`: what a refusal of `cause` tells beyond `repo.about(aggregate)` (and over
        it), e.g. the partners to tell when the aggregate does not exist yet. `receipt`:
        False for a preparatory step under a step id of its own, so only the step that
        decides answers a resend (`shared.answers`). A handled message: UNCHANGED, or
        REFUSED when its receipt says it was refused."""
        tracked = message_id or tracking_id(cause)
        return await self._run(repo, aggregate_id, cause, decide, tracked, about, receipt)

    async def fire(
        self, repo: Repository[A], aggregate_id: str, timer: Timer, decide: Decider[A]
    ) -> Outcome:
        """Fire a due timer: run `decide`; the fired timer is dropped whatever it decides."""

        def without_timer(aggregate: A | None, now: datetime) -> Decision[A] | None:
            decision = decide(aggregate, now)
            if decision is None and aggregate is not None:
                return Decision(aggregate)  # store the aggregate without the fired timer
            return decision

        tracked = timer_tracking_id(timer)
        return await self._run(repo, aggregate_id, None, without_timer, tracked, fired=timer.id)

    async def answer(self, cause: Envelope, payload: Payload, subject: str) -> None:
        """Publish the answer to a query (nothing stored; its id derives from the query)."""
        answer_id = derived_id(self.service, "answer", cause.id, fingerprint(cause))
        await self._tell(self._envelope(payload, subject, cause, answer_id, None))

    async def _tell(self, envelope: Envelope) -> None:
        """Publish what no aggregate stores: now, or on the batch path after its writes."""
        unit = batch.current()
        if unit is not None:
            unit.publish_later(self.events_topic, envelope)
            return
        await self.publish(self.events_topic, envelope)

    async def _run(
        self,
        repo: Repository[A],
        aggregate_id: str,
        cause: Envelope | None,
        decide: Decider[A],
        message_id: str,
        about: Mapping[str, Any] | None = None,
        keep_receipt: bool = False,
        fired: str | None = None,
    ) -> Outcome:
        outcome = [Outcome.UNCHANGED]
        # A receipt only for a command (someone's `actor`: facts carry none) whose tracking
        # id a resend can meet: one not made from the CloudEvents id.
        keeping = cause if keep_receipt and answers.resendable(cause, message_id) else None

        def step(stored: Stored | None) -> Change | None:
            outcome[0] = Outcome.UNCHANGED
            existing = stored is not None and stored.exists
            aggregate = repo.load(stored.state) if stored is not None and existing else None
            correlation = (stored.correlation_id if stored else None) or (
                cause.correlation if cause else None
            )
            now = self.now()
            try:
                decision = decide(aggregate, now)
            except Refused as error:
                if cause is None:  # a timer the state no longer wants: just drop it
                    decision = None if aggregate is None else Decision(aggregate)
                else:
                    outcome[0] = Outcome.REFUSED
                    refusal = self._refusal(repo, aggregate_id, aggregate, cause, error, now, about)
                    # No aggregate yet: a refusal record keeps the tracking id (`Change`).
                    state = stored.state if stored is not None and existing else None
                    told = (
                        None
                        if keeping is None
                        else answers.refused_receipt(keeping, now, refusal, error.code)
                    )
                    return Change(state, [Outgoing(self.events_topic, refusal)], None, receipt=told)
            if decision is None:
                return None
            outcome[0] = Outcome.APPLIED
            version = (stored.version if stored else 0) + 1
            # The fired timer goes, unless the aggregate still wants it later (fired early).
            timers = [t for t in repo.timers(decision.aggregate) if t.id != fired or t.due_at > now]
            events = self._outgoing(
                repo, aggregate_id, version, decision.events, cause, correlation
            )
            return Change(
                repo.dump(decision.aggregate),
                events,
                timers,
                correlation_id=correlation,
                receipt=None if keeping is None else answers.applied_receipt(keeping, now, events),
            )

        store = self.stores(repo.collection)
        bound = fingerprint(cause) if cause is not None else None
        unit = batch.current()
        if unit is not None and isinstance(store, AggregateStore):
            # The batch path: decided in memory, written, published and cleared per batch.
            applied = await unit.apply(store, aggregate_id, message_id, step, bound)
            if cause is not None and applied.receipt is not None:
                return await self._handled_before(
                    repo, aggregate_id, cause, message_id, applied.receipt
                )
            changed = applied.changed or outcome[0] is Outcome.REFUSED
            return outcome[0] if changed else Outcome.UNCHANGED
        applied = await apply_and_publish(
            store, self.outbox, repo.collection, aggregate_id, message_id, step, bound
        )
        if not applied.changed and outcome[0] is not Outcome.REFUSED:
            # A decision whose save lost to a concurrent writer that had handled the same
            # message (the store's retry then skips it) changed nothing here: never report
            # it as applied, or two instances would both act on "I made this change".
            outcome[0] = Outcome.UNCHANGED
        if cause is not None and applied.receipt is not None:
            return await self._handled_before(
                repo, aggregate_id, cause, message_id, applied.receipt
            )
        return outcome[0]

    async def _handled_before(
        self,
        repo: Repository[Any],
        aggregate_id: str,
        cause: Envelope,
        message_id: str,
        receipt: Receipt,
    ) -> Outcome:
        """A command handled before: answer a resend (`shared.answers`; a redelivery of the
        handled message was told once). REFUSED when it was refused, so a use case goes on
        as it did then (no next step after a refusal), else UNCHANGED."""
        answer = answers.answer_to_resend(
            self.service, repo.entity, repo.collection, aggregate_id, cause, message_id, receipt
        )
        if answer is not None:
            payload, answer_id = answer
            told = {"original_command_id": receipt.message, "outcome": receipt.outcome}
            log.info("command already handled: answered", command_id=cause.id, **told)
            await self._tell(self._envelope(payload, aggregate_id, cause, answer_id, None))
        return Outcome.REFUSED if receipt.outcome == answers.REFUSED else Outcome.UNCHANGED

    def _outgoing(
        self,
        repo: Repository[Any],
        aggregate_id: str,
        version: int,
        events: Sequence[Any],
        cause: Envelope | None,
        correlation: str | None,
    ) -> list[Outgoing]:
        payloads = [p for event in events for p in self.payloads(event)]
        return [
            Outgoing(
                self.events_topic,
                self._envelope(
                    payload,
                    aggregate_id,
                    cause,
                    event_id(
                        self.service,
                        repo.collection,
                        aggregate_id,
                        version,
                        position,
                        payload.EVENT_TYPE,
                    ),
                    correlation,
                ),
            )
            for position, payload in enumerate(payloads)
        ]

    def _refusal(
        self,
        repo: Repository[A],
        aggregate_id: str,
        aggregate: A | None,
        cause: Envelope,
        error: Refused,
        now: datetime,
        extra: Mapping[str, Any] | None = None,
    ) -> Envelope:
        payload, refusal_id = answers.refusal(
            self.service, repo, aggregate_id, aggregate, cause, error, now, extra
        )
        return self._envelope(payload, aggregate_id, cause, refusal_id, None)

    def _envelope(
        self,
        payload: Payload,
        subject: str,
        cause: Envelope | None,
        event_id: str,
        correlation: str | None,
    ) -> Envelope:
        return new_event(
            payload,
            source=self.source,
            now=self.now(),
            subject=subject,
            event_id=event_id,
            correlation_id=correlation or (cause.correlation if cause else None),
            causation_id=cause.id if cause else None,
        )
