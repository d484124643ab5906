"""Support on the real servers: two instances in one consumer group, breach and escalation
as the platform clock moves, a redelivered command, refusals and dead letters."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

import pytest

from services.support.app import NAME, wire
from services.support.settings import SupportSettings
from shared.store import EXISTING
from shared.topics import SUPPORT_COMMANDS, SUPPORT_EVENTS
from tests.integration.bus import running_service
from tests.integration.support.steps import (
    OTHER,
    OTHER_TENANT,
    PARTNER,
    actor,
    open_ticket,
    seed_customer,
    tenant_known,
)

pytestmark = pytest.mark.integration

EVENTS = SUPPORT_EVENTS.name
COMMANDS = SUPPORT_COMMANDS.name
MORE = 12


def types(events, kind):
    return [e for e in events if e.type == kind]


async def test_two_instances_breach_once_and_escalate_once_per_level(bus, mongo_url, mongo_db):
    def service():
        return running_service(
            NAME, SupportSettings, wire, bus, mongo_url, mongo_db.name, demo_clock=True
        )

    async with service(), service():
        await seed_customer(bus)
        await tenant_known(mongo_db)
        command = await bus.send(COMMANDS, open_ticket("req-1"), subject=PARTNER)
        [opened] = await bus.expect(EVENTS, "support.ticket.opened")
        await bus.send_raw(COMMANDS, PARTNER, command.to_json())  # redelivered
        again = await bus.send(COMMANDS, open_ticket("req-1"), subject=PARTNER)  # sent again
        # S4 questions keyed apart, so both instances open tickets (and take numbers) at once
        for i in range(MORE):
            low = open_ticket(f"s4-{i}", impact="localized", urgency="low", channel="online")
            await bus.send(COMMANDS, low, subject=f"s4-{i}")
        await bus.expect(EVENTS, "support.ticket.opened", count=1 + MORE)
        await bus.advance(timedelta(minutes=15))
        await bus.advance(timedelta(seconds=1))
        [breach] = await bus.expect(EVENTS, "support.ticket.response_breached")
        await bus.expect(EVENTS, "support.ticket.escalated")
        await bus.advance(timedelta(minutes=30))
        await bus.expect(EVENTS, "support.ticket.escalated", count=2)
        await bus.advance(timedelta(hours=2))
        await bus.expect(EVENTS, "support.ticket.escalated", count=3)
        await bus.advance(timedelta(hours=6))
        await asyncio.sleep(2)  # both instances' pollers have had their chance
        events = await bus.events(EVENTS)

    assert opened.data["severity"] == "S1"
    assert opened.data["ticket_number"] == "NA00000001"
    assert breach.data["breached_at"] == "2031-03-03T08:15:00.001000Z"  # opened 08:00
    numbers = sorted(e.data["ticket_number"] for e in types(events, "support.ticket.opened"))
    assert numbers == [f"NA{n:08d}" for n in range(1, MORE + 2)]  # one each, none twice
    assert len(types(events, "support.ticket.response_breached")) == 1
    escalated = types(events, "support.ticket.escalated")
    assert [e.data["level"] for e in escalated] == [1, 2, 3]
    assert await mongo_db["support_tickets"].count_documents(EXISTING) == 1 + MORE
    # the command sent again was answered (issue 13), under one id, naming the opening
    answers = types(events, "support.command.already_handled")
    assert len({a.id for a in answers}) == 1
    answer = answers[0]
    assert answer.causationid == again.id and answer.data["original_command_id"] == command.id
    assert {"id": opened.id, "type": opened.type} in answer.data["events"]


async def test_bad_tickets_are_refused_with_reasons_and_nothing_is_stored(bus, mongo_url, mongo_db):
    async with running_service(NAME, SupportSettings, wire, bus, mongo_url, mongo_db.name):
        await seed_customer(bus)
        await seed_customer(bus, OTHER_TENANT, OTHER, "DE")
        await tenant_known(mongo_db)
        await tenant_known(mongo_db, OTHER_TENANT)
        await bus.send(
            COMMANDS,
            open_ticket("bad-1", contract_number="SC-NOPE", category="gossip", urgency="soon"),
            subject=PARTNER,
        )
        await bus.send(COMMANDS, open_ticket("bad-2", tenant_id=OTHER_TENANT), subject=PARTNER)
        malformed = json.loads(open_ticket("bad-3").model_dump_json())
        del malformed["tenant_id"]
        malformed["impact"] = 7
        envelope = (await bus.send(COMMANDS, open_ticket("ok-1"), subject=PARTNER)).model_copy(
            update={"id": "bad-3-envelope", "data": malformed}
        )
        await bus.send_raw(COMMANDS, PARTNER, envelope.to_json())
        [rejected] = await bus.expect(EVENTS, "support.command.rejected")
        parked = await bus.wait_records(COMMANDS + ".dlq", 1)
        [opened] = await bus.expect(EVENTS, "support.ticket.opened")
        # Another partner's user may not open this partner's tickets.
        steal = open_ticket("steal", actor=actor(OTHER, "user-7002-a"))
        await bus.send(COMMANDS, steal, subject=PARTNER)
        refusals = await bus.expect(EVENTS, "support.ticket.action_refused", count=3)

    by_request = {r.data["request_id"]: r.data for r in refusals}
    codes = {x["code"] for x in by_request["bad-1"]["reasons"]}
    assert codes == {"unknown_contract_number", "unknown_category", "unknown_urgency"}
    assert [x["code"] for x in by_request["bad-2"]["reasons"]] == ["unknown_tenant"]
    assert by_request["steal"]["code"] == "forbidden"
    assert {x["field"] for x in rejected.data["reasons"]} >= {"tenant_id"}
    assert dict(parked[0].headers)["x-dlq-error-code"] == b"invalid_data"
    # one ticket; the refused openings left only refusal records (their tracking ids)
    assert await mongo_db["support_tickets"].count_documents(EXISTING) == 1
    assert await mongo_db["support_tickets"].count_documents({"state": None}) == 3
    assert opened.data["ticket_number"] == "NA00000001"
