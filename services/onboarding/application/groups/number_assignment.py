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

from services.onboarding.adapters.admin_group_documents import (
    GROUPS,
    INVENTORIES,
    dump_group,
    dump_inventory,
    load_group,
    load_inventory,
)
from services.onboarding.adapters.number_claims import (
    GroupNumberClaims,
    NumberClaim,
)
from services.onboarding.application.common.steps import (
    EVENTS,
    Refusal,
    execute,
    load,
    published,
    refused,
)
from services.onboarding.application.deps import Deps
from services.onboarding.domain.event import DomainEvent
from services.onboarding.domain.groups.groups import CustomerGroup, NumberRemovalReason
from services.onboarding.domain.groups.inventory import (
    NumbersInAnotherGroup,
    PartnerNumberInventory,
)
from shared.events import Envelope
from shared.mongo import Document
from shared.store import Change, Outgoing, Stored


def group_number_claims(deps: Deps) -> GroupNumberClaims:
    return deps.claims.numbers


async def holding(deps: Deps, claims: list[NumberClaim]) -> set[str]:
    """The numbers among `claims` that their owner group still holds or is taking: in the
    group document, or assigned to the group by its partner's inventory."""
    in_groups: dict[str, set[str]] = {}
    for group_id in {c.group_id for c in claims}:
        stored = await load(deps, GROUPS, group_id)
        in_groups[group_id] = set() if stored is None else load_group(stored.state["group"]).numbers
    inventories: dict[str, PartnerNumberInventory] = {}
    for partner_id in {c.partner_id for c in claims}:
        stored = await load(deps, INVENTORIES, partner_id)
        inventories[partner_id] = (
            PartnerNumberInventory(partner_id)
            if stored is None
            else load_inventory(stored.state["inventory"])
        )
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
    refusal: Refusal,
) -> bool:
    """Claim `numbers` (which the inventory now assigns to the group) platform-wide.

    False when another group holds any: the numbers this command assigned
    (`numbers` - `assigned_before`) and those held elsewhere leave the group in the
    inventory, and the refusal is stored with that change (told once).
    """

    async def owners_holding(claims: list[NumberClaim]) -> set[str]:
        return await holding(deps, claims)

    claims = group_number_claims(deps)
    held = await claims.claim(group.group_id, group.partner_id, numbers, owners_holding)
    if not held:
        return True
    taking_back = (set(numbers) - assigned_before) | held
    error = NumbersInAnotherGroup(held)

    def decide(stored: Stored | None) -> Change | None:
        if stored is None:
            return None
        inventory = load_inventory(stored.state["inventory"])
        ours = [n for n in sorted(taking_back) if inventory.group_of(n) == group.group_id]
        events: list[DomainEvent] = inventory.release(ours, now=deps.now()) if ours else []
        state: Document = {**stored.state, "inventory": dump_inventory(inventory)}
        outgoing = published(cause, INVENTORIES, group.partner_id, stored.version + 1, events)
        return Change(state, [*outgoing, Outgoing(EVENTS, refused(deps, cause, refusal, error))])

    await deps.ctx.apply(INVENTORIES, group.partner_id, f"{cause.id}:number-claims", decide)
    return False


async def drop_numbers_claimed_elsewhere(
    deps: Deps, cause: Envelope, group_id: str, numbers: list[str]
) -> None:
    """After the group took `numbers`: drop any whose claim is no longer the group's."""
    current = await group_number_claims(deps).claims(numbers)
    lost = sorted(n for n in numbers if n not in current or current[n].group_id != group_id)
    if not lost:
        return

    def step(stored: Stored | None) -> tuple[Document, list[DomainEvent]] | None:
        if stored is None:
            return None
        group = load_group(stored.state["group"])
        events = group.remove_numbers(lost, NumberRemovalReason.PORT_CANCELLED, now=deps.now())
        return {**stored.state, "group": dump_group(group)}, events

    await execute(deps, cause, GROUPS, group_id, step, None, message_id=f"{cause.id}:recheck")
