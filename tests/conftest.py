from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import pytest
from pymongo import AsyncMongoClient

from shared.ids import new_id
from shared.settings import KafkaSettings, MongoSettings
from tests import servers
from tests.integration.bus import Bus, drop_topics

# -- parallel runs (pytest-xdist: `deploy/local/test.sh` runs 3 workers, PARTNEROPS_TEST_WORKERS=N)

SLOW_FIRST = ("tests/e2e/", "tests/integration/cli/", "tests/faults/", "tests/fuzz/")
"""Where the long tests are (running services, private servers): handed out first, so no
worker starts one of them when the others are nearly done."""


def _file(nodeid: str) -> str:
    return nodeid.split("::", 1)[0]


def work_unit(nodeid: str) -> str:
    """The tests one worker runs together: every e2e test (they share one running system,
    a session fixture), else a test file (module fixtures: the CLI's running services)."""
    path = _file(nodeid)
    return "tests/e2e" if path.startswith("tests/e2e/") else path


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """pytest-xdist's scope scheduling with `work_unit` as the scope. (`--dist loadgroup`
    does not group with pytest 9.2: it renames `item._nodeid`, which pytest no longer
    reads.)"""
    from xdist.scheduler import LoadScopeScheduling

    class ByWorkUnit(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return work_unit(nodeid)

    return ByWorkUnit(config, log)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """In a parallel run, the long tests first (`SLOW_FIRST`, in that order); a run in one
    process keeps the collected order."""
    if os.environ.get("PYTEST_XDIST_WORKER") is None:
        return

    def rank(item: pytest.Item) -> int:
        path = _file(item.nodeid)
        return next(
            (i for i, slow in enumerate(SLOW_FIRST) if path.startswith(slow)), len(SLOW_FIRST)
        )

    items.sort(key=rank)  # stable: each file's own order kept


@pytest.fixture(scope="session")
def kafka_bootstrap() -> Iterator[str]:
    try:
        with servers.kafka_server() as bootstrap:
            yield bootstrap
    except servers.ServerUnavailable as error:
        pytest.fail(str(error), pytrace=False)


@pytest.fixture(scope="session")
def mongo_url() -> Iterator[str]:
    try:
        with servers.mongo_server() as url:
            yield url
    except servers.ServerUnavailable as error:
        pytest.fail(str(error), pytrace=False)


@pytest.fixture(scope="session")
def mail_catcher() -> Iterator[servers.MailCatcher]:
    try:
        with servers.mailpit_server() as catcher:
            yield catcher
    except servers.ServerUnavailable as error:
        pytest.fail(str(error), pytrace=False)


@pytest.fixture(scope="session")
def kafka_settings(kafka_bootstrap: str) -> KafkaSettings:
    return KafkaSettings(bootstrap_servers=kafka_bootstrap)


@pytest.fixture(scope="session")
def mongo_settings(mongo_url: str) -> MongoSettings:
    return MongoSettings(url=mongo_url)


@pytest.fixture
async def mongo_db(mongo_url: str) -> AsyncIterator[Any]:
    """A fresh database per test, dropped afterwards."""
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(mongo_url, tz_aware=True)
    name = f"t_{new_id().lower()}"
    try:
        yield client[name]
    finally:
        await client.drop_database(name)
        await client.close()


@pytest.fixture
def unique(request: pytest.FixtureRequest) -> Iterator[Callable[[str], str]]:
    """Unique names (topic prefixes, topics, groups) so tests never see each other's
    messages. After a test that used Kafka, the topics whose names start with one of its
    names are deleted: nothing reads them again, and a broker holding every test's topics
    answers ever slower (`tests.integration.bus.drop_topics`)."""
    made: list[str] = []

    def name(prefix: str) -> str:
        made.append(f"{prefix}-{new_id().lower()}")
        return made[-1]

    yield name
    if made and "kafka_bootstrap" in request.fixturenames:
        drop_topics(request.getfixturevalue("kafka_bootstrap"), made)


@pytest.fixture
async def bus(
    kafka_bootstrap: str, unique: Callable[[str], str], request: pytest.FixtureRequest
) -> AsyncIterator[Bus]:
    """A test's own topic namespace on the test broker, its topics created and the clock
    started (`tests.integration.bus.Bus`; parametrise it indirectly with `Bus`'s keyword
    arguments, e.g. `security` or `start`)."""
    async with Bus(kafka_bootstrap, unique("t") + ".", **getattr(request, "param", {})) as bus:
        yield bus


async def eventually(
    check: Callable[[], Awaitable[Any]], timeout: float = 30.0, interval: float = 0.2
) -> Any:
    """Poll `check` until it returns a truthy value (a wait bound, not a timing assertion)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        result = await check()
        if result:
            return result
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"condition not met within {timeout}s (last: {result!r})")
        await asyncio.sleep(interval)


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


@pytest.fixture
async def topics(kafka_settings: KafkaSettings, unique: Callable[[str], str]) -> tuple[str, str]:
    """A fresh command topic and event topic (with their dead-letter topics)."""
    from shared.kafka import ensure_topics

    names = (unique("cmd"), unique("evt"))
    await ensure_topics(kafka_settings, names)
    return names
