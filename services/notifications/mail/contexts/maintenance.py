"""Contexts of the maintenance, outage, release, change-request and digest mails (§3).

`maintenance_mail(event, ...)` turns a maintenance domain event into its template key and
context. `affected_customers` (names) is shown to partners only: a customer admin's copy
never lists other customers.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from services.notifications.domain import events as ev
from services.notifications.domain.outages import OutageEvent, OutageResolved
from services.notifications.domain.policy import MaintenancePolicy
from services.notifications.domain.releases import EndOfSaleNotice
from services.notifications.mail.contexts.base import IanaZone, MailContext

Kind = Literal[
    "routine",
    "infrastructure",
    "planned_disruptive",
    "certificate_renewal",
    "upgrade",
    "emergency",
]


class Maintenance(MailContext):
    """One piece of maintenance: region, kind and times (aware instants)."""

    maintenance_id: str
    title: str
    region: str
    region_timezone: IanaZone
    kind: Kind
    start: AwareDatetime
    end: AwareDatetime
    outside_window: bool = False
    impactful: bool = True
    affected_customers: list[str] = Field(default_factory=list)


class MaintenanceNotice(Maintenance):
    """notifications.maintenance.announced: the written notice."""

    description: str = ""
    window_start: AwareDatetime | None = None
    window_end: AwareDatetime | None = None
    reschedulable: bool = True
    answer_by: date | None = None
    upgrade_reason: str | None = None
    target_release: str | None = None
    emergency_reason: str | None = None
    certificate_expires_at: AwareDatetime | None = None
    sso_steps: bool = False


class MaintenanceReminder(Maintenance):
    hours_before: int


class MaintenanceCompleted(Maintenance):
    completed_at: AwareDatetime
    summary: str = ""
    upgraded_to: str | None = None


class MaintenanceRescheduled(Maintenance):
    previous_start: AwareDatetime
    previous_end: AwareDatetime
    reason: str
    window_start: AwareDatetime | None = None
    window_end: AwareDatetime | None = None


class RefusalReason(BaseModel):
    """One reason a reschedule was refused: its code (translated in the mail) and message."""

    model_config = ConfigDict(extra="forbid", frozen=True, revalidate_instances="always")

    code: str
    message: str


class RescheduleRefused(Maintenance):
    """notifications.maintenance.reschedule_refused: to the partner who asked."""

    requested_start: AwareDatetime
    requested_end: AwareDatetime
    reasons: list[RefusalReason]


class MaintenanceCancelled(Maintenance):
    reason: str = ""


class Outage(MailContext):
    """notifications.outage.declared / resolved."""

    outage_id: str
    regions: list[str]
    services: list[str]
    summary: str
    started_at: AwareDatetime
    resolved_at: AwareDatetime | None = None


class UpgradeRow(BaseModel):
    """One customer that must upgrade, with its proposed window."""

    model_config = ConfigDict(extra="forbid", frozen=True, revalidate_instances="always")

    customer_name: str
    region: str
    region_timezone: IanaZone
    current_release: str
    window_start: AwareDatetime
    window_end: AwareDatetime


class ReleaseEndOfSale(MailContext):
    """Release management: n-2 at end of sale, the partner's customers that must upgrade."""

    end_of_sale_release: str | None
    target_release: str
    upgrades: list[UpgradeRow]


class ChangeRequest(MailContext):
    """A partner's change request under joint review, or declined."""

    change_request_id: str
    summary: str
    reason: str | None = None


class DigestItem(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, revalidate_instances="always")

    subject: str
    occurred_at: AwareDatetime


class Digest(MailContext):
    """The daily digest of low-urgency mails for one contact."""

    digest_date: date
    items: list[DigestItem]


def maintenance_mail(
    event: ev.MaintenanceEvent,
    *,
    region_timezone: str,
    customer_names: list[str] | None = None,
) -> tuple[str, MailContext]:
    """The template key and context of the mail about a maintenance domain event."""
    base = {
        "maintenance_id": event.maintenance_id,
        "title": event.title,
        "region": event.region,
        "region_timezone": region_timezone,
        "kind": event.kind,
        "start": event.start,
        "end": event.end,
        "outside_window": event.outside_window,
        "impactful": event.impactful,
        "affected_customers": customer_names or [],
    }
    if isinstance(event, ev.MaintenanceAnnounced):
        return "maintenance_notice", MaintenanceNotice(
            **base,
            description=event.description,
            window_start=event.window_start,
            window_end=event.window_end,
            reschedulable=event.reschedulable,
            answer_by=event.answer_by,
            upgrade_reason=event.upgrade_reason,
            target_release=event.target_release,
            emergency_reason=event.emergency_reason,
            certificate_expires_at=event.certificate_expires_at,
            sso_steps=event.sso_steps,
        )
    if isinstance(event, ev.MaintenanceReminderDue):
        return "maintenance_reminder", MaintenanceReminder(**base, hours_before=event.hours_before)
    if isinstance(event, ev.MaintenanceStarted):
        return "maintenance_started", Maintenance(**base)
    if isinstance(event, ev.MaintenanceCompleted):
        return "maintenance_completed", MaintenanceCompleted(
            **base,
            completed_at=event.occurred_at,
            summary=event.summary,
            upgraded_to=event.upgraded_to,
        )
    if isinstance(event, ev.MaintenanceRescheduled):
        return "maintenance_rescheduled", MaintenanceRescheduled(
            **base,
            previous_start=event.previous_start,
            previous_end=event.previous_end,
            reason=event.reason,
            window_start=event.window_start,
            window_end=event.window_end,
        )
    if isinstance(event, ev.MaintenanceRescheduleRefused):
        return "maintenance_reschedule_refused", RescheduleRefused(
            **base,
            requested_start=event.requested_start,
            requested_end=event.requested_end,
            reasons=[RefusalReason(code=r.code, message=r.message) for r in event.reasons],
        )
    if isinstance(event, ev.MaintenanceCancelled):
        return "maintenance_cancelled", MaintenanceCancelled(**base, reason=event.reason)
    raise TypeError(f"no mail for {type(event).__name__}")


def release_mail(notice: EndOfSaleNotice, policy: MaintenancePolicy) -> ReleaseEndOfSale:
    """The context of one partner's end-of-sale mail (release management, §3)."""
    return ReleaseEndOfSale(
        end_of_sale_release=notice.end_of_sale_release,
        target_release=notice.target_release,
        upgrades=[
            UpgradeRow(
                customer_name=u.customer_name,
                region=u.region.value,
                region_timezone=policy.zone(u.region).key,
                current_release=u.current_release,
                window_start=u.window.start,
                window_end=u.window.end,
            )
            for u in notice.upgrades
        ],
    )


def outage_mail(event: OutageEvent) -> tuple[str, Outage]:
    """The template key and context of an outage declared or resolved (§3)."""
    resolved = isinstance(event, OutageResolved)
    return ("outage_resolved" if resolved else "outage_declared"), Outage(
        outage_id=event.outage_id,
        regions=list(event.regions),
        services=list(event.services),
        summary=event.summary,
        started_at=getattr(event, "started_at", event.occurred_at),
        resolved_at=event.resolved_at if isinstance(event, OutageResolved) else None,
    )


_START = datetime(2026, 6, 16, 20, 0, tzinfo=UTC)  # Tue 22:00 in Berlin
_BASE = {
    "maintenance_id": "MNT-0001",
    "title": "Call-control cluster software patch",
    "region": "EU",
    "region_timezone": "Europe/Berlin",
    "kind": "planned_disruptive",
    "start": _START,
    "end": _START + timedelta(hours=3),
    "affected_customers": ["Example Bakery Ltd", "Sample Shipping BV"],
}

SAMPLES: dict[str, MailContext] = {
    "maintenance_notice": MaintenanceNotice(
        **_BASE,
        description="Calls may drop once for up to two minutes while each node restarts.",
        window_start=_START - timedelta(hours=1),
        window_end=_START + timedelta(hours=8),
        answer_by=date(2026, 6, 4),
    ),
    "maintenance_reminder": MaintenanceReminder(**_BASE, hours_before=24),
    "maintenance_started": Maintenance(**_BASE),
    "maintenance_completed": MaintenanceCompleted(
        **{**_BASE, "kind": "upgrade"},
        completed_at=_START + timedelta(hours=2, minutes=40),
        summary="All nodes run the new release.",
        upgraded_to="15.0",
    ),
    "maintenance_rescheduled": MaintenanceRescheduled(
        **{
            **_BASE,
            "start": _START + timedelta(days=14),
            "end": _START + timedelta(days=14, hours=3),
        },
        previous_start=_START,
        previous_end=_START + timedelta(hours=3),
        reason="Quarter-end trading at a customer",
    ),
    "maintenance_reschedule_refused": RescheduleRefused(
        **_BASE,
        requested_start=_START + timedelta(days=4),
        requested_end=_START + timedelta(days=4, hours=3),
        reasons=[
            RefusalReason(
                code="weekend_window_infrastructure_only",
                message="the window of 2026-06-20 is a weekend window: infrastructure only",
            )
        ],
    ),
    "maintenance_cancelled": MaintenanceCancelled(**_BASE, reason="The patch was withdrawn."),
    "outage_declared": Outage(
        outage_id="OUT-0007",
        regions=["EU", "UK"],
        services=["calling"],
        summary="Calls to some networks fail.",
        started_at=_START,
    ),
    "outage_resolved": Outage(
        outage_id="OUT-0007",
        regions=["EU", "UK"],
        services=["calling"],
        summary="Routing restored; calls complete normally.",
        started_at=_START,
        resolved_at=_START + timedelta(hours=1, minutes=35),
    ),
    "release_end_of_sale": ReleaseEndOfSale(
        end_of_sale_release="12.5",
        target_release="15.0",
        upgrades=[
            UpgradeRow(
                customer_name="Example Bakery Ltd",
                region="EU",
                region_timezone="Europe/Berlin",
                current_release="12.5",
                window_start=_START,
                window_end=_START + timedelta(hours=9),
            )
        ],
    ),
    "change_request_under_review": ChangeRequest(
        change_request_id="CHG-0003", summary="Deactivate the fax service for all customers"
    ),
    "change_request_declined": ChangeRequest(
        change_request_id="CHG-0003",
        summary="Deactivate the fax service for all customers",
        reason="Two customers still route alarm lines through it.",
    ),
    "daily_digest": Digest(
        digest_date=date(2026, 6, 4),
        items=[
            DigestItem(subject="Port PORT-0009 accepted", occurred_at=_START),
            DigestItem(subject="New customer: Example Bakery Ltd", occurred_at=_START),
        ],
    ),
}
