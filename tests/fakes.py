"""In-memory stand-ins for fast use-case tests: the real `AggregateStore` over a
dictionary-backed collection (equality and `$ne` queries on dotted paths, `$set`/`$push`
updates, unique `_id`), a fixed clock, and a publisher that keeps what it is given.

`Harness` drives use cases as the dispatcher would: one envelope per command, the same
envelope again when a test redelivers it; the outbox is "relayed" into `ctx.published`.
"""

from __future__ import annotations

import base64
import copy
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from pymongo.errors import BulkWriteError, DuplicateKeyError

from services.onboarding.application.deps import Deps
from services.onboarding.settings import OnboardingSettings
from shared.clock import FixedClock
from shared.events import Envelope, Payload, new_event
from shared.runtime import ServiceContext
from shared.store import AggregateStore, Decide
from shared.usecase import UseCases

TEST_DEVICE_KEYS = {"test-1": base64.b64encode(b"test-only-device-key-32-bytes!!!").decode()}
"""An explicit key ring for tests (the service refuses to start without a real one)."""


@dataclass
class UpdateResult:
    matched_count: int


def _get(doc: dict[str, Any], path: str) -> Any:
    value: Any = doc
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def matches(doc: dict[str, Any], query: dict[str, Any]) -> bool:
    """Whether `doc` satisfies an equality/`$ne` query."""
    for path, wanted in query.items():
        value = _get(doc, path)
        if isinstance(wanted, dict) and "$ne" in wanted:
            if value == wanted["$ne"]:
                return False
        elif isinstance(wanted, dict) and "$in" in wanted:
            if value not in wanted["$in"]:
                return False
        elif isinstance(wanted, dict) and "$nin" in wanted:
            if value in wanted["$nin"]:
                return False
        elif value != wanted:
            return False
    return True


class FakeCollection:
    """Just what the store and the read models use."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.docs: dict[str, dict[str, Any]] = {}

    async def find_one(self, query: dict[str, Any], projection: Any = None) -> Any:
        for doc in self.docs.values():
            if matches(doc, query):
                return copy.deepcopy(doc)
        return None

    async def find(
        self, query: dict[str, Any], projection: Any = None
    ) -> AsyncIterator[dict[str, Any]]:
        for doc in list(self.docs.values()):
            if matches(doc, query):
                yield copy.deepcopy(doc)

    async def insert_one(self, doc: dict[str, Any]) -> None:
        if doc["_id"] in self.docs:
            raise DuplicateKeyError("duplicate _id")
        self.docs[doc["_id"]] = copy.deepcopy(doc)

    async def insert_many(self, docs: list[dict[str, Any]], ordered: bool = True) -> None:
        """Inserts each; duplicates are reported as MongoDB does (ordered: stop at the first)."""
        errors: list[dict[str, Any]] = []
        inserted = 0
        for index, doc in enumerate(docs):
            try:
                await self.insert_one(doc)
                inserted += 1
            except DuplicateKeyError:
                errors.append({"index": index, "code": 11000, "op": doc})
                if ordered:
                    break
        if errors:
            raise BulkWriteError({"writeErrors": errors, "nInserted": inserted})

    async def bulk_write(self, operations: list[Any], ordered: bool = True) -> None:
        """`UpdateOne` operations only (what the claims use)."""
        for operation in operations:
            await self.update_one(operation._filter, operation._doc)

    async def update_many(self, query: dict[str, Any], update: dict[str, Any]) -> UpdateResult:
        matched = 0
        for doc in self.docs.values():
            if matches(doc, query):
                doc.update(copy.deepcopy(update.get("$set", {})))
                matched += 1
        return UpdateResult(matched)

    async def delete_many(self, query: dict[str, Any]) -> None:
        for key, doc in list(self.docs.items()):
            if matches(doc, query):
                del self.docs[key]

    async def update_one(self, query: dict[str, Any], update: dict[str, Any]) -> UpdateResult:
        for doc in self.docs.values():
            if matches(doc, query):
                doc.update(copy.deepcopy(update.get("$set", {})))
                for key, value in update.get("$push", {}).items():
                    doc.setdefault(key, []).extend(copy.deepcopy(value["$each"]))
                return UpdateResult(1)
        return UpdateResult(0)

    async def delete_one(self, query: dict[str, Any]) -> None:
        for key, doc in list(self.docs.items()):
            if matches(doc, query):
                del self.docs[key]
                return


class FakeDb:
    def __init__(self) -> None:
        self.collections: dict[str, FakeCollection] = {}

    def __getitem__(self, name: str) -> FakeCollection:
        return self.collections.setdefault(name, FakeCollection(name))


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
        self.db = FakeDb()
        self.published: list[Envelope] = []
        self.publisher = FakePublisher(self.published)

    def collection(self, name: str) -> FakeCollection:
        return self.db[name]

    def store(self, name: str) -> AggregateStore:
        return AggregateStore(cast(Any, self.db[name]))

    async def apply(
        self,
        collection: str,
        aggregate_id: str,
        message_id: str,
        decide: Decide,
        *,
        fingerprint: str | None = None,
    ) -> bool:
        store = self.store(collection)
        changed = (await store.apply(aggregate_id, message_id, decide, fingerprint)).changed
        doc = self.db[collection].docs.get(aggregate_id)
        if doc is not None:  # what the outbox relay does
            self.published.extend(Envelope.from_json(e["body"]) for e in doc.get("outbox", []))
            doc["outbox"] = []
        return changed

    def use_cases(self, events_topic: str, payloads: Any) -> UseCases:
        """The use-case core over the same documents (`ServiceContext.use_cases`)."""
        return UseCases(
            service="onboarding",
            events_topic=events_topic,
            clock=self.clock,
            stores=self.store,
            outbox=FakeOutbox(self),
            publish=self.publisher.publish,
            payloads=payloads,
        )


class FakeOutbox:
    """What the outbox relay does, over the fake documents: publish, then clear."""

    def __init__(self, ctx: FakeContext) -> None:
        self.ctx = ctx

    async def publish_written(
        self, collection: str, doc_id: str, entries: list[dict[str, Any]]
    ) -> None:
        self.ctx.published.extend(Envelope.from_json(e["body"]) for e in entries)
        doc = self.ctx.db[collection].docs.get(doc_id)
        if doc is not None:
            ids = {e["id"] for e in entries}
            doc["outbox"] = [e for e in doc.get("outbox", []) if e["id"] not in ids]

    async def flush(self, collection: str, doc_id: str) -> int:
        doc = self.ctx.db[collection].docs.get(doc_id)
        pending = list(doc.get("outbox", [])) if doc else []
        await self.publish_written(collection, doc_id, pending)
        return len(pending)


class Harness:
    """Deps over the fakes, plus helpers to send messages and read the outcome."""

    def __init__(self, now: datetime, **settings: Any) -> None:
        settings.setdefault("device_secret_keys", TEST_DEVICE_KEYS)
        self.ctx = FakeContext(now, OnboardingSettings(**settings))
        self.deps = Deps.over(cast(ServiceContext, self.ctx), self.ctx.settings)

    @property
    def clock(self) -> FixedClock:
        return self.ctx.clock

    def envelope(self, payload: Payload, subject: str = "x") -> Envelope:
        return new_event(payload, source="/tests", now=self.clock.now(), subject=subject)

    async def send(
        self, use_case: Any, payload: Payload, envelope: Envelope | None = None
    ) -> Envelope:
        """Run `use_case` for `payload` (pass `envelope` again to redeliver it)."""
        envelope = envelope or self.envelope(payload)
        await use_case(self.deps, envelope, payload)
        return envelope

    def types(self) -> list[str]:
        return [e.type for e in self.ctx.published]

    def of_type(self, event_type: str) -> list[Envelope]:
        return [e for e in self.ctx.published if e.type == event_type]

    def one(self, event_type: str) -> Envelope:
        found = self.of_type(event_type)
        assert len(found) == 1, f"{len(found)}× {event_type} in {self.types()}"
        return found[0]

    def last(self, event_type: str) -> Envelope:
        found = self.of_type(event_type)
        assert found, f"no {event_type} in {self.types()}"
        return found[-1]
