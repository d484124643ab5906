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
from datetime import datetime

import phonenumbers
from phonenumbers import PhoneNumber

from services.onboarding.application.common.admin_kinds import (
    GROUP_REPO,
    INVENTORY_REPO,
    GroupRecord,
)
from services.onboarding.application.common.core import run
from services.onboarding.application.deps import Deps
from services.onboarding.application.groups.group_changes import refuse_group
from services.onboarding.domain.access import PROVISIONING, require_held
from services.onboarding.domain.errors import OnboardingError, Reason, ValidationFailed
from services.onboarding.domain.event import DomainEvent
from services.onboarding.domain.groups.groups import CustomerGroup, NumberRemovalReason
from services.onboarding.domain.groups.inventory import PartnerNumberInventory
from shared import numbers as ranges
from shared.contracts.onboarding import AddNumbersToInventory, NumberRangeIn
from shared.contracts.porting import PortNumbersAccepted, PortNumbersCancelled, PortNumbersCompleted
from shared.events import Envelope, Payload
from shared.usecase import Decision

MAX_RANGE = ranges.MAX_RANGE_SIZE
"""(product decision, `shared.numbers`) At most this many numbers per range."""

MAX_NUMBERS = ranges.MAX_NUMBERS
"""(product decision, `shared.numbers`) At most this many numbers per inventory command,
as per port request: the events that list them stay far below the broker's limit."""

Act = Callable[[PartnerNumberInventory, datetime], list[DomainEvent]]


async def current_inventory(deps: Deps, partner_id: str) -> PartnerNumberInventory:
    """The partner's inventory (empty before its first number)."""
    return await deps.uc.load(INVENTORY_REPO, partner_id) or PartnerNumberInventory(partner_id)


async def change_inventory(
    deps: Deps, cause: Envelope, partner_id: str, act: Act, *, group: CustomerGroup | None = None
) -> None:
    """One atomic, idempotent change of the partner's inventory (created on first use),
    tracked by the CloudEvents id. A refusal is the inventory's, or, for a step of a
    command on `group`, that group's (`onboarding.group.action_refused`, stored with it)."""

    def decide(
        inventory: PartnerNumberInventory | None, now: datetime
    ) -> Decision[PartnerNumberInventory]:
        inventory = inventory or PartnerNumberInventory(partner_id)
        return Decision(inventory, act(inventory, now))

    if group is None:
        await run(deps.uc, INVENTORY_REPO, partner_id, cause, decide)
        return
    try:
        await deps.uc.handle(INVENTORY_REPO, partner_id, cause, decide, message_id=cause.id)
    except OnboardingError as error:  # nothing changed: told as the group's refusal
        await refuse_group(deps, cause, group.group_id, error, group.partner_id)


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

    def act(inventory: PartnerNumberInventory, now: datetime) -> list[DomainEvent]:
        require_held(cmd.actor, PROVISIONING)
        return inventory.add_new_range(expand(cmd.numbers), now=now)

    await change_inventory(deps, cause, cmd.partner_id, act)


async def port_accepted(deps: Deps, cause: Envelope, fact: PortNumbersAccepted) -> None:
    """A port was accepted: its numbers enter the inventory as "porting"."""

    def act(inventory: PartnerNumberInventory, now: datetime) -> list[DomainEvent]:
        return inventory.add_ported_numbers(fact.port_id, fact.numbers, now=now)

    await change_inventory(deps, cause, fact.partner_id, act)


async def port_completed(deps: Deps, cause: Envelope, fact: PortNumbersCompleted) -> None:
    """The port completed: its numbers are live."""

    def act(inventory: PartnerNumberInventory, now: datetime) -> list[DomainEvent]:
        return inventory.activate_ported_numbers(fact.port_id, now=now)

    await change_inventory(deps, cause, fact.partner_id, act)


async def port_cancelled(deps: Deps, cause: Envelope, fact: PortNumbersCancelled) -> None:
    """The port was cancelled: its numbers leave; the event names the groups that held them."""

    def act(inventory: PartnerNumberInventory, now: datetime) -> list[DomainEvent]:
        return inventory.remove_cancelled_port(fact.port_id, now=now)

    await change_inventory(deps, cause, fact.partner_id, act)


async def numbers_withdrawn(deps: Deps, cause: Envelope, fact: Payload) -> None:
    """Each group that held withdrawn numbers drops them (one atomic update per group)."""
    groups: dict[str, list[str]] = fact.model_dump()["groups"]
    for group_id, numbers in sorted(groups.items()):

        def decide(
            record: GroupRecord | None, now: datetime, numbers: list[str] = numbers
        ) -> Decision[GroupRecord] | None:
            if record is None:
                return None
            reason = NumberRemovalReason.PORT_CANCELLED
            return Decision(record, record.group.remove_numbers(numbers, reason, now=now))

        await deps.uc.handle(GROUP_REPO, group_id, cause, decide, message_id=cause.id)
