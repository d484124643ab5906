"""How a running service joins its consumer group (real Kafka, porting in-process): one
member per instance holding every partition of every topic it consumes, heartbeating at
the set interval."""

from __future__ import annotations

from typing import Any

import pytest
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.coordinator.protocol import ConsumerProtocolMemberAssignment

import shared.runtime
from services.porting.entrypoints import NAME, wire
from services.porting.settings import PortingSettings
from tests.conftest import eventually
from tests.integration.bus import Bus, running_service

pytestmark = pytest.mark.integration


async def test_one_instance_is_one_member_holding_every_partition_of_its_topics(
    bus: Bus, mongo_url: str, mongo_db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    built: list[Any] = []

    def build_broker(*args: Any, **kwargs: Any) -> Any:
        built.append(real(*args, **kwargs))
        return built[-1]

    real = shared.runtime.build_broker
    monkeypatch.setattr(shared.runtime, "build_broker", build_broker)
    interval = bus.kafka.heartbeat_interval_ms
    topics = {bus.prefix + "porting.commands", bus.prefix + "carrier.events"}
    group = bus.kafka.topic_prefix + NAME
    async with running_service(NAME, PortingSettings, wire, bus, mongo_url, mongo_db.name):
        await eventually(lambda: _running(built))
        [consumer] = [s for s in built[0].subscribers if s.group_id == group]
        assert set(consumer.topic_names) == topics
        # FastStream keeps the subscriber's aiokafka consumer options here.
        assert consumer._connection_args["heartbeat_interval_ms"] == interval

        # What the broker sees: one member of the group, given every partition of both.
        admin = AIOKafkaAdminClient(bootstrap_servers=bus.bootstrap)
        await admin.start()
        try:
            partitions = {
                (t["topic"], p["partition"])
                for t in await admin.describe_topics(sorted(topics))
                for p in t["partitions"]
            }
            members = await eventually(lambda: _stable_members(admin, group))
        finally:
            await admin.close()
        [assigned] = members.values()
        assert assigned == partitions and {topic for topic, _ in partitions} == topics
    assert interval == 250 != PortingSettings().kafka.heartbeat_interval_ms == 1_000


async def _running(built: list[Any]) -> bool:
    return bool(built) and bool(built[0].running)


async def _stable_members(
    admin: AIOKafkaAdminClient, group: str
) -> dict[str, set[tuple[str, int]]] | None:
    """Per member id, the partitions it holds; None until the group is Stable."""
    [response] = await admin.describe_consumer_groups([group])
    [(error, _group, state, _kind, _protocol, members, *_)] = response.groups
    if error or state != "Stable":
        return None
    return {
        member_id: {
            (tp.topic, tp.partition)
            for tp in ConsumerProtocolMemberAssignment.decode(assignment).partitions()
        }
        for member_id, _client, _host, _metadata, assignment in members
    }
