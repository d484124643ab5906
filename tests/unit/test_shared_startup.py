"""Waiting at start for Kafka and the database (`shared.startup`), and the exit a service
makes when they do not answer (`shared.runtime.main`: code 3, one JSON line)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr
from pymongo.errors import OperationFailure, ServerSelectionTimeoutError

from shared import startup
from shared.kafka.access import KafkaAccessRefused
from shared.runtime import EXIT_DEPENDENCY_UNAVAILABLE
from shared.settings import KafkaSettings, MongoSettings
from shared.startup import DependencyUnavailable, wait_for_dependencies
from tests.servers import free_port

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
PREFIXES = ("PARTNEROPS_", "PORTING_", "ONBOARDING_", "NOTIFICATIONS_", "SUPPORT_")
SECRET = "hunter2-do-not-echo"


class Probe:
    """A probe that fails with `errors` in turn, then answers; counts its calls."""

    def __init__(self, *errors: BaseException) -> None:
        self.errors = list(errors)
        self.calls = 0

    async def __call__(self, *_: Any) -> None:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)


@pytest.fixture
def probes(monkeypatch: pytest.MonkeyPatch) -> dict[str, Probe]:
    monkeypatch.setattr(startup, "FIRST_WAIT_SECONDS", 0.001)
    monkeypatch.setattr(startup, "LONGEST_WAIT_SECONDS", 0.002)
    found = {"kafka": Probe(), "mongo": Probe()}
    monkeypatch.setattr(startup, "_kafka_answers", found["kafka"])
    monkeypatch.setattr(startup, "_mongo_answers", found["mongo"])
    return found


def _settings(url: str = "mongodb://127.0.0.1:1") -> tuple[KafkaSettings, MongoSettings]:
    return KafkaSettings(bootstrap_servers="broker-a:9092,broker-b:9092"), MongoSettings(
        url=SecretStr(url)
    )


async def test_servers_that_answer_only_after_some_tries_are_waited_for(probes):
    probes["kafka"].errors = [ConnectionError("refused")] * 3
    probes["mongo"].errors = [ServerSelectionTimeoutError("no server")] * 2
    await wait_for_dependencies(*_settings(), wait_seconds=30, app_name="t")
    assert (probes["kafka"].calls, probes["mongo"].calls) == (4, 3)


async def test_what_never_answers_is_named_with_every_server_and_no_secret(probes):
    probes["kafka"].errors = [ConnectionError("refused")] * 10_000
    probes["mongo"].errors = [
        ServerSelectionTimeoutError("a:1: refused, Timeout: 1s, ...")
    ] * 10_000
    url = f"mongodb://ops:{SECRET}@db-1:27017,db-2:27018/partnerops?authSource=admin"
    with pytest.raises(DependencyUnavailable) as raised:
        await wait_for_dependencies(*_settings(url), wait_seconds=0.05, app_name="t")
    report = raised.value.report("porting")
    assert report["error"] == "dependency_unavailable" and report["service"] == "porting"
    assert [(d["name"], d["code"], d["servers"]) for d in report["dependencies"]] == [
        ("kafka", "unreachable", "broker-a:9092,broker-b:9092"),
        ("mongo", "unreachable", "db-1:27017,db-2:27018"),
    ]
    assert report["dependencies"][0]["message"] == "ConnectionError: refused"
    assert report["dependencies"][1]["message"] == "ServerSelectionTimeoutError: a:1: refused"
    assert probes["kafka"].calls > 1  # tried again within the wait
    assert SECRET not in json.dumps(report)


@pytest.mark.parametrize(
    ("dependency", "error"),
    [
        ("kafka", KafkaAccessRefused("Kafka at broker-a:9092 refused the credentials")),
        ("mongo", OperationFailure("Authentication failed.", code=18)),
        ("mongo", OperationFailure("not authorized on admin", code=13)),
    ],
)
async def test_a_server_that_refuses_the_service_is_not_asked_again(probes, dependency, error):
    probes[dependency].errors = [error]
    with pytest.raises(DependencyUnavailable) as raised:
        await wait_for_dependencies(*_settings(), wait_seconds=30, app_name="t")
    [failure] = raised.value.failures
    assert (failure["name"], failure["code"]) == (dependency, "access_refused")
    assert probes[dependency].calls == 1


async def test_no_wait_is_one_try(probes):
    probes["mongo"].errors = [ServerSelectionTimeoutError("no server")] * 5
    with pytest.raises(DependencyUnavailable):
        await wait_for_dependencies(*_settings(), wait_seconds=0, app_name="t")
    assert probes["mongo"].calls == 1


def test_a_negative_wait_is_refused():
    from pydantic import ValidationError

    from shared.settings import ServiceSettings

    with pytest.raises(ValidationError):
        ServiceSettings.model_validate({"startup_wait_seconds": -1})


def test_a_service_whose_servers_do_not_answer_exits_with_code_3_and_one_json_line():
    """The real probes, against ports nothing listens on."""
    kafka_port, mongo_port = free_port(), free_port()
    environment = {k: v for k, v in os.environ.items() if not k.upper().startswith(PREFIXES)}
    environment |= {
        "PARTNEROPS_KAFKA__BOOTSTRAP_SERVERS": f"127.0.0.1:{kafka_port}",
        "PARTNEROPS_MONGO__URL": f"mongodb://ops:{SECRET}@127.0.0.1:{mongo_port}/?authSource=x",
        "PARTNEROPS_STARTUP_WAIT_SECONDS": "1",
        "PARTNEROPS_LOG_FORMAT": "json",
    }
    done = subprocess.run(
        [sys.executable, "-m", "services.porting"],
        cwd=ROOT,
        env=environment,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
    )
    assert done.returncode == EXIT_DEPENDENCY_UNAVAILABLE == 3, done.stderr[-2000:]
    last = json.loads(done.stderr.strip().splitlines()[-1])
    assert (last["error"], last["service"]) == ("dependency_unavailable", "porting")
    assert last["waited_seconds"] >= 1
    assert {(d["name"], d["code"], d["servers"]) for d in last["dependencies"]} == {
        ("kafka", "unreachable", f"127.0.0.1:{kafka_port}"),
        ("mongo", "unreachable", f"127.0.0.1:{mongo_port}"),
    }
    assert "Traceback" not in done.stderr
    assert SECRET not in done.stderr + done.stdout
    waits = [json.loads(line) for line in done.stderr.splitlines() if "waiting for a" in line]
    assert {w["dependency"] for w in waits} >= {"kafka"}  # each failed try is logged
