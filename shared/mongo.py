"""MongoDB helpers: the client factory and per-service index bootstrap.

Only features that MongoDB 7 has *and* both local Mongo-wire servers support
(mongo-java-server, the default, and FerretDB 1.24, selectable; README "The local
servers") are used: single-document atomic updates with filters, unique indexes,
`find_one_and_update`. No multi-document transactions, change streams, `$lookup` or
`$facet`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pymongo import ASCENDING, AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from shared.settings import MongoSettings

Document = dict[str, Any]


def create_client(settings: MongoSettings, app_name: str) -> AsyncMongoClient[Document]:
    """An async client; nothing connects until first use."""
    options: dict[str, Any] = {
        "appname": app_name,
        "serverSelectionTimeoutMS": settings.server_selection_timeout_ms,
        "tz_aware": True,
    }
    if settings.tls:
        options["tls"] = True
        if settings.tls_ca_file:
            options["tlsCAFile"] = settings.tls_ca_file
    return AsyncMongoClient(settings.url.get_secret_value(), **options)


@dataclass(frozen=True)
class IndexSpec:
    """One index to ensure on a collection."""

    collection: str
    keys: Sequence[tuple[str, int]]
    unique: bool = False
    name: str | None = None
    options: Mapping[str, Any] = field(default_factory=dict)


def aggregate_indexes(collection: str) -> list[IndexSpec]:
    """Indexes every aggregate collection needs.

    The two unique ones look redundant (`_id` is unique already) but serve the hot path's
    compare-and-set writes — the versioned save `{_id, version}` and the timer lease
    `{_id, lease_until}` — from an index on a Mongo-wire server that answers only a filter
    whose keys equal an index's keys from it (mongo-java-server); MongoDB uses `_id` anyway.
    The others serve the periodic outbox and timer reads on MongoDB.
    """
    return [
        IndexSpec(collection, [("_id", ASCENDING), ("version", ASCENDING)], unique=True),
        IndexSpec(collection, [("_id", ASCENDING), ("lease_until", ASCENDING)], unique=True),
        IndexSpec(collection, [("outbox_pending", ASCENDING)]),
        IndexSpec(collection, [("next_due_at", ASCENDING)]),
    ]


async def ensure_indexes(db: AsyncDatabase[Document], specs: Sequence[IndexSpec]) -> None:
    """Create the indexes (idempotent: existing ones are left alone)."""
    for spec in specs:
        kwargs: dict[str, Any] = dict(spec.options)
        if spec.unique:
            kwargs["unique"] = True
        if spec.name:
            kwargs["name"] = spec.name
        await db[spec.collection].create_index(list(spec.keys), **kwargs)
