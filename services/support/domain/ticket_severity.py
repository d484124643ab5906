"""Severity changes and the planning of a ticket's clocks (spec/domain.md §4).

The partner may raise the severity while the ticket is unresolved; the vendor may lower it
during triage (opened or acknowledged: product decision) and must give a reason. The
severity is always impact × urgency from the matrix. Before acknowledgment a change
re-plans the response clock from the instant of the change (a new plan, with its own
breach and escalations); after acknowledgment the response clock stays stopped and only
the status-update interval is re-planned. Every change is kept in `severity_history`.
"""

from __future__ import annotations

from datetime import datetime

from services.support.domain import clocks
from services.support.domain import events as ev
from services.support.domain.errors import Reason, SeverityChangeRefused, ValidationFailed
from services.support.domain.policy import SupportPolicy
from services.support.domain.severity import Impact, Urgency, severity_of
from services.support.domain.ticket_state import ResponsePlan, UpdateRound
from services.support.domain.ticket_timers import TicketTimers
from services.support.domain.values import (
    TRIAGE_STATUSES,
    SeverityAssessment,
    SeverityChange,
    Side,
    TicketStatus,
)


class TicketSeverity(TicketTimers):
    """Severity changes and clock planning on top of the ticket's timers."""

    def change_severity(
        self,
        now: datetime,
        by: str,
        side: Side,
        impact: Impact,
        urgency: Urgency,
        policy: SupportPolicy,
        reason: str | None = None,
    ) -> list[ev.TicketEvent]:
        """The partner raises (while unresolved) or the vendor lowers (in triage, with a reason).

        Before acknowledgment the response clock is re-planned from `now` (a new plan with
        its own breach and escalations); after it, only the status updates are.
        """
        self._require_side("change_severity", side, Side.PARTNER, Side.VENDOR)
        now = self._require("change_severity", now, *(s for s in TicketStatus if s.unresolved))
        new = severity_of(Impact(impact), Urgency(urgency))
        old = self.severity
        note = reason.strip() if reason and reason.strip() else None
        if side is Side.PARTNER and not new.is_higher_than(old):
            raise SeverityChangeRefused(
                f"the partner may only raise the severity: {new} is not higher than {old}",
                field="severity",
            )
        if side is Side.VENDOR:
            if not old.is_higher_than(new):
                raise SeverityChangeRefused(
                    f"the vendor may only lower the severity: {new} is not lower than {old}",
                    field="severity",
                )
            if self.status not in TRIAGE_STATUSES:
                raise SeverityChangeRefused(
                    f"the vendor lowers a severity only during triage, not when {self.status}",
                    field="status",
                )
            if note is None:
                raise ValidationFailed(
                    [Reason("reason_missing", "lowering a severity needs a reason", "reason")]
                )
        self.assessment = SeverityAssessment(Impact(impact), Urgency(urgency), new)
        replanned = self.status is TicketStatus.OPENED
        plan = self._plan_response(now, policy) if replanned else None
        if self.update_round is not None:
            self._start_update_round(now, policy)
        self.severity_history.append(
            SeverityChange(now, side, by, self.assessment, note, replanned)
        )
        self._record(now, side, by, "severity_changed", self.status, f"{old} → {new}")
        return [
            ev.TicketSeverityChanged(
                **self._meta(now),
                previous_severity=old,
                side=side,
                changed_by=by,
                impact=Impact(impact),
                urgency=Urgency(urgency),
                reason=note,
                response_replanned=replanned,
                response_due_at=plan.due_at if plan else None,
                response_due_local=self.local(plan.due_at) if plan else None,
            )
        ]

    def _plan_response(self, now: datetime, policy: SupportPolicy) -> ResponsePlan:
        objective = policy.response_objective(self.severity)
        due = clocks.due_at(now, objective, self.calendar_choice.calendar)
        plan = ResponsePlan(len(self.response_plans) + 1, self.severity, objective, now, due)
        self.response_plans.append(plan)
        return plan

    def _start_update_round(self, now: datetime, policy: SupportPolicy) -> UpdateRound:
        interval = policy.status_update_interval(self.severity)
        due = clocks.due_at(now, interval, self.calendar_choice.calendar)
        self.update_rounds += 1  # numbers never repeat, so timer ids never collide
        self.update_round = UpdateRound(self.update_rounds, now, due)
        return self.update_round
