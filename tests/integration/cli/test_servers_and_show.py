"""`partnerops servers` on a private Mailpit (its own ports and state directory: the
shared servers are never touched) and `partnerops show` on documents stored in the
services' layout (`shared.store`: `{_id, version, state, timers, outbox}`)."""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime
from typing import Any

import pytest
from pymongo import MongoClient

from shared.store import escape_keys
from tests.integration.cli.conftest import PARTNEROPS, Operator
from tests.servers import free_port

pytestmark = pytest.mark.integration


def test_servers_start_status_and_stop_a_private_mailpit(operator, tmp_path):
    env = {
        **operator.env,
        "PARTNEROPS_STATE": str(tmp_path / "state"),
        "PARTNEROPS_SMTP_PORT": str(free_port()),
        "PARTNEROPS_MAILPIT_HTTP_PORT": str(free_port()),
    }
    private = Operator(env, operator.prefix)
    try:
        started = private("servers", "start", "mailpit", "--json")
        assert started.code == 0, started.stderr
        [row] = started.json()["servers"]
        assert (row["server"], row["state"]) == ("mailpit", "running")
        assert env["PARTNEROPS_SMTP_PORT"] in row["details"]

        status = private("servers", "status", "mailpit")
        assert status.code == 0 and "running" in status.stdout
        # Another shell with other (or no) port variables sees the ports it runs on.
        elsewhere = Operator(
            {
                **env,
                "PARTNEROPS_SMTP_PORT": str(free_port()),
                "PARTNEROPS_MAILPIT_HTTP_PORT": str(free_port()),
            },
            operator.prefix,
        )("servers", "status", "mailpit", "--json")
        assert elsewhere.code == 0, elsewhere.stderr
        [actual] = elsewhere.json()["servers"]
        assert actual["state"] == "running"
        assert f":{env['PARTNEROPS_SMTP_PORT']}" in actual["details"]
        assert f":{env['PARTNEROPS_MAILPIT_HTTP_PORT']}" in actual["details"]
        everything = private("servers", "status", "--json")
        assert everything.code == 1  # kafka and mongo are not running in this state dir
        states = {r["server"]: r["state"] for r in everything.json()["servers"]}
        assert states == {"kafka": "stopped", "mongo": "stopped", "mailpit": "running"}
    finally:
        stopped = private("servers", "stop", "mailpit", "--json")
    assert stopped.code == 0, stopped.stderr
    assert stopped.json()["servers"][0]["state"] == "stopped"
    assert private("servers", "status", "mailpit").code == 1
    assert private("servers", "start", "nothing").code == 2


def stored(state: dict[str, Any], **more: Any) -> dict[str, Any]:
    return {"version": 3, "state": state, "handled": [], "outbox": [], "timers": [], **more}


@pytest.fixture
def seeded(operator: Operator, mongo_url: str) -> Operator:
    due = datetime(2030, 12, 20, 9, 0, tzinfo=UTC)
    client: MongoClient[dict[str, Any]] = MongoClient(mongo_url)
    db = operator.databases
    try:
        client[db["porting"]]["ports"].insert_one(
            {
                "_id": "port-6601",
                **stored(
                    {
                        "port": {
                            "port_id": "port-6601",
                            "partner_id": "partner-6601",
                            "status": "accepted",
                            "version": 5,
                            "numbers": ["+442079460101"],
                            "extra_fields": escape_keys({"lsp.account_ref": "A-1"}),
                        }
                    },
                    timers=[{"id": "t1", "kind": "port_date_reminder", "due_at": due}],
                ),
            }
        )
        client[db["onboarding"]]["groups"].insert_one(
            {
                "_id": "grp-6601",
                **stored(
                    {
                        "group_id": "grp-6601",
                        "group_name": "Fictional Dental Leeds",
                        "partner_id": "partner-6601",
                        "numbers": ["+441132960101"],
                        "admin_users": [{"user_id": "adm-1", "password_hash": "pbkdf2$x$y"}],
                        "ready": True,
                    }
                ),
            }
        )
        client[db["notifications"]]["contacts"].insert_one(
            {
                "_id": "partner-6601",
                **stored(
                    {
                        "contacts": {
                            "partner_id": "partner-6601",
                            "contacts": [
                                {
                                    "name": "Alex Example",
                                    "email": "alex@partner6601.example.com",
                                    "categories": ["maintenance"],
                                    "language": "nl",
                                }
                            ],
                        }
                    }
                ),
            }
        )
    finally:
        client.close()
    return operator


@pytest.mark.parametrize(
    ("kind", "key", "field", "value"),
    [
        ("port-request", "port-6601", "status", "accepted"),
        ("group", "grp-6601", "group_name", "Fictional Dental Leeds"),
        ("contacts", "partner-6601", "partner_id", "partner-6601"),
    ],
)
def test_show_reads_the_owning_services_document(seeded, kind, key, field, value):
    done = seeded("show", kind, key, "--json")
    assert done.code == 0, done.stderr
    view = done.json()
    assert view["id"] == key and view["version"] == 3
    assert view["state"][field] == value
    panel = seeded("show", kind, key)
    assert panel.code == 0 and key in panel.stdout and value in panel.stdout


def test_show_masks_secrets_restores_escaped_keys_and_lists_timers(seeded):
    group = seeded("show", "group", "grp-6601", "--json").json()
    assert group["state"]["admin_users"][0]["password_hash"] != "pbkdf2$x$y"
    port = seeded("show", "port-request", "port-6601", "--json").json()
    assert port["timers"][0]["kind"] == "port_date_reminder"
    assert port["timers"][0]["due_at"] == "2030-12-20T09:00:00Z"  # RFC 3339
    assert port["state"]["extra_fields"] == {"lsp.account_ref": "A-1"}


def test_the_panel_names_the_stored_version_apart_from_the_aggregates_own_count(seeded):
    # Porting's state counts its status changes (`state.port.version`, 5 here); the store
    # counts stored changes (3): the panel's version is the stored one, and says so.
    panel = seeded("show", "port-request", "port-6601")
    assert panel.code == 0, panel.stderr
    assert "stored version 3" in panel.stdout
    assert "version (its own count)" in panel.stdout
    assert "2030-12-20T09:00:00Z" in panel.stdout
    view = seeded("show", "port-request", "port-6601", "--json").json()
    assert (view["version"], view["state"]["version"]) == (3, 5)


def test_a_database_name_mongo_refuses_is_invalid_not_unreachable(operator):
    env = {**operator.env, "PORTING_DATABASE": "demo.porting"}
    done = Operator(env, operator.prefix)("show", "port-request", "port-1", "--json")
    assert (done.code, done.stdout) == (2, "")
    error = done.error()
    assert error["error"] == "invalid_database"
    assert error["reasons"][0]["field"] == "PORTING_DATABASE"
    given = operator("show", "port-request", "port-1", "--database", "a$b", "--json")
    assert given.code == 2
    assert (given.error()["error"], given.error()["parameter"]) == ("usage_error", "--database")


@pytest.mark.parametrize(
    ("kind", "code"),
    [
        ("port-request", "unknown_port_request"),
        ("ticket", "unknown_ticket"),
        ("group", "unknown_group"),
        ("contacts", "unknown_contacts"),
    ],
)
def test_show_of_something_unknown_exits_3_with_a_machine_readable_error(operator, kind, code):
    done = operator("show", kind, "nothing-here-6601")
    assert done.code == 3
    error = done.error()
    assert error["error"] == code and error["id"] == "nothing-here-6601"


def test_show_reports_an_unreachable_database(operator):
    env = {**operator.env, "PARTNEROPS_MONGO__SERVER_SELECTION_TIMEOUT_MS": "500"}
    done = Operator(env, operator.prefix)(
        "--mongo-url", f"mongodb://127.0.0.1:{free_port()}", "show", "group", "grp-1"
    )
    assert done.code == 1
    assert done.error()["error"] == "mongo_unreachable"


def test_services_start_refuses_a_base_port_another_process_answers_on(operator, tmp_path):
    import socket

    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        done = operator("services", "start", "support", "--base-port", str(port), "--json")
    assert (done.code, done.stdout) == (2, "")
    error = done.error()
    assert error["error"] == "port_in_use" and error["ports"] == [port]
    assert str(port) in error["message"]
    status = operator("services", "status", "--json")
    assert status.json()["services"] == []  # nothing was started


@pytest.mark.parametrize(
    ("variable", "value", "option"),
    [
        ("PARTNEROPS_KAFKA__BOOTSTRAP_SERVERS", "garbage", "--bootstrap-servers"),
        ("PARTNEROPS_MONGO__URL", "mongodb://[bad", "--mongo-url"),
    ],
)
def test_a_garbage_server_address_from_the_environment_is_a_usage_error(
    operator, variable, value, option
):
    """It was `kafka_unreachable` (after trying to connect) or `unexpected_error`."""
    operator.env[variable] = value
    verbs = [["show", "group", "g-1"], ["dlq", "list"]]
    if variable == "PARTNEROPS_KAFKA__BOOTSTRAP_SERVERS":
        verbs.append(["tail", "support.events", "--no-follow"])
    for args in verbs:
        done = operator(*args, "--json")
        assert (done.code, done.stdout) == (2, "")
        [line] = done.stderr.splitlines()
        error = json.loads(line)
        assert (error["error"], error["parameter"]) == ("usage_error", option)
        assert error["environment_variable"] == variable


def test_a_non_utf8_id_is_a_usage_error(operator):
    """`show port-request $'\\xff'` was an `unexpected_error`."""
    import os

    done = subprocess.run(
        [os.fsencode(str(PARTNEROPS)), b"show", b"port-request", b"\xff", b"--json"],
        env=operator.env,
        capture_output=True,
        timeout=60,
    )
    assert (done.returncode, done.stdout) == (2, b"")
    error = json.loads(done.stderr)
    assert (error["error"], error["parameter"]) == ("usage_error", "PORT_ID")
    assert "not UTF-8" in error["message"]
