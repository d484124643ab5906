"""Run the installed `partnerops` command as a subprocess against the real servers, each
test module in its own topic namespace, Mongo databases and run directory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from cli.context import SERVICES
from shared.ids import new_id
from tests.integration.bus import drop_topics

PARTNEROPS = Path(sys.executable).parent / "partnerops"
"""The entry point the project installs (`[project.scripts]`)."""


@dataclass
class Result:
    code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)

    def lines(self) -> list[Any]:
        return [json.loads(line) for line in self.stdout.splitlines() if line.strip()]

    def error(self) -> dict[str, Any]:
        """The machine-readable error: the last line of stderr."""
        return dict(json.loads(self.stderr.strip().splitlines()[-1]))


@dataclass
class Operator:
    """`partnerops` with one test namespace: topic prefix, databases, run directory."""

    env: dict[str, str]
    prefix: str
    databases: dict[str, str] = field(default_factory=dict)

    def __call__(self, *args: str, stdin: str | None = None, timeout: float = 120) -> Result:
        done = subprocess.run(
            [str(PARTNEROPS), *args],
            input=stdin,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        return Result(done.returncode, done.stdout, done.stderr)


def operator_env(
    kafka_bootstrap: str, mongo_url: str, run_dir: Path, name: str
) -> tuple[dict[str, str], str, dict[str, str]]:
    token = f"{name}{new_id().lower()[-10:]}"
    prefix = f"cli-{token}."
    databases = {s: f"cli_{token}_{s}" for s in SERVICES}
    env = {
        **os.environ,
        "PARTNEROPS_KAFKA__BOOTSTRAP_SERVERS": kafka_bootstrap,
        "PARTNEROPS_MONGO__URL": mongo_url,
        "PARTNEROPS_KAFKA__TOPIC_PREFIX": prefix,
        "PARTNEROPS_RUN_DIR": str(run_dir),
        "PARTNEROPS_CLI_DATABASE": f"cli_{token}_cli",
        "PARTNEROPS_LOG_FORMAT": "json",
        "COLUMNS": "200",
        **{f"{s.upper()}_DATABASE": db for s, db in databases.items()},
    }
    return env, prefix, databases


@pytest.fixture
def operator(kafka_bootstrap: str, mongo_url: str, tmp_path: Path) -> Iterator[Operator]:
    """A fresh namespace per test; its databases and topics are discarded afterwards."""
    env, prefix, databases = operator_env(kafka_bootstrap, mongo_url, tmp_path / "run", "t")
    operator = Operator(env, prefix, databases)
    yield operator
    discard(operator, mongo_url, kafka_bootstrap)


def discard(operator: Operator, mongo_url: str, kafka_bootstrap: str) -> None:
    """Drop a namespace's databases (the services' and the CLI's) and delete its topics."""
    drop(mongo_url, [*operator.databases.values(), operator.env["PARTNEROPS_CLI_DATABASE"]])
    drop_topics(kafka_bootstrap, [operator.prefix])


def drop(mongo_url: str, names: list[str]) -> None:
    from pymongo import MongoClient

    client: MongoClient[dict[str, Any]] = MongoClient(mongo_url)
    try:
        for name in names:
            client.drop_database(name)
    finally:
        client.close()


def wait_until(check: Callable[[], Any], timeout: float = 60.0, interval: float = 0.5) -> Any:
    """Poll `check` until truthy (a wait bound, not a timing assertion)."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"not met within {timeout}s (last: {result!r})")
        time.sleep(interval)
