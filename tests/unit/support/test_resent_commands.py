"""Issue 13 in support: a ticket opening sent again under a new CloudEvents id (same
partner, same request id) opens nothing and is answered `support.command.already_handled`
naming the opened ticket's events; a refused opening's resend is told the refusal."""

from __future__ import annotations

import pytest

from services.support.application import tickets
from tests.unit.support.world import World, open_command, seed_tenant

pytestmark = pytest.mark.unit

ANSWER = "support.command.already_handled"


async def test_a_resent_opening_opens_nothing_and_is_answered_with_the_opening():
    world = World()
    await seed_tenant(world)
    command = open_command("req-resend-1")
    first = world.envelope(command)
    await tickets.open_ticket(world.support, first, command)
    opened = world.published()
    assert "support.ticket.opened" in [e.type for e in opened]

    again = world.envelope(command)
    await tickets.open_ticket(world.support, again, command)

    [answer] = world.published(ANSWER)
    assert answer.causationid == again.id and answer.correlationid == again.correlation
    assert answer.data["outcome"] == "applied" and answer.data["entity"] == "ticket"
    assert answer.data["events"] == [{"id": e.id, "type": e.type} for e in opened]
    assert len(world.published("support.ticket.opened")) == 1
    assert len(world.stores["support_tickets"].documents) == 1


async def test_a_resent_refused_opening_is_told_the_refusal_even_once_the_tenant_is_known():
    world = World()
    command = open_command("req-resend-2")
    await tickets.open_ticket(world.support, world.envelope(command), command)
    [refused] = world.published("support.ticket.action_refused")
    await seed_tenant(world)

    await tickets.open_ticket(world.support, world.envelope(command), command)

    [answer] = world.published(ANSWER)
    assert answer.data["outcome"] == "refused"
    assert [r["code"] for r in answer.data["reasons"]] == ["unknown_tenant"]
    assert answer.data["events"] == [{"id": refused.id, "type": refused.type}]
    assert world.published("support.ticket.opened") == []
