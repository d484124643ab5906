"""Issue 13 through the operator CLI: the same command published twice, each time under a
new CloudEvents id (what a client does after a `--wait` that timed out), gets an answer
both times — the outcome, then `support.command.already_handled` naming it — with the
exit code of the first outcome; nothing is done twice. Two support processes started by
`partnerops services start` (the module fixture of `test_with_support`)."""

from __future__ import annotations

import json

import pytest

from tests.integration.cli.test_with_support import PARTNER, opening, support

pytestmark = pytest.mark.integration
__all__ = ["support"]  # the fixture: two support instances in a namespace of their own

ANSWER = "support.command.already_handled"


def test_a_command_published_twice_is_answered_both_times(support):
    command = json.dumps(opening("cli-resend-1"))
    first = support("publish", "-", "--wait", "--json", stdin=command)
    assert first.code == 0, first.stderr
    opened = first.json()["outcome"]
    assert opened["type"] == "support.ticket.opened"

    again = support("publish", "-", "--wait", "--json", stdin=command)

    assert again.code == 0, again.stderr
    body = again.json()
    assert body["published"]["id"] != first.json()["published"]["id"]  # a new envelope
    answer = body["outcome"]
    assert answer["type"] == ANSWER
    assert answer["causationid"] == body["published"]["id"]
    assert answer["subject"] == opened["subject"]
    data = answer["data"]
    assert data["outcome"] == "applied" and data["request_id"] == "cli-resend-1"
    assert data["original_command_id"] == first.json()["published"]["id"]
    assert {"id": opened["id"], "type": opened["type"]} in data["events"]
    assert data["partner_id"] == PARTNER

    # A third time, for a person: one line says so; still exit 0.
    third = support("publish", "-", "--wait", stdin=command)
    assert third.code == 0, third.stderr
    assert "already handled: request cli-resend-1 was applied" in third.stdout
    assert opened["id"] in third.stdout

    shown = support("show", "ticket", opened["data"]["ticket_id"], "--json")
    assert shown.code == 0 and shown.json()["version"] == 1  # opened once, nothing more


def test_a_refused_command_published_twice_is_told_the_refusal_both_times(support):
    unknown = opening("cli-resend-2")
    unknown["data"]["tenant_id"] = "tenant-unknown-5501"
    command = json.dumps(unknown)
    first = support("publish", "-", "--wait", "--json", stdin=command)
    assert first.code == 4, (first.stdout, first.stderr)
    refused = first.json()["outcome"]
    assert refused["type"] == "support.ticket.action_refused"

    again = support("publish", "-", "--wait", "--json", stdin=command)

    assert again.code == 4, (again.stdout, again.stderr)
    answer = again.json()["outcome"]
    assert answer["type"] == ANSWER and answer["data"]["outcome"] == "refused"
    assert answer["data"]["reasons"] == refused["data"]["reasons"]
    assert answer["data"]["events"] == [{"id": refused["id"], "type": refused["type"]}]
