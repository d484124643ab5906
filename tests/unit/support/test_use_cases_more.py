"""Incidents, capacity, COP uploads and queries through the use cases (in memory)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from services.support.application import incidents, queries, requests, tickets
from services.support.application.payloads import CONTRACTS
from services.support.entrypoints import ROUTES
from shared.contracts import support as c
from shared.errors import MessageRejected
from tests.unit.support.world import (
    LEAD,
    OTHER,
    PARTNER,
    START,
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


def last(w: World, kind: str) -> dict[str, Any]:
    found = w.published(kind)
    assert found, w.types()
    return found[-1].data


def test_every_command_has_a_route_and_every_published_event_a_mapping():
    routed = {model for _, model, _ in ROUTES}
    assert set(c.COMMANDS) <= routed
    mapped = set(CONTRACTS.values()) | set(c.ANSWERS)
    refusals = {m for m in c.PUBLISHED if m.EVENT_TYPE.endswith("action_refused")}
    assert set(c.PUBLISHED) - refusals <= mapped


async def test_an_incident_is_declared_linked_and_resolved(world: World):
    await run(world, tickets.open_ticket, open_command(impact="widespread", urgency="critical"))
    tid = tickets.ticket_id_for(PARTNER, "r1")
    declare = c.DeclareIncident(
        request_id="i1",
        actor=VENDOR,
        severity="S1",
        title="Calls fail in EU",
        summary="Calls to and from EU numbers fail.",
        regions=["EU"],
    )
    await run(world, incidents.declare, declare)
    declared = last(world, "support.incident.declared")
    iid = declared["incident_id"]
    assert declared["regions"] == ["EU"] and declared["partner_ids"] == []
    link = c.LinkTicketToIncident(request_id="l1", actor=VENDOR, ticket_id=tid, incident_id=iid)
    await run(world, incidents.link_ticket, link)
    assert last(world, "support.incident.ticket_linked")["partner_ids"] == [PARTNER]
    assert last(world, "support.ticket.incident_linked")["incident_id"] == iid
    update = c.UpdateIncident(request_id="u1", actor=VENDOR, incident_id=iid, update="Fix found")
    await run(world, incidents.update, update)
    await world.tick(timedelta(hours=2))
    resolve = c.ResolveIncident(request_id="z", actor=VENDOR, incident_id=iid, summary="Fixed")
    await run(world, incidents.resolve, resolve)
    resolved = last(world, "support.incident.resolved")
    assert resolved["duration_seconds"] == 7200.0
    assert resolved["linked_tickets"] == ["NA00000001"]
    await run(world, tickets.open_ticket, open_command("r2"))
    late = c.LinkTicketToIncident(
        request_id="l2", actor=VENDOR, ticket_id=tickets.ticket_id_for(PARTNER, "r2"),
        incident_id=iid,
    )  # fmt: skip
    await run(world, incidents.link_ticket, late)
    assert last(world, "support.incident.action_refused")["code"] == "illegal_transition"
    assert len(world.published("support.ticket.incident_linked")) == 1


async def test_a_partner_cannot_declare_an_incident(world: World):
    declare = c.DeclareIncident(
        request_id="i1", actor=partner_actor(), severity="S1", title="x", summary="y",
        partner_ids=[PARTNER],
    )  # fmt: skip
    await run(world, incidents.declare, declare)
    assert last(world, "support.incident.action_refused")["code"] == "forbidden"
    # no incident: only the refusal record keeping the command's tracking id
    assert [d.exists for d in world.stores["support_incidents"].documents.values()] == [False]


async def test_capacity_beyond_the_confirmed_is_refused_until_confirmed(world: World):
    counts = {"tenant_id": TENANT, "actor": partner_actor()}
    await run(
        world,
        requests.record_activation,
        c.RecordActivationCapacity(
            request_id="a", knowledge_workers=50, workspace_devices=5, **counts
        ),
    )
    assert last(world, "support.capacity.activation_recorded")["knowledge_workers"] == 50
    await run(
        world,
        requests.request_change,
        c.RequestCapacityChange(
            request_id="ch1", knowledge_workers=80, workspace_devices=5, **counts
        ),
    )
    check = c.CheckCapacity(request_id="k1", knowledge_workers=80, workspace_devices=5, **counts)
    await run(world, requests.check, check)
    checked = last(world, "support.capacity.checked")
    assert checked["within"] is False
    assert [r["code"] for r in checked["reasons"]] == ["beyond_confirmed_capacity"]
    confirm = c.ConfirmCapacityChange(
        request_id="v1", actor=VENDOR, tenant_id=TENANT, change_id="ch1"
    )
    await run(world, requests.confirm_change, confirm)
    assert last(world, "support.capacity.change_confirmed")["change_id"] == "ch1"
    await run(world, requests.check, check.model_copy(update={"request_id": "k2"}))
    assert last(world, "support.capacity.checked")["within"] is True


async def test_a_cop_upload_is_requested_and_confirmed(world: World):
    ask = c.RequestCopUpload(
        request_id="cop1",
        actor=partner_actor(),
        tenant_id=TENANT,
        file_name="cmterm-78xx.14-2.cop.sgn",
        purpose="phone_firmware",
    )
    await run(world, requests.request_cop_upload, ask)
    upload_id = last(world, "support.cop_upload.requested")["upload_id"]
    confirm = c.ConfirmCopUpload(
        request_id="v", actor=VENDOR, upload_id=upload_id, location="/uploads/x.cop.sgn"
    )
    await run(world, requests.confirm_cop_upload, confirm)
    assert "installs" in last(world, "support.cop_upload.confirmed")["install_notice"]
    bad = ask.model_copy(update={"request_id": "cop2", "file_name": "../evil.exe"})
    await run(world, requests.request_cop_upload, bad)
    refused = last(world, "support.cop_upload.action_refused")
    assert [r["code"] for r in refused["reasons"]] == ["not_a_cop_file"]


async def test_visibility_own_tickets_lead_sees_all_nobody_sees_another_partners(world: World):
    await run(world, tickets.open_ticket, open_command("r1"))
    colleague = partner_actor("user-1001-b")
    await run(world, tickets.open_ticket, open_command("r2", actor=colleague))

    async def listed(actor: dict[str, Any], rid: str) -> list[str]:
        await run(world, queries.list_tickets, c.ListTickets(request_id=rid, actor=actor))
        return [t["ticket_number"] for t in last(world, "support.tickets.listed")["tickets"]]

    assert await listed(partner_actor(), "q1") == ["NA00000001"]
    assert sorted(await listed(partner_actor(LEAD, PARTNER, "support_lead"), "q2")) == [
        "NA00000001",
        "NA00000002",
    ]
    assert await listed(partner_actor("u", OTHER, "support_lead"), "q3") == []
    assert len(await listed(VENDOR, "q4")) == 2


async def test_the_response_report_counts_s3_tickets_acknowledged_in_time(world: World):
    await run(world, tickets.open_ticket, open_command("r1"))
    await run(world, tickets.open_ticket, open_command("r2"))
    t1 = tickets.ticket_id_for(PARTNER, "r1")
    ack = c.AcknowledgeTicket(request_id="a", actor=VENDOR, ticket_id=t1)
    await run(world, tickets.acknowledge, ack)
    await world.tick(timedelta(days=2))  # the second is past due: missed
    period = {"period_start": START - timedelta(days=1), "period_end": START + timedelta(days=1)}
    ask = c.RequestResponseReport(request_id="rep", actor=partner_actor(), **period)
    await run(world, queries.response_objective_report, ask)
    [line] = last(world, "support.response_report.answered")["lines"]
    assert (line["total"]["met"], line["total"]["missed"]) == (1, 1)
    assert line["total"]["share_met"] == 0.5 and line["meets_target"] is False
    other = c.RequestResponseReport(
        request_id="rep2", actor=partner_actor("u", OTHER), partner_id=PARTNER, **period
    )
    with pytest.raises(MessageRejected):
        await run(world, queries.response_objective_report, other)


async def test_tenants_are_listed_for_their_partner_only(world: World):
    await run(world, queries.list_tenants, c.ListTenants(request_id="t", actor=partner_actor()))
    [tenant] = last(world, "support.tenants.listed")["tenants"]
    assert (tenant["tenant_id"], tenant["users"]) == (TENANT, 200)
    other = c.ListTenants(request_id="t2", actor=partner_actor("u", OTHER))
    await run(world, queries.list_tenants, other)
    assert last(world, "support.tenants.listed")["tenants"] == []
