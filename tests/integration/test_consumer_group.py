"""How a running service's consumers join its consumer group (real Kafka, porting in-process)."""

from __future__ import annotations

from typing import Any

import pytest

import shared.runtime
from services.porting.entrypoints import NAME, wire
from services.porting.settings import PortingSettings
from tests.conftest import eventually
from tests.integration.bus import Bus, running_service

pytestmark = pytest.mark.integration


async def test_every_consumer_of_the_service_heartbeats_at_the_set_interval(
    bus: Bus, mongo_url: str, mongo_db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    built: list[Any] = []

    def build_broker(*args: Any, **kwargs: Any) -> Any:
        built.append(real(*args, **kwargs))
        return built[-1]

    real = shared.runtime.build_broker
    monkeypatch.setattr(shared.runtime, "build_broker", build_broker)
    interval = bus.kafka.heartbeat_interval_ms
    async with running_service(NAME, PortingSettings, wire, bus, mongo_url, mongo_db.name):
        await eventually(lambda: _running(built))
        group = bus.kafka.topic_prefix + NAME
        consumers = [s for s in built[0].subscribers if s.group_id == group]
        topics = {name for s in consumers for name in s.topic_names}
        assert topics == {bus.prefix + "porting.commands", bus.prefix + "carrier.events"}
        # FastStream keeps each subscriber's aiokafka consumer options here.
        assert {s._connection_args["heartbeat_interval_ms"] for s in consumers} == {interval}
    assert interval == 250 != PortingSettings().kafka.heartbeat_interval_ms == 1_000


async def _running(built: list[Any]) -> bool:
    return bool(built) and bool(built[0].running)
