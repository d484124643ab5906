"""Porting: an earlier command never stands in for a different one with the same id.

Found reviewing issue 7 §4 (tracking and derived ids): a second submission under a
request id already used created nothing, yet claimed its numbers for the first request;
and a precheck answer's id came from the request id alone, so consumers dropped the
answer to a different precheck as a duplicate.
"""

from __future__ import annotations

import pytest

from services.porting.app import NAME, wire
from services.porting.settings import PortingSettings
from shared.contracts.porting import PrecheckPortRequest
from shared.topics import PORTING_COMMANDS, PORTING_EVENTS
from tests.integration.bus import running_service
from tests.integration.porting.test_port_lifecycle import PARTNER, submission

pytestmark = pytest.mark.integration

FIRST = ["+442079460300", "+442079460301"]
SECOND = ["+442079460310"]


async def test_a_different_submission_reusing_a_request_id_is_rejected_and_claims_nothing(
    bus, mongo_url, mongo_db
):
    async with running_service(NAME, PortingSettings, wire, bus, mongo_url, mongo_db.name):
        first = await bus.send(PORTING_COMMANDS.name, submission("req-1", FIRST), subject=PARTNER)
        [submitted] = await bus.expect(PORTING_EVENTS.name, "porting.port.submitted")
        await bus.send_raw(PORTING_COMMANDS.name, PARTNER, first.to_json())  # redelivered
        await bus.send(PORTING_COMMANDS.name, submission("req-1", SECOND), subject=PARTNER)
        [rejected] = await bus.expect(PORTING_EVENTS.name, "porting.command.rejected")
        # The numbers of the rejected one are free: a new request takes them.
        await bus.send(PORTING_COMMANDS.name, submission("req-2", SECOND), subject=PARTNER)
        submissions = await bus.expect(PORTING_EVENTS.name, "porting.port.submitted", count=2)

    assert rejected.data["code"] == "request_id_reused"
    assert [r["field"] for r in rejected.data["reasons"]] == ["request_id"]
    assert "draft:" not in rejected.data["reasons"][0]["message"]  # no internal ids
    assert submitted.data["numbers"] == FIRST
    assert [s.data["numbers"] for s in submissions] == [FIRST, SECOND]
    assert [s.subject for s in submissions].count(submitted.subject) == 1
    owners = {d["_id"]: d["port_id"] async for d in mongo_db["number_claims"].find({})}
    second = next(s.subject for s in submissions if s.data["numbers"] == SECOND)
    assert owners == {**dict.fromkeys(FIRST, submitted.subject), SECOND[0]: second}


async def test_two_different_prechecks_under_one_request_id_get_two_answers(
    bus, mongo_url, mongo_db
):
    async with running_service(NAME, PortingSettings, wire, bus, mongo_url, mongo_db.name):
        for numbers in (FIRST, [*SECOND, "+493012345678"]):
            precheck = submission("pre-1", numbers).model_dump(exclude={"comment"})
            await bus.send(
                PORTING_COMMANDS.name,
                PrecheckPortRequest.model_validate(precheck),
                subject=PARTNER,
            )
        answers = await bus.expect(PORTING_EVENTS.name, "porting.port.prechecked", count=2)

    assert len({a.id for a in answers}) == 2
    assert sorted(a.data["portable"] for a in answers) == [False, True]
