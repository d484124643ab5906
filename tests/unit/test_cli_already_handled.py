"""`partnerops publish --wait` and an already-handled answer (issue 13): printed as such,
exit code of the first outcome."""

from __future__ import annotations

from typing import Any

import pytest

from cli.publish import already_handled_line, refuses
from shared.events import Envelope

pytestmark = pytest.mark.unit


def answer(**data: Any) -> Envelope:
    values = {
        "request_id": "r-1",
        "outcome": "applied",
        "original_command_id": "01FIRST",
        "handled_at": "2030-12-02T08:00:00Z",
        "events": [{"id": "e1", "type": "porting.port.drafted"}],
        "events_total": 1,
        **data,
    }
    return Envelope(id="a1", source="/porting", type="porting.command.already_handled", data=values)


def test_an_applied_first_handling_does_not_refuse():
    assert not refuses(answer())
    line = already_handled_line(answer())
    assert "request r-1 was applied under 01FIRST" in line and "porting.port.drafted e1" in line


def test_a_refused_first_handling_refuses_and_names_its_reasons():
    refused = answer(
        outcome="refused",
        code="forbidden",
        reasons=[{"code": "forbidden", "message": "not yours"}],
        events=[{"id": "e9", "type": "porting.port.action_refused"}],
    )
    assert refuses(refused)
    assert "Refused (forbidden): forbidden: not yours" in already_handled_line(refused)


def test_an_applied_change_whose_first_event_refuses_exits_as_it_did_then():
    rejected = answer(events=[{"id": "e2", "type": "porting.port.submission_rejected"}])
    assert refuses(rejected)


def test_other_outcomes_keep_their_rule():
    assert refuses(Envelope(id="x", source="/s", type="support.ticket.action_refused"))
    assert not refuses(Envelope(id="x", source="/s", type="support.ticket.opened"))
    assert "+2 more" in already_handled_line(answer(events_total=3))


def test_a_submission_drafted_then_rejected_refuses_on_resend_and_says_so():
    rejected = answer(
        events=[
            {"id": "e1", "type": "porting.port.drafted"},
            {"id": "e2", "type": "porting.port.submission_rejected"},
        ],
        events_total=2,
    )
    assert refuses(rejected)
    assert "Its decision refused it" in already_handled_line(rejected)
    submitted = answer(
        events=[
            {"id": "e1", "type": "porting.port.drafted"},
            {"id": "e2", "type": "porting.port.submitted"},
        ],
        events_total=2,
    )
    assert not refuses(submitted)
    assert "refused" not in already_handled_line(submitted)
