"""Porting domain events: frozen dataclasses named in the past tense.

Each event sets `name: ClassVar[str]` to its published type (`porting.port.<past_tense>`)
and carries the port and partner it concerns, the instant it happened and the
aggregate's `version` after the change. Each event comes from exactly one recorded change,
so `port_id` + `version` identifies it: an adapter derives a deterministic event id from
them, and a redelivered command publishes nothing new.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import ClassVar

from services.porting.domain.errors import Reason


@dataclass(frozen=True, kw_only=True)
class PortEvent:
    """Base of every porting domain event."""

    name: ClassVar[str] = "porting.port.event"

    port_id: str
    partner_id: str
    occurred_at: datetime
    version: int


@dataclass(frozen=True, kw_only=True)
class PortDrafted(PortEvent):
    name: ClassVar[str] = "porting.port.drafted"

    actor: str
    country: str
    product: str


@dataclass(frozen=True, kw_only=True)
class PortDraftUpdated(PortEvent):
    name: ClassVar[str] = "porting.port.draft_updated"

    actor: str
    changed_fields: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class PortSubmitted(PortEvent):
    name: ClassVar[str] = "porting.port.submitted"

    actor: str
    country: str
    product: str
    numbers: tuple[str, ...]
    revision: int


@dataclass(frozen=True, kw_only=True)
class PortSubmissionRejected(PortEvent):
    """A submission refused by our own checks (from `ValidationFailed`): the request stays
    a draft; `request_id` is the submit command's, so the partner knows which one."""

    name: ClassVar[str] = "porting.port.submission_rejected"

    request_id: str
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, kw_only=True)
class PortAccepted(PortEvent):
    """The carrier accepted; the numbers enter the partner's inventory as "porting"."""

    name: ClassVar[str] = "porting.port.accepted"

    country: str
    carrier_ref: str
    port_date: date
    lead_days: int | None  # None when the carrier stated the port date itself
    cancellation_cutoff: datetime
    numbers: tuple[str, ...]
    revision: int


@dataclass(frozen=True, kw_only=True)
class PortDateRefused(PortEvent):
    """The carrier's acceptance was not taken: its port date (stated or computed) or its
    acceptance instant breaks the rules (the request stays submitted). `port_date`: the
    date judged (None when none could be computed); `earliest_port_date`: the first date
    that would have been taken (None when the instant itself is refused)."""

    name: ClassVar[str] = "porting.port.port_date_refused"

    carrier_ref: str
    accepted_at: datetime
    port_date: date | None
    reasons: tuple[Reason, ...]
    earliest_port_date: date | None


@dataclass(frozen=True, kw_only=True)
class PortRejected(PortEvent):
    name: ClassVar[str] = "porting.port.rejected"

    carrier_ref: str | None
    reasons: tuple[Reason, ...]
    revision: int


@dataclass(frozen=True, kw_only=True)
class PortResubmitted(PortEvent):
    name: ClassVar[str] = "porting.port.resubmitted"

    actor: str
    numbers: tuple[str, ...]
    corrected_fields: tuple[str, ...]
    revision: int


@dataclass(frozen=True, kw_only=True)
class PortCancelled(PortEvent):
    """The losing provider cancelled in time: the numbers leave the inventory.

    `restarted` is True when porting starts again (the request is back to `submitted`).
    """

    name: ClassVar[str] = "porting.port.cancelled"

    cancelled_by: str
    reason: str | None
    reported_at: datetime
    previous_port_date: date
    carrier_ref: str | None
    numbers: tuple[str, ...]
    restarted: bool


@dataclass(frozen=True, kw_only=True)
class LateCancellationRecorded(PortEvent):
    """A cancellation after the cut-off: recorded, escalated; the port stays scheduled."""

    name: ClassVar[str] = "porting.port.late_cancellation_recorded"

    cancelled_by: str
    reason: str | None
    reported_at: datetime
    cutoff: datetime
    port_date: date
    escalation_level: int
    escalation_role: str
    escalation_email: str


@dataclass(frozen=True, kw_only=True)
class PortCompleted(PortEvent):
    """The numbers ported: they go live in the partner's inventory."""

    name: ClassVar[str] = "porting.port.completed"

    completed_at: datetime
    numbers: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class PortWithdrawn(PortEvent):
    name: ClassVar[str] = "porting.port.withdrawn"

    actor: str
    reason: str | None
    numbers: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class PortSubmissionAbandoned(PortEvent):
    """A submission never reached its decision (its command failed for good): the draft
    stays a draft and its number claims are given up; the partner submits again."""

    name: ClassVar[str] = "porting.port.submission_abandoned"

    pending_since: datetime


@dataclass(frozen=True, kw_only=True)
class PortDateReminderDue(PortEvent):
    """Tell the partner the port date is near, with the risk notice."""

    name: ClassVar[str] = "porting.port.reminder_due"

    port_date: date
    numbers: tuple[str, ...]
    risk_notice: str


@dataclass(frozen=True, kw_only=True)
class PortCarrierAnswerOverdue(PortEvent):
    """No carrier answer in time: escalate to `level` of the provisioning matrix."""

    name: ClassVar[str] = "porting.port.carrier_answer_overdue"

    awaiting_since: datetime
    level: int
    role: str
    email: str


@dataclass(frozen=True, kw_only=True)
class PortCommentAdded(PortEvent):
    name: ClassVar[str] = "porting.port.comment_added"

    actor: str
    comment: str
