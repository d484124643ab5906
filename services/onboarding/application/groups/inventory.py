"""The partner's number inventory (§1.4, §5 flow 3): new ranges, and numbers from ports.

Porting's `porting.numbers.*` facts drive the ported numbers: accepted → they enter as
"porting" (assignable to a group at once), completed → "active", cancelled → they leave
again. A cancellation is a choreography of two atomic, idempotent steps: the inventory
takes the numbers out and publishes `onboarding.inventory.port_numbers_withdrawn`, naming
the groups that held them (the partner is told); consuming that fact, each group drops
the numbers (and what used them: CLID, voice portal number) in its own document.
"""

from __future__ import annotations

from collections.abc import Callable

import phonenumbers
from phonenumbers import PhoneNumber

from services.onboarding.adapters.admin_group_documents import (
    GROUPS,
    INVENTORIES,
    dump_group,
    dump_inventory,
    load_group,
    load_inventory,
)
from services.onboarding.application.common.steps import Refusal, execute, load, refuse
from services.onboarding.application.deps import Deps
from services.onboarding.domain.access import PROVISIONING, require_held
from services.onboarding.domain.errors import OnboardingError, Reason, ValidationFailed
from services.onboarding.domain.event import DomainEvent
from services.onboarding.domain.groups.groups import NumberRemovalReason
from services.onboarding.domain.groups.inventory import PartnerNumberInventory
from shared import numbers as ranges
from shared.contracts.onboarding import (
    AddNumbersToInventory,
    InventoryActionRefusedV1,
    NumberRangeIn,
)
from shared.contracts.porting import PortNumbersAccepted, PortNumbersCancelled, PortNumbersCompleted
from shared.events import Envelope, Payload
from shared.mongo import Document
from shared.store import Stored

MAX_RANGE = ranges.MAX_RANGE_SIZE
"""(product decision, `shared.numbers`) At most this many numbers per range."""

MAX_NUMBERS = ranges.MAX_NUMBERS
"""(product decision, `shared.numbers`) At most this many numbers per inventory command,
as per port request: the events that list them stay far below the broker's limit."""

Act = Callable[[PartnerNumberInventory], list[DomainEvent]]


def inventory_refusal(partner_id: str) -> Refusal:
    return Refusal(InventoryActionRefusedV1, partner_id, {"partner_id": partner_id})


async def current_inventory(deps: Deps, partner_id: str) -> PartnerNumberInventory:
    stored = await load(deps, INVENTORIES, partner_id)
    if stored is None:
        return PartnerNumberInventory(partner_id)
    return load_inventory(stored.state["inventory"])


async def change_inventory(
    deps: Deps, cause: Envelope, partner_id: str, act: Act, refusal: Refusal
) -> None:
    """One atomic, idempotent change of the partner's inventory (created on first use)."""

    def step(stored: Stored | None) -> tuple[Document, list[DomainEvent]]:
        inventory = (
            load_inventory(stored.state["inventory"])
            if stored
            else PartnerNumberInventory(partner_id)
        )
        events = act(inventory)
        return {"inventory": dump_inventory(inventory)}, events

    await execute(deps, cause, INVENTORIES, partner_id, step, refusal)


def expand(entries: list[str | NumberRangeIn]) -> list[str]:
    """Numbers and ranges as a list of numbers (ranges: same length, at most MAX_RANGE;
    at most MAX_NUMBERS in all, counted before anything is expanded)."""
    total = ranges.count_numbers(entries, _ends)
    if total > MAX_NUMBERS:
        raise ValidationFailed(
            [
                Reason(
                    "too_many_numbers",
                    f"{total} numbers in one command; at most {MAX_NUMBERS} (split it)",
                    "numbers",
                )
            ]
        )
    numbers: list[str] = []
    reasons = []
    for entry in entries:
        if isinstance(entry, str):
            numbers.append(entry)
            continue
        ends = _ends(entry)
        try:
            if ends is None:
                raise ranges.NotOneRange(f"{entry.first}-{entry.last}")
            numbers += ranges.expand_range(*ends, MAX_RANGE)
        except ranges.RangeTooLarge:
            reasons.append(Reason("range_too_long", f"at most {MAX_RANGE} numbers", "numbers"))
        except ranges.RangeError:
            reasons.append(Reason("invalid_range", f"{entry.first}-{entry.last}", "numbers"))
    if reasons:
        raise ValidationFailed(reasons)
    return numbers


def _ends(entry: str | NumberRangeIn) -> tuple[PhoneNumber, PhoneNumber] | None:
    """A range's two ends (international numbers), None for a single number or
    unreadable ends (the range rule: `shared.numbers`)."""
    if isinstance(entry, str):
        return None
    try:
        return phonenumbers.parse(entry.first, None), phonenumbers.parse(entry.last, None)
    except phonenumbers.NumberParseException:
        return None


async def add_numbers(deps: Deps, cause: Envelope, cmd: AddNumbersToInventory) -> None:
    """The provisioning team adds new numbers: active at once."""
    refusal = inventory_refusal(cmd.partner_id)
    try:
        require_held(cmd.actor, PROVISIONING)
        numbers = expand(cmd.numbers)
    except OnboardingError as error:
        await refuse(deps, cause, refusal, error)
        return

    def act(inventory: PartnerNumberInventory) -> list[DomainEvent]:
        return inventory.add_new_range(numbers, now=deps.now())

    await change_inventory(deps, cause, cmd.partner_id, act, refusal)


async def port_accepted(deps: Deps, cause: Envelope, fact: PortNumbersAccepted) -> None:
    """A port was accepted: its numbers enter the inventory as "porting"."""

    def act(inventory: PartnerNumberInventory) -> list[DomainEvent]:
        return inventory.add_ported_numbers(fact.port_id, fact.numbers, now=deps.now())

    await change_inventory(deps, cause, fact.partner_id, act, inventory_refusal(fact.partner_id))


async def port_completed(deps: Deps, cause: Envelope, fact: PortNumbersCompleted) -> None:
    """The port completed: its numbers are live."""

    def act(inventory: PartnerNumberInventory) -> list[DomainEvent]:
        return inventory.activate_ported_numbers(fact.port_id, now=deps.now())

    await change_inventory(deps, cause, fact.partner_id, act, inventory_refusal(fact.partner_id))


async def port_cancelled(deps: Deps, cause: Envelope, fact: PortNumbersCancelled) -> None:
    """The port was cancelled: its numbers leave; the event names the groups that held them."""

    def act(inventory: PartnerNumberInventory) -> list[DomainEvent]:
        return inventory.remove_cancelled_port(fact.port_id, now=deps.now())

    await change_inventory(deps, cause, fact.partner_id, act, inventory_refusal(fact.partner_id))


async def numbers_withdrawn(deps: Deps, cause: Envelope, fact: Payload) -> None:
    """Each group that held withdrawn numbers drops them (one atomic update per group)."""
    groups: dict[str, list[str]] = fact.model_dump()["groups"]
    for group_id, numbers in sorted(groups.items()):

        def step(
            stored: Stored | None, numbers: list[str] = numbers
        ) -> tuple[Document, list[DomainEvent]] | None:
            if stored is None:
                return None
            group = load_group(stored.state["group"])
            events = group.remove_numbers(
                numbers, NumberRemovalReason.PORT_CANCELLED, now=deps.now()
            )
            return {**stored.state, "group": dump_group(group)}, events

        await execute(deps, cause, GROUPS, group_id, step, None)
