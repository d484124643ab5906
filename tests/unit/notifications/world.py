"""The notifications use cases on the in-memory store, with a recording SMTP sender.

`World` routes a message the way the dispatcher would (by `entrypoints.ROUTES`), feeds
what the use cases publish on `notifications.events` back to the service's own
consumers (`drain`), and fires due timers the way the poller would (`tick`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any

from services.notifications.adapters.directory import MemoryDirectory
from services.notifications.adapters.repositories import repositories
from services.notifications.application.deps import Deps
from services.notifications.application.payloads import payloads
from services.notifications.domain.delivery import SendOutcome, SendResult
from services.notifications.entrypoints import ROUTES, TIMERS
from services.notifications.mail.compose import Addressing
from services.notifications.mail.render import MailRenderer
from services.notifications.settings import NotificationsSettings
from shared.actor import Actor
from shared.clock import FixedClock
from shared.events import Envelope, Payload, new_event
from shared.memory_store import InMemoryAggregateStore, InMemoryOutbox
from shared.usecase import UseCases

CLOUD_OPS = Actor(user_id="ops-1", roles=("cloud_operations",))


@dataclass
class RecordingSender:
    """Answers each send with the next queued outcome (else 250) and keeps what was sent."""

    outcomes: list[SendOutcome] = field(default_factory=list)
    sent: list[tuple[EmailMessage, str]] = field(default_factory=list)
    attempts: int = 0

    async def send(self, message: EmailMessage, sender: str, recipient: str) -> SendOutcome:
        self.attempts += 1
        outcome = self.outcomes.pop(0) if self.outcomes else SendOutcome.from_reply(250, "Ok")
        if outcome.result is SendResult.ACCEPTED:
            self.sent.append((message, recipient))
        return outcome

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m, r in self.sent if r == address]


class World:
    def __init__(self, start: datetime, **settings: Any) -> None:
        self.clock = FixedClock(start)
        self.stores: dict[str, InMemoryAggregateStore] = {}
        self.outbox = InMemoryOutbox(self.stores)
        self.direct: list[Envelope] = []
        self.rejected: list[Exception] = []
        config = NotificationsSettings(**settings)
        policy = config.policy()
        repos = repositories(policy)

        async def publish(topic: str, envelope: Envelope) -> None:
            self.direct.append(envelope)

        self.uc = UseCases(
            service="notifications",
            events_topic="notifications.events",
            clock=self.clock,
            stores=self.store,
            outbox=self.outbox,
            publish=publish,
            payloads=payloads,
        )
        self.sender = RecordingSender()
        self.deps = Deps(
            uc=self.uc,
            repos=repos,
            policy=policy,
            retry=config.retry(),
            renderer=MailRenderer(config.mail()),
            sender=self.sender,
            directory=MemoryDirectory(self.stores, repos),
            addressing=Addressing(),
        )
        self.seen = 0
        self.events: list[Envelope] = []

    def store(self, name: str) -> InMemoryAggregateStore:
        return self.stores.setdefault(name, InMemoryAggregateStore(name))

    async def send(self, topic: str, payload: Payload, subject: str = "s") -> Envelope:
        """Handle one message (as the dispatcher would), then drain own facts."""
        envelope = new_event(payload, source="/tests", now=self.clock.now(), subject=subject)
        await self.deliver(topic, envelope)
        return envelope

    async def deliver(self, topic: str, envelope: Envelope) -> None:
        for route_topic, model, use_case in ROUTES:
            if route_topic.name == topic and envelope.type == model.EVENT_TYPE:
                await use_case(self.deps, envelope, envelope.parse_data(model))
                break
        else:
            raise AssertionError(f"no route for {envelope.type} on {topic}")
        await self.drain()

    async def drain(self) -> None:
        """Feed what was published to the service's own consumers (once each)."""
        while True:
            published = [Envelope.from_json(d["body"]) for d in self.outbox.published]
            fresh = [*published, *self.direct][self.seen :]
            if not fresh:
                return
            self.seen += len(fresh)
            for envelope in fresh:
                self.events.append(envelope)
                for topic, model, use_case in ROUTES:
                    if topic.name == "notifications.events" and envelope.type == model.EVENT_TYPE:
                        await use_case(self.deps, envelope, envelope.parse_data(model))

    async def tick(self, to: datetime) -> None:
        """Move the clock to `to`, firing every timer due on the way, in order."""
        while True:
            due = sorted(
                (
                    (t.due_at, name, doc_id, t)
                    for name, store in self.stores.items()
                    for doc_id, doc in store.documents.items()
                    for t in doc.timers
                    if t.due_at <= to and name in TIMERS
                ),
                key=lambda x: (x[0], x[1], x[2]),
            )
            if not due:
                self.clock.set(to)
                return
            at, name, doc_id, timer = due[0]
            self.clock.set(max(at, self.clock.now()))
            await TIMERS[name](self.deps, doc_id, timer)
            await self.drain()

    async def later(self, delta: timedelta) -> None:
        await self.tick(self.clock.now() + delta)

    def of_type(self, event_type: str) -> list[Envelope]:
        return [e for e in self.events if e.type == event_type]


def fact(event_type: str, data: dict[str, Any], at: datetime, event_id: str) -> Envelope:
    """Another service's event, as it arrives."""
    return Envelope(
        id=event_id, source="/onboarding", type=event_type, time=at, subject="x", data=data
    )


def subjects(messages: Iterable[EmailMessage]) -> list[str]:
    return [str(m["Subject"]) for m in messages]
