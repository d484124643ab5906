"""Support's access matrix: every command × every actor kind × own/other tenant, on the
use-case core with the in-memory store.

Rules (spec/domain.md §4, README *Support*; `services/support/domain/access.py`):
- a partner acts only for itself and sees only its own tickets — its distributor is
  another partner and sees none of them; a partner user sees the tickets it raised, its
  support lead (`support_lead`) all of its partner's;
- acknowledging, working, waiting on the partner, status updates, resolving, linking
  to an incident, incidents, confirming or refusing capacity changes and COP uploads
  are the vendor's support centre's (`vendor_support`, no partner); it may also act
  for any partner (open a ticket, record its escalation contact, record a tenant's
  activation capacity, a partner's response, close, reopen, report);
- a partner raises a ticket's severity, the vendor lowers it in triage with a reason;
- a partner names only its own customers' tenants;
- a query answers an actor with what it may see (another partner: its own, nothing of
  the owner's; a capacity check tells the confirmed counts to the tenant's partner and the
  vendor only); an actor with no partner gets no partner's tenant list;
- no other vendor role (`cloud_operations`) and no customer admin acts here.
A ticket another partner names is `unknown_ticket` to it (its existence is not told).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import pytest

from services.support.application import incidents, partners, queries, requests, tickets
from services.support.application import tenants as support_tenants
from services.support.entrypoints import ROUTES
from shared.actor import Actor
from shared.contracts import support as c
from shared.contracts.common import PartnerCommand
from tests.unit.access.matrix import NONE, Cell, answer_of, command_types, leaked, parse, report
from tests.unit.access.matrix import without_actor as refused_without_actor
from tests.unit.support.world import (
    CONTRACT,
    CUSTOMER,
    DISTRIBUTOR,
    OTHER,
    PARTNER,
    TENANT,
    USER,
    VENDOR,
    World,
    customer_facts,
    open_command,
    run,
    seed_tenant,
)

pytestmark = pytest.mark.unit

TABLE = """
command                                 tenant  own  other  dist  vendor  ops  cust  anon  none
support.ticket.open                     own     A    D      D     A       D    D     D     D
support.ticket.open                     other   D    D      D     D       D    D     D     D
support.ticket.acknowledge              -       D    D      D     A       D    D     D     D
support.ticket.start_work               -       D    D      D     A       D    D     D     D
support.ticket.wait_on_partner          -       D    D      D     A       D    D     D     D
support.ticket.record_partner_response  -       A    D      D     A       D    D     D     D
support.ticket.give_status_update       -       D    D      D     A       D    D     D     D
support.ticket.change_severity          -       A    D      D     A       D    D     D     D
support.ticket.resolve                  -       D    D      D     A       D    D     D     D
support.ticket.close                    -       A    D      D     A       D    D     D     D
support.ticket.reopen                   -       A    D      D     A       D    D     D     D
support.ticket.link_incident            -       D    D      D     A       D    D     D     D
support.partner.set_escalation_contact  -       A    D      D     A       D    D     D     D
support.incident.declare                -       D    D      D     A       D    D     D     D
support.incident.update                 -       D    D      D     A       D    D     D     D
support.incident.resolve                -       D    D      D     A       D    D     D     D
support.capacity.record_activation      own     A    D      D     A       D    D     D     D
support.capacity.record_activation      other   D    A      D     A       D    D     D     D
support.capacity.request_change         own     A    D      D     A       D    D     D     D
support.capacity.request_change         other   D    A      D     A       D    D     D     D
support.capacity.check                  own     A    A      A     A       A    A     A     D
support.capacity.check                  other   A    A      A     A       A    A     A     D
support.capacity.confirm_change         -       D    D      D     A       D    D     D     D
support.capacity.refuse_change          -       D    D      D     A       D    D     D     D
support.cop_upload.request              own     A    D      D     A       D    D     D     D
support.cop_upload.request              other   D    A      D     A       D    D     D     D
support.cop_upload.confirm              -       D    D      D     A       D    D     D     D
support.cop_upload.refuse               -       D    D      D     A       D    D     D     D
support.tickets.list                    -       A    A      A     A       D    D     D     D
support.tenants.list                    -       A    A      A     D       D    D     D     D
support.response_report.request         -       A    D      D     A       D    D     D     D
"""

OTHER_TENANT = "tenant-gb-99"
ACTORS = {
    "own": Actor(user_id=USER, partner_id=PARTNER, roles=("support_lead",)),
    "other": Actor(user_id="user-2002-a", partner_id=OTHER, roles=("support_lead",)),
    "dist": Actor(user_id="user-0900-a", partner_id=DISTRIBUTOR, roles=("support_lead",)),
    "vendor": Actor.model_validate(VENDOR),
    "ops": Actor(user_id="ops-01", roles=("cloud_operations",)),
    "cust": Actor(
        user_id="admin@customer.example.com", tenant_id=TENANT, roles=("customer_admin",)
    ),
    "anon": Actor(user_id="someone"),
}
OUTSIDERS = ("other", "dist", "ops", "cust", "anon")
OWNER = (
    PARTNER,
    "alex@partner.example.com",
    "Alex Example",
    f"Fictional {CUSTOMER} Ltd",
    CONTRACT,
    "4321",  # CONFIRMED
)
"""What identifies the owning partner and its customer (invented data of `world.py`)."""

Run = Callable[[], Awaitable[Any]]
Scenario = Callable[[World, Actor, str, str], Awaitable[tuple[PartnerCommand, Run]]]


async def base() -> World:
    """The owner's customer tenant, another partner's, and nothing else."""
    world = World()
    await seed_tenant(world)
    at = world.clock.now() - timedelta(days=30)
    for fact in customer_facts(at, OTHER_TENANT, "customer-gb-99", OTHER, contract="SC-000999"):
        await run(world, support_tenants.customer_fact, fact)
    return world


Step = tuple[Any, dict[str, Any]]
STEP_COMMANDS: dict[Any, type[PartnerCommand]] = {
    tickets.acknowledge: c.AcknowledgeTicket,
    tickets.start_work: c.StartWorkOnTicket,
    tickets.wait_on_partner: c.WaitOnPartner,
    tickets.resolve: c.ResolveTicket,
}
OWNER_SIDE = Actor(user_id=USER, partner_id=PARTNER)
VENDOR_SIDE = ACTORS["vendor"]


async def opened(world: World, *steps: Step) -> str:
    """A ticket the owner opened, taken through `steps` (use case, fields) by the vendor."""
    await run(world, tickets.open_ticket, open_command("base-1", actor=OWNER_SIDE))
    ticket_id = tickets.ticket_id_for(PARTNER, "base-1")
    for n, (use_case, fields) in enumerate(steps):
        cmd = STEP_COMMANDS[use_case].model_validate(
            {"request_id": f"step-{n}", "actor": VENDOR_SIDE, "ticket_id": ticket_id, **fields}
        )
        await run(world, use_case, cmd)
    return ticket_id


ACK: Step = (tickets.acknowledge, {})
WORK: Step = (tickets.start_work, {})
WAIT: Step = (tickets.wait_on_partner, {"reason": "logs needed"})
RESOLVE: Step = (tickets.resolve, {"resolution": "fixed", "summary": "codec fixed"})


def on_ticket(model: type[PartnerCommand], use_case: Any, *steps: Any, **fields: Any) -> Scenario:
    async def scenario(world: World, actor: Actor, kind: str, tenant: str):
        ticket_id = await opened(world, *steps)
        cmd = model.model_validate(
            {"request_id": "m-1", "actor": actor, "ticket_id": ticket_id, **fields}
        )
        return cmd, lambda: run(world, use_case, cmd)

    return scenario


def simple(use_case: Any, build: Callable[[Actor, str], PartnerCommand], *setup: Any) -> Scenario:
    """A command built from the actor and the tenant it names (own or other)."""

    async def scenario(world: World, actor: Actor, kind: str, tenant: str):
        for step in setup:
            await step(world)
        cmd = build(actor, OTHER_TENANT if tenant == "other" else TENANT)
        return cmd, lambda: run(world, use_case, cmd)

    return scenario


async def open_ticket(world: World, actor: Actor, kind: str, tenant: str):
    named = OTHER_TENANT if tenant == "other" else TENANT
    cmd = open_command("m-1", actor=actor, tenant_id=named)
    return cmd, lambda: run(world, tickets.open_ticket, cmd)


async def change_severity(world: World, actor: Actor, kind: str, tenant: str):
    ticket_id = await opened(world)
    # each side's own move: the partner raises, the vendor lowers with a reason (§4)
    lower = {"impact": "individualized", "urgency": "low", "reason": "one user, workaround"}
    fields = lower if kind == "vendor" else {"impact": "widespread", "urgency": "critical"}
    cmd = c.ChangeTicketSeverity.model_validate(
        {"request_id": "m-1", "actor": actor, "ticket_id": ticket_id, **fields}
    )
    return cmd, lambda: run(world, tickets.change_severity, cmd)


async def declared(world: World) -> str:
    cmd = c.DeclareIncident(
        request_id="inc-1",
        actor=VENDOR_SIDE,
        severity="S1",
        title="Calls fail in EU",
        summary="Calls to and from EU numbers fail.",
        regions=["EU"],
    )
    await run(world, incidents.declare, cmd)
    [event] = world.published("support.incident.declared")
    return str(event.data["incident_id"])


async def link_incident(world: World, actor: Actor, kind: str, tenant: str):
    ticket_id = await opened(world)
    incident_id = await declared(world)
    cmd = c.LinkTicketToIncident(
        request_id="m-1", actor=actor, ticket_id=ticket_id, incident_id=incident_id
    )
    return cmd, lambda: run(world, incidents.link_ticket, cmd)


def on_incident(model: type[PartnerCommand], use_case: Any, **fields: Any) -> Scenario:
    async def scenario(world: World, actor: Actor, kind: str, tenant: str):
        incident_id = await declared(world)
        cmd = model.model_validate(
            {"request_id": "m-1", "actor": actor, "incident_id": incident_id, **fields}
        )
        return cmd, lambda: run(world, use_case, cmd)

    return scenario


def counts(model: type[PartnerCommand], actor: Actor, tenant_id: str, **more: Any) -> Any:
    return model.model_validate(
        {
            "request_id": "m-1",
            "actor": actor,
            "tenant_id": tenant_id,
            "knowledge_workers": 80,
            "workspace_devices": 5,
            **more,
        }
    )


CONFIRMED = 4321
"""The owner tenant's confirmed knowledge workers: told to nobody outside its side."""


async def capacity_recorded(world: World, tenant_id: str = TENANT) -> None:
    workers = CONFIRMED if tenant_id == TENANT else 70
    cmd = counts(
        c.RecordActivationCapacity,
        VENDOR_SIDE,
        tenant_id,
        request_id="act-1",
        knowledge_workers=workers,
    )
    await run(world, requests.record_activation, cmd)


async def capacity_both(world: World) -> None:
    await capacity_recorded(world)
    await capacity_recorded(world, OTHER_TENANT)


def vendor_on_change(model: type[PartnerCommand], use_case: Any, **fields: Any) -> Scenario:
    async def scenario(world: World, actor: Actor, kind: str, tenant: str):
        await capacity_recorded(world)
        ask = counts(
            c.RequestCapacityChange, OWNER_SIDE, TENANT, request_id="ch-1", knowledge_workers=90
        )
        await run(world, requests.request_change, ask)
        cmd = model.model_validate(
            {"request_id": "m-1", "actor": actor, "tenant_id": TENANT, "change_id": "ch-1"} | fields
        )
        return cmd, lambda: run(world, use_case, cmd)

    return scenario


def cop(actor: Actor, tenant_id: str) -> c.RequestCopUpload:
    return c.RequestCopUpload(
        request_id="m-1",
        actor=actor,
        tenant_id=tenant_id,
        file_name="cmterm-78xx.14-2.cop.sgn",
        purpose="phone_firmware",
    )


def vendor_on_upload(model: type[PartnerCommand], use_case: Any, **fields: Any) -> Scenario:
    async def scenario(world: World, actor: Actor, kind: str, tenant: str):
        ask = cop(OWNER_SIDE, TENANT).model_copy(update={"request_id": "cop-1"})
        await run(world, requests.request_cop_upload, ask)
        [event] = world.published("support.cop_upload.requested")
        cmd = model.model_validate(
            {"request_id": "m-1", "actor": actor, "upload_id": event.data["upload_id"], **fields}
        )
        return cmd, lambda: run(world, use_case, cmd)

    return scenario


async def with_ticket(world: World) -> None:
    await opened(world)


def report_request(actor: Actor, tenant_id: str) -> c.RequestResponseReport:
    start = World().clock.now() - timedelta(days=30)
    return c.RequestResponseReport(
        request_id="m-1",
        actor=actor,
        partner_id=PARTNER,
        period_start=start,
        period_end=start + timedelta(days=60),
    )


CONTACT = {
    "name": "Casey Escalation",
    "phone": "+44 20 7946 0999",
    "email": "esc@partner.example.com",
}

SCENARIOS: dict[str, Scenario] = {
    "support.ticket.open": open_ticket,
    "support.ticket.acknowledge": on_ticket(c.AcknowledgeTicket, tickets.acknowledge),
    "support.ticket.start_work": on_ticket(c.StartWorkOnTicket, tickets.start_work, ACK),
    "support.ticket.wait_on_partner": on_ticket(
        c.WaitOnPartner, tickets.wait_on_partner, ACK, WORK, reason="logs needed"
    ),
    "support.ticket.record_partner_response": on_ticket(
        c.RecordPartnerResponse, tickets.partner_responded, ACK, WORK, WAIT
    ),
    "support.ticket.give_status_update": on_ticket(
        c.GiveStatusUpdate,
        tickets.give_status_update,
        ACK,
        WORK,
        status_text="Tracing the codec negotiation",
        action_plan="Patch the trunk profile",
    ),
    "support.ticket.change_severity": change_severity,
    "support.ticket.resolve": on_ticket(
        c.ResolveTicket, tickets.resolve, ACK, WORK, resolution="fixed", summary="codec fixed"
    ),
    "support.ticket.close": on_ticket(c.CloseTicket, tickets.close, ACK, WORK, RESOLVE),
    "support.ticket.reopen": on_ticket(
        c.ReopenTicket, tickets.reopen, ACK, WORK, RESOLVE, reason="no audio again"
    ),
    "support.ticket.link_incident": link_incident,
    "support.partner.set_escalation_contact": simple(
        partners.set_escalation_contact,
        lambda actor, _: c.SetEscalationContact.model_validate(
            {"request_id": "m-1", "actor": actor, "partner_id": PARTNER, "contact": CONTACT}
        ),
    ),
    "support.incident.declare": simple(
        incidents.declare,
        lambda actor, _: c.DeclareIncident(
            request_id="m-1", actor=actor, severity="S2", title="x", summary="y", regions=["EU"]
        ),
    ),
    "support.incident.update": on_incident(c.UpdateIncident, incidents.update, update="Fix found"),
    "support.incident.resolve": on_incident(c.ResolveIncident, incidents.resolve, summary="Fixed"),
    "support.capacity.record_activation": simple(
        requests.record_activation,
        lambda actor, tenant: counts(c.RecordActivationCapacity, actor, tenant),
    ),
    "support.capacity.request_change": simple(
        requests.request_change,
        lambda actor, tenant: counts(c.RequestCapacityChange, actor, tenant),
        capacity_both,
    ),
    "support.capacity.check": simple(
        requests.check, lambda actor, tenant: counts(c.CheckCapacity, actor, tenant), capacity_both
    ),
    "support.capacity.confirm_change": vendor_on_change(
        c.ConfirmCapacityChange, requests.confirm_change
    ),
    "support.capacity.refuse_change": vendor_on_change(
        c.RefuseCapacityChange, requests.refuse_change, reason="no licences left"
    ),
    "support.cop_upload.request": simple(requests.request_cop_upload, cop),
    "support.cop_upload.confirm": vendor_on_upload(
        c.ConfirmCopUpload, requests.confirm_cop_upload, location="/uploads/x.cop.sgn"
    ),
    "support.cop_upload.refuse": vendor_on_upload(
        c.RefuseCopUpload, requests.refuse_cop_upload, reason="unsigned file"
    ),
    "support.tickets.list": simple(
        queries.list_tickets,
        lambda actor, _: c.ListTickets(request_id="m-1", actor=actor),
        with_ticket,
    ),
    "support.tenants.list": simple(
        queries.list_tenants, lambda actor, _: c.ListTenants(request_id="m-1", actor=actor)
    ),
    "support.response_report.request": simple(
        queries.response_objective_report, report_request, with_ticket
    ),
}


def test_every_command_has_a_row_and_a_scenario():
    rows = parse(TABLE)
    assert {t for t, _ in rows} == command_types(ROUTES) == set(SCENARIOS)


async def test_the_matrix_holds():
    cells: list[Cell] = []
    for row in parse(TABLE).values():
        for kind in row.expected:
            world = await base()
            actor = ACTORS.get(kind, ACTORS["own"])
            cmd, go = await SCENARIOS[row.command_type](world, actor, kind, row.tenant)
            if kind == NONE:
                cells.append(Cell(row, kind, "D" if refused_without_actor(cmd) else "A"))
                continue
            answer = await answer_of(go, world.published)
            leaks = leaked(answer, OWNER, cmd) if kind in OUTSIDERS else []
            cells.append(Cell(row, kind, answer.verdict, leaks))
    wrong = report("support", cells)
    assert not wrong, "\n".join(wrong)
