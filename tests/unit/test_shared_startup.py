"""Waiting at start for Kafka and the database (`shared.startup`), and the exit a service
makes when they do not answer (`shared.runtime.main`: code 3, one JSON line)."""

from __future__ import annotations

import asyncio
import json
import logging
import signal
import subprocess
from typing import Any

import pytest
from pydantic import SecretStr
from pymongo.errors import OperationFailure, ServerSelectionTimeoutError

from shared import startup
from shared.kafka.access import KafkaAccessRefused
from shared.runtime import EXIT_DEPENDENCY_UNAVAILABLE
from shared.settings import KafkaSettings, MongoSettings
from shared.startup import DependencyUnavailable, wait_for_dependencies
from tests.environment import SECRET, start_service
from tests.servers import free_port

pytestmark = pytest.mark.unit


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


async def test_a_server_refusing_at_once_is_asked_until_the_end_of_the_wait(monkeypatch):
    """The last back-off sleep is cut to the time left: the last try is at the end of the
    wait (it used to stop once the next sleep would pass the end: up to 10 s early)."""
    probe = Probe(*[ConnectionError("refused")] * 10_000)
    monkeypatch.setattr(startup, "_kafka_answers", probe)
    monkeypatch.setattr(startup, "_mongo_answers", Probe())
    with pytest.raises(DependencyUnavailable) as raised:
        await wait_for_dependencies(*_settings(), wait_seconds=2.5, app_name="t")
    assert 2.5 <= raised.value.waited_seconds < 3.5
    assert probe.calls >= 3  # 0 s, after ~0.5-1 s, after ~1-1.5 s more, at 2.5 s


async def test_kafka_is_named_with_the_reason_aiokafka_gives_and_its_error_line_is_kept():
    """The real probe, against a port nothing listens on: aiokafka's reason (it logs it
    as an error line of its own) joins the probe's message instead."""
    port = free_port()
    records: list[logging.LogRecord] = []

    class Kept(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Kept()
    aiokafka_log = logging.getLogger("aiokafka")
    aiokafka_log.addHandler(handler)
    try:
        with pytest.raises(DependencyUnavailable) as raised:
            await wait_for_dependencies(
                KafkaSettings(bootstrap_servers=f"127.0.0.1:{port}"),
                MongoSettings(url=SecretStr("mongodb://127.0.0.1:1")),
                wait_seconds=0,
                app_name="t",
            )
        kafka = next(f for f in raised.value.failures if f["name"] == "kafka")
        assert kafka["code"] == "unreachable"
        assert kafka["message"].startswith("KafkaConnectionError: Unable to bootstrap from")
        assert f'Unable connect to "127.0.0.1:{port}"' in kafka["message"]
        assert not [r for r in records if r.levelno >= logging.ERROR]  # kept, not logged
        aiokafka_log.error("after the wait")
        assert [r.getMessage() for r in records] == ["after the wait"]  # filter removed
    finally:
        aiokafka_log.removeHandler(handler)


def test_a_negative_wait_is_refused():
    from pydantic import ValidationError

    from shared.settings import ServiceSettings

    with pytest.raises(ValidationError):
        ServiceSettings.model_validate({"startup_wait_seconds": -1})


def test_a_service_whose_servers_do_not_answer_exits_with_code_3_and_one_json_line():
    """The real probes, against ports nothing listens on."""
    kafka_port, mongo_port = free_port(), free_port()
    process = start_service(
        "porting",
        {
            "PARTNEROPS_KAFKA__BOOTSTRAP_SERVERS": f"127.0.0.1:{kafka_port}",
            "PARTNEROPS_MONGO__URL": f"mongodb://ops:{SECRET}@127.0.0.1:{mongo_port}/?authSource=x",
            "PARTNEROPS_STARTUP_WAIT_SECONDS": "1",
            "PARTNEROPS_LOG_FORMAT": "json",
        },
    )
    stdout, stderr = process.communicate()
    assert process.returncode == EXIT_DEPENDENCY_UNAVAILABLE == 3, stderr[-2000:]
    last = json.loads(stderr.strip().splitlines()[-1])
    assert (last["error"], last["service"]) == ("dependency_unavailable", "porting")
    assert last["waited_seconds"] >= 1
    assert {(d["name"], d["code"], d["servers"]) for d in last["dependencies"]} == {
        ("kafka", "unreachable", f"127.0.0.1:{kafka_port}"),
        ("mongo", "unreachable", f"127.0.0.1:{mongo_port}"),
    }
    assert "Traceback" not in stderr
    assert SECRET not in stderr + stdout
    waits = [json.loads(line) for line in stderr.splitlines() if "waiting for a" in line]
    assert {w["dependency"] for w in waits} >= {"kafka"}  # each failed try is logged


async def test_the_wait_ends_within_about_a_second_of_its_limit_even_on_silent_servers(
    monkeypatch,
):
    """A server that accepts and never answers: every try is bounded by the time left (at
    least 1 s) and no back-off sleep runs past the limit (it used to run up to 10 s + one
    more 10 s probe past it)."""

    async def silent(*_: Any) -> None:
        await asyncio.Event().wait()

    monkeypatch.setattr(startup, "_kafka_answers", silent)
    monkeypatch.setattr(startup, "_mongo_answers", silent)
    with pytest.raises(DependencyUnavailable) as raised:
        await wait_for_dependencies(*_settings(), wait_seconds=2, app_name="t")
    assert 2 <= raised.value.waited_seconds < 4
    messages = {f["message"] for f in raised.value.failures}
    assert all(m.startswith("no answer within ") and " 10 s" not in m for m in messages)


def test_a_service_stopped_while_it_waits_ends_at_once_without_an_error():
    """SIGTERM during the start-up wait ends the service (code 0) instead of being held
    until the wait is over."""
    process = start_service(
        "porting",
        {
            "PARTNEROPS_KAFKA__BOOTSTRAP_SERVERS": f"127.0.0.1:{free_port()}",
            "PARTNEROPS_MONGO__URL": f"mongodb://127.0.0.1:{free_port()}",
            "PARTNEROPS_STARTUP_WAIT_SECONDS": "600",
            "PARTNEROPS_LOG_FORMAT": "json",
        },
        stdout=subprocess.DEVNULL,
    )
    assert process.stderr is not None
    try:
        for line in process.stderr:  # until it is waiting
            if "waiting for a dependency" in line:
                break
        process.send_signal(signal.SIGTERM)
        rest = process.stderr.read()
        code = process.wait()  # bounded by pytest-timeout: held for 600 s it would fail
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert code == 0, rest[-2000:]
    assert "stopped while waiting" in rest and "Traceback" not in rest


@pytest.mark.parametrize("value", ["inf", "-inf", "nan", "1e309"])
def test_no_duration_or_interval_setting_may_be_infinite_or_nan(value):
    """Every float setting of every service (a duration of inf waited forever)."""
    from pydantic import ValidationError

    from services.notifications.settings import NotificationsSettings
    from services.onboarding.settings import OnboardingSettings
    from services.porting.settings import PortingSettings
    from services.support.settings import SupportSettings
    from shared.settings import ServiceSettings, SmtpSettings

    checked = 0
    for cls in (
        ServiceSettings,
        PortingSettings,
        SupportSettings,
        NotificationsSettings,
        OnboardingSettings,
        SmtpSettings,
        KafkaSettings,
        MongoSettings,
    ):
        for name, field in cls.model_fields.items():
            if field.annotation is not float:
                continue
            with pytest.raises(ValidationError):
                cls.model_validate({name: value})
            checked += 1
    assert checked >= 12


def test_a_young_threshold_beyond_a_c_int_is_refused():
    from pydantic import ValidationError

    from shared.settings import ServiceSettings

    assert ServiceSettings.model_validate({"gc_young_threshold": 2**31 - 1})
    with pytest.raises(ValidationError):
        ServiceSettings.model_validate({"gc_young_threshold": 2**31})
