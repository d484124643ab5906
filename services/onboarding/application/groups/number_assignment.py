"""One group per number across the platform (§1.4): the claim step of an assignment.

`groups.assign_numbers` first has the partner's inventory assign the numbers to the
group (the intent, in the partner's own records), then calls `claim_for_group`: each
number is claimed platform-wide for the group (`adapters.number_claims`). If another group
holds any of them, whichever partner it belongs to, the command is refused as a whole:
the numbers it assigned go back to the partner's free inventory and
`onboarding.group.action_refused` lists each number held elsewhere (never naming the
other partner or group). Only then does the group document take the numbers, and
`drop_numbers_claimed_elsewhere` checks once more afterwards (a port cancellation may
have taken a number out of the inventory meanwhile).
"""

from __future__ import annotations

from datetime import datetime

from services.onboarding.adapters.number_claims import (
    GroupNumberClaims,
    NumberClaim,
)
from services.onboarding.application.common.admin_kinds import (
    GROUP_REPO,
    INVENTORY_REPO,
    GroupRecord,
)
from services.onboarding.application.common.core import refused
from services.onboarding.application.deps import Deps
from services.onboarding.application.groups.inventory import current_inventory
from services.onboarding.domain.event import DomainEvent
from services.onboarding.domain.groups.groups import CustomerGroup, NumberRemovalReason
from services.onboarding.domain.groups.inventory import (
    NumbersInAnotherGroup,
    PartnerNumberInventory,
)
from shared.contracts.common import Reason
from shared.contracts.onboarding import GroupActionRefusedV1
from shared.events import Envelope, Payload
from shared.usecase import Decision


def group_number_claims(deps: Deps) -> GroupNumberClaims:
    return deps.claims.numbers


async def holding(deps: Deps, claims: list[NumberClaim]) -> set[str]:
    """The numbers among `claims` that their owner group still holds or is taking: in the
    group document, or assigned to the group by its partner's inventory."""
    in_groups: dict[str, set[str]] = {}
    for group_id in {c.group_id for c in claims}:
        record = await deps.uc.load(GROUP_REPO, group_id)
        in_groups[group_id] = set() if record is None else record.group.numbers
    inventories: dict[str, PartnerNumberInventory] = {}
    for partner_id in {c.partner_id for c in claims}:
        inventories[partner_id] = await current_inventory(deps, partner_id)
    return {
        c.number
        for c in claims
        if c.number in in_groups[c.group_id]
        or inventories[c.partner_id].group_of(c.number) == c.group_id
    }


async def claim_for_group(
    deps: Deps,
    cause: Envelope,
    group: CustomerGroup,
    numbers: list[str],
    assigned_before: set[str],
) -> bool:
    """Claim `numbers` (which the inventory now assigns to the group) platform-wide.

    False when another group holds any: the numbers this command assigned
    (`numbers` - `assigned_before`) and those held elsewhere leave the group in the
    inventory, and the group's refusal is stored with that change (one atomic write under
    `<command id>:number-claims`, told once).
    """

    async def owners_holding(claims: list[NumberClaim]) -> set[str]:
        return await holding(deps, claims)

    claims = group_number_claims(deps)
    await deps.uc.persist()  # the claim reads what this batch decided so far
    held = await claims.claim(group.group_id, group.partner_id, numbers, owners_holding)
    if not held:
        return True
    taking_back = (set(numbers) - assigned_before) | held

    def decide(
        inventory: PartnerNumberInventory | None, now: datetime
    ) -> Decision[PartnerNumberInventory] | None:
        if inventory is None:
            return None
        ours = [n for n in sorted(taking_back) if inventory.group_of(n) == group.group_id]
        events: list[DomainEvent | Payload] = []
        if ours:
            events += inventory.release(ours, now=now)
        return Decision(inventory, [*events, _refusal(cause, group, held, now)])

    message_id = f"{cause.id}:number-claims"
    await deps.uc.handle(INVENTORY_REPO, group.partner_id, cause, decide, message_id=message_id)
    return False


def _refusal(
    cause: Envelope, group: CustomerGroup, held: set[str], now: datetime
) -> GroupActionRefusedV1:
    """The group's refusal of `cause` (numbers held by another group), in the refusal shape
    of the core (`shared.usecase`), published with the inventory's change."""
    error = refused(NumbersInAnotherGroup(held))
    return GroupActionRefusedV1(
        group_id=group.group_id,
        partner_id=group.partner_id,
        command_type=cause.type,
        command_id=cause.id,
        request_id=cause.data.get("request_id"),
        code=error.code,
        reasons=[Reason.of(r) for r in error.reasons()],
        details=dict(error.details),
        occurred_at=now,
    )


async def drop_numbers_claimed_elsewhere(
    deps: Deps, cause: Envelope, group_id: str, numbers: list[str]
) -> None:
    """After the group took `numbers`: drop any whose claim is no longer the group's."""
    await deps.uc.persist()
    current = await group_number_claims(deps).claims(numbers)
    lost = sorted(n for n in numbers if n not in current or current[n].group_id != group_id)
    if not lost:
        return

    def decide(record: GroupRecord | None, now: datetime) -> Decision[GroupRecord] | None:
        if record is None:
            return None
        reason = NumberRemovalReason.PORT_CANCELLED
        return Decision(record, record.group.remove_numbers(lost, reason, now=now))

    message_id = f"{cause.id}:recheck"
    await deps.uc.handle(GROUP_REPO, group_id, cause, decide, message_id=message_id)
