"""A setting a service cannot use ends it at start with one JSON line on stderr and exit
code 2 (`shared.runtime.settings_or_exit`), not a traceback: every refused setting named
by its path and environment variable, no value echoed (it may be a password)."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest

from services.notifications.settings import NotificationsSettings
from services.porting.settings import PortingSettings
from services.support.settings import SupportSettings
from shared.runtime import EXIT_INVALID_SETTINGS, settings_or_exit
from shared.settings import ServiceSettings
from tests.environment import SECRET, clean_environment, start_service

pytestmark = pytest.mark.unit


@pytest.fixture(autouse=True)
def no_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in set(os.environ) - set(clean_environment()):
        monkeypatch.delenv(name)


def refusal(
    capsys: pytest.CaptureFixture[str], settings_cls: type[ServiceSettings] = PortingSettings
) -> dict[str, Any]:
    """The one line `settings_or_exit` prints, after checking it exits with code 2."""
    with pytest.raises(SystemExit) as exited:
        settings_or_exit("porting", settings_cls)
    out, err = capsys.readouterr()
    assert exited.value.code == EXIT_INVALID_SETTINGS == 2
    assert out == "" and len(err.splitlines()) == 1 and "Traceback" not in err
    line: dict[str, Any] = json.loads(err)
    assert (line["error"], line["service"]) == ("invalid_settings", "porting")
    return line


def test_settings_the_environment_gets_right_are_returned(monkeypatch):
    monkeypatch.setenv("PORTING_KAFKA__PRODUCER_BATCH_BYTES", "65536")
    settings = settings_or_exit("porting", PortingSettings)
    assert settings.kafka.producer_batch_bytes == 65_536


def test_a_value_that_is_no_integer_is_named_by_path_and_variable(monkeypatch, capsys):
    monkeypatch.setenv("PARTNEROPS_KAFKA__PRODUCER_BATCH_BYTES", "abc")
    assert refusal(capsys)["reasons"] == [
        {
            "field": "kafka.producer_batch_bytes",
            "code": "int_parsing",
            "message": "Input should be a valid integer, unable to parse string as an integer",
            "variable": "PARTNEROPS_KAFKA__PRODUCER_BATCH_BYTES",
        }
    ]


def test_a_value_out_of_range_names_the_service_variable_it_came_from(monkeypatch, capsys):
    monkeypatch.setenv("PARTNEROPS_KAFKA__PRODUCER_BATCH_BYTES", "65536")  # overridden
    monkeypatch.setenv("porting_kafka__producer_batch_bytes", "99999999999")  # any case
    (reason,) = refusal(capsys)["reasons"]
    assert reason["code"] == "less_than_equal"
    assert reason["message"] == "Input should be less than or equal to 16777216"
    assert reason["variable"] == "porting_kafka__producer_batch_bytes"


def test_every_refused_setting_is_a_reason(monkeypatch, capsys):
    monkeypatch.setenv("PARTNEROPS_KAFKA__PRODUCER_BATCH_BYTES", "abc")
    monkeypatch.setenv("PARTNEROPS_KAFKA__TOPIC_PARTITIONS", "0")
    monkeypatch.setenv("PARTNEROPS_LOG_FORMAT", "xml")
    monkeypatch.setenv("PORTING_HTTP_PORT", "70000")
    reasons = refusal(capsys)["reasons"]
    assert {(r["field"], r["variable"]) for r in reasons} == {
        ("kafka.topic_partitions", "PARTNEROPS_KAFKA__TOPIC_PARTITIONS"),
        ("kafka.producer_batch_bytes", "PARTNEROPS_KAFKA__PRODUCER_BATCH_BYTES"),
        ("log_format", "PARTNEROPS_LOG_FORMAT"),
        ("http_port", "PORTING_HTTP_PORT"),
    }


def test_a_variable_that_is_no_json_is_refused_without_its_value(monkeypatch, capsys):
    value = f'{{"url": "mongodb://ops:{SECRET}@db"'
    monkeypatch.setenv("PARTNEROPS_MONGO", value)
    line = refusal(capsys)
    end = f"line 1 column {len(value) + 1} (char {len(value)})"
    assert line["reasons"] == [
        {
            "field": "mongo",
            "code": "json_invalid",
            "message": f"is not valid JSON: Expecting ',' delimiter: {end}",
            "variable": "PARTNEROPS_MONGO",
        }
    ]
    assert SECRET not in json.dumps(line)


@pytest.mark.parametrize(
    ("variable", "value", "field"),
    [
        (
            "PARTNEROPS_MONGO",
            f'{{"url": "mongodb://ops:{SECRET}@db", "tls": "maybe"}}',
            "mongo.tls",
        ),
        (
            "PARTNEROPS_KAFKA",
            f'{{"sasl_password": "{SECRET}", "topic_partitions": "x"}}',
            "kafka.topic_partitions",
        ),
        ("PARTNEROPS_MONGO__URL", f"mongodb://ops:{SECRET}@db:port", "mongo.url"),
        ("PARTNEROPS_MONGO__URL", f"mongodb://ops:{SECRET}@db/?tls=maybe", "mongo.url"),
        ("PARTNEROPS_MONGO__URL", f"https://ops:{SECRET}@db", "mongo.url"),
        ("PARTNEROPS_SMTP__PORT", SECRET, "smtp.port"),
    ],
)
def test_no_value_given_is_echoed(monkeypatch, capsys, variable, value, field):
    """Pydantic's errors carry the input; the reasons leave it out (a setting next to the
    bad one, or the bad one itself, may be a password or a URL with credentials)."""
    monkeypatch.setenv(variable, value)
    line = refusal(capsys, NotificationsSettings)
    assert [(r["field"], r["variable"]) for r in line["reasons"]] == [(field, variable)]
    assert SECRET not in json.dumps(line)


def test_an_inconsistent_group_names_a_variable_of_the_group(monkeypatch, capsys):
    """Support's policy is checked whole (it was refused while wiring, with a traceback)."""
    monkeypatch.setenv("SUPPORT_POLICY__BUSINESS_OPENS", "18:00")
    (reason,) = refusal(capsys, SupportSettings)["reasons"]
    assert (reason["field"], reason["variable"]) == ("policy", "SUPPORT_POLICY__BUSINESS_OPENS")
    assert "business hours must open before they close" in reason["message"]


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("NOTIFICATIONS_REMINDER_HOURS", "[-1]"),  # was a ValueError while wiring
        ("NOTIFICATIONS_RETRY_GIVE_UP_HOURS", "1e12"),  # was an OverflowError (timedelta)
        ("NOTIFICATIONS_CLAIM_SECONDS", "1e300"),
    ],
)
def test_a_duration_the_service_cannot_use_is_refused_at_start(
    monkeypatch, capsys, variable, value
):
    monkeypatch.setenv(variable, value)
    (reason,) = refusal(capsys, NotificationsSettings)["reasons"]
    assert reason["variable"] == variable


SERVICES = ("onboarding", "porting", "notifications", "support")
BAD = ("PARTNEROPS_KAFKA__PRODUCER_BATCH_BYTES", "abc")


@pytest.fixture(scope="module")
def started() -> Iterator[dict[str, subprocess.Popen[str]]]:
    """`python -m services.<name>` of every service with a bad setting, started at once
    (each takes seconds to import). Nothing listens on the default ports needed: each
    must exit before it connects."""
    processes = {name: start_service(name, dict([BAD])) for name in SERVICES}
    yield processes
    for process in processes.values():
        if process.poll() is None:
            process.kill()
            process.wait()


@pytest.mark.parametrize("name", SERVICES)
def test_a_service_started_with_a_bad_setting_prints_one_json_line_and_exits_2(started, name):
    # No timeout here (pytest-timeout bounds the test): `communicate(timeout=...)` polls
    # with `time.sleep`, which CI's faketime pass turns into EINVAL (see
    # `tests/integration/secured_kafka._pause`); without one it blocks in waitpid.
    out, err = started[name].communicate()
    assert started[name].returncode == 2, err
    assert "Traceback" not in out + err and out == ""
    (line,) = err.splitlines()
    refused = json.loads(line)
    assert (refused["error"], refused["service"]) == ("invalid_settings", name)
    assert [r["variable"] for r in refused["reasons"]] == [BAD[0]]


WIRING_FAILURES = [
    # (variables, field refused) — each of these crashed the service while it wired itself
    ({"PARTNEROPS_KAFKA__BOOTSTRAP_SERVERS": f"h:::{SECRET}"}, "kafka.bootstrap_servers"),
    ({"PARTNEROPS_KAFKA__BOOTSTRAP_SERVERS": "ok:9092,nohost"}, "kafka.bootstrap_servers"),
    ({"PARTNEROPS_KAFKA__TOPIC_PREFIX": "bad prefix/"}, "kafka.topic_prefix"),
    ({"PORTING_DATABASE": "bad db"}, "database"),
    ({"PORTING_DATABASE": "x" * 64}, "database"),
    ({"PARTNEROPS_LOG_LEVEL": "BOGUS"}, "log_level"),
    (
        {
            "PARTNEROPS_KAFKA__SECURITY_PROTOCOL": "SASL_PLAINTEXT",
            "PARTNEROPS_KAFKA__SASL_PASSWORD": SECRET,
        },
        "kafka.sasl_username",
    ),
    (
        {"PARTNEROPS_KAFKA__SECURITY_PROTOCOL": "SASL_SSL", "PARTNEROPS_KAFKA__SASL_USERNAME": "u"},
        "kafka.sasl_password",
    ),
    ({"PARTNEROPS_KAFKA__SSL_CAFILE": f"/nonexistent/{SECRET}.pem"}, "kafka.ssl_cafile"),
    ({"PARTNEROPS_MONGO__TLS_CA_FILE": f"/nonexistent/{SECRET}.pem"}, "mongo.tls_ca_file"),
    (
        {"PARTNEROPS_MONGO__URL": f"mongodb://127.0.0.1/?tls=true&tlsCAFile=/nonexistent/{SECRET}"},
        "mongo.url",
    ),
    ({"PARTNEROPS_MONGO__URL": f"mongodb://u:x@h/?readPreference={SECRET}"}, "mongo.url"),
    ({"PARTNEROPS_MONGO__URL": f"mongodb://admin:1234/{SECRET} word@127.0.0.1"}, "mongo.url"),
    ({"PARTNEROPS_MONGO__URL": f"mongodb://u:x@h%{SECRET}"}, "mongo.url"),
    ({"PARTNEROPS_MONGO__URL": f"mongodb://h/?compressors={SECRET}"}, "mongo.url"),
]


@pytest.mark.parametrize(("variables", "field"), WIRING_FAILURES)
def test_what_the_service_would_fail_on_while_wiring_is_refused_at_start(
    monkeypatch, capsys, variables, field
):
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    line = refusal(capsys)
    assert [r["field"] for r in line["reasons"]] == [field]
    assert line["reasons"][0]["variable"] in (*variables, None)
    assert SECRET not in json.dumps(line)


def test_log_levels_are_taken_in_any_letter_case(monkeypatch):
    monkeypatch.setenv("PARTNEROPS_LOG_LEVEL", "debug")
    assert settings_or_exit("porting", PortingSettings).log_level == "debug"


def test_every_refused_setting_is_reported_at_once(monkeypatch, capsys):
    monkeypatch.setenv("SUPPORT_HTTP_PORT", "70000")
    monkeypatch.setenv("PARTNEROPS_KAFKA__PRODUCER_BATCH_BYTES", "abc")
    monkeypatch.setenv("SUPPORT_POLICY", "{")  # no JSON: pydantic-settings stops at it
    monkeypatch.setenv("PARTNEROPS_TIMER_POLL_SECONDS", "-1")
    with pytest.raises(SystemExit):
        settings_or_exit("support", SupportSettings)
    line = json.loads(capsys.readouterr().err)
    fields = sorted(r["field"] for r in line["reasons"])
    assert fields == ["http_port", "kafka.producer_batch_bytes", "policy", "timer_poll_seconds"]
    assert os.environ["SUPPORT_POLICY"] == "{"  # read again without it, then put back


def test_wiring_checks_wait_for_the_settings_pydantic_refused(monkeypatch, capsys):
    """A Mongo URL pymongo refuses is checked only once the settings are readable: with a
    refused setting beside it, that one is reported (the URL at the next start)."""
    monkeypatch.setenv("PARTNEROPS_MONGO__URL", "mongodb://h/?readPreference=nonsense")
    monkeypatch.setenv("PARTNEROPS_KAFKA__PRODUCER_BATCH_BYTES", "abc")
    assert [r["field"] for r in refusal(capsys)["reasons"]] == ["kafka.producer_batch_bytes"]


@pytest.mark.parametrize(
    ("value", "code"),
    [("0", "greater_than_equal"), ("3001", "less_than_equal"), ("1s", "int_parsing")],
)
def test_a_heartbeat_interval_kafka_cannot_use_is_refused(monkeypatch, capsys, value, code):
    monkeypatch.setenv("PARTNEROPS_KAFKA__HEARTBEAT_INTERVAL_MS", value)
    (reason,) = refusal(capsys)["reasons"]
    assert (reason["field"], reason["code"]) == ("kafka.heartbeat_interval_ms", code)
    assert reason["variable"] == "PARTNEROPS_KAFKA__HEARTBEAT_INTERVAL_MS"


def test_the_heartbeat_interval_is_taken_from_the_environment(monkeypatch):
    monkeypatch.setenv("PORTING_KAFKA__HEARTBEAT_INTERVAL_MS", "500")
    assert settings_or_exit("porting", PortingSettings).kafka.heartbeat_interval_ms == 500
    monkeypatch.delenv("PORTING_KAFKA__HEARTBEAT_INTERVAL_MS")
    assert settings_or_exit("porting", PortingSettings).kafka.heartbeat_interval_ms == 1_000
