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


async def test_a_refused_link_redelivered_or_resent_does_not_link_the_ticket_afterwards():
    """Found while building issue 13: the incident refused the link (resolved), so the
    ticket step was skipped — but a redelivery found the incident's tracking id, was
    UNCHANGED, not REFUSED, and linked the ticket to the resolved incident. A handled
    command's receipt now tells the use case it was refused."""
    from services.support.application import incidents
    from shared.contracts import support as c
    from tests.unit.support.world import PARTNER, VENDOR, run

    world = World()
    await seed_tenant(world)
    declare = c.DeclareIncident(
        request_id="i1", actor=VENDOR, severity="S1", title="t", summary="s", regions=["EU"]
    )
    await run(world, incidents.declare, declare)
    incident_id = world.published("support.incident.declared")[-1].data["incident_id"]
    resolve = c.ResolveIncident(request_id="z", actor=VENDOR, incident_id=incident_id, summary="x")
    await run(world, incidents.resolve, resolve)
    await run(world, tickets.open_ticket, open_command("r2"))
    late = c.LinkTicketToIncident(
        request_id="l2",
        actor=VENDOR,
        ticket_id=tickets.ticket_id_for(PARTNER, "r2"),
        incident_id=incident_id,
    )
    first = await run(world, incidents.link_ticket, late)
    [refused] = world.published("support.incident.action_refused")

    await incidents.link_ticket(world.support, first, late)  # redelivered
    await run(world, incidents.link_ticket, late)  # resent under a new id

    assert world.published("support.ticket.incident_linked") == []
    [answer] = world.published(ANSWER)
    assert answer.data["outcome"] == "refused" and answer.data["events"][0]["id"] == refused.id
