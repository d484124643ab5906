"""The partner's number inventory: ported and new numbers, assignment to groups (§1.4, §5.3)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from services.onboarding.domain.errors import Duplicate, NotFound, ValidationFailed
from services.onboarding.domain.groups.events import (
    InventoryNumbersAssigned,
    InventoryNumbersReleased,
    NewNumbersAddedToInventory,
    PortedNumbersActivated,
    PortedNumbersAddedToInventory,
    PortNumbersWithdrawn,
)
from services.onboarding.domain.groups.inventory import NumberState, PartnerNumberInventory

pytestmark = pytest.mark.unit

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
PARTNER = "P-200100"
# Ofcom drama numbers: 020 7946 0000–0999
N1, N2, N3, N4 = "+442079460001", "+442079460002", "+442079460003", "+442079460004"


def inventory_with_port(port_id: str = "PORT-1", numbers: tuple[str, ...] = (N1, N2, N3)):
    inventory = PartnerNumberInventory(PARTNER)
    inventory.add_ported_numbers(port_id, numbers, now=NOW)
    return inventory


class TestPortedNumbers:
    def test_an_accepted_port_adds_its_numbers_as_porting(self):
        inventory = PartnerNumberInventory(PARTNER)
        events = inventory.add_ported_numbers("PORT-1", ["+44 20 7946 0001", N2], now=NOW)
        assert events == [
            PortedNumbersAddedToInventory(PARTNER, "PORT-1", (N1, N2), occurred_at=NOW)
        ]
        assert inventory.numbers[N1].state is NumberState.PORTING
        assert not inventory.is_live(N1)

    def test_a_repeated_port_accepted_event_changes_nothing(self):
        inventory = inventory_with_port()
        assert inventory.add_ported_numbers("PORT-1", [N1, N2, N3], now=NOW) == []
        assert len(inventory.numbers) == 3

    def test_a_number_already_held_cannot_arrive_with_another_port(self):
        inventory = inventory_with_port()
        with pytest.raises(Duplicate) as refused:
            inventory.add_ported_numbers("PORT-2", [N3, N4], now=NOW)
        assert refused.value.code == "number_already_in_inventory"
        assert N4 not in inventory.numbers

    def test_the_completed_port_makes_its_numbers_active_and_live(self):
        inventory = inventory_with_port()
        events = inventory.activate_ported_numbers("PORT-1", now=NOW)
        assert events == [PortedNumbersActivated(PARTNER, "PORT-1", (N1, N2, N3), occurred_at=NOW)]
        assert all(inventory.is_live(n) for n in (N1, N2, N3))
        assert inventory.activate_ported_numbers("PORT-1", now=NOW) == []

    def test_a_porting_number_can_be_assigned_before_port_day_but_is_not_live(self):
        inventory = inventory_with_port()
        inventory.assign([N1], "GROUP-A", now=NOW)
        assert inventory.group_of(N1) == "GROUP-A"
        assert not inventory.is_live(N1)
        inventory.activate_ported_numbers("PORT-1", now=NOW)
        assert inventory.is_live(N1) and inventory.group_of(N1) == "GROUP-A"

    def test_a_cancelled_port_withdraws_its_numbers_and_names_the_groups_that_held_them(self):
        inventory = inventory_with_port()
        inventory.add_new_range([N4], now=NOW)
        inventory.assign([N1], "GROUP-A", now=NOW)
        inventory.assign([N2], "GROUP-B", now=NOW)
        inventory.assign([N4], "GROUP-A", now=NOW)

        events = inventory.remove_cancelled_port("PORT-1", now=NOW)

        assert events == [
            PortNumbersWithdrawn(
                PARTNER,
                "PORT-1",
                (N1, N2, N3),
                {"GROUP-A": (N1,), "GROUP-B": (N2,)},
                occurred_at=NOW,
            )
        ]
        assert set(inventory.numbers) == {N4}
        assert inventory.numbers_of_group("GROUP-A") == (N4,)
        assert inventory.remove_cancelled_port("PORT-1", now=NOW) == []


class TestNewNumbers:
    def test_a_new_range_is_active_at_once(self):
        inventory = PartnerNumberInventory(PARTNER)
        events = inventory.add_new_range([N1, N2], now=NOW)
        assert events == [NewNumbersAddedToInventory(PARTNER, (N1, N2), occurred_at=NOW)]
        assert inventory.is_live(N1) and inventory.is_live(N2)

    @pytest.mark.parametrize("bad", ["02079460001", "+44", "not a number", ""])
    def test_numbers_must_be_e164(self, bad):
        with pytest.raises(ValidationFailed) as refused:
            PartnerNumberInventory(PARTNER).add_new_range([bad], now=NOW)
        assert refused.value.reason_codes == ("invalid_number",)

    def test_an_empty_range_is_refused(self):
        with pytest.raises(ValidationFailed):
            PartnerNumberInventory(PARTNER).add_new_range([], now=NOW)


class TestAssigningNumbersToGroups:
    def test_numbers_are_assigned_to_one_group(self):
        inventory = inventory_with_port()
        events = inventory.assign([N1, N2], "GROUP-A", now=NOW)
        assert events == [InventoryNumbersAssigned(PARTNER, "GROUP-A", (N1, N2), occurred_at=NOW)]
        assert inventory.numbers_of_group("GROUP-A") == (N1, N2)

    def test_a_number_is_in_at_most_one_group(self):
        inventory = inventory_with_port()
        inventory.assign([N1], "GROUP-A", now=NOW)
        with pytest.raises(Duplicate) as refused:
            inventory.assign([N2, N1], "GROUP-B", now=NOW)
        assert refused.value.code == "number_already_assigned"
        assert refused.value.details["numbers"] == {N1: "GROUP-A"}
        assert inventory.group_of(N2) is None  # all or nothing

    def test_assigning_again_to_the_same_group_changes_nothing(self):
        inventory = inventory_with_port()
        inventory.assign([N1], "GROUP-A", now=NOW)
        assert inventory.assign([N1], "GROUP-A", now=NOW) == []

    def test_only_the_partners_own_inventory_can_be_assigned(self):
        inventory = inventory_with_port()
        with pytest.raises(NotFound) as refused:
            inventory.assign([N1, N4], "GROUP-A", now=NOW)
        assert refused.value.code == "number_not_in_inventory"
        assert refused.value.details["numbers"] == [N4]
        assert inventory.group_of(N1) is None

    def test_released_numbers_are_free_to_assign_elsewhere(self):
        inventory = inventory_with_port()
        inventory.assign([N1, N2], "GROUP-A", now=NOW)
        events = inventory.release([N1, N3], now=NOW)
        assert events == [InventoryNumbersReleased(PARTNER, "GROUP-A", (N1,), occurred_at=NOW)]
        inventory.assign([N1], "GROUP-B", now=NOW)
        assert inventory.group_of(N1) == "GROUP-B"
