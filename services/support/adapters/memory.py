"""In-memory versions of support's ports, over `shared.memory_store` (unit tests and the
benchmark's baseline): the same queries as `adapters.mongo`, no database."""

from __future__ import annotations

import itertools

from services.support.adapters.documents import (
    PARTNERS,
    TENANTS,
    TICKETS,
    PartnerRecord,
    loader,
)
from services.support.domain.tenants import TenantRecord
from services.support.domain.ticket import Ticket
from shared.memory_store import InMemoryAggregateStore
from shared.mongo import Document
from shared.store import unescape_keys


class MemoryTicketNumbers:
    """Sequence numbers from a counter (one process: unique by construction); a ticket
    that holds one gets it back."""

    def __init__(self, start: int = 1) -> None:
        self._next = itertools.count(start)
        self.held: dict[str, int] = {}

    async def claim(self, ticket_id: str) -> int:
        if ticket_id not in self.held:
            self.held[ticket_id] = next(self._next)
        return self.held[ticket_id]


class MemoryDirectory:
    """Queries over the in-memory stores of tenants, partners and tickets."""

    def __init__(self, stores: dict[str, InMemoryAggregateStore]) -> None:
        self._stores = stores

    def _states(self, collection: str) -> list[Document]:
        store = self._stores.get(collection)
        if store is None:
            return []
        return [unescape_keys(doc.state) for doc in store.documents.values() if doc.exists]

    async def tenants_with_id(self, tenant_id: str) -> list[TenantRecord]:
        records = [loader(TenantRecord)(state) for state in self._states(TENANTS)]
        return [r for r in records if r.tenant == tenant_id]

    async def tenants_of(self, partner_id: str) -> list[TenantRecord]:
        records = [loader(TenantRecord)(state) for state in self._states(TENANTS)]
        return sorted((r for r in records if r.belongs_to(partner_id)), key=lambda r: r.customer_id)

    async def partner(self, partner_id: str) -> PartnerRecord | None:
        for state in self._states(PARTNERS):
            if state.get("partner_id") == partner_id:
                return loader(PartnerRecord)(state)
        return None

    async def tickets(
        self, partner_id: str | None, opened_by: str | None, limit: int
    ) -> list[Ticket]:
        found = [
            loader(Ticket)(state)
            for state in self._states(TICKETS)
            if (partner_id is None or state["partner_id"] == partner_id)
            and (opened_by is None or state["opened_by"] == opened_by)
        ]
        found.sort(key=lambda t: (t.opened_at, t.ticket_number), reverse=True)
        return found[:limit]
