"""Reading many partners' contacts and customers at once (the one query beyond an id).

A maintenance notice or an outage goes to every partner enrolled in a region, so the
mail-out reads all partners' contact lists (a small collection: one document per
partner) and the affected customers by id (one `$in` query). Both are reads of this
service's own read models; nothing here writes.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from pymongo.asynchronous.database import AsyncDatabase

from services.notifications.adapters.repositories import CONTACTS, CUSTOMERS, Repositories
from services.notifications.domain.contacts import PartnerContacts
from services.notifications.domain.customers import CustomerRecord
from shared.batch import persist_before_query
from shared.memory_store import InMemoryAggregateStore
from shared.mongo import Document
from shared.store import EXISTING, unescape_keys


class Directory(Protocol):
    """Partners' contacts and customers, read in bulk."""

    async def partners(self) -> list[PartnerContacts]:
        """Every partner's contact list."""
        ...

    async def customers(self, customer_ids: Iterable[str]) -> list[CustomerRecord]:
        """The known customers among `customer_ids` (unknown ids are left out)."""
        ...


class MongoDirectory:
    """The reads over the service's collections. On the batch path each first stores what
    the batch decided in the collections it reads (`shared.batch.persist_before_query`):
    it answers as on the per-message path."""

    def __init__(self, db: AsyncDatabase[Document], repos: Repositories) -> None:
        self._db = db
        self._repos = repos

    async def partners(self) -> list[PartnerContacts]:
        await persist_before_query(CONTACTS)
        found = self._db[CONTACTS].find(EXISTING, {"state": 1})
        return [self._repos.contacts.load(unescape_keys(doc["state"])) async for doc in found]

    async def customers(self, customer_ids: Iterable[str]) -> list[CustomerRecord]:
        ids = sorted(set(customer_ids))
        if not ids:
            return []
        await persist_before_query(CUSTOMERS)
        found = self._db[CUSTOMERS].find({"_id": {"$in": ids}, **EXISTING}, {"state": 1})
        return [self._repos.customers.load(unescape_keys(doc["state"])) async for doc in found]


class MemoryDirectory:
    """The same reads over the in-memory stores (unit tests)."""

    def __init__(self, stores: dict[str, InMemoryAggregateStore], repos: Repositories) -> None:
        self._stores = stores
        self._repos = repos

    def _states(self, collection: str) -> dict[str, Document]:
        store = self._stores.get(collection)
        if store is None:
            return {}
        return {k: unescape_keys(d.state) for k, d in store.documents.items() if d.exists}

    async def partners(self) -> list[PartnerContacts]:
        return [self._repos.contacts.load(s) for s in self._states(CONTACTS).values()]

    async def customers(self, customer_ids: Iterable[str]) -> list[CustomerRecord]:
        states = self._states(CUSTOMERS)
        return [
            self._repos.customers.load(states[i]) for i in sorted(set(customer_ids)) if i in states
        ]
