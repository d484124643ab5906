"""The steps on a customer group document every group use case shares (§1.4).

Each is one `uc.handle` on `GROUP_REPO`, tracked by the command's CloudEvents id as the
administration half always was: a change of an existing group, and a refusal told about a
group (stored with it when it exists, so told once; else told at once).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from services.onboarding.application.common.admin_kinds import GROUP_REPO, GroupRecord
from services.onboarding.application.common.core import run
from services.onboarding.application.deps import Deps
from services.onboarding.domain.errors import OnboardingError
from services.onboarding.domain.event import DomainEvent
from services.onboarding.domain.groups.groups import CustomerGroup
from shared.events import Envelope
from shared.usecase import Decision, Outcome

GroupAct = Callable[[CustomerGroup, datetime], list[DomainEvent]]
"""`act(group, now)`: call the domain on the group, its events (an error: refused)."""


async def require_group(deps: Deps, group_id: str) -> CustomerGroup:
    """The group; a command naming an unknown one is rejected (`unknown_group`)."""
    return (await deps.uc.require(GROUP_REPO, group_id)).group


async def refuse_group(
    deps: Deps, cause: Envelope, group_id: str, error: OnboardingError, partner_id: str | None
) -> None:
    """Refuse `cause` about a group (`onboarding.group.action_refused`) naming `partner_id`
    (the partner the command names; none for a forbidden command): stored with the group
    when it exists (told once), else told at once."""

    def refuse(_: GroupRecord | None, __: datetime) -> Decision[GroupRecord]:
        raise error

    await run(deps.uc, GROUP_REPO, group_id, cause, refuse, about={"partner_id": partner_id})


async def refuse_reused_id(deps: Deps, cause: Envelope, group_id: str) -> None:
    """Raise `CommandIdReused` now if the group recorded `cause.id` for another command
    (checked before a step on another document, so a reused id never leaves the first
    change made and the second refused)."""
    await deps.uc.seen(GROUP_REPO, group_id, cause, message_id=cause.id)


async def change_group(deps: Deps, cause: Envelope, group_id: str, act: GroupAct) -> Outcome:
    """One atomic, idempotent change of an existing group; refused on a domain error."""

    def decide(record: GroupRecord | None, now: datetime) -> Decision[GroupRecord]:
        assert record is not None  # required before
        return Decision(record, act(record.group, now))

    return await run(deps.uc, GROUP_REPO, group_id, cause, decide)
