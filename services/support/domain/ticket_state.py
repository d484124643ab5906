"""What a ticket is, and how each change is recorded: the aggregate's state (spec/domain.md §4).

`ticket.Ticket` adds the use cases (acknowledge, change severity, wait on the partner …)
on top; this module holds the fields, the read-only queries (clocks, times, the response
record for the report) and the bookkeeping every change goes through (status, history
entry, version, event metadata).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TypedDict

from services.support.domain import clocks
from services.support.domain.calendar import CalendarChoice
from services.support.domain.errors import IllegalTransition, NotAuthorised
from services.support.domain.policy import Objective
from services.support.domain.report import ResponseRecord
from services.support.domain.severity import Severity
from services.support.domain.values import (
    Channel,
    HistoryEntry,
    PartnerContact,
    Resolution,
    SeverityAssessment,
    SeverityChange,
    Side,
    TicketStatus,
    Triage,
    WaitingPeriod,
)


class _Meta(TypedDict):
    ticket_id: str
    ticket_number: str
    partner_id: str
    tenant_id: str
    customer_name: str | None
    title: str
    severity: Severity
    time_zone: str
    occurred_at: datetime
    version: int


@dataclass
class ResponsePlan:
    """One run of the response clock; a severity change before acknowledgment starts a new one."""

    plan: int
    severity: Severity
    objective: Objective
    started_at: datetime  # opening or severity change (the clock may start later: business)
    due_at: datetime
    breached_at: datetime | None = None
    levels_reached: int = 0


@dataclass
class UpdateRound:
    """One status-and-action-plan interval: due at `due_at`, escalated when missed."""

    round: int
    started_at: datetime
    due_at: datetime
    missed_at: datetime | None = None
    levels_reached: int = 0


@dataclass
class TicketState:
    """The fields of a ticket; the use cases are `ticket.Ticket`'s methods."""

    ticket_id: str
    ticket_number: str
    partner_id: str
    opened_by: str
    opened_at: datetime
    tenant_id: str
    customer_id: str
    customer_name: str | None
    contract_number: str
    contact: PartnerContact
    channel: Channel
    triage: Triage
    description: str
    problem_occurred_at: datetime | None
    calendar_choice: CalendarChoice
    assessment: SeverityAssessment
    title: str = ""
    status: TicketStatus = TicketStatus.OPENED
    version: int = 0
    response_plans: list[ResponsePlan] = field(default_factory=list)
    acknowledged_at: datetime | None = None
    acknowledged_by: str | None = None
    update_round: UpdateRound | None = None
    update_rounds: int = 0
    updates_given: int = 0
    waiting: list[WaitingPeriod] = field(default_factory=list)
    resolutions: int = 0
    resolved_at: datetime | None = None
    resolution: Resolution | None = None
    resolution_summary: str | None = None
    observation_until: datetime | None = None
    closed_at: datetime | None = None
    incident_ids: list[str] = field(default_factory=list)
    severity_history: list[SeverityChange] = field(default_factory=list)
    history: list[HistoryEntry] = field(default_factory=list)

    # -- queries -------------------------------------------------------------------

    @property
    def severity(self) -> Severity:
        """The severity in force."""
        return self.assessment.severity

    @property
    def time_zone(self) -> str:
        """The zone of the ticket's calendar (local times in e-mails)."""
        return self.calendar_choice.time_zone

    @property
    def response_plan(self) -> ResponsePlan:
        """The current (last) run of the response clock."""
        return self.response_plans[-1]

    @property
    def response_due_at(self) -> datetime:
        """When the current response objective runs out (UTC)."""
        return self.response_plan.due_at

    @property
    def response_met(self) -> bool | None:
        """Whether the acknowledgment met the objective (None before it)."""
        if self.acknowledged_at is None:
            return None
        return clocks.is_met(self.acknowledged_at, self.response_due_at)

    @property
    def waiting_cycles(self) -> int:
        """How many times the ticket waited on the partner."""
        return len(self.waiting)

    def waited(self, now: datetime) -> tuple[timedelta, timedelta]:
        """Total time waiting on the partner up to `now`: (elapsed, business)."""
        total, total_business = timedelta(0), timedelta(0)
        for period in self.waiting:
            end = period.ended_at or clocks.aware(now)
            total += end - period.started_at
            total_business += clocks.business_time(
                self.calendar_choice.calendar, period.started_at, end
            )
        return total, total_business

    def resolution_time(self, now: datetime) -> tuple[timedelta, timedelta]:
        """Time the resolution clock ran up to `now` (or resolution): (elapsed, business).

        It runs while the ticket is unresolved and not waiting on the partner (§4: waiting
        pauses the resolution clock); it stops at resolution and runs again on reopening.
        """
        calendar = self.calendar_choice.calendar
        elapsed, business = timedelta(0), timedelta(0)
        entries = self.history
        for index, entry in enumerate(entries):
            if not entry.to_status.resolution_clock_runs:
                continue
            end = entries[index + 1].at if index + 1 < len(entries) else clocks.aware(now)
            elapsed += end - entry.at
            business += clocks.business_time(calendar, entry.at, end)
        return elapsed, business

    def response_record(self) -> ResponseRecord:
        """This ticket's line in the response-objective report."""
        return ResponseRecord(
            ticket_number=self.ticket_number,
            partner_id=self.partner_id,
            severity=self.response_plan.severity,
            opened_at=self.opened_at,
            due_at=self.response_due_at,
            acknowledged_at=self.acknowledged_at,
        )

    def reopen_until(self, reopen_period: timedelta) -> datetime | None:
        """The last instant the ticket may be reopened (None unless resolved)."""
        return None if self.resolved_at is None else self.resolved_at + reopen_period

    def local(self, instant: datetime) -> datetime:
        """`instant` on the wall clock of the ticket's calendar."""
        return clocks.local(instant, self.time_zone)

    # -- bookkeeping -----------------------------------------------------------------

    def _require(self, action: str, now: datetime, *allowed: TicketStatus) -> datetime:
        """Refuse `action` unless the status is one of `allowed`; return `now` in UTC."""
        now = clocks.aware(now)
        if self.status not in allowed:
            raise IllegalTransition(
                f"cannot {action.replace('_', ' ')} a ticket that is {self.status}",
                field="status",
                details={
                    "action": action,
                    "status": str(self.status),
                    "allowed": [str(s) for s in allowed],
                },
            )
        return now

    @staticmethod
    def _require_side(action: str, side: Side, *allowed: Side) -> None:
        if side not in allowed:
            names = " or ".join(str(s) for s in allowed)
            raise NotAuthorised(
                f"only the {names} may {action.replace('_', ' ')}",
                field="side",
                details={"action": action, "side": str(side)},
            )

    def _record(
        self,
        now: datetime,
        side: Side,
        actor: str,
        action: str,
        to_status: TicketStatus,
        note: str | None = None,
    ) -> None:
        """Move to `to_status`, append the history entry and count the change."""
        from_status = self.status if self.history else None
        entry = HistoryEntry(clocks.aware(now), side, actor, action, from_status, to_status, note)
        self.history.append(entry)
        self.status = to_status
        self.version += 1

    def _meta(self, now: datetime) -> _Meta:
        return {
            "ticket_id": self.ticket_id,
            "ticket_number": self.ticket_number,
            "partner_id": self.partner_id,
            "tenant_id": self.tenant_id,
            "customer_name": self.customer_name,
            "title": self.title,
            "severity": self.severity,
            "time_zone": self.time_zone,
            "occurred_at": clocks.aware(now),
            "version": self.version,
        }
