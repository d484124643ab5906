"""What maintenance may be scheduled when (domain.md §3: windows, weekend rule, notice, kinds).

`MaintenancePlan` is what the vendor proposes; `assess` places it in the region's windows
and says whether it is impactful; `plan_problems` lists every rule it breaks:

* planned work starts inside a window of its region (21:00–06:00 local; a window belongs
  to the day it starts, so Sunday 21:00 → Monday 06:00 is a weekend window) and may run
  past the window's end — it is then *impactful* and says so;
* weekend windows take infrastructure work only (routine work and certificate renewals
  are "not infrastructure"); emergencies are exempt from every window and notice rule;
* impactful work — infrastructure, planned disruptive and upgrades, and any work running
  outside its window — starts no earlier than the 10th business day after the day of
  notice (checked on the local calendar date of its start); routine work and certificate
  renewals inside their window are not held to it;
* certificates are renewed 3–7 local days before expiry; upgrades name an allowed reason;
  emergencies name theirs; a change a partner asked for needs an approved joint review.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from services.notifications.domain.errors import (
    CertificateRenewalOutOfRange,
    EmergencyReasonRequired,
    IntervalInvalid,
    JointReviewRequired,
    NoticeTooShort,
    NotificationsError,
    Reason,
    StartInPast,
    StartOutsideWindow,
    UpgradeReasonRequired,
    WeekendWindowInfrastructureOnly,
)
from services.notifications.domain.policy import MaintenancePolicy, aware
from shared.calendars import MaintenanceWindow, Region, WindowKind


class MaintenanceKind(StrEnum):
    """§3 kinds of maintenance."""

    ROUTINE = "routine"
    INFRASTRUCTURE = "infrastructure"
    PLANNED_DISRUPTIVE = "planned_disruptive"
    CERTIFICATE_RENEWAL = "certificate_renewal"
    UPGRADE = "upgrade"
    EMERGENCY = "emergency"


class UpgradeReason(StrEnum):
    """§3: the only reasons the vendor starts an upgrade."""

    SECURITY_FIX = "security_fix"
    BELOW_N_MINUS_1 = "below_n_minus_1"
    NEAR_END_OF_LIFE = "near_end_of_life"
    PARTNER_REQUEST = "partner_request"


class EmergencyReason(StrEnum):
    """§3: why an emergency change may happen at once."""

    RESTORE_SERVICE = "restore_service"
    REDUCE_OUTAGE = "reduce_outage"
    AVOID_OUTAGE = "avoid_outage"
    FIX_VULNERABILITY = "fix_vulnerability"


NOTICE_KINDS = frozenset(
    {MaintenanceKind.INFRASTRUCTURE, MaintenanceKind.PLANNED_DISRUPTIVE, MaintenanceKind.UPGRADE}
)
"""Kinds always held to the notice rule; routine work and certificate renewals are held to
it only when they run outside their window, emergencies never (§3)."""


@dataclass(frozen=True)
class MaintenancePlan:
    """Proposed maintenance in one region; instants are stored in UTC.

    `severe_vulnerability` marks an urgent fix (never reschedulable); `partner_requested`
    a change the partner asked for (scheduled only after a joint review);
    `affected_customer_ids` are the customers whose admins are told as well.
    """

    region: Region
    kind: MaintenanceKind
    start: datetime
    end: datetime
    title: str
    description: str = ""
    affected_customer_ids: tuple[str, ...] = ()
    upgrade_reason: UpgradeReason | None = None
    target_release: str | None = None
    emergency_reason: EmergencyReason | None = None
    certificate_expires_at: datetime | None = None
    severe_vulnerability: bool = False
    partner_requested: bool = False
    change_request_id: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "region", Region(self.region))
        object.__setattr__(self, "kind", MaintenanceKind(self.kind))
        if self.upgrade_reason is not None:
            object.__setattr__(self, "upgrade_reason", UpgradeReason(self.upgrade_reason))
        if self.emergency_reason is not None:
            object.__setattr__(self, "emergency_reason", EmergencyReason(self.emergency_reason))
        object.__setattr__(self, "affected_customer_ids", tuple(self.affected_customer_ids))
        object.__setattr__(self, "start", aware(self.start, "start"))
        object.__setattr__(self, "end", aware(self.end, "end"))
        if self.certificate_expires_at is not None:
            expires = aware(self.certificate_expires_at, "certificate_expires_at")
            object.__setattr__(self, "certificate_expires_at", expires)

    @property
    def urgent(self) -> bool:
        """§3: emergencies, severe vulnerabilities and certificates near expiry are urgent."""
        return (
            self.kind in (MaintenanceKind.EMERGENCY, MaintenanceKind.CERTIFICATE_RENEWAL)
            or self.severe_vulnerability
        )

    @property
    def needs_joint_review(self) -> bool:
        """§3: a change the partner asked for (an upgrade at its request included)."""
        return self.partner_requested or self.upgrade_reason is UpgradeReason.PARTNER_REQUEST

    def moved(self, start: datetime, end: datetime) -> MaintenancePlan:
        """The same plan at another time."""
        return dataclasses.replace(self, start=aware(start, "start"), end=aware(end, "end"))


@dataclass(frozen=True)
class Assessment:
    """Where a plan falls: its window (None if it starts outside every window), whether it
    runs past the window's end, and whether it needs the advance notice."""

    window: MaintenanceWindow | None
    outside_window: bool
    impactful: bool
    notice_held: bool

    @property
    def weekend(self) -> bool:
        return self.window is not None and self.window.kind is WindowKind.WEEKEND


def assess(policy: MaintenancePolicy, plan: MaintenancePlan) -> Assessment:
    """Place ``plan`` in its region's windows (no rule is checked here but the placement)."""
    window = policy.calendar.window_at(plan.region, plan.start)
    runs_over = window is None or plan.end > aware(window.end)
    emergency = plan.kind is MaintenanceKind.EMERGENCY
    impactful = plan.kind in NOTICE_KINDS or runs_over or emergency
    return Assessment(
        window=window,
        outside_window=runs_over,
        impactful=impactful,
        notice_held=not emergency and (plan.kind in NOTICE_KINDS or runs_over),
    )


def plan_problems(
    policy: MaintenancePolicy,
    plan: MaintenancePlan,
    noticed_at: datetime,
    *,
    joint_review_approved: bool = False,
) -> list[Reason]:
    """Every §3 rule ``plan`` breaks when noticed at ``noticed_at`` (empty: it may go ahead)."""
    problems: list[NotificationsError] = []
    noticed_at = aware(noticed_at, "noticed_at")
    if plan.end <= plan.start:
        problems.append(IntervalInvalid("the maintenance must end after it starts", field="end"))
    problems.extend(_kind_problems(policy, plan, joint_review_approved))
    if plan.kind is not MaintenanceKind.EMERGENCY:
        problems.extend(_timing_problems(policy, plan, noticed_at))
    return [reason for problem in problems for reason in problem.reasons()]


def _timing_problems(
    policy: MaintenancePolicy, plan: MaintenancePlan, noticed_at: datetime
) -> list[NotificationsError]:
    problems: list[NotificationsError] = []
    if plan.start <= noticed_at:
        problems.append(StartInPast("planned maintenance must start in the future", field="start"))
    placed = assess(policy, plan)
    if placed.window is None:
        problems.append(
            StartOutsideWindow(
                f"planned maintenance must start inside a {plan.region} maintenance window "
                "(21:00–06:00 local)",
                field="start",
            )
        )
    elif placed.weekend and plan.kind is not MaintenanceKind.INFRASTRUCTURE:
        problems.append(
            WeekendWindowInfrastructureOnly(
                f"the window of {placed.window.day.isoformat()} is a weekend window: "
                "infrastructure maintenance only",
                field="start",
            )
        )
    if placed.notice_held:
        earliest = policy.earliest_start_date(plan.region, noticed_at)
        starts_on = policy.local_date(plan.region, plan.start)
        if starts_on < earliest:
            problems.append(
                NoticeTooShort(
                    f"impactful maintenance needs {policy.notice_business_days} business days' "
                    f"notice: it may start on {earliest.isoformat()} at the earliest",
                    field="start",
                    details={"earliest_start_date": earliest.isoformat()},
                )
            )
    return problems


def _kind_problems(
    policy: MaintenancePolicy, plan: MaintenancePlan, joint_review_approved: bool
) -> list[NotificationsError]:
    problems: list[NotificationsError] = []
    if plan.kind is MaintenanceKind.UPGRADE and plan.upgrade_reason is None:
        problems.append(
            UpgradeReasonRequired(
                "an upgrade needs a reason: security fix, below n-1, near end of life "
                "or the partner's request",
                field="upgrade_reason",
            )
        )
    if plan.kind is MaintenanceKind.EMERGENCY and plan.emergency_reason is None:
        problems.append(
            EmergencyReasonRequired(
                "an emergency change names its reason (restore service, reduce or avoid "
                "an outage, fix a vulnerability)",
                field="emergency_reason",
            )
        )
    if plan.kind is MaintenanceKind.CERTIFICATE_RENEWAL:
        problems.extend(_certificate_problems(policy, plan))
    if plan.needs_joint_review and not joint_review_approved:
        problems.append(
            JointReviewRequired(
                "a change the partner asked for is scheduled only after a joint review approved it",
                field="change_request_id",
            )
        )
    return problems


def _certificate_problems(
    policy: MaintenancePolicy, plan: MaintenancePlan
) -> list[NotificationsError]:
    low, high = policy.certificate_renewal_days
    if plan.certificate_expires_at is None:
        return [
            CertificateRenewalOutOfRange(
                "a certificate renewal names the certificate's expiry",
                field="certificate_expires_at",
            )
        ]
    days_before = (
        policy.local_date(plan.region, plan.certificate_expires_at)
        - policy.local_date(plan.region, plan.start)
    ).days
    if not low <= days_before <= high:
        return [
            CertificateRenewalOutOfRange(
                f"certificates are renewed {low} to {high} days before expiry; this renewal "
                f"is {days_before} days before",
                field="start",
                details={"days_before_expiry": days_before},
            )
        ]
    return []
