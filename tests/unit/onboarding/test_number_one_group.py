"""A number is in at most one group across the platform, whichever partner's (§1.4)."""

from __future__ import annotations

from datetime import date

import pytest

from services.onboarding.adapters.admin_group_documents import GROUPS, INVENTORIES
from services.onboarding.adapters.number_claims import NUMBER_GROUP_CLAIMS
from services.onboarding.application.groups import groups as admin_groups
from services.onboarding.application.groups import inventory as admin_inventory
from shared.contracts import onboarding as c
from shared.contracts import porting as porting
from tests.unit.onboarding.test_admin_fakes import Harness
from tests.unit.onboarding.test_admin_groups import (
    NUMBERS,
    OTHER,
    OTHER_STAFF,
    PARTNER,
    REFUSED,
    STAFF,
    Groups,
    codes,
)

pytestmark = pytest.mark.unit

ACTOR_OF = {"northwind": STAFF, "southwind": OTHER_STAFF}


class NumberGroups(Groups):
    """Assigns and releases as the partner whose group it is."""

    assign_use_case = staticmethod(admin_groups.assign_numbers)

    def assign_command(self, numbers: list[str], group_id: str) -> c.AssignNumbersToGroup:
        return c.AssignNumbersToGroup(
            request_id=self.rid(), actor=ACTOR_OF[group_id], group_id=group_id, numbers=numbers
        )

    async def assign(self, numbers: list[str], group_id: str = "northwind", by=None) -> None:
        await self.h.send(admin_groups.assign_numbers, self.assign_command(numbers, group_id))

    async def release(self, numbers: list[str], group_id: str) -> None:
        command = c.ReleaseNumbersFromGroup(
            request_id=self.rid(), actor=ACTOR_OF[group_id], group_id=group_id, numbers=numbers
        )
        await self.h.send(admin_groups.release_numbers, command)


async def two_partners_with_the_same_numbers() -> tuple[Harness, NumberGroups]:
    """Both partners' inventories hold NUMBERS (a provisioning slip), each has a group."""
    h = Harness()
    g = NumberGroups(h)
    for partner, group in ((PARTNER, "northwind"), (OTHER, "southwind")):
        await g.clone_group(partner=partner)
        await g.create(group_id=group, partner=partner)
        await g.numbers(partner=partner)
    return h, g


def group_numbers(h: Harness, group_id: str) -> list[str]:
    return list(h.state(GROUPS, group_id)["group"]["numbers"])


def assigned_in_inventory(h: Harness, partner: str) -> dict[str, str | None]:
    entries = h.state(INVENTORIES, partner)["inventory"]["numbers"]
    return {e["number"]: e["group_id"] for e in entries}


async def test_a_number_in_two_inventories_goes_into_only_one_group():
    h, g = await two_partners_with_the_same_numbers()
    await g.assign(NUMBERS[:2], group_id="northwind")
    await g.assign(NUMBERS, group_id="southwind")
    assert group_numbers(h, "northwind") == NUMBERS[:2]
    assert group_numbers(h, "southwind") == []  # all or none
    refused = h.last(REFUSED)
    assert codes(refused) == {"number_in_another_group"}
    assert sorted(r["message"].split()[0] for r in refused.data["reasons"]) == NUMBERS[:2]
    assert "northwind" not in str(refused.data) and PARTNER not in str(refused.data)
    # The refused assignment went back to the other partner's free inventory.
    assert set(assigned_in_inventory(h, OTHER).values()) == {None}
    claims = h.docs(NUMBER_GROUP_CLAIMS)
    assert {claims[n]["group_id"] for n in NUMBERS[:2]} == {"northwind"}


async def test_a_redelivered_refused_assignment_changes_nothing_and_is_told_once():
    h, g = await two_partners_with_the_same_numbers()
    await g.assign(NUMBERS[:1], group_id="northwind")
    command = g.assign_command(NUMBERS[:1], group_id="southwind")
    envelope = await h.send(g.assign_use_case, command)
    await h.send(g.assign_use_case, command, envelope)
    assert len(h.of_type(REFUSED)) == 1
    assert group_numbers(h, "southwind") == []


async def test_once_released_the_number_can_go_into_the_other_partners_group():
    h, g = await two_partners_with_the_same_numbers()
    await g.assign(NUMBERS[:1], group_id="northwind")
    await g.release(NUMBERS[:1], group_id="northwind")
    await g.assign(NUMBERS[:1], group_id="southwind")
    assert group_numbers(h, "northwind") == []
    assert group_numbers(h, "southwind") == NUMBERS[:1]


async def test_a_group_may_take_back_its_own_number_and_assign_it_again():
    h, g = await two_partners_with_the_same_numbers()
    await g.assign(NUMBERS[:1], group_id="northwind")
    await g.release(NUMBERS[:1], group_id="northwind")
    await g.assign(NUMBERS[:1], group_id="northwind")
    await g.assign(NUMBERS[:1], group_id="northwind")  # again: nothing new
    assert group_numbers(h, "northwind") == NUMBERS[:1]
    assert not h.of_type(REFUSED)


async def test_a_cancelled_port_frees_its_numbers_for_another_partners_group():
    h = Harness()
    g = NumberGroups(h)
    for partner, group in ((PARTNER, "northwind"), (OTHER, "southwind")):
        await g.clone_group(partner=partner)
        await g.create(group_id=group, partner=partner)
    port = porting.PortNumbersAccepted(
        partner_id=PARTNER, port_id="PRT-1", numbers=NUMBERS, port_date=date(2026, 4, 7)
    )
    await h.send(admin_inventory.port_accepted, port)
    await g.assign(NUMBERS[:1], group_id="northwind")
    # The other partner's port of the same number arrives before the cancellation of ours.
    await h.send(
        admin_inventory.port_accepted,
        porting.PortNumbersAccepted(
            partner_id=OTHER, port_id="PRT-2", numbers=NUMBERS, port_date=date(2026, 5, 7)
        ),
    )
    await g.assign(NUMBERS[:1], group_id="southwind")
    assert codes(h.last(REFUSED)) == {"number_in_another_group"}
    await h.send(
        admin_inventory.port_cancelled,
        porting.PortNumbersCancelled(partner_id=PARTNER, port_id="PRT-1", numbers=NUMBERS),
    )
    withdrawn = h.last("onboarding.inventory.port_numbers_withdrawn")
    await h.send(admin_inventory.numbers_withdrawn, withdrawn_fact(withdrawn), withdrawn)
    await g.assign(NUMBERS[:1], group_id="southwind")
    assert group_numbers(h, "northwind") == []
    assert group_numbers(h, "southwind") == NUMBERS[:1]


def withdrawn_fact(envelope):
    from shared.contracts.onboarding import PortNumbersWithdrawn

    return PortNumbersWithdrawn.model_validate(envelope.data)


def test_an_inventory_command_of_more_than_10_000_numbers_is_refused_before_expanding():
    from services.onboarding.application.groups.inventory import MAX_NUMBERS, expand
    from services.onboarding.domain.errors import ValidationFailed
    from shared.contracts.onboarding import NumberRangeIn

    blocks: list[str | NumberRangeIn] = [
        NumberRangeIn(first=f"+4420794{b:02d}000", last=f"+4420794{b:02d}999")
        for b in range(10, 80)
    ]
    with pytest.raises(ValidationFailed) as refused:
        expand(blocks)
    [reason] = refused.value.reasons
    assert reason.code == "too_many_numbers" and "70000" in reason.message
    assert len(expand(blocks[:10])) == MAX_NUMBERS
