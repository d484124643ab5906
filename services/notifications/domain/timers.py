"""Durable timers the domain asks for, and the rule for reminders before a moment.

`DueTimer` has exactly the fields of `shared.store.Timer` (id, kind, due_at, data), which
the application builds from it one to one; the domain does not import the store (it
would bring pymongo into the pure layer). Ids are deterministic, so every instance that
recomputes the timers of one aggregate gets the same ids and the store fires each once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from services.notifications.domain.policy import aware


@dataclass(frozen=True)
class DueTimer:
    """Fire `kind` with `data` at `due_at` (UTC); `id` is unique per aggregate."""

    id: str
    kind: str
    due_at: datetime
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Reminder:
    """One reminder `before` (elapsed) the target, due at `due_at` (UTC)."""

    before: timedelta
    due_at: datetime

    @property
    def hours(self) -> int:
        """Whole hours before the target (the reminder's name, e.g. 72 or 24)."""
        return int(self.before.total_seconds() // 3600)


def reminders_before(
    target: datetime, offsets: Iterable[timedelta], scheduled_at: datetime
) -> list[Reminder]:
    """The reminders still to send before ``target``, earliest first (§3 product decision).

    Offsets are elapsed time before the target, so a daylight-saving night does not
    shift them. A reminder whose time is not after ``scheduled_at`` (the announcement or
    the reschedule) is skipped, never sent late.
    """
    target_utc = aware(target, "target")
    since = aware(scheduled_at, "scheduled_at")
    due = [Reminder(offset, target_utc - offset) for offset in offsets]
    return sorted((r for r in due if r.due_at > since), key=lambda r: r.due_at)


INVITATION_EXPIRING = "invitation.expiring"
INVITATION_EXPIRING_BEFORE = timedelta(hours=24)
"""Partners are reminded a day before a tenant invitation (valid 72 h, §1.5) expires."""


def invitation_expiring_timer(
    invitation_id: str,
    *,
    valid_until: datetime,
    sent_at: datetime,
    before: timedelta = INVITATION_EXPIRING_BEFORE,
) -> DueTimer | None:
    """The "invitation expiring" reminder for one invitation, or None if already due when sent."""
    due = reminders_before(valid_until, (before,), sent_at)
    if not due:
        return None
    return DueTimer(
        f"invitation:{invitation_id}:expiring",
        INVITATION_EXPIRING,
        due[0].due_at,
        {"invitation_id": invitation_id, "valid_until": valid_until.astimezone(UTC).isoformat()},
    )
