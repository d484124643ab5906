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

import pytest
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
