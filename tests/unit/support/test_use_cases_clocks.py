"""Breaches, escalation levels and severity changes through the use cases and timers."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from services.support.application import tenants, tickets
from shared.contracts import support as c
from tests.unit.support.world import (
    CUSTOMER,
    PARTNER,
    TENANT,
    VENDOR,
    World,
    customer_facts,
    open_command,
    partner_actor,
    run,
    seed_tenant,
)

pytestmark = pytest.mark.unit


@pytest.fixture
async def world() -> World:
    w = World()
    await seed_tenant(w)
    return w


S1 = {"impact": "widespread", "urgency": "critical", "channel": "phone"}


async def test_an_unacknowledged_s1_breaches_once_and_walks_every_level_once(world: World):
    await run(world, tickets.open_ticket, open_command(**S1))
    await world.tick(timedelta(minutes=15))
    assert not world.published("support.ticket.response_breached")  # due instant meets
    await world.tick(timedelta(milliseconds=1))
    [breach] = world.published("support.ticket.response_breached")
    assert breach.data["breached_at"] == "2027-03-08T10:15:00.001000Z"
    levels = [e.data["level"] for e in world.published("support.ticket.escalated")]
    assert levels == [1]  # the first level's delay is 0
    await world.tick(timedelta(minutes=30))
    await world.tick(timedelta(hours=5))
    escalated = world.published("support.ticket.escalated")
    assert [e.data["level"] for e in escalated] == [1, 2, 3]
    assert [e.data["level_name"] for e in escalated][-1] == "head of support"
    assert escalated[1].data["reached_at"] == "2027-03-08T10:45:00.001000Z"
    await world.tick(timedelta(days=3))
    assert len(world.published("support.ticket.response_breached")) == 1
    assert len(world.published("support.ticket.escalated")) == 3


async def test_acknowledged_in_time_nothing_breaches(world: World):
    await run(world, tickets.open_ticket, open_command(**S1))
    tid = tickets.ticket_id_for(PARTNER, "r1")
    await world.tick(timedelta(minutes=14))
    await run(
        world, tickets.acknowledge, c.AcknowledgeTicket(request_id="a", actor=VENDOR, ticket_id=tid)
    )
    await world.tick(timedelta(minutes=30))
    assert not world.published("support.ticket.response_breached")
    assert world.published("support.ticket.acknowledged")[0].data["objective_met"] is True


async def test_a_raised_severity_replans_the_response_clock_from_the_change(world: World):
    await run(world, tickets.open_ticket, open_command())  # S3: due Tuesday 10:00
    tid = tickets.ticket_id_for(PARTNER, "r1")
    await world.tick(timedelta(hours=1))
    raise_it = c.ChangeTicketSeverity(
        request_id="s",
        actor=partner_actor(),
        ticket_id=tid,
        impact="widespread",
        urgency="critical",
    )
    await run(world, tickets.change_severity, raise_it)
    changed = world.published("support.ticket.severity_changed")[0].data
    assert (changed["previous_severity"], changed["severity"]) == ("S3", "S1")
    assert changed["response_due_at"] == "2027-03-08T11:15:00Z"
    await world.tick(timedelta(minutes=16))
    [breach] = world.published("support.ticket.response_breached")
    assert breach.data["plan"] == 2


async def test_a_partner_may_not_lower_the_severity(world: World):
    await run(world, tickets.open_ticket, open_command())
    tid = tickets.ticket_id_for(PARTNER, "r1")
    lower = c.ChangeTicketSeverity(
        request_id="s", actor=partner_actor(), ticket_id=tid, impact="individualized", urgency="low"
    )
    await run(world, tickets.change_severity, lower)
    refused = world.published("support.ticket.action_refused")[0].data
    assert refused["code"] == "severity_change_refused"


async def test_an_s3_opened_on_friday_evening_is_due_on_monday_afternoon():
    w = World()
    w.clock.set(w.clock.now() + timedelta(days=4, hours=8))  # Friday 18:00 London
    await seed_tenant(w)
    await run(w, tickets.open_ticket, open_command())
    opened = w.published("support.ticket.opened")[0].data
    assert opened["response_clock_starts_at"] == "2027-03-15T09:00:00Z"
    assert opened["response_due_at"] == "2027-03-15T17:00:00Z"


async def test_onboarding_facts_out_of_order_and_twice_converge():
    w = World()
    at = w.clock.now() - timedelta(days=1)
    recorded, related, assigned, licences = customer_facts(at, country="DE")
    facts: list[tuple[Any, Any]] = [
        (tenants.customer_fact, assigned),
        (tenants.customer_fact, related),
        (tenants.customer_fact, recorded),
        (tenants.customer_fact, licences),
    ]
    causes = [w.envelope(event) for _, event in facts]
    in_order = World()
    for (use_case, event), cause in zip(facts, causes, strict=True):
        await use_case(in_order.support, cause, event)
    for (use_case, event), cause in reversed(list(zip(facts, causes, strict=True))):
        await use_case(w.support, cause, event)
    for (use_case, event), cause in zip(facts, causes, strict=True):
        await use_case(w.support, cause, event)
    [record] = await w.support.directory.tenants_of(PARTNER)
    assert [record] == await in_order.support.directory.tenants_of(PARTNER)
    assert (record.tenant, record.name, record.place and record.place.country) == (
        TENANT,
        f"Fictional {CUSTOMER} Ltd",
        "DE",
    )
    assert record.number_of_users == 200
    await run(w, tickets.open_ticket, open_command())
    assert w.published("support.ticket.opened")[0].data["time_zone"] == "Europe/Berlin"
