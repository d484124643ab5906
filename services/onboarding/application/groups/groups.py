"""Customer groups (§1.4): cloned, numbered, given a CLID, a voice portal and admin users.

A partner acts on its own groups; the provisioning team on any. Only a partner that can
create customers (platform access live, §1.3 step 5, per its provider onboarding record)
gets a new group. Group IDs and admin user IDs are unique across the platform: each is
claimed (`adapters.admin_claims`) before the group that uses it is stored, and the claim
is given up again when the group refused it.
Passwords are hashed at once (typed) or generated and hashed (never sent anywhere).
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote, unquote

from services.onboarding.adapters.admin_claims import UniqueClaims
from services.onboarding.adapters.admin_group_documents import GROUPS
from services.onboarding.application.common.admin_kinds import (
    CLONE_GROUPS_REPO,
    GROUP_REPO,
    GroupRecord,
)
from services.onboarding.application.common.core import run
from services.onboarding.application.deps import Deps
from services.onboarding.application.groups.group_changes import (
    change_group,
    refuse_group,
    refuse_reused_id,
    require_group,
)
from services.onboarding.application.groups.inventory import change_inventory, current_inventory
from services.onboarding.application.groups.number_assignment import (
    claim_for_group,
    drop_numbers_claimed_elsewhere,
)
from services.onboarding.application.partners.registry import load_partner_or_none
from services.onboarding.domain.access import PROVISIONING, require_held, require_partner
from services.onboarding.domain.errors import Duplicate, OnboardingError, Reason, ValidationFailed
from services.onboarding.domain.event import DomainEvent
from services.onboarding.domain.groups.groups import (
    CustomerGroup,
    NumberRemovalReason,
    NumbersNotAssignedToGroup,
    user_id_key,
)
from services.onboarding.domain.groups.inventory import PartnerNumberInventory, normalise_numbers
from services.onboarding.domain.secrets import generate_password, hash_secret
from shared.actor import Actor
from shared.contracts.common import revealed
from shared.contracts.onboarding import (
    AddGroupAdminUser,
    AssignNumbersToGroup,
    CloneGroupRegisteredV1,
    CreateCustomerGroup,
    EnableVoicePortal,
    RegisterCloneGroup,
    ReleaseNumbersFromGroup,
    RemoveGroupAdminUser,
    SetBusinessProfileNumber,
)
from shared.events import Envelope
from shared.mongo import Document
from shared.store import fingerprint
from shared.usecase import Decision, Outcome


async def clone_groups_of(deps: Deps, partner_id: str) -> list[str]:
    stored = await deps.uc.load(CLONE_GROUPS_REPO, partner_id)
    return [] if stored is None else list(stored.get("clone_group_ids", []))


async def _authorised(deps: Deps, cause: Envelope, actor: Actor, group: CustomerGroup) -> bool:
    try:
        require_partner(actor, group.partner_id)
    except OnboardingError as error:
        await refuse_group(deps, cause, group.group_id, error, actor.partner_id)
        return False
    return True


async def register_clone_group(deps: Deps, cause: Envelope, cmd: RegisterCloneGroup) -> None:
    """The provisioning team built a clone group for the partner."""
    try:
        require_held(cmd.actor, PROVISIONING)
    except OnboardingError as error:
        await refuse_group(deps, cause, cmd.clone_group_id, error, cmd.partner_id)
        return

    def decide(stored: Document | None, now: datetime) -> Decision[Document] | None:
        ids = list(stored["clone_group_ids"]) if stored else []
        if cmd.clone_group_id in ids:
            return None
        registered = CloneGroupRegisteredV1(
            partner_id=cmd.partner_id, clone_group_id=cmd.clone_group_id, occurred_at=now
        )
        state = {"partner_id": cmd.partner_id, "clone_group_ids": [*ids, cmd.clone_group_id]}
        return Decision(state, [registered])

    await run(deps.uc, CLONE_GROUPS_REPO, cmd.partner_id, cause, decide)


async def create(deps: Deps, cause: Envelope, cmd: CreateCustomerGroup) -> None:
    """Clone the partner's clone group into a new group with a platform-unique group ID."""
    group_id = cmd.group_id.strip()
    owner = f"{cmd.partner_id}:{cmd.request_id}"  # the creating request holds the claim
    digest = fingerprint(cause)  # ... and is bound to the whole command

    def reused(record: GroupRecord | None) -> bool:
        """A different command under the request id that created this group."""
        return (
            record is not None
            and record.created_by == owner
            and (record.created_by_fingerprint or digest) != digest
        )

    async def in_use(holder: str, key: str) -> bool:
        record = await deps.uc.load(GROUP_REPO, key)
        return record is not None and record.created_by == holder

    claims = deps.claims.group_ids
    try:
        require_partner(cmd.actor, cmd.partner_id)
        existing = await deps.uc.load(GROUP_REPO, group_id)
        if reused(existing):
            raise _request_id_reused(cmd.request_id)
        await deps.uc.persist()  # the claim reads what this batch decided so far
        if not await claims.claim(group_id, owner, cmd.partner_id, in_use):
            raise Duplicate(f"group ID {group_id} is taken", code="group_id_taken")
    except OnboardingError as error:
        await refuse_group(deps, cause, group_id, error, cmd.partner_id)
        return
    clones = await clone_groups_of(deps, cmd.partner_id)
    partner = await load_partner_or_none(deps, cmd.partner_id)
    live = partner is not None and partner.can_create_customers

    def decide(record: GroupRecord | None, now: datetime) -> Decision[GroupRecord] | None:
        if record is not None:
            if reused(record):
                raise _request_id_reused(cmd.request_id)
            if record.created_by == owner:
                return None  # created by this very request before
            raise Duplicate(f"group ID {group_id} is taken", code="group_id_taken")
        group, events = CustomerGroup.clone(
            group_id=group_id,
            group_name=cmd.group_name,
            partner_id=cmd.partner_id,
            clone_group_id=cmd.clone_group_id,
            partner_clone_group_ids=clones,
            default_domain=cmd.default_domain,
            allowed_domains=deps.settings.allowed_domains,
            now=now,
            partner_can_create_customers=live,
        )
        return Decision(GroupRecord(group, owner, digest), events)

    about = {"partner_id": cmd.partner_id}
    outcome = await run(deps.uc, GROUP_REPO, group_id, cause, decide, about=about)
    if outcome is Outcome.REFUSED:
        await deps.uc.persist()
        record = await deps.uc.load(GROUP_REPO, group_id)
        if record is None or record.created_by != owner:
            await claims.release(group_id, owner)  # ours, and no group of ours uses it


def _request_id_reused(request_id: str) -> Duplicate:
    return Duplicate(
        f"request_id {request_id} already created a group with a different command",
        code="request_id_reused",
        details={"request_id": request_id},
    )


async def assign_numbers(deps: Deps, cause: Envelope, cmd: AssignNumbersToGroup) -> None:
    """Assign numbers of the partner's own inventory to the group: inventory first, then the
    group takes exactly the numbers the inventory assigned to it."""
    group = await require_group(deps, cmd.group_id)
    if not await _authorised(deps, cause, cmd.actor, group):
        return
    await refuse_reused_id(deps, cause, group.group_id)
    try:
        numbers = normalise_numbers(cmd.numbers)
    except OnboardingError as error:
        await refuse_group(deps, cause, group.group_id, error, group.partner_id)
        return

    def assign(inventory: PartnerNumberInventory, now: datetime) -> list[DomainEvent]:
        return inventory.assign(numbers, group.group_id, now=now)

    before = await current_inventory(deps, group.partner_id)
    assigned_before = {n for n in numbers if before.group_of(n) == group.group_id}
    await change_inventory(deps, cause, group.partner_id, assign, group=group)
    inventory = await current_inventory(deps, group.partner_id)
    if any(inventory.group_of(n) != group.group_id for n in numbers):
        return  # the inventory refused (and said why)
    # One group per number across the platform, whichever partner's inventory holds it.
    if not await claim_for_group(deps, cause, group, numbers, assigned_before):
        return  # another group holds some: taken back and refused (with every number)

    def add(g: CustomerGroup, now: datetime) -> list[DomainEvent]:
        return g.add_numbers(numbers, inventory=inventory, now=now)

    await change_group(deps, cause, group.group_id, add)
    await drop_numbers_claimed_elsewhere(deps, cause, group.group_id, numbers)


async def release_numbers(deps: Deps, cause: Envelope, cmd: ReleaseNumbersFromGroup) -> None:
    """Give numbers of the group back to the partner's free inventory."""
    group = await require_group(deps, cmd.group_id)
    if not await _authorised(deps, cause, cmd.actor, group):
        return
    await refuse_reused_id(deps, cause, group.group_id)
    try:
        numbers = normalise_numbers(cmd.numbers)
    except OnboardingError as error:
        await refuse_group(deps, cause, group.group_id, error, group.partner_id)
        return

    def release(inventory: PartnerNumberInventory, now: datetime) -> list[DomainEvent]:
        others = [n for n in numbers if inventory.group_of(n) not in (group.group_id, None)]
        if others:
            raise NumbersNotAssignedToGroup(
                f"not numbers of group {group.group_id}: {', '.join(others)}",
                details={"numbers": others},
            )
        return inventory.release(numbers, now=now)

    await change_inventory(deps, cause, group.partner_id, release, group=group)
    inventory = await current_inventory(deps, group.partner_id)
    if any(inventory.group_of(n) == group.group_id for n in numbers):
        return  # refused
    reason = NumberRemovalReason.RELEASED

    def remove(g: CustomerGroup, now: datetime) -> list[DomainEvent]:
        return g.remove_numbers(numbers, reason, now=now)

    await change_group(deps, cause, group.group_id, remove)


async def set_clid(deps: Deps, cause: Envelope, cmd: SetBusinessProfileNumber) -> None:
    """Set the business profile number (CLID): one of the group's numbers."""
    group = await require_group(deps, cmd.group_id)
    if await _authorised(deps, cause, cmd.actor, group):

        def act(g: CustomerGroup, now: datetime) -> list[DomainEvent]:
            return g.set_business_profile_number(cmd.clid, now=now)

        await change_group(deps, cause, group.group_id, act)


async def enable_voice_portal(deps: Deps, cause: Envelope, cmd: EnableVoicePortal) -> None:
    """Enable the voice portal with a number of the group and/or an extension."""
    group = await require_group(deps, cmd.group_id)
    if not await _authorised(deps, cause, cmd.actor, group):
        return

    def act(g: CustomerGroup, now: datetime) -> list[DomainEvent]:
        return g.enable_voice_portal(
            number=cmd.number,
            extension=cmd.extension,
            external_dial_in=cmd.external_dial_in,
            now=now,
        )

    await change_group(deps, cause, group.group_id, act)


def _user_claims(deps: Deps) -> UniqueClaims:
    return deps.claims.user_ids


async def _holds_user(deps: Deps, group_id: str, key: str) -> bool:
    record = await deps.uc.load(GROUP_REPO, group_id)
    return record is not None and key in record.group.admin_users


async def _user_claim_in_use(deps: Deps, holder: str, key: str) -> bool:
    """Whether the claim `holder` ("<group>#<command id>") may still hold `key`.

    The claim is written before the group stores the user, so "the group does not have
    the user" alone would let a taker steal a claim whose command has not written yet.
    A claim is stale only once its command is done with the group (its id is among the
    group's handled messages) and the group does not have the user: a command id is
    never used again, so that stays true and the compare-and-swap on it is safe.
    """
    group_id, _, command_id = _holder_parts(holder)
    stored = await deps.uc.stores(GROUPS).load(group_id)  # its handled ids, not its state
    if stored is None:
        return False
    if key in GROUP_REPO.load(stored.state).group.admin_users:
        return True
    return bool(command_id) and not stored.has_handled(command_id)


def _user_claim_owner(group_id: str, command_id: str) -> str:
    # The command id is quoted so that the last "#" always separates the two parts.
    return f"{group_id}#{quote(command_id, safe='')}"


def _holder_parts(holder: str) -> tuple[str, str, str]:
    """(group, "#", command id) of an owner; ("<group>", "", "") for one without a command."""
    if "#" not in holder:
        return holder, "", ""
    group_id, sep, quoted = holder.rpartition("#")
    return group_id, sep, unquote(quoted)


async def add_admin_user(deps: Deps, cause: Envelope, cmd: AddGroupAdminUser) -> None:
    """Add an admin user with a platform-unique, case-sensitive user ID."""
    group = await require_group(deps, cmd.group_id)
    if not await _authorised(deps, cause, cmd.actor, group):
        return
    await refuse_reused_id(deps, cause, group.group_id)  # before the ID is claimed
    key = user_id_key(cmd.user_id)
    claims = _user_claims(deps)

    owner = _user_claim_owner(group.group_id, cause.id)  # one claim per command, never reused

    async def in_use(holder: str, value: str) -> bool:
        return await _user_claim_in_use(deps, holder, value)

    try:
        if (cmd.password is None) == (not cmd.generate_password):
            raise ValidationFailed(
                [Reason("password_or_generate", "type a password or generate one", "password")]
            )
        typed = revealed(cmd.password)
        password_hash = hash_secret(generate_password() if typed is None else typed)
        await deps.uc.persist()  # the claim reads what this batch decided so far
        if not await claims.claim(key, owner, group.partner_id, in_use):
            raise Duplicate(f"user ID {key} is taken", code="user_id_taken")
    except (OnboardingError, ValueError) as error:
        failure = error if isinstance(error, OnboardingError) else _invalid_password()
        await refuse_group(deps, cause, group.group_id, failure, group.partner_id)
        return

    def act(g: CustomerGroup, now: datetime) -> list[DomainEvent]:
        return g.add_admin_user(
            cmd.user_id,
            first_name=cmd.first_name,
            last_name=cmd.last_name,
            password_hash=password_hash,
            now=now,
        )

    await change_group(deps, cause, group.group_id, act)
    await deps.uc.persist()
    if not await _holds_user(deps, group.group_id, key):
        await claims.release(key, owner)  # refused: the ID is free again


def _invalid_password() -> ValidationFailed:
    return ValidationFailed([Reason("invalid_password", "the password is empty", "password")])


async def remove_admin_user(deps: Deps, cause: Envelope, cmd: RemoveGroupAdminUser) -> None:
    """Remove an admin user; its user ID is free again."""
    group = await require_group(deps, cmd.group_id)
    if not await _authorised(deps, cause, cmd.actor, group):
        return

    def remove(g: CustomerGroup, now: datetime) -> list[DomainEvent]:
        return g.remove_admin_user(cmd.user_id, now=now)

    await change_group(deps, cause, group.group_id, remove)
    key = user_id_key(cmd.user_id)
    await deps.uc.persist()  # the release follows the stored group
    if not await _holds_user(deps, group.group_id, key):
        claims = _user_claims(deps)
        holder = await claims.owner_of(key)
        if holder is not None and _holder_parts(holder)[0] == group.group_id:
            await claims.release(key, holder)
