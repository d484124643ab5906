"""Stand-ins for fast tests.

`Harness` runs onboarding's use cases on the in-memory aggregate store
(`shared.memory_store`) and onboarding's in-memory read and claim ports
(`services.onboarding.adapters.memory_ports`), with a fixed clock: no database and no
imitation of its driver. It drives use cases as the dispatcher would (one envelope per
command, the same envelope again when a test redelivers it); what the outbox relays and
what is published at once lands in `published`.

`FakeDb`/`FakeCollection` (a dictionary-backed collection: equality and `$ne` queries on
dotted paths, `$set`/`$push` updates, unique `_id`) remain only for the tests of the
Mongo store itself (`tests/unit/test_shared_store_*`).
"""

from __future__ import annotations

import base64
import copy
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pymongo.errors import BulkWriteError, DuplicateKeyError

from services.onboarding.adapters.admin_group_documents import GROUP_ID_CLAIMS, USER_ID_CLAIMS
from services.onboarding.adapters.memory_ports import (
    InMemoryDirectoryReads,
    InMemoryGroupNumberClaims,
    InMemoryTenantReads,
    InMemoryUniqueClaims,
    in_memory_claims,
)
from services.onboarding.adapters.number_claims import NUMBER_GROUP_CLAIMS
from services.onboarding.adapters.read_models import REPORTING_USERNAME_CLAIMS
from services.onboarding.application.common.core import payloads
from services.onboarding.application.deps import Deps
from services.onboarding.settings import OnboardingSettings
from shared.clock import FixedClock
from shared.events import Envelope, Payload, new_event
from shared.memory_store import InMemoryAggregateStore, MemoryDocument
from shared.repository import Unswept
from shared.store import unescape_keys
from shared.topics import ONBOARDING_EVENTS
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


class MemoryRelay(Unswept):
    """What the outbox relay does, over the in-memory stores: publish, then clear."""

    def __init__(self, harness: Harness) -> None:
        self.harness = harness

    async def publish_written(
        self, collection: str, doc_id: str, entries: list[dict[str, Any]]
    ) -> None:
        self.harness.published.extend(Envelope.from_json(e["body"]) for e in entries)
        doc = self.harness.store(collection).documents.get(doc_id)
        if doc is not None:
            ids = {e["id"] for e in entries}
            doc.outbox = [e for e in doc.outbox if e["id"] not in ids]

    async def flush(self, collection: str, doc_id: str) -> int:
        doc = self.harness.store(collection).documents.get(doc_id)
        pending = list(doc.outbox) if doc else []
        await self.publish_written(collection, doc_id, pending)
        return len(pending)


def _claim_docs(claims: InMemoryUniqueClaims) -> dict[str, dict[str, Any]]:
    return {
        key: {"_id": key, "owner": owner, "partner_id": partner_id}
        for key, (owner, partner_id) in claims.claims.items()
    }


class Harness:
    """Onboarding's `Deps` over the in-memory store and ports, plus helpers to send
    messages and read what was published and stored."""

    def __init__(self, now: datetime, **settings: Any) -> None:
        settings.setdefault("device_secret_keys", TEST_DEVICE_KEYS)
        self.settings = OnboardingSettings(**settings)
        self.clock = FixedClock(now)
        self.stores: dict[str, InMemoryAggregateStore] = {}
        self.published: list[Envelope] = []
        self.claims = in_memory_claims()

        async def publish(topic: str, envelope: Envelope) -> None:
            self.published.append(envelope)

        uc = UseCases(
            service="onboarding",
            events_topic=ONBOARDING_EVENTS.name,
            clock=self.clock,
            stores=self.store,
            outbox=MemoryRelay(self),
            publish=publish,
            payloads=payloads,
        )
        self.deps = Deps(
            uc=uc,
            settings=self.settings,
            tenants=InMemoryTenantReads(self.store),
            directory=InMemoryDirectoryReads(self.store),
            claims=self.claims,
        )

    def store(self, collection: str) -> InMemoryAggregateStore:
        """The in-memory aggregate store of `collection`."""
        return self.stores.setdefault(collection, InMemoryAggregateStore(collection))

    def _unique_claims(self) -> dict[str, InMemoryUniqueClaims]:
        claims = {
            GROUP_ID_CLAIMS: self.claims.group_ids,
            USER_ID_CLAIMS: self.claims.user_ids,
            REPORTING_USERNAME_CLAIMS: self.claims.reporting_usernames,
        }
        return {k: v for k, v in claims.items() if isinstance(v, InMemoryUniqueClaims)}

    def docs(self, collection: str) -> dict[str, dict[str, Any]]:
        """What is stored in `collection`, document by document (a copy, as Mongo would
        hold it: `state`, `version`, `handled`, `timers`, `outbox`; or a claim)."""
        unique = self._unique_claims()
        if collection in unique:
            return _claim_docs(unique[collection])
        numbers = self.claims.numbers
        if collection == NUMBER_GROUP_CLAIMS and isinstance(numbers, InMemoryGroupNumberClaims):
            return {
                n: {"_id": n, "group_id": c.group_id, "partner_id": c.partner_id, "epoch": c.epoch}
                for n, c in numbers.held.items()
            }
        return {
            aggregate_id: _doc(aggregate_id, doc)
            for aggregate_id, doc in self.store(collection).documents.items()
        }

    def aggregates(self, collection: str) -> dict[str, dict[str, Any]]:
        """`docs` without refusal records (a command refused before its aggregate existed
        leaves one: its tracking id, no state; `shared.store.Stored.exists`)."""
        return {k: d for k, d in self.docs(collection).items() if d["state"] is not None}

    def state(self, collection: str, aggregate_id: str) -> dict[str, Any]:
        """The stored state of one aggregate."""
        return self.docs(collection)[aggregate_id]["state"]

    def snapshot(self) -> Any:
        """Everything stored and claimed (for `restore`)."""
        return copy.deepcopy((self.stores, self.claims))

    def restore(self, snapshot: Any) -> None:
        """Back to what `snapshot` saw; nothing published."""
        stores, claims = copy.deepcopy(snapshot)
        self.stores.clear()
        self.stores.update(stores)
        for name in ("group_ids", "user_ids", "reporting_usernames"):
            kept, current = getattr(claims, name), getattr(self.claims, name)
            current.claims = kept.claims
        self.claims.numbers.held = claims.numbers.held  # type: ignore[attr-defined]
        self.published.clear()

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
        return [e.type for e in self.published]

    def of_type(self, event_type: str) -> list[Envelope]:
        return [e for e in self.published if e.type == event_type]

    def one(self, event_type: str) -> Envelope:
        found = self.of_type(event_type)
        assert len(found) == 1, f"{len(found)}× {event_type} in {self.types()}"
        return found[0]

    def last(self, event_type: str) -> Envelope:
        found = self.of_type(event_type)
        assert found, f"no {event_type} in {self.types()}"
        return found[-1]


def _doc(aggregate_id: str, doc: MemoryDocument) -> dict[str, Any]:
    return copy.deepcopy(
        {
            "_id": aggregate_id,
            "version": doc.version,
            "state": unescape_keys(doc.state) if doc.exists else None,  # a refusal record
            "handled": list(doc.handled),
            "timers": [t.to_doc() for t in doc.timers],
            "outbox": list(doc.outbox),
            "correlation_id": doc.correlation_id,
        }
    )
