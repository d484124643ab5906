"""The operator CLI without servers: every verb's help has an example, the type table
matches the services' routing tables, the report's month, the default Kafka key."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
import structlog
from typer.testing import CliRunner

from cli.app import app
from cli.context import Failure
from cli.messages import default_subject, message_types
from cli.report import month
from shared.contracts import support as c

pytestmark = pytest.mark.unit


@pytest.fixture(autouse=True)
def _logging_as_it_was():
    """The CLI configures logging on CliRunner's captured stderr, closed after the run:
    give later tests in this process the configuration they had."""
    saved = structlog.get_config()
    yield
    structlog.configure(**saved)


VERBS = [
    ["servers", "start"],
    ["servers", "stop"],
    ["servers", "status"],
    ["services", "start"],
    ["services", "stop"],
    ["services", "status"],
    ["publish"],
    ["tail"],
    ["show", "port-request"],
    ["show", "ticket"],
    ["show", "group"],
    ["show", "contacts"],
    ["dlq", "list"],
    ["dlq", "show"],
    ["dlq", "replay"],
    ["report", "sla"],
]


@pytest.mark.parametrize("verb", VERBS, ids=" ".join)
def test_every_verb_has_help_with_an_example(verb):
    done = CliRunner().invoke(app, [*verb, "--help"], env={"COLUMNS": "200"})
    assert done.exit_code == 0, done.output
    assert "Example" in done.output
    assert f"partnerops {' '.join(verb)}" in done.output


def test_the_type_table_routes_every_consumed_type_to_the_topic_its_service_reads():
    from tools.catalogue import all_catalogues

    table = message_types()
    for catalogue in all_catalogues():
        for tables in (catalogue.publishes, catalogue.consumes):
            for topic, models in tables.items():
                for model in models:
                    if model.EVENT_TYPE.endswith(".command.rejected"):
                        continue  # one per service, told by the dispatcher
                    known = table[model.EVENT_TYPE]
                    assert known.model is model, model.EVENT_TYPE
                    assert known.topic == topic, model.EVENT_TYPE


def test_a_period_is_a_calendar_month_in_utc():
    assert month("2030-12") == (datetime(2030, 12, 1, tzinfo=UTC), datetime(2031, 1, 1, tzinfo=UTC))
    assert month("2031-02") == (datetime(2031, 2, 1, tzinfo=UTC), datetime(2031, 3, 1, tzinfo=UTC))
    assert month("2100-12")[1] == datetime(2101, 1, 1, tzinfo=UTC)
    for bad, says in (
        ("2030-13", "month 13 is not 01-12"),
        ("2030-00", "month 00 is not 01-12"),
        ("2030-1", "expected YYYY-MM"),
        ("December", "expected YYYY-MM"),
        ("9999-12", "year 9999 is outside 2000-2100"),
        ("0000-01", "year 0 is outside 2000-2100"),
        ("\uff12\uff10\uff12\uff16-\uff11\uff11", "only ASCII digits"),  # full-width 2026-11
        ("\u0662\u0660\u0663\u0660-12", "only ASCII digits"),  # Arabic-Indic 2030
    ):
        with pytest.raises(Failure) as refused:
            month(bad)
        assert refused.value.code == "invalid_period" and refused.value.exit_code == 2
        assert says in refused.value.message, refused.value.message


def test_the_default_key_is_the_aggregate_then_the_partner_then_the_request():
    actor = {"user_id": "u-1", "partner_id": "partner-1"}
    ack = c.AcknowledgeTicket.model_validate(
        {"request_id": "r-1", "actor": actor, "ticket_id": "tk-1"}
    )
    assert default_subject(ack) == "tk-1"
    tenants = c.ListTenants.model_validate({"request_id": "r-2", "actor": actor})
    assert default_subject(tenants) == "partner-1"
    vendor = c.ListTenants.model_validate({"request_id": "r-3", "actor": {"user_id": "v"}})
    assert default_subject(vendor) == "r-3"


def test_an_error_no_verb_expected_is_told_as_json_with_an_exit_code():
    from aiokafka.errors import MessageSizeTooLargeError
    from pydantic import BaseModel, ValidationError

    from cli.context import as_failure

    class Sample(BaseModel):
        partner_id: str

    try:
        Sample.model_validate({"partner_id": 7})
    except ValidationError as error:
        invalid = as_failure(error)
    assert (invalid.code, invalid.exit_code) == ("invalid_input", 2)
    assert invalid.reasons[0]["field"] == "partner_id"
    too_large = as_failure(MessageSizeTooLargeError())
    assert (too_large.code, too_large.exit_code) == ("message_too_large", 2)
    other = as_failure(ValueError("invalid literal for int()"))
    assert (other.code, other.exit_code) == ("unexpected_error", 1)
    assert other.as_json() == {
        "error": "unexpected_error",
        "message": "ValueError: invalid literal for int()",
    }


@pytest.fixture
def partnerops(capsys):
    """`partnerops ARGS` in this process (`cli.app.main`): exit code, stdout, stderr. The
    logging and warnings `--json` silences are restored afterwards."""
    import logging
    import warnings

    from cli.app import main

    def invoke(*args: str) -> tuple[int, str, str]:
        from cli.context import JSON_ONLY

        with warnings.catch_warnings(), pytest.raises(SystemExit) as done:
            main(list(args))
        logging.disable(logging.NOTSET)
        JSON_ONLY["on"] = False
        out, err = capsys.readouterr()
        return int(done.value.code or 0), out, err

    return invoke


BAD_VALUES = [
    (["services", "stop", "--grace", "-1"], "--grace"),
    (["services", "stop", "--grace", "nan"], "--grace"),
    (["services", "stop", "--grace", "3601"], "--grace"),
    (["services", "start", "--base-port", "70000"], "--base-port"),
    (["services", "start", "--base-port", "0"], "--base-port"),
    (["services", "start", "--instances", "0"], "--instances"),
    (["services", "start", "--timeout", "-3"], "--timeout"),
    (["services", "start", "teleport"], "NAMES"),
    (["services", "status", "teleport"], "NAMES"),
    (["publish", "m.json", "--subject", ""], "--subject"),
    (["publish", "m.json", "--type", " "], "--type"),
    (["publish", "m.json", "--timeout", "0"], "--timeout"),
    (["publish", ""], "FILE"),
    (["tail", "support.events", "--timeout", "-5"], "--timeout"),
    (["tail", "support.events", "--timeout", "inf"], "--timeout"),
    (["tail", "support.events", "--limit", "0"], "--limit"),
    (["tail", "support.events", "--subject", ""], "--subject"),
    (["tail", "support.events", "--partner", ""], "--partner"),
    (["tail", "support.events", "--type", ""], "--type"),
    (["tail", ""], "TOPIC"),
    (["show", "ticket", "t-1", "--database", "a.b"], "--database"),
    (["show", "group", "g-1", "--database", "x" * 64], "--database"),
    (["show", "port-request", "p-1", "--database", "has space"], "--database"),
    (["show", "contacts", "", "--database", "ok"], "PARTNER_ID"),
    (["dlq", "list", "--limit", "0"], "--limit"),
    (["dlq", "list", ""], "TOPIC"),
    (["report", "sla", "--partner", "", "--period", "2030-12"], "--partner"),
    (["report", "sla", "--partner", "p", "--period", "2030-12", "--timeout", "-1"], "--timeout"),
    (["--bootstrap-servers", "no-port", "tail", "t"], "--bootstrap-servers"),
    (["--bootstrap-servers", "h:99999", "tail", "t"], "--bootstrap-servers"),
    (["--mongo-url", "http://x", "show", "group", "g"], "--mongo-url"),
    (["--topic-prefix", "a/b", "tail", "t"], "--topic-prefix"),
    # A URL pymongo's parser refuses, not just a wrong scheme (was unexpected_error).
    (["--mongo-url", "mongodb://[bad", "show", "group", "g"], "--mongo-url"),
    (["--mongo-url", "mongodb://h:99999", "show", "group", "g"], "--mongo-url"),
    (["--mongo-url", "mongodb://h/?tls=maybe", "show", "group", "g"], "--mongo-url"),
    (["--mongo-url", "mongodb://", "show", "group", "g"], "--mongo-url"),
    # Bytes that are not UTF-8 reach Python as lone surrogates (was unexpected_error).
    (["show", "port-request", "\udcff"], "PORT_ID"),
    (["show", "ticket", "a\udcffb"], "TICKET"),
    (["tail", "support.events", "--partner", "\udcff"], "--partner"),
    (["tail", "support.events", "--subject", "\udcfe"], "--subject"),
    (["tail", "\udcff"], "TOPIC"),
    (["publish", "m.json", "--type", "\udcff"], "--type"),
    (["dlq", "show", "\udcff"], "ID"),
    (["report", "sla", "--partner", "\udcff", "--period", "2030-12"], "--partner"),
    (["--bootstrap-servers", "\udcff:9092", "tail", "t"], "--bootstrap-servers"),
    (["tail", "support.events", "--partner", "P\x1b[31m"], "--partner"),
    # Ids longer than the contracts take (200), named by their option.
    (["report", "sla", "--partner", "x" * 5000, "--period", "2030-12"], "--partner"),
    (["tail", "support.events", "--partner", "x" * 201], "--partner"),
    (["tail", "support.events", "--subject", "x" * 201], "--subject"),
    (["publish", "m.json", "--subject", "x" * 201], "--subject"),
    (["show", "port-request", "y" * 100_000], "PORT_ID"),
    (["show", "group", "g" * 201], "GROUP_ID"),
    (["show", "contacts", "p" * 201], "PARTNER_ID"),
    (["show", "ticket", "t" * 201], "TICKET"),
    (["tail", "t" * 250], "TOPIC"),
    (["tail", "bad/topic"], "TOPIC"),
    (["dlq", "list", "bad topic"], "TOPIC"),
    (["dlq", "show", "not-an-id"], "ID"),
    (["dlq", "replay", "support.commands.dlq:0:x"], "ID"),
    (["dlq", "replay", "support.commands.dlq:\u0661:0"], "ID"),  # an Arabic-Indic 1
    # --period: only ASCII YYYY-MM in 2000-2100, before anything is published.
    (["report", "sla", "--partner", "p", "--period", "9999-12"], "--period"),
    (["report", "sla", "--partner", "p", "--period", "\uff12\uff10\uff12\uff16-11"], "--period"),
    (["report", "sla", "--partner", "p", "--period", "2030-13"], "--period"),
]
FLOAT_OPTIONS = [
    (("services", "stop"), "--grace", []),
    (("services", "start"), "--timeout", []),
    (("publish",), "--timeout", ["m.json"]),
    (("tail",), "--timeout", ["support.events"]),
    (("report", "sla"), "--timeout", ["--partner", "p", "--period", "2030-12"]),
]
"""Every float option (a unit test checks the list is complete)."""
BAD_VALUES += [
    ([*path, *extra, option, value], option)
    for path, option, extra in FLOAT_OPTIONS
    for value in ("nan", "inf", "-inf")
]


@pytest.mark.parametrize(
    ("args", "parameter"), BAD_VALUES, ids=[" ".join(a) for a, _ in BAD_VALUES]
)
def test_a_bad_option_value_is_one_json_usage_error_naming_the_parameter(
    partnerops, args, parameter
):
    code, out, err = partnerops(*args, "--json")
    assert code == 2
    assert out == ""
    [line] = err.splitlines()  # nothing but the JSON object
    error = json.loads(line)
    assert error["error"] == "usage_error"
    assert error["parameter"] == parameter
    assert error["reasons"][0]["field"] == parameter
    assert error["reasons"][0]["code"] == "invalid_value"


@pytest.mark.parametrize(
    ("args", "code", "parameter"),
    [
        (["tail", "support.events", "--bogus"], "no_such_option", "--bogus"),
        (["report", "sla", "--period", "2030-12"], "missing_parameter", "--partner"),
        (["dlq", "show"], "missing_parameter", "ID"),
        (["teleport"], "no_such_command", "command"),
        (["services", "stop", "--grace", "soon"], "invalid_value", "--grace"),
    ],
)
def test_every_usage_error_under_json_is_one_json_object(partnerops, args, code, parameter):
    exit_code, out, err = partnerops(*args, "--json")
    assert (exit_code, out) == (2, "")
    [line] = err.splitlines()
    error = json.loads(line)
    assert (error["error"], error["parameter"]) == ("usage_error", parameter)
    assert error["reasons"][0]["code"] == code
    # Without --json typer's message comes first; the JSON object is still the last line.
    exit_code, _, err = partnerops(*args)
    assert exit_code == 2
    assert json.loads(err.strip().splitlines()[-1])["parameter"] == parameter


def test_every_float_option_is_in_the_list_of_float_options():
    import typer.main

    from cli.app import app

    found = []

    def walk(command: Any, path: list[str]) -> None:
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, [*path, name])
        for param in command.params:
            if getattr(param, "callback", None) is not None and "seconds" in repr(param.callback):
                found.append((tuple(path), param.opts[0]))

    walk(typer.main.get_command(app), [])
    assert sorted(found) == sorted((path, option) for path, option, _ in FLOAT_OPTIONS)


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "1e400"])
def test_a_float_option_that_is_no_finite_number_is_told_so(partnerops, value):
    """`nan` once said "must be <= 3600": it is no number at all."""
    code, _, err = partnerops("tail", "support.events", "--timeout", value, "--json")
    error = json.loads(err)
    assert code == 2 and "is not a finite number" in error["message"], error["message"]
    assert "3600" not in error["message"].split("(")[0]


def test_a_refused_value_is_echoed_cut(partnerops):
    """`show` once echoed a 100,000-character id back in full."""
    for args in (
        ["show", "port-request", "y" * 100_000],
        ["show", "port-request", "a", "z" * 100_000],  # an extra argument: click's message
        ["teleport" * 10_000],  # an unknown command
    ):
        code, _, err = partnerops(*args, "--json")
        error = json.loads(err)
        assert code == 2 and len(err) < 1_000, len(err)
        assert "…" in error["message"]


def test_a_too_long_id_names_its_option_and_the_bound(partnerops):
    """`--partner` with 5,000 characters once named the contract's `partner_id`."""
    code, _, err = partnerops(
        "report", "sla", "--partner", "x" * 5000, "--period", "2030-12", "--json"
    )
    error = json.loads(err)
    assert (code, error["parameter"]) == (2, "--partner")
    assert "partner_id" not in err
    assert "5000 characters, at most 200" in error["message"]


def test_the_id_bound_is_the_contracts():
    from annotated_types import MaxLen

    from cli.options import MAX_ID
    from shared.contracts.common import PartnerCommand
    from shared.contracts.support import RequestResponseReport

    for field in (
        RequestResponseReport.model_fields["partner_id"],
        PartnerCommand.model_fields["request_id"],
    ):
        assert [m.max_length for m in field.metadata if isinstance(m, MaxLen)] == [MAX_ID]


@pytest.mark.parametrize(
    "args",
    [
        ["tail", "support.events", "--json=yes"],
        ["tail", "support.events", "--json="],
        ["tail", "support.events", "--json=false"],
        ["--json=yes", "tail", "support.events"],
        ["services", "status", "--json=1"],
        ["report", "sla", "--period", "2030-12", "--json=true"],
    ],
)
def test_json_in_any_form_gives_a_json_usage_error_and_nothing_else(partnerops, args):
    """`--json=yes` once printed typer's error box."""
    code, out, err = partnerops(*args)
    assert (code, out) == (2, "")
    [line] = err.splitlines()
    error = json.loads(line)
    assert error["error"] == "usage_error"
    assert error["parameter"] in ("--json", "--partner")


ENV_CASES = [
    ("PARTNEROPS_MONGO__URL", "mongodb://[bad", "--mongo-url"),
    ("PARTNEROPS_MONGO__URL", "http://x", "--mongo-url"),
    ("PARTNEROPS_MONGO__URL", "\udcff", "--mongo-url"),
    ("PARTNEROPS_CLI_MONGO__URL", "mongodb://h:99999", "--mongo-url"),
    ("PARTNEROPS_KAFKA__BOOTSTRAP_SERVERS", "garbage", "--bootstrap-servers"),
    ("PARTNEROPS_KAFKA__BOOTSTRAP_SERVERS", "", "--bootstrap-servers"),
    ("PARTNEROPS_CLI_KAFKA__BOOTSTRAP_SERVERS", "h:0", "--bootstrap-servers"),
    ("PARTNEROPS_KAFKA__TOPIC_PREFIX", "a/b", "--topic-prefix"),
]


@pytest.mark.parametrize(("variable", "value", "option"), ENV_CASES)
def test_a_bad_value_from_an_options_environment_variable_is_a_usage_error_naming_both(
    partnerops, monkeypatch, variable, value, option
):
    """`PARTNEROPS_KAFKA__BOOTSTRAP_SERVERS=garbage` was `kafka_unreachable`, a malformed
    `PARTNEROPS_MONGO__URL` an `unexpected_error`: refused as the option is."""
    monkeypatch.setenv(variable, value)
    # `services` hands the URL to the services it starts: a verb that uses Mongo.
    code, out, err = partnerops("services", "status", "--run-dir", "/nonexistent-6601", "--json")
    assert (code, out) == (2, "")
    error = json.loads(err)
    assert (error["error"], error["parameter"]) == ("usage_error", option)
    assert error["environment_variable"] == variable
    assert variable in error["message"]
    assert error["reasons"][0]["code"] == "invalid_value"


def test_an_option_on_the_command_line_overrides_a_bad_environment_variable(
    partnerops, monkeypatch
):
    monkeypatch.setenv("PARTNEROPS_KAFKA__BOOTSTRAP_SERVERS", "garbage")
    monkeypatch.setenv("PARTNEROPS_MONGO__URL", "mongodb://[bad")
    code, out, _ = partnerops(
        "--bootstrap-servers",
        "127.0.0.1:9092",
        "--mongo-url",
        "mongodb://127.0.0.1:1",
        "services",
        "status",
        "--run-dir",
        "/nonexistent-6601",
        "--json",
    )
    assert (code, json.loads(out)) == (0, {"services": []})


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("PARTNEROPS_KAFKA__MAX_MESSAGE_BYTES", "abc"),
        ("PARTNEROPS_LOG_FORMAT", "xml"),
        ("PARTNEROPS_KAFKA__SECURITY_PROTOCOL", "CARRIER_PIGEON"),
        ("PARTNEROPS_MONGO__SERVER_SELECTION_TIMEOUT_MS", "-5"),
        ("PARTNEROPS_KAFKA__MAX_MESSAGE_BYTES", "99999999999999999999"),
        ("PARTNEROPS_KAFKA", "not JSON"),  # was `unexpected_error` (SettingsError)
        # the services' wiring checks (`shared.settings.service_setting_problems`)
        ("PARTNEROPS_LOG_LEVEL", "BOGUS"),
        ("PARTNEROPS_MONGO__TLS_CA_FILE", "/nonexistent-6601/ca.pem"),
        ("PARTNEROPS_DATABASE", "bad db"),
    ],
)
def test_a_setting_pydantic_refuses_is_invalid_setting_naming_its_variable(
    partnerops, monkeypatch, variable, value
):
    """It was `invalid_input`, "the input does not match its schema", naming a field."""
    monkeypatch.setenv(variable, value)
    code, _, err = partnerops("services", "status", "--run-dir", "/nonexistent-6601", "--json")
    error = json.loads(err)
    assert (code, error["error"], error["parameter"]) == (2, "invalid_setting", variable)


def test_an_empty_operator_is_invalid_setting_before_anything_is_published(partnerops, monkeypatch):
    monkeypatch.setenv("PARTNEROPS_CLI_OPERATOR", "")
    monkeypatch.setenv("PARTNEROPS_KAFKA__BOOTSTRAP_SERVERS", "127.0.0.1:1")  # never reached
    code, _, err = partnerops("report", "sla", "--partner", "p", "--period", "2030-12", "--json")
    error = json.loads(err)
    assert (code, error["error"], error["parameter"]) == (
        2,
        "invalid_setting",
        "PARTNEROPS_CLI_OPERATOR",
    )


def test_a_cli_database_mongo_refuses_is_invalid_database_not_unexpected(partnerops, monkeypatch):
    monkeypatch.setenv("PARTNEROPS_CLI_DATABASE", "a.b")
    monkeypatch.setenv("PARTNEROPS_KAFKA__BOOTSTRAP_SERVERS", "127.0.0.1:1")
    from cli.context import Cli, CliSettings
    from cli.dlq import Replays

    with pytest.raises(Failure) as refused:
        Replays(Cli(CliSettings()))
    assert refused.value.code == "invalid_database" and refused.value.exit_code == 2
    assert refused.value.details["parameter"] == "PARTNEROPS_CLI_DATABASE"


def test_good_values_pass_the_checks(partnerops):
    code, out, _ = partnerops("services", "status", "--json", "--run-dir", "/nonexistent-6601")
    assert (code, json.loads(out)) == (0, {"services": []})


def test_timestamps_in_json_output_are_rfc3339_utc():
    from zoneinfo import ZoneInfo

    from cli.context import rfc3339, rfc3339_text, to_json

    berlin = datetime(2030, 12, 2, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    assert rfc3339(berlin) == "2030-12-02T09:00:00Z"
    assert rfc3339(datetime(2030, 12, 2, 9, 0, 0, 250000)) == "2030-12-02T09:00:00.250000Z"
    assert json.loads(to_json({"due_at": berlin, "n": [berlin]})) == {
        "due_at": "2030-12-02T09:00:00Z",
        "n": ["2030-12-02T09:00:00Z"],
    }
    assert rfc3339_text("2030-12-02T09:00:00+00:00") == "2030-12-02T09:00:00Z"
    # A lone surrogate (a dead letter's JSON may hold one) is written escaped, printable.
    assert to_json({"v": json.loads('"\\ud800"')}) == '{"v": "\\ud800"}'
    to_json({"v": json.loads('"\\ud800"')}).encode("utf-8")
    assert rfc3339_text("not a time") == "not a time"


def _letter(value: bytes, original: list[list[Any]]) -> Any:
    from cli.kafka import Received

    headers = (
        ("x-dlq-error-code", b"invalid_data"),
        ("x-dlq-original-headers", json.dumps(original).encode()),
        ("content-type", b"application/json"),
    )
    return Received("support.commands.dlq", 0, 7, b"k", value, headers, 0)


def test_a_binary_mode_dead_letter_tells_its_type_id_and_source():
    from cli.dlq import describe, original_headers

    binary = [
        ["ce_specversion", "1.0"],
        ["ce_id", "evt-6601"],
        ["ce_source", "/partner-tool"],
        ["ce_type", "support.tenants.list"],
        ["content-type", "application/json"],
    ]
    about = describe(_letter(b'{"request_id": "r-1"}', binary), None)
    assert (about["type"], about["event_id"], about["source"]) == (
        "support.tenants.list",
        "evt-6601",
        "/partner-tool",
    )
    # A binary-mode record whose headers do not even make an event still tells them.
    broken = [["ce_id", "evt-6602"], ["ce_type", "support.tenants.list"]]
    about = describe(_letter(b"not json", broken), None)
    assert (about["type"], about["event_id"]) == ("support.tenants.list", "evt-6602")
    # The replay gives the original headers back (a value that is not UTF-8 too).
    odd: list[list[Any]] = [["ce_id", "evt-6603"], ["x-bin", {"base64": "/w=="}]]
    assert original_headers(_letter(b"{}", odd), "support.commands.dlq:0:7") == [
        ("ce_id", b"evt-6603"),
        ("x-bin", b"\xff"),
        ("x-dlq-replay-of", b"support.commands.dlq:0:7"),
    ]


def test_services_start_refuses_a_base_port_another_process_listens_on():
    import socket

    from cli.services import planned_ports

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(Failure) as refused:
            planned_ports(2, port - 1 if port > 1024 else port)
    assert refused.value.code == "port_in_use" and refused.value.exit_code == 2
    assert port in refused.value.details["ports"]
    assert str(port) in refused.value.message
    with pytest.raises(Failure) as beyond:
        planned_ports(3, 65534)
    assert beyond.value.details["parameter"] == "--base-port"


def test_a_database_name_mongo_refuses_is_a_validation_error_not_unreachable():
    from pymongo.errors import InvalidName, ServerSelectionTimeoutError

    from cli.context import mongo_failure

    refused = mongo_failure(InvalidName("database names cannot contain '.'"), "a.b", "--database")
    assert (refused.code, refused.exit_code) == ("invalid_database", 2)
    assert refused.reasons[0]["field"] == "--database"
    down = mongo_failure(ServerSelectionTimeoutError("no server"), "porting", "--database")
    assert (down.code, down.exit_code) == ("mongo_unreachable", 1)


def test_a_server_of_another_kind_on_the_port_is_told_apart_from_one_that_is_down():
    """Pointed at another server's port (Kafka's, Mailpit's), the CLI said the database
    or the broker "does not answer", as for a server that is down. Now it says something
    else listens there (`listening` names the addresses)."""
    import socket

    from pymongo.errors import ServerSelectionTimeoutError

    from cli.context import mongo_failure, not_answering
    from tests.servers import free_port

    with socket.socket() as other:  # accepts connections (the backlog), answers nothing
        other.bind(("127.0.0.1", 0))
        other.listen()
        taken, down = f"127.0.0.1:{other.getsockname()[1]}", f"127.0.0.1:{free_port()}"
        message, found = not_answering("Kafka", [down, taken], OSError("no answer"))
        assert found == [taken]
        assert message.startswith(f"Kafka at {down}, {taken} does not answer as Kafka, though")
        assert "another server's port?" in message
        error = ServerSelectionTimeoutError("connection closed")
        wrong = mongo_failure(error, "porting", "--database", f"mongodb://{taken}/?appname=x")
        assert (wrong.code, wrong.details["listening"]) == ("mongo_unreachable", [taken])
        assert "does not answer as the Mongo-wire server" in wrong.message
    message, found = not_answering("Kafka", [down], OSError("refused"))
    assert (message, found) == (f"Kafka at {down} does not answer: refused", [])
    gone = mongo_failure(error, "porting", "--database", f"mongodb://{down}")
    assert gone.details["listening"] == [] and "does not answer:" in gone.message
    srv = mongo_failure(error, "porting", "--database", "mongodb+srv://cluster.example.com")
    assert "listening" not in srv.details  # its hosts come from DNS


def test_publish_refuses_an_input_over_the_broker_limit_without_reading_it_all(tmp_path):
    """`publish /dev/zero` once read until memory ran out (newcomer run)."""
    from cli.context import Failure
    from cli.publish import read_input

    big = tmp_path / "big.json"
    big.write_bytes(b" " * 2_000)
    assert read_input(str(big), 2_000) == b" " * 2_000
    with pytest.raises(Failure) as refused:
        read_input(str(big), 1_999)
    assert refused.value.code == "input_too_large" and refused.value.exit_code == 2
    with pytest.raises(Failure) as endless:
        read_input("/dev/zero", 1_048_576)
    assert endless.value.code == "input_too_large"


def _event(kind: str, subject: str | None, **data: Any) -> Any:
    from shared.events import Envelope

    return Envelope(id=f"e-{kind}-{subject}", source="/t", type=kind, subject=subject, data=data)


def test_tail_partner_matches_every_event_that_concerns_the_partner():
    """`tail --partner P` once missed refusals whose `partner_id` is null."""
    from cli.tail import Concerns, matches

    concerns = Concerns("P-7")
    refused = dict(command_type="x", command_id="c", code="forbidden", reasons=[])
    seen = [
        # A partner field of the data (any of them), the actor's partner.
        (_event("support.ticket.opened", "tk-1", partner_id="P-7"), True),
        (_event("onboarding.order.refused", "c-1", reseller_partner_id="P-7"), True),
        (_event("support.incident.declared", "in-1", partner_ids=["P-1", "P-7"]), True),
        (_event("support.ticket.acknowledge", "tk-9", actor={"partner_id": "P-7"}), True),
        # A refusal of P's own aggregate: its subject is P, partner_id hidden (forbidden).
        (_event("support.partner.action_refused", "P-7", partner_id=None, **refused), True),
        # A refusal of an aggregate an earlier event tied to P (partner_id null: forbidden).
        (_event("support.ticket.action_refused", "tk-1", partner_id=None, **refused), True),
        (_event("support.command.rejected", "in-1", **refused), True),
        # Another partner's events, and refusals of aggregates never tied to P.
        (_event("support.ticket.opened", "tk-2", partner_id="P-8"), False),
        (_event("support.ticket.action_refused", "tk-2", partner_id=None, **refused), False),
        (_event("porting.command.rejected", "P-77", **refused), False),
        (_event("platform.clock.advanced", None, now="2030-12-02T08:00:00Z"), False),
    ]
    assert [matches(e, [], None, concerns) for e, _ in seen] == [want for _, want in seen]
    # The type filter does not stop it from learning P's aggregates.
    later = Concerns("P-7")
    assert not matches(seen[0][0], ["porting.*"], None, later)
    assert matches(seen[5][0], ["support.ticket.*"], None, later)


def test_tail_partner_help_says_what_concerns_a_partner():
    done = CliRunner().invoke(app, ["tail", "--help"], env={"COLUMNS": "200"})
    text = " ".join(done.output.split())
    assert "subject" in text and "partner_id is null" in text


def test_already_replayed_tells_when_it_was_replayed_not_claimed():
    """It said "replayed at <claimed_at>"."""
    from cli.dlq import earlier_replay

    claimed = datetime(2030, 12, 2, 9, 0, tzinfo=UTC)
    replayed = datetime(2030, 12, 2, 9, 0, 3, tzinfo=UTC)
    done = earlier_replay(
        {"status": "replayed", "claimed_at": claimed, "replayed_at": replayed, "by": "op:kim"}
    )
    assert done == "was already replayed at 2030-12-02T09:00:03Z by op:kim"
    pending = earlier_replay({"status": "claimed", "claimed_at": claimed, "by": "op:kim"})
    assert pending.startswith("was claimed for a replay at 2030-12-02T09:00:00Z by op:kim")
    assert "not confirmed" in pending
    assert earlier_replay({}) == "is being replayed by another operator"


@pytest.mark.parametrize("verb", ["start", "stop", "status"])
def test_a_run_directory_that_is_a_file_is_refused_naming_where_it_came_from(
    partnerops, monkeypatch, tmp_path, verb
):
    """`PARTNEROPS_RUN_DIR=/etc/passwd services start` was an `unexpected_error`."""
    a_file = tmp_path / "not-a-dir"
    a_file.write_text("x")
    code, _, err = partnerops("services", verb, "--run-dir", str(a_file), "--json")
    error = json.loads(err)
    assert (code, error["error"], error["parameter"]) == (2, "usage_error", "--run-dir")
    monkeypatch.setenv("PARTNEROPS_RUN_DIR", str(a_file))
    code, _, err = partnerops("services", verb, "--json")
    error = json.loads(err)
    assert (code, error["error"], error["parameter"]) == (
        2,
        "invalid_run_dir",
        "PARTNEROPS_RUN_DIR",
    )


def test_sasl_without_a_username_is_invalid_setting(partnerops, monkeypatch):
    """It was an `unexpected_error` (exit 1) when a verb first reached Kafka."""
    monkeypatch.setenv("PARTNEROPS_KAFKA__SECURITY_PROTOCOL", "SASL_PLAINTEXT")
    monkeypatch.setenv("PARTNEROPS_KAFKA__SASL_PASSWORD", "hunter2-do-not-echo")
    code, out, err = partnerops("services", "status", "--run-dir", "/nonexistent-6601", "--json")
    error = json.loads(err)
    assert (code, error["error"]) == (2, "invalid_setting")
    assert error["parameter"] == "PARTNEROPS_KAFKA__SASL_USERNAME"
    assert "hunter2" not in out + err


def test_tls_material_that_cannot_be_read_is_invalid_setting(partnerops, monkeypatch):
    """`PARTNEROPS_KAFKA__SSL_CAFILE=/nonexistent` was an `unexpected_error`."""
    monkeypatch.setenv("PARTNEROPS_KAFKA__SECURITY_PROTOCOL", "SSL")
    monkeypatch.setenv("PARTNEROPS_KAFKA__SSL_CAFILE", "/nonexistent-6601/ca.pem")
    from cli.context import Cli, CliSettings
    from cli.kafka import security_options

    with pytest.raises(Failure) as refused:
        security_options(Cli(CliSettings()).settings.kafka)
    assert refused.value.code == "invalid_setting" and refused.value.exit_code == 2
    assert refused.value.details["parameter"] == "PARTNEROPS_KAFKA__SSL_CAFILE"


def test_the_mongo_url_is_parsed_by_pymongo_only_for_the_verbs_that_use_it(monkeypatch):
    """Importing pymongo takes most of a second: `tail`, `publish`, `report` do not pay it
    for a URL they never use; `show`, `dlq` and `services` (which hands it on) refuse it."""
    from cli.context import MONGO_VERBS, build, root_problems

    monkeypatch.setenv("PARTNEROPS_MONGO__URL", "mongodb://[bad")
    cli = build(None, None, None)
    for verb in ("tail", "publish", "report", "servers"):
        assert list(root_problems(cli, {}, verb)) == []
    for verb in sorted(MONGO_VERBS):
        [(name, variable, _)] = root_problems(cli, {}, verb)
        assert (name, variable) == ("mongo_url", "PARTNEROPS_MONGO__URL")
    [(name, variable, _)] = root_problems(cli, {"mongo_url": "mongodb://h:99999"}, "show")
    assert (name, variable) == ("mongo_url", None)


def test_data_from_the_wire_cannot_drive_the_operators_terminal(capsys):
    from cli.context import escape
    from cli.kafka import Received
    from cli.tail import print_line
    from shared.events import Envelope

    assert escape("a\x07b\x1b[31mc\x9bd") == "a\\x07b\\x1b[31mc\\x9bd"
    assert escape("P\u202eX\u200b\ufeff") == "P\\u202eX\\u200b\\ufeff"
    assert escape("[bold]é ö 日本[/bold]") == "\\[bold]é ö 日本\\[/bold]"
    event = Envelope(
        id="e1",
        source="/s",
        type="support.ticket.open",
        subject="P\u202eX",
        data={"request_id": "ctl\u0007\u001b[31mred"},
    )
    print_line(Received("support.commands", 0, 1, b"k", event.to_json(), (), 0), event)
    out = capsys.readouterr().out
    assert "\x1b[31m" not in out and "\x07" not in out and "\u202e" not in out
    assert "ctl\\x07\\x1b[31mred" in out and "P\\u202eX" in out


def test_a_failure_echoes_detail_values_cut_and_as_valid_text():
    failure = Failure("invalid_database", "bad name", database="d" * 100_000, raw="\udcffx")
    body = failure.as_json()
    assert body["database"] == "d" * 80 + "…"
    assert body["raw"] == "\\xffx"
    json.loads(json.dumps(body, ensure_ascii=False).encode())  # strict: no lone surrogate


def test_an_input_with_a_byte_order_mark_is_read_as_json():
    from cli.messages import parse_input

    message, data, _ = parse_input(
        b'\xef\xbb\xbf{"type": "support.tenants.list", "data": {"request_id": "r"}}', None
    )
    assert message.name == "support.tenants.list" and data == {"request_id": "r"}


@pytest.fixture
def decoy():
    """A live process whose command line names `services.porting` (as an instance's does)
    but that no `services start` of the test started: what a recorded pid can belong to
    once the recorded instance is gone and the machine has given its pid to another."""
    import subprocess
    import sys

    process = subprocess.Popen(
        [sys.executable, "-c", "import signal; signal.pause()", "services.porting"]
    )
    yield process
    process.kill()
    process.wait()


def _record(run_dir, pid: int, /, **extra: object) -> None:
    record = {
        "name": "porting",
        "number": 1,
        "pid": pid,
        "port": 1,
        "log": str(run_dir / "logs" / "porting-1.log"),
        "instance_id": "porting-1-test",
        "started_at": "2030-01-07T08:00:00Z",
        **extra,
    }
    (run_dir / "porting-1.json").write_text(json.dumps(record))


def test_a_recorded_pid_now_held_by_a_later_process_is_not_that_instance(
    partnerops, tmp_path, decoy
):
    """`services stop` sent SIGTERM to whatever process held a recorded pid and named the
    service in its command line: once an instance had exited, the pid could be given to
    another instance of the same service (another run directory's, another test's), which
    was stopped instead. The record keeps the process's start; a pid whose process started
    at another time is not the instance: not stopped, not taken for running by `start`."""
    from deploy.demo.processes import start_ticks

    ticks = start_ticks(decoy.pid)
    assert ticks is not None and start_ticks(2**22 + 1) is None  # beyond any pid_max
    _record(tmp_path, decoy.pid, start_ticks=ticks + 1)  # the pid's earlier owner
    code, out, _ = partnerops("services", "status", "--run-dir", str(tmp_path), "--json")
    assert (code, json.loads(out)["services"][0]["state"]) == (1, "exited")
    code, out, _ = partnerops(
        "services", "stop", "--run-dir", str(tmp_path), "--grace", "1", "--json"
    )
    assert json.loads(out)["services"][0]["state"] == "not running"
    assert decoy.poll() is None, "a process that is not the recorded instance was signalled"
    assert not (tmp_path / "porting-1.json").exists()  # the stale record is gone

    _record(tmp_path, decoy.pid, start_ticks=ticks)  # the instance itself: stopped
    code, out, _ = partnerops(
        "services", "stop", "--run-dir", str(tmp_path), "--grace", "5", "--json"
    )
    assert (code, json.loads(out)["services"][0]["state"]) == (0, "stopped")
    decoy.wait()  # gone (its status reaped by the stop: it runs in this process)


def test_a_record_written_before_starts_were_kept_is_still_stopped(partnerops, tmp_path, decoy):
    """Records without `start_ticks` (written by an earlier version) are matched by the
    command line, as before: a process that does not run the service is left alone."""
    import subprocess
    import sys

    other = subprocess.Popen([sys.executable, "-c", "import signal; signal.pause()"])
    try:
        _record(tmp_path, other.pid)
        code, out, _ = partnerops(
            "services", "stop", "--run-dir", str(tmp_path), "--grace", "1", "--json"
        )
        assert json.loads(out)["services"][0]["state"] == "not running"
        assert other.poll() is None
    finally:
        other.kill()
        other.wait()
    _record(tmp_path, decoy.pid)
    code, out, _ = partnerops(
        "services", "stop", "--run-dir", str(tmp_path), "--grace", "5", "--json"
    )
    assert (code, json.loads(out)["services"][0]["state"]) == (0, "stopped")
    decoy.wait()


@pytest.mark.parametrize(
    "extra", [{"start_ticks": "12"}, {"pid": "12"}, {"port": None}, {"unknown": 1}]
)
def test_a_record_this_command_did_not_write_is_left_alone(partnerops, tmp_path, decoy, extra):
    _record(tmp_path, decoy.pid, **extra)
    code, out, _ = partnerops(
        "services", "stop", "--run-dir", str(tmp_path), "--grace", "1", "--json"
    )
    assert (code, json.loads(out)["services"]) == (0, [])
    assert decoy.poll() is None


def test_a_recorded_process_is_that_instance_whatever_its_command_line_says(partnerops, tmp_path):
    """Just after its spawn an instance's command line is not yet the service's: the
    starter, woken once the child's `execve` has replaced its memory, can read it before
    the kernel has set the new arguments (empty; 56 of 2,000 spawns on a busy 2-core
    machine). `services start` polled at once, took the instance for `exited` and failed
    (one parallel CI run in five). The recorded (pid, start) is the process itself: its
    command line is not asked."""
    import subprocess
    import sys

    from deploy.demo.processes import alive, start_ticks

    other = subprocess.Popen([sys.executable, "-c", "import signal; signal.pause()"])
    try:
        ticks = start_ticks(other.pid)
        assert ticks is not None
        assert alive(other.pid, "porting", ticks)
        assert not alive(other.pid, "porting")  # a record without its start: the command line
        _record(tmp_path, other.pid, start_ticks=ticks)
        code, out, _ = partnerops("services", "status", "--run-dir", str(tmp_path), "--json")
        assert json.loads(out)["services"][0]["state"] == "unreachable"  # running, no /readyz
        code, out, _ = partnerops(
            "services", "stop", "--run-dir", str(tmp_path), "--grace", "5", "--json"
        )
        assert (code, json.loads(out)["services"][0]["state"]) == (0, "stopped")
    finally:
        other.kill()
        other.wait()
