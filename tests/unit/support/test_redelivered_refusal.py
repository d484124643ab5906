"""A refused opening redelivered after the facts changed must get the same answer.

Fault run seed 7 (`support_tickets TKT-B5214D0307FD1B5E`): `customer-87-ticket-0` was
refused `unknown_tenant` (support had not read onboarding's `tenant_assigned` yet, its
group was rebalancing after a kill); the refusal was published but the offset not
committed, so the command came again 3.6 s later, after the tenant had arrived, and opened
a ticket — while the partner, told "refused", had already opened another under a new
request id. A refusal of a not-yet-existing aggregate stored nothing then, so a redelivery
was decided afresh; now the core keeps it in a refusal record under the aggregate's id
(`shared.usecase`, `shared.store.Stored.exists`): the redelivery is a duplicate, the
refusal stands.
"""

from __future__ import annotations

import pytest

from services.support.application import tickets
from tests.unit.support.world import World, open_command, seed_tenant

pytestmark = pytest.mark.unit


async def test_a_redelivered_refused_opening_does_not_open_once_the_tenant_is_known():
    world = World()
    command = open_command("customer-87-ticket-0")
    cause = world.envelope(command)
    await tickets.open_ticket(world.support, cause, command)
    [refused] = world.published("support.ticket.action_refused")
    assert [r["code"] for r in refused.data["reasons"]] == ["unknown_tenant"]

    await seed_tenant(world)  # onboarding's facts arrive
    await tickets.open_ticket(world.support, cause, command)  # the same message, redelivered

    assert world.published("support.ticket.opened") == []
    # no ticket: only the refusal record, which keeps the command's tracking id
    [record] = world.stores["support_tickets"].documents.values()
    assert not record.exists
    assert await world.uc.load(world.support.tickets, refused.data["ticket_id"]) is None
    assert {e.id for e in world.published("support.ticket.action_refused")} == {refused.id}
