"""A service started before its database answers waits for it (`shared.startup`): the
probes run against the real Kafka broker and a Mongo-wire server reachable only after a
while (a forwarding port that opens late)."""

from __future__ import annotations

import asyncio

import pytest
from pydantic import SecretStr
from pymongo.uri_parser import parse_uri

from shared.settings import KafkaSettings, MongoSettings
from shared.startup import DependencyUnavailable, wait_for_dependencies
from tests.servers import free_port

pytestmark = pytest.mark.integration


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65_536):
            writer.write(data)
            await writer.drain()
    except ConnectionError:
        pass
    finally:
        writer.close()


async def _forwarding(port: int, target: str) -> asyncio.Server:
    """Listen on `port` and forward each connection to `target` (host:port)."""
    host, _, target_port = target.rpartition(":")

    async def forward(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        upstream_reader, upstream_writer = await asyncio.open_connection(host, int(target_port))
        await asyncio.gather(
            _pipe(reader, upstream_writer), _pipe(upstream_reader, writer), return_exceptions=True
        )

    return await asyncio.start_server(forward, "127.0.0.1", port)


async def test_a_database_that_answers_only_later_is_waited_for(kafka_bootstrap, mongo_url):
    late_port = free_port()
    host, port = parse_uri(mongo_url)["nodelist"][0]  # the test server: one host
    target = f"{host}:{port}"
    kafka = KafkaSettings(bootstrap_servers=kafka_bootstrap)
    mongo = MongoSettings(url=SecretStr(f"mongodb://127.0.0.1:{late_port}/?directConnection=true"))
    opened: list[float] = []

    async def open_late() -> asyncio.Server:
        await asyncio.sleep(2)  # the service is already waiting
        server = await _forwarding(late_port, target)
        opened.append(asyncio.get_running_loop().time())
        return server

    opener = asyncio.create_task(open_late())
    try:
        await wait_for_dependencies(kafka, mongo, wait_seconds=60, app_name="startup-test")
        answered = asyncio.get_running_loop().time()
    finally:
        server = await opener
        server.close()
        await server.wait_closed()
    assert opened and answered >= opened[0]  # it returned once the database answered


async def test_a_database_that_never_answers_ends_the_wait_with_its_name(kafka_bootstrap):
    late_port = free_port()
    kafka = KafkaSettings(bootstrap_servers=kafka_bootstrap)
    mongo = MongoSettings(url=SecretStr(f"mongodb://127.0.0.1:{late_port}"))
    with pytest.raises(DependencyUnavailable) as raised:
        await wait_for_dependencies(kafka, mongo, wait_seconds=2, app_name="startup-test")
    [failure] = raised.value.failures  # Kafka answered
    assert (failure["name"], failure["code"]) == ("mongo", "unreachable")
    assert raised.value.waited_seconds >= 2
