"""Porting's access matrix: every command × every actor kind, on the use-case core.

Rules (spec/domain.md §2, README *Security*; `services/porting/domain/access.py`): a
partner acts only for itself — its distributor included, which is another partner — and
the vendor's provisioning team (`provisioning`) for any partner. No other vendor role and
no customer admin acts on port requests. Porting has no tenant in its commands.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from services.porting.entrypoints import ROUTES
from shared.actor import Actor
from shared.contracts import carrier as gateway
from shared.contracts import porting as c
from shared.contracts.common import PartnerCommand
from tests.unit.access.matrix import NONE, Cell, answer_of, command_types, leaked, parse, report
from tests.unit.access.matrix import without_actor as refused_without_actor
from tests.unit.porting.world import PARTNER, World, submission

pytestmark = pytest.mark.unit

TABLE = """
command                  tenant  own  other  dist  provisioning  cloud_ops  cust  anon  none
porting.port.submit      -       A    D      D     A             D          D     D     D
porting.port.precheck    -       A    D      D     A             D          D     D     D
porting.port.resubmit    -       A    D      D     A             D          D     D     D
porting.port.withdraw    -       A    D      D     A             D          D     D     D
"""

DISTRIBUTOR = "partner-0900"
ACTORS = {
    "own": Actor(user_id="user-0001", partner_id=PARTNER, roles=("partner_admin",)),
    "other": Actor(user_id="user-0002", partner_id="partner-0002", roles=("partner_admin",)),
    "dist": Actor(user_id="user-0900", partner_id=DISTRIBUTOR, roles=("partner_admin",)),
    "provisioning": Actor(user_id="prov-01", roles=("provisioning",)),
    "cloud_ops": Actor(user_id="ops-01", roles=("cloud_operations",)),
    "cust": Actor(user_id="admin@customer.example.com", tenant_id="T-1", roles=("customer_admin",)),
    "anon": Actor(user_id="someone"),
}
OUTSIDERS = ("other", "dist", "cloud_ops", "cust", "anon")
"""Actors outside the owner's side: their refusals must name nothing of the owner."""
OWNER = (PARTNER,)


async def rejected_port(world: World) -> str:
    """A request of PARTNER the carrier rejected (so it may be corrected)."""
    port_id = await world.submitted("base-1")
    no = gateway.CarrierPortRejected(
        port_id=port_id,
        carrier_ref="CR-1",
        rejected_at=world.clock.now(),
        reasons=[gateway.CarrierReason(code="number_mismatch", message="not ours")],
    )
    await world.carrier(no)
    return port_id


Scenario = Callable[[World, Actor], Awaitable[tuple[PartnerCommand, Callable[[], Any]]]]


async def submit(world: World, actor: Actor) -> tuple[PartnerCommand, Callable[[], Any]]:
    cmd = submission("m-1", actor=actor, partner_id=PARTNER)
    return cmd, lambda: world.submit(cmd)


async def precheck(world: World, actor: Actor) -> tuple[PartnerCommand, Callable[[], Any]]:
    data = submission("m-1", actor=actor, partner_id=PARTNER).model_dump()
    data.pop("comment", None)
    cmd = c.PrecheckPortRequest.model_validate(data)
    return cmd, lambda: world.precheck(cmd)


async def resubmit(world: World, actor: Actor) -> tuple[PartnerCommand, Callable[[], Any]]:
    port_id = await rejected_port(world)
    corrections = c.PortCorrectionsIn(losing_provider="Other Example Telecom Ltd")
    cmd = c.ResubmitPortRequest(
        request_id="m-1", actor=actor, port_id=port_id, corrections=corrections
    )
    return cmd, lambda: world.resubmit(cmd)


async def withdraw(world: World, actor: Actor) -> tuple[PartnerCommand, Callable[[], Any]]:
    port_id = await world.submitted("base-1")
    cmd = c.WithdrawPortRequest(request_id="m-1", actor=actor, port_id=port_id, reason="x")
    return cmd, lambda: world.withdraw(cmd)


SCENARIOS: dict[str, Scenario] = {
    "porting.port.submit": submit,
    "porting.port.precheck": precheck,
    "porting.port.resubmit": resubmit,
    "porting.port.withdraw": withdraw,
}


def test_every_command_has_a_row_and_a_scenario():
    rows = parse(TABLE)
    assert {t for t, _ in rows} == command_types(ROUTES) == set(SCENARIOS)


async def test_the_matrix_holds():
    cells: list[Cell] = []
    for row in parse(TABLE).values():
        for kind in row.expected:
            world = World()
            cmd, run = await SCENARIOS[row.command_type](world, ACTORS.get(kind, ACTORS["own"]))
            if kind == NONE:
                cells.append(Cell(row, kind, "D" if refused_without_actor(cmd) else "A"))
                continue
            answer = await answer_of(run, world.events)
            leaks = leaked(answer, OWNER, cmd) if kind in OUTSIDERS else []
            cells.append(Cell(row, kind, answer.verdict, leaks))
    wrong = report("porting", cells)
    assert not wrong, "\n".join(wrong)
