"""The partner's number inventory (§1.4, §5 flow 3).

`PartnerNumberInventory` (id = partner ID) holds new numbers and numbers being ported,
added by the provisioning team (new ranges) or by porting events (port accepted →
"porting", completed → "active", cancelled → withdrawn). The partner assigns numbers
from here to its groups: a number is in at most one group, and a partner assigns only
from its own inventory. A porting number can be assigned before port day but is live
only once active.

Port events arrive at least once, so the port steps are idempotent.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

import phonenumbers

from services.onboarding.domain.errors import Duplicate, NotFound, Reason, ValidationFailed
from services.onboarding.domain.event import DomainEvent
from services.onboarding.domain.groups.events import (
    InventoryNumbersAssigned,
    InventoryNumbersReleased,
    NewNumbersAddedToInventory,
    PortedNumbersActivated,
    PortedNumbersAddedToInventory,
    PortNumbersWithdrawn,
)


class NumberNotInInventory(NotFound):
    """Only numbers of the partner's own inventory can be assigned."""

    code = "number_not_in_inventory"


class NumberAlreadyAssigned(Duplicate):
    """A number is in at most one group."""

    code = "number_already_assigned"


class NumberAlreadyInInventory(Duplicate):
    code = "number_already_in_inventory"


class NumbersInAnotherGroup(ValidationFailed):
    """A number is in at most one group across the whole platform, whichever partner's."""

    def __init__(self, numbers: Iterable[str]) -> None:
        super().__init__(
            [
                Reason(
                    "number_in_another_group",
                    f"{number} is already in another group of the platform",
                    "numbers",
                )
                for number in sorted(numbers)
            ]
        )


class NumberState(StrEnum):
    PORTING = "porting"
    ACTIVE = "active"


@dataclass(frozen=True)
class InventoryNumber:
    number: str  # E.164
    state: NumberState
    port_id: str | None = None  # the port that brings it in, for ported numbers
    group_id: str | None = None  # the group it is assigned to

    @property
    def is_live(self) -> bool:
        return self.state is NumberState.ACTIVE


def normalise_numbers(numbers: Iterable[str]) -> list[str]:
    """E.164 forms of `numbers`, in order, without repeats; ValidationFailed for bad ones."""
    result: list[str] = []
    reasons = []
    for raw in numbers:
        try:
            parsed = phonenumbers.parse(raw, None)
        except phonenumbers.NumberParseException:
            parsed = None
        if parsed is None or not phonenumbers.is_possible_number(parsed):
            reasons.append(Reason("invalid_number", f"{raw!r} is not an E.164 number", "numbers"))
            continue
        e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
        if e164 not in result:
            result.append(e164)
    if reasons:
        raise ValidationFailed(reasons)
    if not result:
        raise ValidationFailed([Reason("missing", "at least one number is required", "numbers")])
    return result


@dataclass
class PartnerNumberInventory:
    """The numbers a partner holds, and which of its groups each is assigned to."""

    partner_id: str
    numbers: dict[str, InventoryNumber] = field(default_factory=dict)

    def get(self, number: str) -> InventoryNumber | None:
        return self.numbers.get(number)

    def group_of(self, number: str) -> str | None:
        entry = self.numbers.get(number)
        return entry.group_id if entry else None

    def is_live(self, number: str) -> bool:
        entry = self.numbers.get(number)
        return entry is not None and entry.is_live

    def numbers_of_group(self, group_id: str) -> tuple[str, ...]:
        return tuple(sorted(n for n, e in self.numbers.items() if e.group_id == group_id))

    def numbers_of_port(self, port_id: str) -> tuple[str, ...]:
        return tuple(sorted(n for n, e in self.numbers.items() if e.port_id == port_id))

    # -- arrivals --------------------------------------------------------------------------

    def add_ported_numbers(
        self, port_id: str, numbers: Iterable[str], *, now: datetime
    ) -> list[DomainEvent]:
        """A port was accepted: its numbers enter as "porting" (repeat deliveries do nothing)."""
        wanted = normalise_numbers(numbers)
        self._refuse_numbers_held_elsewhere(wanted, port_id)
        new = [n for n in wanted if n not in self.numbers]
        if not new:
            return []
        for n in new:
            self.numbers[n] = InventoryNumber(n, NumberState.PORTING, port_id=port_id)
        return [
            PortedNumbersAddedToInventory(self.partner_id, port_id, tuple(new), occurred_at=now)
        ]

    def activate_ported_numbers(self, port_id: str, *, now: datetime) -> list[DomainEvent]:
        """The port completed: its numbers become active, i.e. live."""
        porting = [e for e in self.numbers.values() if e.port_id == port_id and not e.is_live]
        for e in porting:
            self.numbers[e.number] = InventoryNumber(
                e.number, NumberState.ACTIVE, e.port_id, e.group_id
            )
        if not porting:
            return []
        numbers = tuple(sorted(e.number for e in porting))
        return [PortedNumbersActivated(self.partner_id, port_id, numbers, occurred_at=now)]

    def remove_cancelled_port(self, port_id: str, *, now: datetime) -> list[DomainEvent]:
        """The port was cancelled: its numbers leave; the event names the groups that held them."""
        # Only numbers still porting: a cancellation cannot take effect once the port completed.
        leaving = [e for e in self.numbers.values() if e.port_id == port_id and not e.is_live]
        if not leaving:
            return []
        groups: dict[str, list[str]] = defaultdict(list)
        for e in sorted(leaving, key=lambda e: e.number):
            del self.numbers[e.number]
            if e.group_id is not None:
                groups[e.group_id].append(e.number)
        return [
            PortNumbersWithdrawn(
                self.partner_id,
                port_id,
                tuple(sorted(e.number for e in leaving)),
                {g: tuple(ns) for g, ns in sorted(groups.items())},
                occurred_at=now,
            )
        ]

    def add_new_range(self, numbers: Iterable[str], *, now: datetime) -> list[DomainEvent]:
        """The provisioning team adds new numbers: active at once."""
        wanted = normalise_numbers(numbers)
        self._refuse_numbers_held_elsewhere(wanted, port_id=None)
        new = [n for n in wanted if n not in self.numbers]
        if not new:
            return []
        for n in new:
            self.numbers[n] = InventoryNumber(n, NumberState.ACTIVE)
        return [NewNumbersAddedToInventory(self.partner_id, tuple(new), occurred_at=now)]

    # -- assignment to groups --------------------------------------------------------------

    def assign(self, numbers: Iterable[str], group_id: str, *, now: datetime) -> list[DomainEvent]:
        """Assign numbers of this inventory to one of the partner's groups (all or none)."""
        wanted = normalise_numbers(numbers)
        unknown = [n for n in wanted if n not in self.numbers]
        if unknown:
            raise NumberNotInInventory(
                f"not in partner {self.partner_id}'s inventory: {', '.join(unknown)}",
                details={"numbers": unknown},
            )
        taken = {n: g for n in wanted if (g := self.numbers[n].group_id) not in (None, group_id)}
        if taken:
            raise NumberAlreadyAssigned(
                f"already in another group: {', '.join(taken)}", details={"numbers": taken}
            )
        new = [n for n in wanted if self.numbers[n].group_id is None]
        for n in new:
            e = self.numbers[n]
            self.numbers[n] = InventoryNumber(n, e.state, e.port_id, group_id)
        if not new:
            return []
        return [InventoryNumbersAssigned(self.partner_id, group_id, tuple(new), occurred_at=now)]

    def release(self, numbers: Iterable[str], *, now: datetime) -> list[DomainEvent]:
        """Take numbers back from their groups into the free inventory."""
        wanted = normalise_numbers(numbers)
        unknown = [n for n in wanted if n not in self.numbers]
        if unknown:
            raise NumberNotInInventory(
                f"not in partner {self.partner_id}'s inventory: {', '.join(unknown)}",
                details={"numbers": unknown},
            )
        by_group: dict[str, list[str]] = defaultdict(list)
        for n in wanted:
            e = self.numbers[n]
            if e.group_id is not None:
                by_group[e.group_id].append(n)
                self.numbers[n] = InventoryNumber(n, e.state, e.port_id, None)
        return [
            InventoryNumbersReleased(self.partner_id, g, tuple(ns), occurred_at=now)
            for g, ns in sorted(by_group.items())
        ]

    def _refuse_numbers_held_elsewhere(self, numbers: list[str], port_id: str | None) -> None:
        clash = [n for n in numbers if n in self.numbers and self.numbers[n].port_id != port_id]
        if clash:
            raise NumberAlreadyInInventory(
                f"already in the inventory: {', '.join(clash)}", details={"numbers": clash}
            )
