"""`partnerops publish` and `tail` as subprocesses against the real Kafka broker (no
service needed): bad input is refused with a machine-readable error and nothing is
published; what is published is the project's CloudEvent on the type's topic; tail's
filters."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from shared.kafka import ensure_topics
from shared.settings import KafkaSettings
from tests.integration.cli.conftest import Operator

pytestmark = pytest.mark.integration

ACTOR = {"user_id": "user-4401-a", "partner_id": "partner-4401", "roles": []}


def query(request_id: str, partner: str = "partner-4401") -> dict[str, Any]:
    return {
        "type": "support.tenants.list",
        "data": {"request_id": request_id, "actor": {**ACTOR, "partner_id": partner}},
    }


def created(operator: Operator, *topics: str) -> None:
    kafka = KafkaSettings(
        bootstrap_servers=operator.env["PARTNEROPS_KAFKA__BOOTSTRAP_SERVERS"],
        topic_prefix=operator.prefix,
    )
    asyncio.run(ensure_topics(kafka, list(topics)))


def everything_on(operator: Operator, topic: str) -> list[Any]:
    done = operator("tail", topic, "--from-beginning", "--no-follow", "--json")
    assert done.code == 0, done.stderr
    return done.lines()


@pytest.mark.parametrize(
    ("stdin", "args", "code", "field"),
    [
        ("{not json", [], "invalid_json", "$"),
        ("[1, 2]", [], "not_an_object", "$"),
        (json.dumps({"type": "support.ticket.teleport", "data": {}}), [], "unknown_type", "type"),
        (json.dumps({"data": {"request_id": "r"}}), [], "missing_type", "type"),
        (json.dumps({**query("r-1"), "colour": "red"}), [], "invalid_envelope", "colour"),
        (
            json.dumps({"type": "support.tenants.list", "data": {"request_id": "r"}}),
            [],
            "invalid_data",
            "data.actor",
        ),
        (
            json.dumps({"request_id": "", "actor": ACTOR}),
            ["--type", "support.tenants.list"],
            "invalid_data",
            "data.request_id",
        ),
        (
            json.dumps({**query("r-2")["data"], "extra": 1}),
            ["--type", "support.tenants.list"],
            "invalid_data",
            "data.extra",
        ),
    ],
)
def test_bad_input_is_refused_machine_readably_and_nothing_is_published(
    operator, stdin, args, code, field
):
    created(operator, "support.commands")
    done = operator("publish", "-", *args, stdin=stdin)
    assert done.code == 2, (done.stdout, done.stderr)
    error = done.error()
    assert error["error"] == code
    assert field in [r["field"] for r in error.get("reasons", [])]
    assert everything_on(operator, "support.commands") == []


def test_an_unreadable_file_is_refused(operator, tmp_path):
    done = operator("publish", str(tmp_path / "missing.json"))
    assert done.code == 2
    assert done.error()["error"] == "unreadable_input"


def test_a_command_is_published_as_the_services_publish_it(operator, tmp_path):
    path = tmp_path / "query.json"
    path.write_text(json.dumps({**query("r-10"), "subject": "partner-4401"}))
    done = operator("publish", str(path), "--json")
    assert done.code == 0, done.stderr
    published = done.json()["published"]
    assert published["topic"] == "support.commands"
    [line] = everything_on(operator, "support.commands")
    event = line["event"]
    assert line["key"] == "partner-4401"
    assert event["id"] == published["id"] == event["correlationid"]
    assert event["type"] == "support.tenants.list"
    assert event["source"] == "/partnerops-cli"
    assert event["dataschema"] == "urn:partnerops:schema:support.tenants.list:v1"
    assert event["data"]["request_id"] == "r-10"
    assert event["data"]["actor"]["partner_id"] == "partner-4401"


def test_an_event_in_data_only_form_goes_to_its_topic_keyed_by_its_aggregate(operator):
    data = {"port_id": "port-4401", "carrier_ref": "GC-4401", "accepted_at": "2030-12-03T09:00:00Z"}
    done = operator(
        "publish",
        "-",
        "--type",
        "carrier.port.accepted",
        "--json",
        stdin=json.dumps({**data, "note": "not in the contract"}),
    )
    assert done.code == 0, done.stderr
    assert done.json()["published"]["ignored_fields"] == ["note"]
    [line] = everything_on(operator, "carrier.events")
    assert line["key"] == "port-4401"
    assert line["event"]["type"] == "carrier.port.accepted"
    assert "note" not in line["event"]["data"]


def test_a_publish_that_had_to_create_its_topic_says_so(operator):
    """No service has started under this prefix (or it is mistyped): the topic is created
    so nothing is lost, and the operator is told (newcomer: a one-letter-off prefix went
    to a topic nobody reads, silently)."""
    first = operator("publish", "-", "--json", stdin=json.dumps(query("r-new-1")))
    assert first.code == 0, first.stderr
    assert first.json()["published"]["created_topics"] == [operator.prefix + "support.commands"]
    again = operator("publish", "-", "--json", stdin=json.dumps(query("r-new-2")))
    assert again.code == 0 and "created_topics" not in again.json()["published"]
    fresh = Operator(
        {**operator.env, "PARTNEROPS_KAFKA__TOPIC_PREFIX": operator.prefix + "typo."},
        operator.prefix + "typo.",
        operator.databases,
    )
    told = fresh("publish", "-", stdin=json.dumps(query("r-new-3")))
    assert told.code == 0, told.stderr
    assert "did not exist and was created" in told.stdout
    assert "--topic-prefix" in told.stdout


def test_tail_filters_by_type_subject_and_partner_and_stops_at_the_limit(operator):
    for request_id, partner in (
        ("r-a", "partner-4401"),
        ("r-b", "partner-4402"),
        ("r-c", "partner-4401"),
    ):
        assert operator("publish", "-", stdin=json.dumps(query(request_id, partner))).code == 0
    report = {
        "request_id": "r-d",
        "actor": {"user_id": "eng-1", "roles": ["vendor_support"]},
        "period_start": "2030-12-01T00:00:00Z",
        "period_end": "2031-01-01T00:00:00Z",
    }
    assert (
        operator(
            "publish", "-", "--type", "support.response_report.request", stdin=json.dumps(report)
        ).code
        == 0
    )

    def requests(*filters: str) -> list[str]:
        done = operator(
            "tail", "support.commands", "--from-beginning", "--no-follow", "--json", *filters
        )
        assert done.code == 0, done.stderr
        return sorted(line["event"]["data"]["request_id"] for line in done.lines())

    assert requests() == ["r-a", "r-b", "r-c", "r-d"]
    assert requests("--type", "support.tenants.*") == ["r-a", "r-b", "r-c"]
    assert requests("--type", "support.response_report.request") == ["r-d"]
    assert requests("--partner", "partner-4401") == ["r-a", "r-c"]
    assert requests("--subject", "partner-4402") == ["r-b"]
    assert len(requests("--limit", "2")) == 2
    followed = operator(
        "tail",
        "support.commands",
        "--from-beginning",
        "--timeout",
        "3",
        "--type",
        "support.tenants.list",
        "--partner",
        "partner-4402",
    )
    assert followed.code == 0
    assert "support.tenants.list" in followed.stdout and "partner-4402" in followed.stdout


def test_tail_of_a_topic_that_does_not_exist_says_so(operator):
    done = operator("tail", "nobody.events", "--no-follow")
    assert done.code == 2
    assert done.error()["error"] == "unknown_topic"


def test_an_unreachable_broker_under_json_prints_the_json_error_and_nothing_else(operator):
    from tests.servers import free_port

    for verb in (
        ["tail", "support.events", "--no-follow"],
        ["publish", "-", "--type", "support.tenants.list"],
    ):
        done = operator(
            "--bootstrap-servers",
            f"127.0.0.1:{free_port()}",
            *verb,
            "--json",
            stdin=json.dumps(query("r-unreachable")["data"]),
        )
        assert done.code == 1, (done.stdout, done.stderr)
        assert done.stdout == ""
        [line] = done.stderr.splitlines()  # no aiokafka log line before it
        assert json.loads(line)["error"] == "kafka_unreachable"


def test_a_usage_error_of_the_installed_command_is_one_json_object(operator):
    done = operator("tail", "support.events", "--timeout", "-5", "--json")
    assert (done.code, done.stdout) == (2, "")
    [line] = done.stderr.splitlines()
    error = json.loads(line)
    assert (error["error"], error["parameter"]) == ("usage_error", "--timeout")


def test_ctrl_c_while_waiting_still_tells_what_was_published(operator):
    """Newcomer finding: Ctrl-C during `publish --wait --json` printed nothing, though the
    command was already on its way — a script could not learn its id."""
    import signal
    import subprocess
    import time

    from tests.integration.cli.conftest import PARTNEROPS

    created(operator, "support.commands")
    waiting = subprocess.Popen(
        [str(PARTNEROPS), "publish", "-", "--wait", "--json", "--timeout", "60"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=operator.env,
        text=True,
        # As from a terminal: Ctrl-C's default. A test run started in the background
        # (`test.sh &`) has SIGINT ignored, and a child inherits that (one in a parallel
        # worker that had not yet run an in-process service, which resets it, hung).
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    assert waiting.stdin is not None
    waiting.stdin.write(json.dumps(query("r-ctrl-c")))
    waiting.stdin.close()
    deadline = time.monotonic() + 60
    while not everything_on(operator, "support.commands"):  # published: now waiting
        assert time.monotonic() < deadline, "never published"
        time.sleep(0.5)
    waiting.send_signal(signal.SIGINT)
    assert waiting.stdout is not None
    waiting.wait(timeout=60)
    out = waiting.stdout.read()
    assert waiting.returncode == 130
    told = json.loads(out.strip().splitlines()[-1])
    assert told["interrupted"] is True
    [line] = everything_on(operator, "support.commands")
    assert told["published"]["id"] == line["event"]["id"]
