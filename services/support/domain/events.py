"""Ticket events: frozen dataclasses named `support.ticket.<past_tense>` (spec/domain.md §4).

Every ticket event carries what a partner e-mail needs without looking anything up: the
ticket number, partner, tenant and customer name, the severity in force, and the zone of
the ticket's calendar; a due instant is given in UTC (`…_at`) and on that zone's wall
clock (`…_local`). `ticket_id` + `version` identify the change an event comes from, so an
adapter can derive a deterministic event id from them. The published pydantic contracts
(`shared/contracts/support.py`) are written from these.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import ClassVar

from services.support.domain.errors import Reason
from services.support.domain.policy import EscalationContact
from services.support.domain.severity import Impact, Severity, Urgency
from services.support.domain.values import Channel, PartnerContact, Resolution, Side


class EscalationCause(StrEnum):
    """What an escalation walk is about."""

    RESPONSE_BREACHED = "response_breached"
    STATUS_UPDATE_MISSED = "status_update_missed"


@dataclass(frozen=True, kw_only=True)
class TicketEvent:
    """Base of every ticket event."""

    name: ClassVar[str] = "support.ticket.event"

    ticket_id: str
    ticket_number: str
    partner_id: str
    tenant_id: str
    customer_name: str | None
    severity: Severity
    time_zone: str
    occurred_at: datetime
    version: int
    title: str = ""


@dataclass(frozen=True, kw_only=True)
class TicketOpened(TicketEvent):
    name: ClassVar[str] = "support.ticket.opened"

    opened_by: str
    channel: Channel
    impact: Impact
    urgency: Urgency
    affected_users: int | None
    total_users: int | None
    category: str
    subkind: str | None
    contract_number: str
    contact: PartnerContact
    description: str
    problem_occurred_at: datetime | None
    response_objective: str
    response_clock_starts_at: datetime
    response_due_at: datetime
    response_due_local: datetime
    calendar_source: str
    calendar_country: str
    calendar_subdivision: str | None
    notices: tuple[Reason, ...]


@dataclass(frozen=True, kw_only=True)
class TicketOpeningRefused:
    """A ticket refused at opening; nothing is stored for it (keyed by the request id)."""

    name: ClassVar[str] = "support.ticket.opening_refused"

    request_id: str
    partner_id: str
    tenant_id: str
    actor: str
    reasons: tuple[Reason, ...]
    occurred_at: datetime


@dataclass(frozen=True, kw_only=True)
class TicketActionRefused:
    """An action on an existing ticket refused (illegal transition, severity rule …)."""

    name: ClassVar[str] = "support.ticket.action_refused"

    ticket_id: str
    ticket_number: str
    partner_id: str
    action: str
    actor: str
    reasons: tuple[Reason, ...]
    occurred_at: datetime


@dataclass(frozen=True, kw_only=True)
class TicketAcknowledged(TicketEvent):
    name: ClassVar[str] = "support.ticket.acknowledged"

    acknowledged_by: str
    response_due_at: datetime
    response_due_local: datetime
    objective_met: bool
    late_by: timedelta | None


@dataclass(frozen=True, kw_only=True)
class TicketResponseBreached(TicketEvent):
    name: ClassVar[str] = "support.ticket.response_breached"

    plan: int
    response_objective: str
    response_due_at: datetime
    response_due_local: datetime
    breached_at: datetime


@dataclass(frozen=True, kw_only=True)
class TicketEscalated(TicketEvent):
    name: ClassVar[str] = "support.ticket.escalated"

    cause: EscalationCause
    round: int  # the response plan, or the status update, the walk is about
    level: int  # 1 = first level of the policy
    level_name: str
    contacts: tuple[EscalationContact, ...]
    reached_at: datetime
    next_level_at: datetime | None
    next_level_local: datetime | None


@dataclass(frozen=True, kw_only=True)
class TicketSeverityChanged(TicketEvent):
    name: ClassVar[str] = "support.ticket.severity_changed"

    previous_severity: Severity
    side: Side
    changed_by: str
    impact: Impact
    urgency: Urgency
    reason: str | None
    response_replanned: bool
    response_due_at: datetime | None
    response_due_local: datetime | None


@dataclass(frozen=True, kw_only=True)
class TicketWorkStarted(TicketEvent):
    name: ClassVar[str] = "support.ticket.work_started"

    started_by: str
    status_update_due_at: datetime
    status_update_due_local: datetime


@dataclass(frozen=True, kw_only=True)
class TicketWaitingOnPartner(TicketEvent):
    name: ClassVar[str] = "support.ticket.waiting_on_partner"

    by: str
    reason: str
    cycle: int


@dataclass(frozen=True, kw_only=True)
class TicketPartnerResponded(TicketEvent):
    """The wait on the partner ended; work goes on (the resolution clock runs again)."""

    name: ClassVar[str] = "support.ticket.partner_responded"

    by: str
    side: Side
    cycle: int
    waited: timedelta
    waited_business: timedelta
    total_waited: timedelta
    total_waited_business: timedelta
    status_update_due_at: datetime
    status_update_due_local: datetime


@dataclass(frozen=True, kw_only=True)
class TicketStatusUpdated(TicketEvent):
    """The vendor gave a status and an action plan (§4)."""

    name: ClassVar[str] = "support.ticket.status_updated"

    by: str
    status_text: str
    action_plan: str
    in_time: bool
    next_update_due_at: datetime
    next_update_due_local: datetime


@dataclass(frozen=True, kw_only=True)
class TicketStatusUpdateMissed(TicketEvent):
    name: ClassVar[str] = "support.ticket.status_update_missed"

    round: int
    update_due_at: datetime
    update_due_local: datetime


@dataclass(frozen=True, kw_only=True)
class TicketResolved(TicketEvent):
    name: ClassVar[str] = "support.ticket.resolved"

    resolved_by: str
    resolution: Resolution
    summary: str
    observation_until: datetime | None
    resolution_time: timedelta  # elapsed, waiting on the partner excluded
    resolution_business_time: timedelta
    waited: timedelta
    waited_business: timedelta
    waiting_cycles: int
    reopen_until: datetime


@dataclass(frozen=True, kw_only=True)
class TicketClosed(TicketEvent):
    name: ClassVar[str] = "support.ticket.closed"

    closed_by: str
    side: Side
    automatically: bool


@dataclass(frozen=True, kw_only=True)
class TicketReopened(TicketEvent):
    name: ClassVar[str] = "support.ticket.reopened"

    reopened_by: str
    side: Side
    reason: str
    reopen_count: int
    status_update_due_at: datetime
    status_update_due_local: datetime


@dataclass(frozen=True, kw_only=True)
class TicketIncidentLinked(TicketEvent):
    name: ClassVar[str] = "support.ticket.incident_linked"

    incident_id: str
    linked_by: str
