"""A database outage in the middle of consumption: retried, nothing lost, no restart.

The test runs its own Mongo-wire server (the local one of `deploy/local/servers.sh`, on a
free port with its own state directory) so that it can stop and start it without
disturbing other tests.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, cast

import pytest
from prometheus_client import REGISTRY
from pymongo.errors import ConnectionFailure

from tests.conftest import eventually
from tests.integration.counter_service import make_context, wiring
from tests.integration.test_plumbing import _bump, _collect, _publish
from tests.servers import free_port, servers_sh

pytestmark = pytest.mark.integration


def _mongo(action: str, env: dict[str, str]) -> None:
    servers_sh(action, "mongo", env)


def _retries(topic: str) -> float:
    value = REGISTRY.get_sample_value(
        "partnerops_events_in_total",
        {"topic": topic, "type": "test.counter.bump", "outcome": "retry"},
    )
    return value or 0.0


def _stored(db: Any, value: int) -> Callable[[], Awaitable[dict[str, Any] | None]]:
    """A check for `eventually`: counter c9 at `value`; None while the server is not
    reachable (this test's own reader meets the outage too, with a 1 s selection bound)."""

    async def check() -> dict[str, Any] | None:
        try:
            return cast(
                dict[str, Any] | None,
                await db.counters.find_one({"_id": "c9", "state.value": value}),
            )
        except ConnectionFailure:
            return None

    return check


@pytest.fixture
def private_mongo(tmp_path: Path):
    port = free_port()
    env = {**os.environ, "PARTNEROPS_STATE": str(tmp_path), "PARTNEROPS_MONGO_PORT": str(port)}
    _mongo("start", env)
    try:
        # Fail fast while it is down, so the dispatcher's transient retry is exercised.
        yield f"mongodb://127.0.0.1:{port}/?serverSelectionTimeoutMS=1000", env
    finally:
        _mongo("stop", env)


async def test_a_message_handled_while_the_database_is_down_is_stored_once_it_is_back(
    kafka_bootstrap, topics, unique, private_mongo
):
    url, env = private_mongo
    commands, events = topics
    broker, ctx, client = make_context(kafka_bootstrap, url, "outage", wiring(commands, events))
    ctx.dispatcher.bind(broker, group_id=unique("g"))
    async with broker:
        await broker.start()
        await _publish(kafka_bootstrap, commands, "c9", _bump("c9").to_json())
        db = client["outage"]
        await eventually(_stored(db, 1))

        retries_before = _retries(commands)
        await asyncio.to_thread(_mongo, "stop", env)  # the database goes away
        await _publish(kafka_bootstrap, commands, "c9", _bump("c9").to_json())
        await asyncio.sleep(3)  # the handler meets the outage and keeps retrying
        await asyncio.to_thread(_mongo, "start", env)  # ... and it comes back

        doc = await eventually(_stored(db, 2), timeout=90)
        assert len(doc["handled"]) == 2
        assert _retries(commands) > retries_before  # it met the outage and retried
    await client.close()
    assert len(await _collect(kafka_bootstrap, f"{commands}.dlq", 0, timeout=2)) == 0
    bumped = await _collect(kafka_bootstrap, events, 2)
    assert len(bumped) == 2
