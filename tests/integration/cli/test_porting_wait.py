"""`publish --wait` on a port submission (newcomer finding, issue 13): a submission's draft
is announced before its decision, so the outcome printed is the decision —
`porting.port.submitted`, or `porting.port.submission_rejected` with exit 4 — never the
draft; the resend's already-handled answer exits the same way. One porting process
started by `partnerops services start` (demonstration clock pinned in 2030)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from shared.actor import Actor
from tests.integration.cli.conftest import Operator, discard, operator_env
from tests.unit.porting.world import submission as porting_submission

pytestmark = pytest.mark.integration

PARTNER = "partner-6601"
ACTOR = {"user_id": "user-6601-a", "partner_id": PARTNER, "roles": []}


def submission(request_id: str, numbers: list[str]) -> str:
    """A UK submission of `numbers` by `PARTNER`, as the JSON `partnerops publish` reads."""
    cmd = porting_submission(request_id, numbers, actor=Actor(**ACTOR))
    data = cmd.model_dump(mode="json", exclude_none=True)
    return json.dumps({"type": "porting.port.submit", "data": data})


@pytest.fixture(scope="module")
def porting(kafka_bootstrap: str, mongo_url: str, tmp_path_factory: Any) -> Iterator[Operator]:
    run_dir: Path = tmp_path_factory.mktemp("run")
    env, prefix, databases = operator_env(kafka_bootstrap, mongo_url, run_dir, "p")
    env["PARTNEROPS_DEMO_CLOCK"] = "true"
    env["PARTNEROPS_DEMO_CLOCK_START"] = "2030-12-02T08:00:00+00:00"
    operator = Operator(env, prefix, databases)
    started = operator("services", "start", "porting", "--json")
    try:
        assert started.code == 0, started.stderr
        yield operator
    finally:
        operator("services", "stop", "--grace", "20")
        discard(operator, mongo_url, kafka_bootstrap)


def test_a_submission_waits_for_its_decision_not_its_draft(porting):
    first = porting(
        "publish", "-", "--wait", "--json", stdin=submission("cli-port-1", ["020 7946 0601"])
    )
    assert first.code == 0, (first.stdout, first.stderr)
    assert first.json()["outcome"]["type"] == "porting.port.submitted"

    # The same number in another request: drafted, then rejected — exit 4, with the reason.
    taken = submission("cli-port-2", ["020 7946 0601"])
    second = porting("publish", "-", "--wait", "--json", stdin=taken)
    assert second.code == 4, (second.stdout, second.stderr)
    outcome = second.json()["outcome"]
    assert outcome["type"] == "porting.port.submission_rejected"
    codes = {r["code"] for r in outcome["data"]["reasons"]}
    assert "number_already_in_active_port" in codes

    # Sent again under a new id: already handled, and refused as it was then.
    again = porting("publish", "-", "--wait", "--json", stdin=taken)
    assert again.code == 4, (again.stdout, again.stderr)
    answer = again.json()["outcome"]
    assert answer["type"] == "porting.command.already_handled"
    types = [e["type"] for e in answer["data"]["events"]]
    assert types == ["porting.port.drafted", "porting.port.submission_rejected"]
    told = porting("publish", "-", "--wait", stdin=taken)
    assert told.code == 4 and "Its decision refused it" in told.stdout
