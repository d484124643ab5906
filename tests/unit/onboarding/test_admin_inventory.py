"""The partner's number inventory driven by porting's facts (§1.4, §5 flow 3)."""

from __future__ import annotations

from datetime import date

import pytest

from services.onboarding.adapters.admin_group_documents import GROUPS, INVENTORIES
from services.onboarding.application.groups import groups as admin_groups
from services.onboarding.application.groups import inventory as admin_inventory
from services.onboarding.application.groups.inventory import MAX_RANGE, expand
from services.onboarding.domain.errors import ValidationFailed
from shared.contracts import onboarding as c
from shared.contracts import porting as porting
from shared.contracts.onboarding import NumberRangeIn, PortNumbersWithdrawn
from tests.unit.onboarding.test_admin_fakes import Harness
from tests.unit.onboarding.test_admin_groups import NUMBERS, PARTNER, STAFF, Groups

pytestmark = pytest.mark.unit

PORT = "PRT-0001"


def accepted(numbers: list[str] = NUMBERS) -> porting.PortNumbersAccepted:
    return porting.PortNumbersAccepted(
        partner_id=PARTNER, port_id=PORT, numbers=numbers, port_date=date(2026, 4, 7)
    )


def states(h: Harness) -> dict[str, tuple[str, str | None]]:
    entries = h.state(INVENTORIES, PARTNER)["inventory"]["numbers"]
    return {e["number"]: (e["state"], e["group_id"]) for e in entries}


async def ported_world() -> tuple[Harness, Groups]:
    h = Harness()
    g = Groups(h)
    await g.clone_group()
    await g.create()
    await h.send(admin_inventory.port_accepted, accepted())
    return h, g


async def test_an_accepted_port_brings_its_numbers_in_as_porting_once():
    h = Harness()
    envelope = await h.send(admin_inventory.port_accepted, accepted())
    await h.send(admin_inventory.port_accepted, accepted(), envelope)  # redelivered
    added = h.one("onboarding.inventory.ported_numbers_added")
    assert added.data["numbers"] == NUMBERS
    assert added.data["partner_id"] == PARTNER
    assert set(states(h).values()) == {("porting", None)}


async def test_porting_numbers_are_assigned_before_port_day_and_go_live_on_completion():
    h, g = await ported_world()
    await g.assign(NUMBERS[:2])
    assert states(h)[NUMBERS[0]] == ("porting", "northwind")
    done = porting.PortNumbersCompleted(
        partner_id=PARTNER, port_id=PORT, numbers=NUMBERS, completed_at=h.clock.now()
    )
    envelope = await h.send(admin_inventory.port_completed, done)
    await h.send(admin_inventory.port_completed, done, envelope)
    assert h.one("onboarding.inventory.ported_numbers_activated").data["numbers"] == NUMBERS
    assert states(h)[NUMBERS[0]] == ("active", "northwind")


async def test_a_cancelled_port_takes_its_numbers_out_and_names_the_groups_that_held_them():
    h, g = await ported_world()
    await g.assign(NUMBERS[:2])
    await h.send(
        admin_groups.set_clid,
        c.SetBusinessProfileNumber(
            request_id="clid", actor=STAFF, group_id="northwind", clid=NUMBERS[0]
        ),
    )
    cancelled = porting.PortNumbersCancelled(partner_id=PARTNER, port_id=PORT, numbers=NUMBERS)
    await h.send(admin_inventory.port_cancelled, cancelled)
    withdrawn = h.one("onboarding.inventory.port_numbers_withdrawn")
    assert withdrawn.data["groups"] == {"northwind": NUMBERS[:2]}
    assert withdrawn.data["partner_id"] == PARTNER
    assert states(h) == {}
    # The group follows the fact (choreography), once however often it arrives.
    fact = PortNumbersWithdrawn.model_validate(withdrawn.data)
    await h.send(admin_inventory.numbers_withdrawn, fact, withdrawn)
    await h.send(admin_inventory.numbers_withdrawn, fact, withdrawn)
    removed = h.one("onboarding.group.numbers_removed")
    assert removed.data["reason"] == "port_cancelled"
    assert h.one("onboarding.group.business_profile_number_cleared").data["clid"] == NUMBERS[0]
    group = h.state(GROUPS, "northwind")["group"]
    assert (group["numbers"], group["clid"]) == ([], None)


async def test_numbers_of_another_port_or_range_are_refused_with_reasons():
    h, _ = await ported_world()
    other = porting.PortNumbersAccepted(
        partner_id=PARTNER, port_id="PRT-0002", numbers=NUMBERS[:1], port_date=date(2026, 5, 4)
    )
    await h.send(admin_inventory.port_accepted, other)
    refused = h.one("onboarding.inventory.action_refused")
    assert refused.data["command_type"] == "porting.numbers.accepted"
    assert {r["code"] for r in refused.data["reasons"]} == {"number_already_in_inventory"}


async def test_only_the_provisioning_team_adds_new_ranges():
    h = Harness()
    command = c.AddNumbersToInventory(
        request_id="n", actor=STAFF, partner_id=PARTNER, numbers=NUMBERS
    )
    await h.send(admin_inventory.add_numbers, command)
    refused = h.one("onboarding.inventory.action_refused")
    assert {r["code"] for r in refused.data["reasons"]} == {"not_provisioning"}
    assert PARTNER not in h.aggregates(INVENTORIES)


def test_ranges_are_expanded_and_bounded():
    assert expand(
        ["+442079460000", NumberRangeIn(first="+442079460010", last="+442079460012")]
    ) == [
        "+442079460000",
        "+442079460010",
        "+442079460011",
        "+442079460012",
    ]
    with pytest.raises(ValidationFailed) as too_long:
        expand([NumberRangeIn(first="+442079460000", last=f"+44207946{MAX_RANGE + 1:04d}")])
    assert too_long.value.reason_codes == ("range_too_long",)
    with pytest.raises(ValidationFailed) as backwards:
        expand([NumberRangeIn(first="+442079460010", last="+442079460001")])
    assert backwards.value.reason_codes == ("invalid_range",)
