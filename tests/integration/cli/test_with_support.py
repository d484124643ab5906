"""The verbs that need a running service, against two support processes started by
`partnerops services start` (demonstration clock pinned at 2 December 2030, so the
report's month does not depend on today's date): services start/status/stop, publish
--wait (outcome and refusal), show ticket, report sla, dlq list/show/replay once."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiokafka import AIOKafkaProducer
from pymongo import MongoClient

from shared.events import new_event
from shared.topics import ONBOARDING_EVENTS
from tests.integration.cli.conftest import Operator, discard, operator_env, wait_until
from tests.unit.support.world import customer_facts

pytestmark = pytest.mark.integration

START = datetime.fromisoformat("2030-12-02T08:00:00+00:00")
PARTNER = "partner-5501"
TENANT = "tenant-gb-5501"
CONTRACT = "SC-550123"
ACTOR = {"user_id": "user-5501-a", "partner_id": PARTNER, "roles": []}


def opening(request_id: str) -> dict[str, Any]:
    return {
        "type": "support.ticket.open",
        "data": {
            "request_id": request_id,
            "actor": ACTOR,
            "partner_id": PARTNER,
            "tenant_id": TENANT,
            "contract_number": CONTRACT,
            "contact": {
                "name": "Robin Example",
                "phone": "+44 20 7946 0991",
                "email": "robin@partner5501.example.com",
            },
            "channel": "online",
            "category": "service_availability",
            "description": "One handset cannot register.",
            "impact": "localized",
            "urgency": "low",
        },
    }


async def send(bootstrap: str, topic: str, key: str, body: bytes) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        await producer.send_and_wait(
            topic,
            body,
            key=key.encode(),
            headers=[("content-type", b"application/cloudevents+json")],
        )
    finally:
        await producer.stop()


@pytest.fixture(scope="module")
def support(kafka_bootstrap: str, mongo_url: str, tmp_path_factory: Any) -> Iterator[Operator]:
    """Two support instances started by the CLI in a namespace of their own, which knows
    one customer tenant of PARTNER (onboarding's facts, published as onboarding does)."""
    run_dir: Path = tmp_path_factory.mktemp("run")
    env, prefix, databases = operator_env(kafka_bootstrap, mongo_url, run_dir, "s")
    env["PARTNEROPS_DEMO_CLOCK"] = "true"
    env["PARTNEROPS_DEMO_CLOCK_START"] = START.isoformat()
    operator = Operator(env, prefix, databases)
    started = operator("services", "start", "support", "--instances", "2", "--json")
    try:
        assert started.code == 0, started.stderr
        rows = started.json()["services"]
        assert [(r["service"], r["instance"], r["state"]) for r in rows] == [
            ("support", 1, "ready"),
            ("support", 2, "ready"),
        ]
        assert len({r["port"] for r in rows}) == 2
        customer = "customer-5501"
        for fact in customer_facts(
            START - timedelta(days=10), TENANT, customer, PARTNER, contract=CONTRACT
        ):
            event = new_event(
                fact, source="/onboarding", now=START - timedelta(days=10), subject=customer
            )
            asyncio.run(
                send(kafka_bootstrap, prefix + ONBOARDING_EVENTS.name, customer, event.to_json())
            )
        client: MongoClient[dict[str, Any]] = MongoClient(mongo_url)
        tenants = client[databases["support"]]["support_tenants"]
        try:
            wait_until(
                lambda: (
                    (doc := tenants.find_one({"state.tenant_id.value": TENANT}))
                    and doc["state"].get("relationship") is not None
                )
            )
        finally:
            client.close()
        yield operator
    finally:
        operator("services", "stop", "--grace", "20")
        discard(operator, mongo_url, kafka_bootstrap)


def test_services_status_shows_each_instance_ready_with_its_port_and_log(support):
    done = support("services", "status", "--json")
    assert done.code == 0, done.stderr
    rows = done.json()["services"]
    assert [(r["instance"], r["state"]) for r in rows] == [(1, "ready"), (2, "ready")]
    assert all(Path(r["log"]).exists() for r in rows)
    table = support("services", "status")
    assert "support" in table.stdout and "ready" in table.stdout


def test_publish_waits_for_the_outcome_and_show_reads_the_ticket(support):
    done = support("publish", "-", "--wait", "--json", stdin=json.dumps(opening("cli-open-1")))
    assert done.code == 0, done.stderr
    body = done.json()
    outcome = body["outcome"]
    assert outcome["type"] == "support.ticket.opened"
    assert outcome["causationid"] == body["published"]["id"]
    ticket_id, number = outcome["data"]["ticket_id"], outcome["data"]["ticket_number"]

    shown = support("show", "ticket", ticket_id, "--json")
    assert shown.code == 0, shown.stderr
    view = shown.json()
    assert view["id"] == ticket_id and view["kind"] == "ticket"
    assert view["state"]["ticket_number"] == number
    assert view["state"]["partner_id"] == PARTNER
    by_number = support("show", "ticket", number)
    assert by_number.code == 0 and ticket_id in by_number.stdout

    report = support("report", "sla", "--partner", PARTNER, "--period", "2030-12", "--json")
    assert report.code == 0, report.stderr
    answer = report.json()
    assert answer["period_start"].startswith("2030-12-01")
    [line] = answer["lines"]
    assert line["partner_id"] == PARTNER
    assert line["total"]["pending"] + line["total"]["met"] + line["total"]["missed"] == 1
    table = support("report", "sla", "--partner", PARTNER, "--period", "2030-12")
    assert table.code == 0 and PARTNER in table.stdout and "95%" in table.stdout
    empty = support("report", "sla", "--partner", PARTNER, "--period", "2030-10", "--json")
    assert empty.json()["lines"] == []


def test_an_outcome_that_refuses_exits_4_and_a_bad_period_is_invalid(support):
    query = {
        "request_id": "cli-bad-report",
        "actor": {"user_id": "eng-5", "roles": []},
        "period_start": "2030-12-01T00:00:00Z",
        "period_end": "2031-01-01T00:00:00Z",
        "partner_id": "partner-9999",
    }
    done = support(
        "publish",
        "-",
        "--type",
        "support.response_report.request",
        "--wait",
        "--json",
        stdin=json.dumps(query),
    )
    assert done.code == 4, (done.stdout, done.stderr)
    assert done.json()["outcome"]["type"] == "support.command.rejected"
    bad = support("report", "sla", "--partner", PARTNER, "--period", "2030-13")
    assert bad.code == 2
    assert (bad.error()["error"], bad.error()["parameter"]) == ("usage_error", "--period")
    assert "month 13 is not 01-12" in bad.error()["message"]
    # Full-width digits were taken for 2026-11 and a query published: refused up front.
    wide = support("report", "sla", "--partner", PARTNER, "--period", "２０２６-１１", "--json")
    assert (wide.code, wide.stdout) == (2, "")
    assert "only ASCII digits" in wide.error()["message"]


def test_a_dead_letter_is_listed_shown_and_replayed_once(support, kafka_bootstrap):
    broken = {
        "specversion": "1.0",
        "id": "cli-dead-1",
        "source": "/partner-tool",
        "type": "support.tenants.list",
        "data": {"request_id": "q-no-actor"},
    }
    asyncio.run(
        send(
            kafka_bootstrap,
            support.prefix + "support.commands",
            PARTNER,
            json.dumps(broken).encode(),
        )
    )

    def listed() -> list[dict[str, Any]]:
        done = support("dlq", "list", "support.commands", "--json")
        assert done.code == 0, done.stderr
        return [d for d in done.json()["dead_letters"] if d["event_id"] == "cli-dead-1"]

    [letter] = wait_until(listed)
    assert letter["error_code"] == "invalid_data"
    assert {"field": "actor", "code": "missing", "message": "Field required"} in letter["reasons"]
    assert letter["replayable"] and letter["replay"] is None

    shown = support("dlq", "show", letter["id"], "--json")
    assert shown.code == 0 and shown.json()["value"] == broken

    replayed = support("dlq", "replay", letter["id"], "--json")
    assert replayed.code == 0, replayed.stderr
    assert replayed.json()["topic"] == "support.commands"
    again = support("dlq", "replay", letter["id"])
    assert again.code == 4
    refused = again.error()
    assert refused["error"] == "already_replayed"
    # It tells when it was replayed (the broker's acknowledgement), not when it was claimed.
    replay = refused["replay"]
    assert replay["status"] == "replayed"
    assert f"replayed at {replay['replayed_at']}" in refused["message"]
    if replay["replayed_at"] != replay["claimed_at"]:
        assert replay["claimed_at"] not in refused["message"]
    # The replayed record reached support again (and, still invalid, is dead-lettered
    # again, marked as a replay of the first).
    copies = wait_until(lambda: len(listed()) == 2 and listed())
    second = next(d for d in copies if d["id"] != letter["id"])
    assert ["x-dlq-replay-of", letter["id"]] in second["original_headers"]
    assert next(d for d in copies if d["id"] == letter["id"])["replay"]["status"] == "replayed"

    unknown = support("dlq", "show", "support.commands.dlq:0:999999")
    assert unknown.code == 3 and unknown.error()["error"] == "unknown_dead_letter"
    assert support("dlq", "replay", "support.commands.dlq:0:999999").code == 3
    not_an_id = support("dlq", "replay", "not-an-id").error()
    assert (not_an_id["error"], not_an_id["parameter"]) == ("usage_error", "ID")


def test_a_binary_mode_dead_letter_is_listed_with_its_type_and_id(support, kafka_bootstrap):
    async def send_binary() -> None:
        producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
        await producer.start()
        try:
            await producer.send_and_wait(
                support.prefix + "support.commands",
                json.dumps({"request_id": "q-binary-no-actor"}).encode(),
                key=PARTNER.encode(),
                headers=[
                    ("ce_specversion", b"1.0"),
                    ("ce_id", b"cli-dead-binary-1"),
                    ("ce_source", b"/partner-tool"),
                    ("ce_type", b"support.tenants.list"),
                    ("content-type", b"application/json"),
                ],
            )
        finally:
            await producer.stop()

    asyncio.run(send_binary())

    def listed() -> list[dict[str, Any]]:
        done = support("dlq", "list", "support.commands", "--json")
        assert done.code == 0, done.stderr
        return [d for d in done.json()["dead_letters"] if d["event_id"] == "cli-dead-binary-1"]

    [letter] = wait_until(listed)
    assert (letter["type"], letter["source"]) == ("support.tenants.list", "/partner-tool")
    assert letter["failed_at"].endswith("Z")
    table = support("dlq", "list", "support.commands")
    assert "support.tenants.list" in table.stdout


def test_tail_partner_shows_refusals_whose_partner_id_is_null(support, kafka_bootstrap):
    """Refusals with a null partner_id (a command about a ticket refused without telling
    whose it is; a command that could not be read, `support.command.rejected`) concern
    the partner by their subject: a ticket an earlier event tied to the partner, or the
    partner itself. `tail --partner` once missed them."""
    opened = support("publish", "-", "--wait", "--json", stdin=json.dumps(opening("cli-tail-1")))
    assert opened.code == 0, opened.stderr
    ticket_id = opened.json()["outcome"]["data"]["ticket_id"]
    intruder = {"user_id": "user-5599-a", "partner_id": "partner-5599", "roles": []}
    acknowledge = {
        "type": "support.ticket.acknowledge",
        "data": {"request_id": "cli-tail-ack", "actor": intruder, "ticket_id": ticket_id},
    }
    done = support("publish", "-", "--wait", "--json", stdin=json.dumps(acknowledge))
    assert done.code == 4, (done.stdout, done.stderr)
    refused = done.json()["outcome"]
    assert refused["subject"] == ticket_id
    assert refused["data"].get("partner_id") is None  # what made tail miss it
    # A command with no contact: rejected by the dispatcher, its subject the partner.
    unreadable = {
        "specversion": "1.0",
        "id": "cli-tail-raw-1",
        "source": "/partner-tool",
        "type": "support.partner.set_escalation_contact",
        "subject": PARTNER,
        "data": {"request_id": "cli-tail-raw", "actor": intruder, "partner_id": PARTNER},
    }
    asyncio.run(
        send(
            kafka_bootstrap,
            support.prefix + "support.commands",
            PARTNER,
            json.dumps(unreadable).encode(),
        )
    )

    def tail(partner: str) -> dict[str, dict[str, Any]]:
        done = support(
            "tail",
            "support.events",
            "--from-beginning",
            "--no-follow",
            "--partner",
            partner,
            "--type",
            "*.action_refused",
            "--type",
            "*.command.rejected",
            "--json",
        )
        assert done.code == 0, done.stderr
        return {line["event"]["causationid"]: line["event"] for line in done.lines()}

    shown = wait_until(lambda: "cli-tail-raw-1" in (found := tail(PARTNER)) and found)
    rejected = shown["cli-tail-raw-1"]
    assert rejected["type"] == "support.command.rejected"
    assert rejected["data"].get("partner_id") is None
    assert shown[refused["causationid"]]["id"] == refused["id"]
    other = tail("partner-5599")
    assert "cli-tail-raw-1" not in other and refused["causationid"] not in other


def test_services_stop_terminates_every_instance(support):
    pids = [r["pid"] for r in support("services", "status", "--json").json()["services"]]
    done = support("services", "stop", "--grace", "20", "--json")
    assert done.code == 0, done.stderr
    assert [r["state"] for r in done.json()["services"]] == ["stopped", "stopped"]
    assert not any(
        Path(f"/proc/{pid}").exists()
        and b"services.support" in Path(f"/proc/{pid}/cmdline").read_bytes()
        for pid in pids
    )
    after = support("services", "status", "--json")
    assert after.json()["services"] == []
