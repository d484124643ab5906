"""Invented sample data for notifications unit tests: fixed instants, example.com addresses."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from services.notifications.domain.maintenance import Maintenance
from services.notifications.domain.policy import MaintenancePolicy
from services.notifications.domain.schedule import MaintenanceKind, MaintenancePlan
from shared.calendars import Region

POLICY = MaintenancePolicy()

NEW_YORK = ZoneInfo("America/New_York")
TOKYO = ZoneInfo("Asia/Tokyo")
SYDNEY = ZoneInfo("Australia/Sydney")
BERLIN = ZoneInfo("Europe/Berlin")
ZONES = {Region.AMER: NEW_YORK, Region.APJC: TOKYO, Region.AUS: SYDNEY, Region.EU: BERLIN}


def local(region: Region, y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    """A wall-clock instant in the region's default zone."""
    return datetime(y, m, d, hh, mm, tzinfo=ZONES[region])


def utc(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=UTC)


def plan(
    region: Region = Region.EU,
    kind: MaintenanceKind = MaintenanceKind.PLANNED_DISRUPTIVE,
    start: datetime | None = None,
    hours: float = 3,
    **changes: Any,
) -> MaintenancePlan:
    """A plan in `region`; by default Tue 16 Jun 2026 22:00 local for 3 (elapsed) hours."""
    start = (start or local(region, 2026, 6, 16, 22)).astimezone(UTC)
    values: dict[str, Any] = {
        "region": region,
        "kind": kind,
        "start": start,
        "end": start + timedelta(hours=hours),
        "title": "Voice cluster software patch",
        "description": "Patching the call-control cluster of the region.",
        "affected_customer_ids": ("cust-0001", "cust-0002"),
    }
    if kind is MaintenanceKind.UPGRADE:
        values.update(upgrade_reason="below_n_minus_1", target_release="15.0")
    if kind is MaintenanceKind.EMERGENCY:
        values.update(emergency_reason="fix_vulnerability")
    values.update(changes)
    return MaintenancePlan(**values)


NOTICE_DAY = local(Region.EU, 2026, 6, 1, 10)
"""Monday 1 June 2026, 10:00 Berlin: 10 business days later is Monday 15 June."""


def announced(
    p: MaintenancePlan | None = None,
    now: datetime = NOTICE_DAY,
    policy: MaintenancePolicy = POLICY,
    **kw: Any,
) -> Maintenance:
    maintenance, _ = Maintenance.announce("mnt-0001", p or plan(), now, policy, **kw)
    return maintenance


def codes(reasons: Any) -> list[str]:
    return [r.code for r in reasons]
