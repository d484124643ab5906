"""The port request's timed steps: reminder, abandoned submission, overdue carrier answer.

Each is a no-op when it is no longer due, so a stale or repeated timer is harmless; the due
instants come from `PortRequestState` (`reminder_due_at`, `submission_abandoned_at`,
`next_escalation_at`) and the rules of spec/domain.md §2 (porting). `now` is an aware UTC
instant; every method returns the domain events of the change.
"""

from __future__ import annotations

from datetime import datetime

from services.porting.domain import events as ev
from services.porting.domain import rules as time_rules
from services.porting.domain.policy import PortingRules
from services.porting.domain.state import PortRequestState, aware
from services.porting.domain.values import RISK_NOTICE, PortStatus

CARRIER = "carrier"
SYSTEM = "system"


class PortRequestDeadlines(PortRequestState):
    """The timer-driven transitions of a port request (`PortRequest` adds the commands)."""

    def remind(self, now: datetime, rules: PortingRules) -> list[ev.PortEvent]:
        """Send the port-date reminder with the risk notice, once per port date."""
        due = self.reminder_due_at(rules)
        if due is None or aware(now) < due or self.reminded_for == self.port_date:
            return []
        assert self.port_date is not None
        self.reminded_for = self.port_date
        self._record(now, SYSTEM, "reminded", self.status, reason=f"port {self.port_date}")
        return [
            ev.PortDateReminderDue(
                **self._meta(now),
                port_date=self.port_date,
                numbers=self.number_list(),
                risk_notice=RISK_NOTICE,
            )
        ]

    def abandon_submission(self, now: datetime, rules: PortingRules) -> list[ev.PortEvent]:
        """Give up a submission that never reached its decision (no-op unless it is due)."""
        due = self.submission_abandoned_at(rules)
        if due is None or aware(now) < due:
            return []
        self.submission_pending = False
        self._record(now, SYSTEM, "submission_abandoned", PortStatus.DRAFT)
        return [ev.PortSubmissionAbandoned(**self._meta(now), pending_since=self.created_at)]

    def escalate_overdue(self, now: datetime, rules: PortingRules) -> list[ev.PortEvent]:
        """Walk the escalation matrix while the carrier answer is overdue (up to the top)."""
        if self.status is not PortStatus.SUBMITTED or self.awaiting_carrier_since is None:
            return []
        since = self.awaiting_carrier_since
        level = time_rules.escalation_level_at(since, aware(now), rules, self.calendar(rules))
        start = 0 if self.escalation_level is None else self.escalation_level + 1
        if level is None or level < start:
            return []
        self.escalation_level = level
        emitted: list[ev.PortEvent] = []
        for step in range(start, level + 1):
            contact = rules.escalation_contact(step)
            reason = f"carrier answer overdue: level {step} ({contact.role})"
            self._record(now, SYSTEM, "escalated", self.status, reason=reason)
            emitted.append(
                ev.PortCarrierAnswerOverdue(
                    **self._meta(now),
                    awaiting_since=since,
                    level=step,
                    role=contact.role,
                    email=contact.email,
                )
            )
        return emitted
