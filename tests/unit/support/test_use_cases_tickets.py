"""Ticket use cases on the in-memory store: opening, refusals, acting, visibility."""

from __future__ import annotations

from datetime import timedelta

import pytest

from services.support.application import tickets
from shared.contracts import support as c
from shared.errors import MessageRejected
from tests.unit.support.world import (
    OTHER,
    PARTNER,
    TENANT,
    VENDOR,
    World,
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


def only(w: World, kind: str) -> dict:
    found = w.published(kind)
    assert len(found) == 1, [e.type for e in w.published()]
    return found[0].data


async def test_an_s3_ticket_opens_with_a_number_and_a_response_clock(world: World):
    await run(world, tickets.open_ticket, open_command())
    opened = only(world, "support.ticket.opened")
    assert opened["ticket_number"] == "NA00000001"
    assert opened["severity"] == "S3"
    assert opened["tenant_id"] == TENANT
    assert opened["calendar_source"] == "customer"
    # Monday 10:00 London + 8 business hours = Tuesday 10:00 London (GMT in March).
    assert opened["response_due_at"] == "2027-03-09T10:00:00Z"
    assert opened["title"] == "Calls to one site have no audio."
    ticket_id = tickets.ticket_id_for(PARTNER, "r1")
    [doc] = world.stores["support_tickets"].documents.values()
    assert [t.kind for t in doc.timers] == ["response_breach"]
    assert opened["ticket_id"] == ticket_id


async def test_a_redelivered_open_command_creates_one_ticket(world: World):
    cmd = open_command()
    cause = world.envelope(cmd)
    await tickets.open_ticket(world.support, cause, cmd)
    await tickets.open_ticket(world.support, cause, cmd)
    await run(world, tickets.open_ticket, cmd)  # the same request, another envelope
    assert len(world.stores["support_tickets"].documents) == 1
    assert len(world.published("support.ticket.opened")) == 1
    await run(world, tickets.open_ticket, open_command("r2"))
    numbers = [e.data["ticket_number"] for e in world.published("support.ticket.opened")]
    assert numbers == ["NA00000001", "NA00000002"]
    # Another sender (the vendor taking the partner's call) reusing the partner's request id
    await run(world, tickets.open_ticket, open_command("r1", actor=VENDOR))
    refused = only(world, "support.ticket.action_refused")
    assert refused["code"] == "request_id_reused"
    assert len(world.stores["support_tickets"].documents) == 2


async def test_an_invalid_ticket_is_refused_with_every_reason_and_nothing_is_stored(
    world: World,
):
    bad = open_command(
        contract_number="SC-999",
        channel="fax",
        category="common_fault",
        subkind=None,
        impact={"affected_users": 300},
        description=" ",
    )
    await run(world, tickets.open_ticket, bad)
    refused = only(world, "support.ticket.action_refused")
    assert refused["code"] == "validation_failed"
    codes = {r["code"] for r in refused["reasons"]}
    assert codes == {
        "unknown_contract_number",
        "unknown_channel",
        "subkind_missing",
        "affected_exceeds_total",
        "invalid_description",
    }
    assert refused["ticket_id"] == tickets.ticket_id_for(PARTNER, "r1")
    # no ticket: only the refusal record keeping the command's tracking id
    assert [d.exists for d in world.stores["support_tickets"].documents.values()] == [False]
    await run(world, tickets.open_ticket, open_command("r2"))
    assert only(world, "support.ticket.opened")["ticket_number"] == "NA00000001"


async def test_a_ticket_for_another_partners_tenant_is_refused(world: World):
    cmd = open_command(partner_id=OTHER, actor=partner_actor("user-2002", OTHER))
    await run(world, tickets.open_ticket, cmd)
    refused = only(world, "support.ticket.action_refused")
    assert [r["code"] for r in refused["reasons"]] == ["unknown_tenant"]
    # no ticket: only the refusal record keeping the command's tracking id
    assert [d.exists for d in world.stores["support_tickets"].documents.values()] == [False]


async def test_a_partner_user_cannot_open_for_another_partner(world: World):
    await run(world, tickets.open_ticket, open_command(actor=partner_actor("u", OTHER)))
    assert only(world, "support.ticket.action_refused")["code"] == "forbidden"


async def test_share_impact_uses_the_customers_users_from_onboarding(world: World):
    # 150 of the 200 users onboarding told us about: exactly 3/4 is Large, not Widespread.
    await run(
        world,
        tickets.open_ticket,
        open_command(impact={"affected_users": 150}, urgency="critical", channel="phone"),
    )
    opened = only(world, "support.ticket.opened")
    assert (opened["impact"], opened["severity"]) == ("large", "S1")
    assert (opened["affected_users"], opened["total_users"]) == (150, 200)


async def test_acting_on_another_partners_ticket_reveals_nothing(world: World):
    await run(world, tickets.open_ticket, open_command())
    ticket_id = tickets.ticket_id_for(PARTNER, "r1")
    cmd = c.CloseTicket(request_id="x", actor=partner_actor("u", OTHER), ticket_id=ticket_id)
    with pytest.raises(MessageRejected) as error:
        await run(world, tickets.close, cmd)
    assert error.value.code == "unknown_ticket"


async def test_a_partner_cannot_acknowledge(world: World):
    await run(world, tickets.open_ticket, open_command())
    ticket_id = tickets.ticket_id_for(PARTNER, "r1")
    cmd = c.AcknowledgeTicket(request_id="a1", actor=partner_actor(), ticket_id=ticket_id)
    await run(world, tickets.acknowledge, cmd)
    assert only(world, "support.ticket.action_refused")["code"] == "not_authorised"


async def test_a_full_life_with_two_waits_on_the_partner(world: World):
    await run(world, tickets.open_ticket, open_command())
    tid = tickets.ticket_id_for(PARTNER, "r1")
    vendor = {"actor": VENDOR, "ticket_id": tid}
    await run(world, tickets.acknowledge, c.AcknowledgeTicket(request_id="1", **vendor))
    await run(world, tickets.start_work, c.StartWorkOnTicket(request_id="2", **vendor))
    for cycle in range(2):
        await run(
            world,
            tickets.wait_on_partner,
            c.WaitOnPartner(request_id=f"w{cycle}", reason="need a trace", **vendor),
        )
        await world.tick(timedelta(hours=1))
        await run(
            world,
            tickets.partner_responded,
            c.RecordPartnerResponse(request_id=f"p{cycle}", actor=partner_actor(), ticket_id=tid),
        )
    await run(
        world,
        tickets.resolve,
        c.ResolveTicket(request_id="3", resolution="fixed", summary="codec fixed", **vendor),
    )
    resolved = only(world, "support.ticket.resolved")
    assert resolved["waiting_cycles"] == 2
    assert resolved["waited_seconds"] == 7200.0
    assert only(world, "support.ticket.acknowledged")["objective_met"] is True
    await run(
        world,
        tickets.close,
        c.CloseTicket(request_id="4", actor=partner_actor(), ticket_id=tid),
    )
    assert only(world, "support.ticket.closed")["side"] == "partner"
    assert not world.stores["support_tickets"].documents[tid].timers


async def test_an_unknown_resolution_is_refused_with_its_reason(world: World):
    await run(world, tickets.open_ticket, open_command())
    tid = tickets.ticket_id_for(PARTNER, "r1")
    vendor = {"actor": VENDOR, "ticket_id": tid}
    await run(world, tickets.acknowledge, c.AcknowledgeTicket(request_id="1", **vendor))
    await run(world, tickets.start_work, c.StartWorkOnTicket(request_id="2", **vendor))
    await run(
        world,
        tickets.resolve,
        c.ResolveTicket(request_id="3", resolution="magic", summary="x", **vendor),
    )
    refused = only(world, "support.ticket.action_refused")
    assert [r["code"] for r in refused["reasons"]] == ["unknown_resolution"]
    assert refused["status"] == "in_progress"


async def test_without_a_named_contact_the_partners_escalation_team_is_used(world: World):
    from services.support.application import partners

    await run(world, tickets.open_ticket, open_command("r0", contact=None))
    refused = only(world, "support.ticket.action_refused")
    assert [r["code"] for r in refused["reasons"]] == ["contact_missing"]
    team = {"name": "Partner Escalations", "phone": "020 7946 0999", "email": "esc@p.example.com"}
    bad = c.SetEscalationContact(
        request_id="e0", actor=partner_actor(), partner_id=PARTNER, contact={**team, "phone": "1"}
    )
    await run(world, partners.set_escalation_contact, bad)
    assert only(world, "support.partner.action_refused")["reasons"][0]["code"] == "invalid_phone"
    setting = c.SetEscalationContact(
        request_id="e1", actor=partner_actor(), partner_id=PARTNER, contact=team
    )
    await run(world, partners.set_escalation_contact, setting)
    assert only(world, "support.partner.escalation_contact_set")["contact"]["phone"] == (
        "+442079460999"  # national number read in the partner's country (the default GB)
    )
    await run(world, tickets.open_ticket, open_command("r1", contact=None))
    opened = only(world, "support.ticket.opened")
    assert opened["contact"]["kind"] == "escalation_team"
    other = c.SetEscalationContact(
        request_id="e2", actor=partner_actor("u", OTHER), partner_id=PARTNER, contact=team
    )
    await run(world, partners.set_escalation_contact, other)
    codes = [e.data["code"] for e in world.published("support.partner.action_refused")]
    assert sorted(codes) == ["forbidden", "validation_failed"]
