"""Outages of core services and vendor-classed incidents (domain.md §3, seed 004).

Declaration and resolution of an outage are sent at once to the partners enrolled for
"maintenance and outages" in the affected regions. Incidents the vendor classes S1 or S2
are announced proactively to the affected partners, at once; S3/S4 are not announced.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from services.notifications.domain.errors import OutageAlreadyResolved, OutageWithoutRegion
from services.notifications.domain.policy import aware
from shared.calendars import Region

PROACTIVE_SEVERITIES = frozenset({"S1", "S2"})


def incident_announced_proactively(severity: str) -> bool:
    """§3/§4: only incidents the vendor classes S1 or S2 are announced by e-mail."""
    return severity.strip().upper() in PROACTIVE_SEVERITIES


@dataclass(frozen=True, kw_only=True)
class OutageEvent:
    name: ClassVar[str] = "notifications.outage.event"

    outage_id: str
    occurred_at: datetime
    version: int
    regions: tuple[str, ...]
    services: tuple[str, ...]
    summary: str


@dataclass(frozen=True, kw_only=True)
class OutageDeclared(OutageEvent):
    name: ClassVar[str] = "notifications.outage.declared"

    started_at: datetime


@dataclass(frozen=True, kw_only=True)
class OutageResolved(OutageEvent):
    name: ClassVar[str] = "notifications.outage.resolved"

    started_at: datetime
    resolved_at: datetime


@dataclass
class Outage:
    """An outage of core services in one or more regions."""

    outage_id: str
    regions: tuple[Region, ...]
    services: tuple[str, ...]
    summary: str
    started_at: datetime
    resolved_at: datetime | None = None
    version: int = 1

    @classmethod
    def declare(
        cls,
        outage_id: str,
        *,
        regions: Iterable[Region | str],
        services: Iterable[str],
        summary: str,
        started_at: datetime,
        now: datetime,
    ) -> tuple[Outage, list[OutageEvent]]:
        """Declare the outage; its notice goes at once."""
        outage = cls(
            outage_id,
            tuple(sorted({Region(r) for r in regions})),
            tuple(services),
            summary.strip(),
            aware(started_at, "started_at"),
        )
        if not outage.regions:
            raise OutageWithoutRegion("an outage affects at least one region", field="regions")
        return outage, [OutageDeclared(**outage._meta(now), started_at=outage.started_at)]

    def resolve(self, now: datetime, summary: str | None = None) -> list[OutageEvent]:
        """Resolved at ``now``; raises OutageAlreadyResolved the second time."""
        if self.resolved_at is not None:
            raise OutageAlreadyResolved(f"outage {self.outage_id} is already resolved")
        self.resolved_at = aware(now, "now")
        if summary:
            self.summary = summary.strip()
        self.version += 1
        return [
            OutageResolved(
                **self._meta(now), started_at=self.started_at, resolved_at=self.resolved_at
            )
        ]

    def _meta(self, now: datetime) -> dict[str, Any]:
        return {
            "outage_id": self.outage_id,
            "occurred_at": aware(now, "now"),
            "version": self.version,
            "regions": tuple(r.value for r in self.regions),
            "services": self.services,
            "summary": self.summary,
        }
