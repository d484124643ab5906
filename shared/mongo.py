"""MongoDB helpers: the client factory and per-service index bootstrap.

Only features that MongoDB 7 has *and* both local Mongo-wire servers support
(mongo-java-server, the default, and FerretDB 1.24, selectable; README "The local
servers") are used: single-document atomic updates with filters, unique indexes,
`find_one_and_update`. No multi-document transactions, change streams, `$lookup` or
`$facet`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
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


Prepare = Callable[[AsyncDatabase[Document]], Awaitable[None]]
"""`prepare(db)`: make the existing documents fit an index about to be created."""


@dataclass(frozen=True)
class IndexSpec:
    """One index to ensure on a collection.

    `replaces` names indexes of earlier versions this one takes the place of (dropped,
    when present, before it is created: MongoDB refuses a second index on the same keys).
    `prepare` runs first while the index does not exist yet — for a unique index, making
    documents written before it unique (a local Mongo-wire server builds a unique index
    over duplicates without a word, then fails reads of them). Both need `name`, by which
    the index is known to exist."""

    collection: str
    keys: Sequence[tuple[str, int]]
    unique: bool = False
    name: str | None = None
    options: Mapping[str, Any] = field(default_factory=dict)
    replaces: tuple[str, ...] = ()
    prepare: Prepare | None = None


def aggregate_indexes(collection: str) -> list[IndexSpec]:
    """Indexes every aggregate collection needs: those of the periodic outbox and timer
    reads. The hot path's compare-and-set writes — the versioned save `{_id, version}` and
    the timer lease `{_id, lease_until}` — are served by `_id`'s own index, on MongoDB and
    on the local mongo-java-server alike (`deploy/local/mongo/Launcher.java` reads a unique
    index for a filter that names its keys and more). Compound unique indexes on
    `(_id, version)` and `(_id, lease_until)`, which earlier versions declared for the
    local server, are left alone where they exist; new collections do without them (every
    versioned update kept them up to date: about twice the cost of the update itself).
    """
    return [
        IndexSpec(collection, [("outbox_pending", ASCENDING)]),
        IndexSpec(collection, [("next_due_at", ASCENDING)]),
    ]


async def ensure_indexes(db: AsyncDatabase[Document], specs: Sequence[IndexSpec]) -> None:
    """Create the indexes (idempotent: existing ones are left alone). A spec with
    `replaces` or `prepare` that does not exist yet (by `name`) is prepared and its
    predecessors dropped first (`IndexSpec`)."""
    for spec in specs:
        if spec.replaces or spec.prepare is not None:
            assert spec.name, "an index that replaces or prepares is known by its name"
            existing = await db[spec.collection].index_information()
            if spec.name not in existing:
                if spec.prepare is not None:
                    await spec.prepare(db)
                for old in spec.replaces:
                    if old in existing:
                        await db[spec.collection].drop_index(old)
        kwargs: dict[str, Any] = dict(spec.options)
        if spec.unique:
            kwargs["unique"] = True
        if spec.name:
            kwargs["name"] = spec.name
        await db[spec.collection].create_index(list(spec.keys), **kwargs)
