"""What the server acknowledged is there after it stops and starts again, or after it dies.

These tests control a server, so each starts a private one of the kind
`PARTNEROPS_MONGO_SERVER` selects (`deploy/local/servers.sh`, a free port, its own state
directory) and never touches the shared one.
"""

from __future__ import annotations

import os
import re
import signal
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from bson import Decimal128, Int64, MaxKey, MinKey, ObjectId, Regex, Timestamp
from pymongo import AsyncMongoClient
from pymongo.errors import DuplicateKeyError

from shared.store import AggregateStore, Change, Timer
from tests.servers import free_port, servers_sh

pytestmark = pytest.mark.integration

T0 = datetime(2031, 3, 4, 5, 6, 7, 890000, tzinfo=UTC)


@pytest.fixture
def private_server(tmp_path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    env = {
        **os.environ,
        "PARTNEROPS_STATE": str(tmp_path),
        "PARTNEROPS_MONGO_PORT": str(free_port()),
    }
    servers_sh("start", "mongo", env)
    try:
        yield f"mongodb://127.0.0.1:{env['PARTNEROPS_MONGO_PORT']}", env
    finally:
        servers_sh("stop", "mongo", env)


def _client(url: str) -> AsyncMongoClient[Any]:
    return AsyncMongoClient(url, tz_aware=True, serverSelectionTimeoutMS=10_000)


async def _write(url: str) -> None:
    client = _client(url)
    db = client.durable
    await db.claims.create_index("email", unique=True)
    await db.ports.create_index([("state.port.partner_id", 1)])
    store = AggregateStore(db.ports)
    timers = [Timer("t1", "remind", T0 + timedelta(days=2), {"level": 1})]
    first = Change({"port": {"partner_id": "P-1"}}, [], timers)
    await store.save("port-1", first, expected_version=0, handled_id="m1")
    await store.save(
        "port-1",
        Change({"port": {"partner_id": "P-1", "n": 2}}),
        expected_version=1,
        handled_id="m2",
        previous=await store.load("port-1"),
    )
    await db.claims.insert_one({"_id": "c1", "email": "ada@example.com"})
    await db.bulk.insert_many([{"_id": i, "n": i} for i in range(200)])
    await client.close()


async def _check(url: str) -> None:
    client = _client(url)
    db = client.durable
    doc = await db.ports.find_one({"_id": "port-1"})
    assert doc is not None
    assert doc["version"] == 2 and doc["handled"] == ["m1", "m2"]
    assert doc["state"] == {"port": {"partner_id": "P-1", "n": 2}}
    assert doc["timers"] == [
        {"id": "t1", "kind": "remind", "due_at": T0 + timedelta(days=2), "data": {"level": 1}}
    ]
    assert doc["next_due_at"] == T0 + timedelta(days=2)
    assert await db.bulk.count_documents({}) == 200
    with pytest.raises(DuplicateKeyError):  # the unique index came back with the data
        await db.claims.insert_one({"_id": "c2", "email": "ada@example.com"})
    names = {index["name"] async for index in await db.ports.list_indexes()}
    assert "state.port.partner_id_1" in names
    await client.close()


async def test_acknowledged_writes_survive_a_stop_and_a_start(private_server):
    url, env = private_server
    await _write(url)
    servers_sh("stop", "mongo", env)
    servers_sh("start", "mongo", env)
    await _check(url)


async def test_acknowledged_writes_survive_the_server_being_killed(private_server):
    url, env = private_server
    status = servers_sh("status", "mongo", env)
    pid = int(re.search(r"pid (\d+)", status).group(1))  # type: ignore[union-attr]
    await _write(url)
    os.kill(pid, signal.SIGKILL)  # at once: no shutdown hook, no background flush
    servers_sh("start", "mongo", env)
    await _check(url)


MIXED_IDS: list[Any] = ["b", "aa", "a", "", "Z", "é", "a" * 300, "a\u0000b", 5, 5.5, -1, {"k": "a"}]
"""`_id`s of every kind the launcher orders differently: strings (ordered by the strings)
and the rest (the library's own order), in one collection."""


def _typed_document() -> dict[str, Any]:
    """One value of every BSON type the wire carries, nested as aggregates nest them."""
    return {
        "_id": "typed",
        "text": "ünïcode ✓",
        "int": 7,
        "long": Int64(1 << 40),
        "double": 1.5,
        "flag": True,
        "nothing": None,
        "when": T0,
        "oid": ObjectId("65a1b2c3d4e5f60718293a4b"),
        "bytes": b"\x00\x01\x02",
        "uuid": UUID("12345678-1234-5678-1234-567812345678"),
        "decimal": Decimal128("12.50"),
        "nested": {"list": [1, "x", {"deep": [None, 2.25]}], "empty": {}},
        "empty_list": [],
        "stamp": Timestamp(1_700_000_000, 3),
        "pattern": Regex("^a.*", "i"),
        "lowest": MinKey(),
        "highest": MaxKey(),
        "large": "x" * 200_000,
    }


async def test_values_of_every_type_and_every_kind_of_id_survive_a_restart(private_server):
    """The launcher stores documents as BSON and orders string keys of a unique index by
    the strings (`deploy/local/mongo/Launcher.java`): every value comes back with its type,
    every `_id` is found by lookup and refused a second time, before and after a restart."""
    url, env = private_server

    def client() -> AsyncMongoClient[Any]:
        return AsyncMongoClient(
            url, tz_aware=True, uuidRepresentation="standard", serverSelectionTimeoutMS=10_000
        )

    async def check(db: Any) -> None:
        got = await db.typed.find_one({"_id": "typed"})
        assert got == _typed_document() and list(got) == list(_typed_document())
        assert type(got["long"]) is Int64 and type(got["int"]) is int
        for doc_id in MIXED_IDS:
            assert await db.ids.find_one({"_id": doc_id}) == {"_id": doc_id, "of": repr(doc_id)}
            with pytest.raises(DuplicateKeyError):
                await db.ids.insert_one({"_id": doc_id})
        assert await db.ids.count_documents({}) == len(MIXED_IDS)

    first = client()
    await first.durable.typed.insert_one(_typed_document())
    for doc_id in MIXED_IDS:
        await first.durable.ids.insert_one({"_id": doc_id, "of": repr(doc_id)})
    await check(first.durable)
    await first.close()
    servers_sh("stop", "mongo", env)
    servers_sh("start", "mongo", env)
    again = client()
    await check(again.durable)
    await again.close()
