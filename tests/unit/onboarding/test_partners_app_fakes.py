"""In-memory stand-ins for the partner-side use cases: the real `AggregateStore` over a
dictionary-backed collection, a fixed clock, and a publisher that keeps what it is given.

No tests live here; the `test_partners_app*` modules import `Harness`.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from pymongo.errors import DuplicateKeyError

from services.onboarding.application.deps import Deps
from services.onboarding.settings import OnboardingSettings
from shared.actor import Actor
from shared.clock import FixedClock
from shared.events import Envelope, Payload, new_event
from shared.ids import new_id
from shared.runtime import ServiceContext
from shared.store import AggregateStore, Decide, Timer


@dataclass
class _UpdateResult:
    matched_count: int


class FakeCollection:
    """Just what `AggregateStore` uses: find_one, insert_one, update_one by `_id`."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.docs: dict[str, dict[str, Any]] = {}

    async def find_one(self, query: dict[str, Any], projection: Any = None) -> Any:
        return copy.deepcopy(self.docs.get(query["_id"]))

    async def insert_one(self, doc: dict[str, Any]) -> None:
        if doc["_id"] in self.docs:
            raise DuplicateKeyError("duplicate _id")
        self.docs[doc["_id"]] = copy.deepcopy(doc)

    async def update_one(self, query: dict[str, Any], update: dict[str, Any]) -> _UpdateResult:
        doc = self.docs.get(query["_id"])
        if doc is None or doc.get("version") != query.get("version"):
            return _UpdateResult(0)
        doc.update(copy.deepcopy(update.get("$set", {})))
        for key, value in update.get("$push", {}).items():
            doc.setdefault(key, []).extend(copy.deepcopy(value["$each"]))
        return _UpdateResult(1)


class FakePublisher:
    def __init__(self, sink: list[Envelope]) -> None:
        self.sink = sink

    async def publish(self, topic: str, envelope: Envelope, key: str | None = None) -> None:
        self.sink.append(envelope)


class FakeContext:
    """The parts of `ServiceContext` the use cases touch."""

    def __init__(self, now: datetime, settings: OnboardingSettings) -> None:
        self.settings = settings
        self.clock = FixedClock(now)
        self.collections: dict[str, FakeCollection] = {}
        self.published: list[Envelope] = []
        self.publisher = FakePublisher(self.published)

    def collection(self, name: str) -> FakeCollection:
        return self.collections.setdefault(name, FakeCollection(name))

    def store(self, name: str) -> AggregateStore:
        return AggregateStore(cast(Any, self.collection(name)))

    async def apply(
        self, collection: str, aggregate_id: str, message_id: str, decide: Decide
    ) -> bool:
        changed = (await self.store(collection).apply(aggregate_id, message_id, decide)).changed
        doc = self.collection(collection).docs.get(aggregate_id)
        if doc is not None:  # what the outbox relay does
            self.published.extend(Envelope.from_json(e["body"]) for e in doc.get("outbox", []))
            doc["outbox"] = []
        return changed


class Harness:
    """Deps over the fakes, plus helpers to send messages and read the outcome."""

    def __init__(self, now: datetime, **settings: Any) -> None:
        self.ctx = FakeContext(now, OnboardingSettings(**settings))
        self.deps = Deps(cast(ServiceContext, self.ctx), self.ctx.settings)

    @property
    def clock(self) -> FixedClock:
        return self.ctx.clock

    def envelope(self, payload: Payload, subject: str = "x") -> Envelope:
        return new_event(payload, source="/tests", now=self.clock.now(), subject=subject)

    def types(self) -> list[str]:
        return [e.type for e in self.ctx.published]

    def of_type(self, event_type: str) -> list[Envelope]:
        return [e for e in self.ctx.published if e.type == event_type]

    def one(self, event_type: str) -> Envelope:
        found = self.of_type(event_type)
        assert len(found) == 1, f"{len(found)}× {event_type} in {self.types()}"
        return found[0]

    def doc(self, collection: str, aggregate_id: str) -> dict[str, Any]:
        return self.ctx.collection(collection).docs[aggregate_id]

    def timers(self, collection: str, aggregate_id: str) -> list[Timer]:
        return [Timer.from_doc(t) for t in self.doc(collection, aggregate_id)["timers"]]


def actor(user_id: str, *roles: str, partner_id: str | None = None, tenant_id: str | None = None):
    return Actor(user_id=user_id, partner_id=partner_id, tenant_id=tenant_id, roles=roles)


def request_id() -> str:
    return new_id()
