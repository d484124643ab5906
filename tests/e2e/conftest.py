"""One running system (every service its own process) shared by the e2e tests of a session."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.e2e.system import System, running_system


@pytest.fixture(scope="session")
async def system(
    kafka_bootstrap: str, mongo_url: str, mail_catcher, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[System]:
    """The four services, one process each, on their own topics and databases."""
    log_dir = tmp_path_factory.mktemp("e2e-logs")
    async with running_system(kafka_bootstrap, mongo_url, mail_catcher, log_dir) as running:
        yield running
