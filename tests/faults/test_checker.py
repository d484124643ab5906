"""The fault run's own parts that need no server: the plan and the checker's counting."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime

import pytest

from tests.faults import checker
from tests.faults.eventlog import EventLog
from tests.faults.generator import Expectation, Flows, plan

pytestmark = pytest.mark.unit


def test_the_plan_follows_from_the_seed_alone_and_mixes_every_kind():
    first, again, other = plan(7, 2000), plan(7, 2000), plan(8, 2000)
    assert first == again
    assert first.flows != other.flows
    assert 2000 <= first.events < 2020
    kinds = Counter(f.kind for f in first.flows)
    assert set(kinds) == {"customer", "port", "maintenance"}
    numbers = [n for f in first.flows for n in f.params.get("numbers", [])]
    assert len(numbers) == len(set(numbers))  # one port request per number


def _log(*events: tuple[str, str, str]) -> EventLog:
    log = EventLog("unused:9092", "p.")
    for event_id, type_, subject in events:
        body = {"id": event_id, "type": type_, "subject": subject, "data": {}}
        log._event(json.dumps(body).encode(), 0.0)
    return log


def _flows(log: EventLog, *expected: Expectation) -> Flows:
    async def send(*_: object) -> None:
        raise AssertionError("not sent")

    flows = Flows(plan(1, 50), send, log, lambda: datetime(2030, 12, 2, tzinfo=UTC))
    flows.expectations = list(expected)
    return flows


def test_a_missing_fact_is_lost_and_a_fact_under_two_ids_is_a_duplicated_effect():
    log = _log(
        ("e1", "porting.port.submitted", "PRT-1"),
        ("e1", "porting.port.submitted", "PRT-1"),  # a redelivered copy: not an effect
        ("e2", "porting.port.accepted", "PRT-1"),
        ("e3", "porting.port.accepted", "PRT-1"),  # the same change made twice
    )
    flows = _flows(
        log,
        Expectation("port-1", "porting.port.submitted", "PRT-1"),
        Expectation("port-1", "porting.port.accepted", "PRT-1"),
        Expectation("port-2", "porting.port.submitted", "PRT-2"),
    )
    verdict = checker.Verdict()
    checker.check_facts(flows, log, verdict)
    assert verdict.facts_lost == ["port-2: porting.port.submitted PRT-2"]
    assert len(verdict.facts_duplicated) == 1
    assert verdict.event_copies_redelivered == 1
    assert (verdict.lost, verdict.duplicated, verdict.ok) == (1, 1, False)


def test_mails_count_distinct_message_ids_per_recipient_and_copies_apart():
    log = _log()
    flows = _flows(log)
    flows.mails = {"a@desk.example.net": 2, "b@desk.example.net": 1}
    messages = [
        {"MessageID": "m1", "To": [{"Address": "a@desk.example.net"}]},
        {"MessageID": "m1", "To": [{"Address": "a@desk.example.net"}]},  # resent copy
        {"MessageID": "m2", "To": [{"Address": "b@desk.example.net"}]},
        {"MessageID": "m3", "To": [{"Address": "b@desk.example.net"}]},
    ]
    verdict = checker.Verdict()
    checker.check_mails(flows, log, messages, verdict)
    assert verdict.mails_lost == {"a@desk.example.net": 1}
    assert verdict.mails_duplicated == {"b@desk.example.net": 1}
    assert verdict.mail_copies_resent == 1
    assert not verdict.ok


def test_a_clean_run_is_ok():
    log = _log(("e1", "porting.port.submitted", "PRT-1"))
    flows = _flows(log, Expectation("port-1", "porting.port.submitted", "PRT-1"))
    verdict = checker.Verdict()
    checker.check_facts(flows, log, verdict)
    checker.check_mails(flows, log, [], verdict)
    assert verdict.ok and verdict.lost == 0 and verdict.duplicated == 0
