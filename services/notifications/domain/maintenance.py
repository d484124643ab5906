"""The maintenance aggregate: announce, remind, start, complete, reschedule, cancel (§3).

Lifecycle: scheduled → started → completed; scheduled → cancelled. Every method takes
`now`, returns the domain events of the change, and raises a named error when the change
is not allowed (announce: `ValidationFailed` with every broken rule). A reschedule request
that breaks a rule is not an error: it returns `MaintenanceRescheduleRefused` with every
reason, so the partner who asked is told why.

`pending_timers(policy)` returns the durable timers the stored aggregate needs now —
reminders (default 72 h and 24 h elapsed before the start; those already due when the
work was announced or rescheduled are skipped) and the start — with ids derived from the
maintenance id and the schedule's `sequence`, so each fires once per schedule.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from services.notifications.domain import events as ev
from services.notifications.domain.errors import (
    MaintenanceNotActive,
    NotificationsError,
    Reason,
    RescheduleReasonRequired,
    SameWindow,
    UpgradeAlreadyRescheduled,
    UpgradeRescheduleTooLate,
    UrgentChangeNotReschedulable,
    ValidationFailed,
)
from services.notifications.domain.policy import MaintenancePolicy, aware
from services.notifications.domain.schedule import (
    MaintenanceKind,
    MaintenancePlan,
    assess,
    plan_problems,
)
from services.notifications.domain.timers import DueTimer, reminders_before

REMINDER = "maintenance.reminder"
START = "maintenance.start"


class MaintenanceStatus(StrEnum):
    SCHEDULED = "scheduled"
    STARTED = "started"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class RescheduleRecord:
    """One accepted reschedule: when, from which times to which, why and for whom."""

    at: datetime
    previous_start: datetime
    previous_end: datetime
    start: datetime
    end: datetime
    reason: str
    requested_by: str


@dataclass
class Maintenance:
    """One announced piece of maintenance in one region (ids are given from outside)."""

    maintenance_id: str
    plan: MaintenancePlan
    announced_at: datetime
    scheduled_at: datetime
    status: MaintenanceStatus = MaintenanceStatus.SCHEDULED
    sequence: int = 0
    version: int = 1
    reschedules: tuple[RescheduleRecord, ...] = ()
    reminders_sent: tuple[str, ...] = ()
    started_at: datetime | None = None
    completed_at: datetime | None = None
    cancelled_at: datetime | None = None

    # -- announce ------------------------------------------------------------------

    @classmethod
    def announce(
        cls,
        maintenance_id: str,
        plan: MaintenancePlan,
        now: datetime,
        policy: MaintenancePolicy,
        *,
        joint_review_approved: bool = False,
    ) -> tuple[Maintenance, list[ev.MaintenanceEvent]]:
        """Announce ``plan`` now: the notice goes out at once (§3).

        Raises `ValidationFailed` listing every broken rule (see `schedule.plan_problems`).
        `joint_review_approved`: the partner's change request behind the plan was approved.
        """
        now = aware(now, "now")
        problems = plan_problems(policy, plan, now, joint_review_approved=joint_review_approved)
        if problems:
            raise ValidationFailed(problems)
        maintenance = cls(maintenance_id, plan, announced_at=now, scheduled_at=now)
        placed = assess(policy, plan)
        reschedulable = not plan.urgent
        event = ev.MaintenanceAnnounced(
            **maintenance._meta(now, policy),
            description=plan.description,
            window_start=placed.window.start.astimezone(UTC) if placed.window else None,
            window_end=placed.window.end.astimezone(UTC) if placed.window else None,
            window_kind=placed.window.kind.value if placed.window else None,
            reschedulable=reschedulable,
            answer_by=policy.answer_by(plan.region, now) if reschedulable else None,
            upgrade_reason=plan.upgrade_reason.value if plan.upgrade_reason else None,
            target_release=plan.target_release,
            emergency_reason=plan.emergency_reason.value if plan.emergency_reason else None,
            certificate_expires_at=plan.certificate_expires_at,
            sso_steps=plan.kind is MaintenanceKind.CERTIFICATE_RENEWAL,
        )
        return maintenance, [event]

    # -- timers --------------------------------------------------------------------

    def pending_timers(self, policy: MaintenancePolicy) -> list[DueTimer]:
        """The durable timers this maintenance needs now (none once started or cancelled)."""
        if self.status is not MaintenanceStatus.SCHEDULED:
            return []
        timers = [
            DueTimer(
                self._timer_id(f"reminder:{r.hours}h"),
                REMINDER,
                r.due_at,
                {"hours_before": r.hours, "sequence": self.sequence},
            )
            for r in reminders_before(self.plan.start, policy.reminders, self.scheduled_at)
        ]
        timers = [t for t in timers if t.id not in self.reminders_sent]
        start = self.plan.start
        timers.append(DueTimer(self._timer_id("start"), START, start, {"sequence": self.sequence}))
        return timers

    def on_timer(
        self, timer_id: str, kind: str, now: datetime, policy: MaintenancePolicy
    ) -> list[ev.MaintenanceEvent]:
        """Fire a timer; one from an older schedule (or already fired) changes nothing."""
        if timer_id not in {t.id for t in self.pending_timers(policy)}:
            return []
        if kind == START:
            return self.start(now, policy)
        return self.remind(timer_id, now, policy)

    def remind(
        self, timer_id: str, now: datetime, policy: MaintenancePolicy
    ) -> list[ev.MaintenanceEvent]:
        """Send the pending reminder ``timer_id`` once; a stale or sent one changes nothing."""
        pending = [
            t for t in self.pending_timers(policy) if t.id == timer_id and t.kind == REMINDER
        ]
        if not pending:
            return []
        timer = pending[0]
        self.reminders_sent = (*self.reminders_sent, timer_id)
        self.version += 1
        return [
            ev.MaintenanceReminderDue(
                **self._meta(now, policy), hours_before=int(timer.data["hours_before"])
            )
        ]

    # -- start, complete, cancel ------------------------------------------------------

    def start(self, now: datetime, policy: MaintenancePolicy) -> list[ev.MaintenanceEvent]:
        """The work begins (at its start timer, or when operations report it earlier)."""
        if self.status is MaintenanceStatus.STARTED:
            return []
        self._require("start", MaintenanceStatus.SCHEDULED)
        self.status = MaintenanceStatus.STARTED
        self.started_at = aware(now, "now")
        self.version += 1
        return [ev.MaintenanceStarted(**self._meta(now, policy))]

    def complete(
        self,
        now: datetime,
        policy: MaintenancePolicy,
        summary: str = "",
        upgraded_to: str | None = None,
    ) -> list[ev.MaintenanceEvent]:
        """The work is done; for an upgrade partners learn it concluded and the release."""
        self._require("complete", MaintenanceStatus.STARTED)
        self.status = MaintenanceStatus.COMPLETED
        self.completed_at = aware(now, "now")
        self.version += 1
        if upgraded_to is None and self.plan.kind is MaintenanceKind.UPGRADE:
            upgraded_to = self.plan.target_release
        return [
            ev.MaintenanceCompleted(
                **self._meta(now, policy), summary=summary, upgraded_to=upgraded_to
            )
        ]

    def cancel(
        self, now: datetime, policy: MaintenancePolicy, reason: str
    ) -> list[ev.MaintenanceEvent]:
        """Call the work off before it starts; the invite is withdrawn (METHOD:CANCEL)."""
        self._require("cancel", MaintenanceStatus.SCHEDULED)
        self.status = MaintenanceStatus.CANCELLED
        self.cancelled_at = aware(now, "now")
        self.sequence += 1
        self.version += 1
        return [ev.MaintenanceCancelled(**self._meta(now, policy), reason=reason.strip())]

    # -- reschedule ---------------------------------------------------------------------

    def request_reschedule(
        self,
        *,
        start: datetime,
        end: datetime,
        reason: str,
        requested_by: str,
        now: datetime,
        policy: MaintenancePolicy,
    ) -> list[ev.MaintenanceEvent]:
        """Move the work to [start, end) among the vendor's available dates, or refuse (§3).

        Returns `MaintenanceRescheduled` (new times, sequence + 1, reminders recomputed
        from now) or `MaintenanceRescheduleRefused` listing every broken rule.
        """
        now, start, end = aware(now, "now"), aware(start, "start"), aware(end, "end")
        problems = self.reschedule_problems(
            start=start, end=end, reason=reason, now=now, policy=policy
        )
        if problems:
            self.version += 1
            return [
                ev.MaintenanceRescheduleRefused(
                    **self._meta(now, policy),
                    requested_start=start,
                    requested_end=end,
                    reason=reason.strip(),
                    requested_by=requested_by,
                    reasons=tuple(problems),
                )
            ]
        previous = self.plan
        record = RescheduleRecord(
            now, previous.start, previous.end, start, end, reason.strip(), requested_by
        )
        self.plan = previous.moved(start, end)
        self.reschedules = (*self.reschedules, record)
        self.scheduled_at = now
        self.reminders_sent = ()
        self.sequence += 1
        self.version += 1
        window = assess(policy, self.plan).window
        return [
            ev.MaintenanceRescheduled(
                **self._meta(now, policy),
                previous_start=previous.start,
                previous_end=previous.end,
                reason=record.reason,
                requested_by=requested_by,
                window_start=window.start.astimezone(UTC) if window else None,
                window_end=window.end.astimezone(UTC) if window else None,
            )
        ]

    def reschedule_problems(
        self,
        *,
        start: datetime,
        end: datetime,
        reason: str,
        now: datetime,
        policy: MaintenancePolicy,
    ) -> list[Reason]:
        """Every §3 rule a reschedule to [start, end) requested at ``now`` breaks.

        Not while started, completed or cancelled; a reason is required; the same start
        and end as now is no move (`same_window`, listed without the rules below); urgent and
        emergency changes (severe vulnerability, certificates near expiry) never move; an
        upgrade moves at most `upgrade_reschedules` times and not within
        `upgrade_reschedule_cutoff_days` wall-clock days of its current start; the new
        times obey every window and notice rule, the notice counted from ``now``.
        """
        problems: list[NotificationsError] = []
        if self.status is not MaintenanceStatus.SCHEDULED:
            problems.append(
                MaintenanceNotActive(f"the maintenance is {self.status.value}", field="status")
            )
        if not reason.strip():
            problems.append(RescheduleReasonRequired("say why it must move", field="reason"))
        if (start, end) == (self.plan.start, self.plan.end):
            # Nothing would move: the rules for a new time are beside the point.
            problems.append(SameWindow("the work is already at that time", field="start"))
            return [reason for problem in problems for reason in problem.reasons()]
        if self.plan.urgent:
            problems.append(
                UrgentChangeNotReschedulable(
                    "urgent and emergency changes (severe vulnerabilities, certificates "
                    "near expiry) cannot be rescheduled",
                    field="kind",
                )
            )
        if self.plan.kind is MaintenanceKind.UPGRADE:
            problems.extend(self._upgrade_problems(now, policy))
        reasons = [reason for problem in problems for reason in problem.reasons()]
        moved = self.plan.moved(start, end)
        return reasons + plan_problems(policy, moved, now, joint_review_approved=True)

    def _upgrade_problems(
        self, now: datetime, policy: MaintenancePolicy
    ) -> list[NotificationsError]:
        problems: list[NotificationsError] = []
        if len(self.reschedules) >= policy.upgrade_reschedules:
            problems.append(
                UpgradeAlreadyRescheduled(
                    f"an upgrade may be rescheduled {policy.upgrade_reschedules} time(s)",
                    field="start",
                )
            )
        deadline = policy.upgrade_reschedule_deadline(self.plan.region, self.plan.start)
        if now > deadline:
            problems.append(
                UpgradeRescheduleTooLate(
                    f"an upgrade may be rescheduled up to {policy.upgrade_reschedule_cutoff_days}"
                    f" days before it: the last moment was {deadline.isoformat()}",
                    field="start",
                    details={"deadline": deadline.isoformat()},
                )
            )
        return problems

    # -- helpers ------------------------------------------------------------------------

    def _require(self, action: str, *allowed: MaintenanceStatus) -> None:
        if self.status not in allowed:
            raise MaintenanceNotActive(
                f"cannot {action} maintenance that is {self.status.value}", field="status"
            )

    def _timer_id(self, what: str) -> str:
        return f"maintenance:{self.maintenance_id}:s{self.sequence}:{what}"

    def _meta(self, now: datetime, policy: MaintenancePolicy) -> dict[str, Any]:
        placed = assess(policy, self.plan)
        return {
            "maintenance_id": self.maintenance_id,
            "occurred_at": aware(now, "now"),
            "version": self.version,
            "region": self.plan.region.value,
            "kind": self.plan.kind.value,
            "title": self.plan.title,
            "start": self.plan.start,
            "end": self.plan.end,
            "sequence": self.sequence,
            "affected_customer_ids": self.plan.affected_customer_ids,
            "outside_window": placed.outside_window,
            "impactful": placed.impactful,
        }

    def copy(self) -> Maintenance:
        """An independent copy (to try a change without touching the original)."""
        return dataclasses.replace(self)
