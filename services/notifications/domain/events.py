"""Maintenance domain events (domain.md §3): frozen dataclasses named in the past tense.

Each sets `name` to its published type (`notifications.maintenance.<past_tense>`) and
carries what a notice about it needs: the region, kind and current schedule (aware
instants, UTC), the iCalendar `sequence` (0 when announced, +1 per reschedule and on
cancellation), the affected customers, and the aggregate `version` after the change, so
`maintenance_id` + `version` identifies the event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import ClassVar

from services.notifications.domain.errors import Reason


@dataclass(frozen=True, kw_only=True)
class MaintenanceEvent:
    """Base of every maintenance event."""

    name: ClassVar[str] = "notifications.maintenance.event"

    maintenance_id: str
    occurred_at: datetime
    version: int
    region: str
    kind: str
    title: str
    start: datetime
    end: datetime
    sequence: int
    affected_customer_ids: tuple[str, ...]
    outside_window: bool
    impactful: bool


@dataclass(frozen=True, kw_only=True)
class MaintenanceAnnounced(MaintenanceEvent):
    """The notice: sent at once (emergencies included) to the region's enrolled partners
    and the affected customers' admins."""

    name: ClassVar[str] = "notifications.maintenance.announced"

    description: str
    window_start: datetime | None
    window_end: datetime | None
    window_kind: str | None
    reschedulable: bool
    answer_by: date | None
    upgrade_reason: str | None
    target_release: str | None
    emergency_reason: str | None
    certificate_expires_at: datetime | None
    sso_steps: bool


@dataclass(frozen=True, kw_only=True)
class MaintenanceReminderDue(MaintenanceEvent):
    """A reminder `hours_before` (elapsed) the start."""

    name: ClassVar[str] = "notifications.maintenance.reminder_due"

    hours_before: int


@dataclass(frozen=True, kw_only=True)
class MaintenanceStarted(MaintenanceEvent):
    name: ClassVar[str] = "notifications.maintenance.started"


@dataclass(frozen=True, kw_only=True)
class MaintenanceCompleted(MaintenanceEvent):
    """Done; for an upgrade, `upgraded_to` tells partners it concluded (§3)."""

    name: ClassVar[str] = "notifications.maintenance.completed"

    summary: str
    upgraded_to: str | None


@dataclass(frozen=True, kw_only=True)
class MaintenanceRescheduled(MaintenanceEvent):
    """Moved at a partner's request; `start`/`end` are the new times."""

    name: ClassVar[str] = "notifications.maintenance.rescheduled"

    previous_start: datetime
    previous_end: datetime
    reason: str
    requested_by: str
    window_start: datetime | None
    window_end: datetime | None


@dataclass(frozen=True, kw_only=True)
class MaintenanceRescheduleRefused(MaintenanceEvent):
    """A reschedule request refused, with every reason; the schedule is unchanged."""

    name: ClassVar[str] = "notifications.maintenance.reschedule_refused"

    requested_start: datetime
    requested_end: datetime
    reason: str
    requested_by: str
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, kw_only=True)
class MaintenanceCancelled(MaintenanceEvent):
    name: ClassVar[str] = "notifications.maintenance.cancelled"

    reason: str


MAINTENANCE_EVENTS: tuple[type[MaintenanceEvent], ...] = (
    MaintenanceAnnounced,
    MaintenanceReminderDue,
    MaintenanceStarted,
    MaintenanceCompleted,
    MaintenanceRescheduled,
    MaintenanceRescheduleRefused,
    MaintenanceCancelled,
)
