"""Notifications' access matrix: every command × every actor kind, on the use-case core.

Rules (spec/domain.md §3, README *Notifications*; `services/notifications/domain/access.py`):
- contacts: a partner edits only its own; vendor operations (`vendor_operations`) any
  partner's;
- maintenance (announce, cancel, start, complete) and outages: cloud operations
  (`cloud_operations`);
- a reschedule request: a partner the work concerns (a contact enrolled for its region,
  or one of its affected customers), or cloud operations;
- a change request: a partner for itself (or cloud operations); its joint review
  (approve, decline): product management (`product_management`);
- a release's end of sale: release management (`release_management`) or cloud operations.
A distributor is another partner; no customer admin sends these commands. No command
names a tenant. Columns: `vops` vendor operations, `ops` cloud operations, `pm` product
management, `rm` release management.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from services.notifications.entrypoints import ROUTES
from shared.actor import Actor
from shared.contracts import notifications as c
from shared.contracts.common import PartnerCommand
from shared.events import Envelope, new_event
from shared.topics import NOTIFICATIONS_COMMANDS
from tests.unit.access.matrix import NONE, Cell, answer_of, command_types, leaked, parse, report
from tests.unit.access.matrix import without_actor as refused_without_actor
from tests.unit.notifications.test_use_cases_maintenance import (
    ADMIN,
    START,
    announce,
    world_with_customer,
)
from tests.unit.notifications.test_use_cases_partner_mail import MAIN, PARTNER
from tests.unit.notifications.world import CLOUD_OPS, World

pytestmark = pytest.mark.unit

TABLE = """
command                         tenant  own  other  dist  vops  ops  pm  rm  cust  anon  none
contacts.enrol                  -       A    D      D     A     D    D   D   D     D     D
contacts.update                 -       A    D      D     A     D    D   D   D     D     D
contacts.remove                 -       A    D      D     A     D    D   D   D     D     D
contacts.set_digest             -       A    D      D     A     D    D   D   D     D     D
maintenance.announce            -       D    D      D     D     A    D   D   D     D     D
maintenance.request_reschedule  -       A    D      D     D     A    D   D   D     D     D
maintenance.cancel              -       D    D      D     D     A    D   D   D     D     D
maintenance.start               -       D    D      D     D     A    D   D   D     D     D
maintenance.complete            -       D    D      D     D     A    D   D   D     D     D
change_request.submit           -       A    D      D     D     A    D   D   D     D     D
change_request.approve          -       D    D      D     D     D    A   D   D     D     D
change_request.decline          -       D    D      D     D     D    A   D   D     D     D
outage.declare                  -       D    D      D     D     A    D   D   D     D     D
outage.resolve                  -       D    D      D     D     A    D   D   D     D     D
release.announce_end_of_sale    -       D    D      D     D     A    D   A   D     D     D
"""

ROWS = parse(TABLE, prefix="notifications.")

DISTRIBUTOR = "ptn-0900"
ACTORS = {
    "own": Actor(user_id="u-own", partner_id=PARTNER, roles=("partner_admin",)),
    "other": Actor(user_id="u-other", partner_id="ptn-0002", roles=("partner_admin",)),
    "dist": Actor(user_id="u-dist", partner_id=DISTRIBUTOR, roles=("partner_admin",)),
    "vops": Actor(user_id="vops-1", roles=("vendor_operations",)),
    "ops": CLOUD_OPS,
    "pm": Actor(user_id="pm-1", roles=("product_management",)),
    "rm": Actor(user_id="rm-1", roles=("release_management",)),
    "cust": Actor(user_id=ADMIN, tenant_id="ten-1", roles=("customer_admin",)),
    "anon": Actor(user_id="someone"),
}
OUTSIDERS = ("other", "dist", "cust", "anon")
OWNER = (PARTNER, MAIN, "Reseller One GmbH", "Example Bakery Ltd", ADMIN)
"""What identifies the owning partner and its customer (invented data of the unit tests)."""

CMD = NOTIFICATIONS_COMMANDS.name
MAIN_ID = f"{PARTNER}:main"
CONTACT = {
    "contact_id": "desk",
    "name": "Ops Desk",
    "email": "desk@reseller-one.example.com",
    "categories": ["maintenance_and_outages"],
}


def command(model: type[PartnerCommand], actor: Actor, **fields: Any) -> Any:
    return model.model_validate({"request_id": "m-1", "actor": actor, **fields})


async def base(at_start: bool) -> World:
    """The owner (contacts, a customer), a maintenance announced for that customer, the
    owner's change request, an outage; `at_start`: the clock at the maintenance's start."""
    world = await world_with_customer()
    await world.send(CMD, announce(request_id="base-1"), subject="mnt-0001")
    change = command(
        c.SubmitChangeRequest,
        ACTORS["own"],
        request_id="base-2",
        change_request_id="cr-1",
        partner_id=PARTNER,
        region="EU",
        summary="Move our tenant to the new media cluster",
    )
    await world.send(CMD, change, subject="cr-1")
    outage = outage_declared(CLOUD_OPS, world, "out-1").model_copy(update={"request_id": "b3"})
    await world.send(CMD, outage, subject="out-1")
    if at_start:
        await world.tick(START + timedelta(minutes=30))
    return world


def outage_declared(actor: Actor, world: World, outage_id: str) -> Any:
    return command(
        c.DeclareOutage,
        actor,
        outage_id=outage_id,
        regions=["EU"],
        services=["calling"],
        summary="Calls fail to connect",
        started_at=world.clock.now(),
    )


Build = Callable[[Actor, World], PartnerCommand]


def end_of_sale(actor: Actor, world: World) -> PartnerCommand:
    customers = [
        c.CustomerReleaseIn(
            customer_id="cust-0001",
            customer_name="Example Bakery Ltd",
            partner_id=PARTNER,
            region="EU",
            release="13.0",
        )
    ]
    return command(
        c.AnnounceEndOfSale,
        actor,
        release_id="16.0",
        releases=["13.0", "14.0", "15.0", "16.0"],
        customers=customers,
    )


def contacts(model: type[PartnerCommand], **fields: Any) -> Build:
    return lambda actor, _: command(model, actor, partner_id=PARTNER, **fields)


def maintenance(model: type[PartnerCommand], **fields: Any) -> Build:
    return lambda actor, _: command(model, actor, maintenance_id="mnt-0001", **fields)


def change_request(model: type[PartnerCommand], **fields: Any) -> Build:
    return lambda actor, _: command(model, actor, change_request_id="cr-1", **fields)


SCENARIOS: dict[str, tuple[bool, Build]] = {
    # command type: (at the maintenance's start?, the command an actor sends)
    "notifications.contacts.enrol": (False, contacts(c.EnrolContact, contact=CONTACT)),
    "notifications.contacts.update": (
        False,
        contacts(c.UpdateContact, contact={**CONTACT, "contact_id": MAIN_ID, "email": MAIN}),
    ),
    "notifications.contacts.remove": (False, contacts(c.RemoveContact, contact_id=MAIN_ID)),
    "notifications.contacts.set_digest": (
        False,
        contacts(c.SetDigestPreference, contact_id=MAIN_ID, digest=[]),
    ),
    "notifications.maintenance.announce": (
        False,
        lambda actor, _: announce(actor=actor, request_id="m-1", maintenance_id="mnt-0002"),
    ),
    "notifications.maintenance.request_reschedule": (
        False,
        maintenance(
            c.RequestMaintenanceReschedule,
            start=START + timedelta(days=1),
            end=START + timedelta(days=1, hours=3),
            reason="Our quarterly billing run is that night",
        ),
    ),
    "notifications.maintenance.cancel": (False, maintenance(c.CancelMaintenance, reason="no")),
    "notifications.maintenance.start": (True, maintenance(c.StartMaintenance)),
    "notifications.maintenance.complete": (True, maintenance(c.CompleteMaintenance, summary="ok")),
    "notifications.change_request.submit": (
        False,
        lambda actor, _: command(
            c.SubmitChangeRequest,
            actor,
            change_request_id="cr-2",
            partner_id=PARTNER,
            region="EU",
            summary="Move our tenant to the new media cluster",
        ),
    ),
    "notifications.change_request.approve": (False, change_request(c.ApproveChangeRequest)),
    "notifications.change_request.decline": (
        False,
        change_request(c.DeclineChangeRequest, reason="too risky"),
    ),
    "notifications.outage.declare": (
        False,
        lambda actor, world: outage_declared(actor, world, "out-2"),
    ),
    "notifications.outage.resolve": (
        False,
        lambda actor, _: command(c.ResolveOutage, actor, outage_id="out-1"),
    ),
    "notifications.release.announce_end_of_sale": (False, end_of_sale),
}


class Snapshot:
    """A base world's stored documents, restored before each cell (building the base once
    per clock: sending its mails is what costs time, not the cells)."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.documents = {n: copy.deepcopy(s.documents) for n, s in world.stores.items()}

    def restore(self) -> World:
        for name, store in self.world.stores.items():
            store.documents = copy.deepcopy(self.documents.get(name, {}))
        self.world.outbox.published.clear()
        self.world.direct.clear()
        return self.world

    def published(self) -> list[Envelope]:
        outbox = [Envelope.from_json(d["body"]) for d in self.world.outbox.published]
        return outbox + self.world.direct

    async def handle(self, cmd: PartnerCommand) -> None:
        """The command's use case alone (its own facts' mails are not the question here)."""
        envelope = new_event(cmd, source="/tests", now=self.world.clock.now(), subject="s")
        [use_case] = [u for t, m, u in ROUTES if t.name == CMD and m is type(cmd)]
        await use_case(self.world.deps, envelope, cmd)


def test_every_command_has_a_row_and_a_scenario():
    assert {t for t, _ in ROWS} == command_types(ROUTES) == set(SCENARIOS)


async def test_the_matrix_holds():
    bases = {at: Snapshot(await base(at)) for at in (False, True)}
    cells: list[Cell] = []
    for row in ROWS.values():
        at_start, build = SCENARIOS[row.command_type]
        snapshot = bases[at_start]
        for kind in row.expected:
            world = snapshot.restore()
            cmd = build(ACTORS.get(kind, ACTORS["own"]), world)
            if kind == NONE:
                cells.append(Cell(row, kind, "D" if refused_without_actor(cmd) else "A"))
                continue
            answer = await answer_of(functools.partial(snapshot.handle, cmd), snapshot.published)
            leaks = leaked(answer, OWNER, cmd) if kind in OUTSIDERS else []
            cells.append(Cell(row, kind, answer.verdict, leaks))
    wrong = report("notifications", cells)
    assert not wrong, "\n".join(wrong)
