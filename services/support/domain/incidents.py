"""Vendor-declared incidents: S1/S2, affecting listed partners or regions (spec/domain.md §3–§4).

Seed 004: "In case of Severity 1 or Severity 2 incidents, [the vendor] will proactively
notify partners via email"; an incident may stem from tickets. Lifecycle: declared →
(updated, any number of times) → resolved. Tickets are linked to it while it is declared;
linking a ticket of a partner outside the audience adds that partner, so everyone with a
linked ticket hears of the resolution.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from services.support.domain import events_requests as ev
from services.support.domain.clocks import aware
from services.support.domain.errors import IllegalTransition, Reason, ValidationFailed
from services.support.domain.severity import Severity
from shared.calendars import Region

DECLARABLE = frozenset({Severity.S1, Severity.S2})


class IncidentStatus(StrEnum):
    DECLARED = "declared"
    RESOLVED = "resolved"


@dataclass(frozen=True)
class LinkedTicket:
    ticket_id: str
    ticket_number: str
    partner_id: str
    linked_at: datetime


@dataclass
class Incident:
    """One vendor-declared incident (its id is given from outside)."""

    incident_id: str
    severity: Severity
    title: str
    summary: str
    partner_ids: list[str]
    regions: list[Region]
    declared_by: str
    declared_at: datetime
    started_at: datetime
    status: IncidentStatus = IncidentStatus.DECLARED
    updates: list[tuple[datetime, str, str]] = field(default_factory=list)
    linked: list[LinkedTicket] = field(default_factory=list)
    resolved_at: datetime | None = None
    version: int = 1

    @classmethod
    def declare(
        cls,
        *,
        incident_id: str,
        severity: Severity | str,
        title: str,
        summary: str,
        partner_ids: Iterable[str],
        regions: Iterable[str],
        declared_by: str,
        now: datetime,
        started_at: datetime | None = None,
    ) -> tuple[Incident, list[ev.IncidentEvent]]:
        """Declare an incident; refuses with every reason (`ValidationFailed`) at once."""
        now = aware(now)
        reasons: list[Reason] = []
        if severity not in {str(s) for s in DECLARABLE}:
            message = f"only S1 and S2 incidents are declared, not {severity!r}"
            reasons.append(Reason("severity_not_declarable", message, "severity"))
        partners = list(dict.fromkeys(p.strip() for p in partner_ids if p.strip()))
        region_list: list[Region] = []
        for name in regions:
            if name not in {str(r) for r in Region}:
                reasons.append(Reason("unknown_region", f"{name!r} is not a region", "regions"))
            elif Region(name) not in region_list:
                region_list.append(Region(name))
        if not partners and not region_list and not reasons:
            message = "an incident affects at least one partner or region"
            reasons.append(Reason("no_audience", message, "partner_ids"))
        for name, value in (("title", title), ("summary", summary)):
            if not value.strip():
                reasons.append(Reason(f"{name}_missing", f"{name} must not be empty", name))
        start = aware(started_at, "started_at") if started_at else now
        if start > now:
            reasons.append(
                Reason("started_in_future", "started_at lies in the future", "started_at")
            )
        if reasons:
            raise ValidationFailed(reasons)
        incident = cls(
            incident_id, Severity(severity), title.strip(), summary.strip(), partners,
            region_list, declared_by, now, start,
        )  # fmt: skip
        declared = ev.IncidentDeclared(
            **incident._meta(now),
            declared_by=declared_by,
            summary=incident.summary,
            started_at=start,
        )
        return incident, [declared]

    def affects(self, partner_id: str, region: Region | str | None = None) -> bool:
        """Whether a partner (in `region`, when known) is in the incident's audience."""
        return partner_id in self.partner_ids or (region is not None and region in self.regions)

    def update(self, now: datetime, by: str, text: str) -> list[ev.IncidentEvent]:
        """Tell the audience where things stand."""
        now = self._require("update", now)
        if not text.strip():
            raise ValidationFailed(
                [Reason("update_missing", "an update must say something", "update")]
            )
        self.updates.append((now, by, text.strip()))
        self.version += 1
        return [
            ev.IncidentUpdated(
                **self._meta(now),
                updated_by=by,
                update=text.strip(),
                update_number=len(self.updates),
            )
        ]

    def link_ticket(
        self,
        now: datetime,
        ticket_id: str,
        ticket_number: str,
        partner_id: str,
        region: Region | str | None = None,
    ) -> list[ev.IncidentEvent]:
        """Link a ticket (once); its partner joins the audience if not already in it."""
        now = self._require("link_ticket", now)
        if any(t.ticket_id == ticket_id for t in self.linked):
            return []
        if not self.affects(partner_id, region):
            self.partner_ids.append(partner_id)
        self.linked.append(LinkedTicket(ticket_id, ticket_number, partner_id, now))
        self.version += 1
        return [
            ev.IncidentTicketLinked(
                **self._meta(now),
                ticket_id=ticket_id,
                ticket_number=ticket_number,
                ticket_partner_id=partner_id,
            )
        ]

    def resolve(self, now: datetime, by: str, summary: str) -> list[ev.IncidentEvent]:
        """The incident is over; the audience and the linked tickets' partners are told."""
        now = self._require("resolve", now)
        if not summary.strip():
            raise ValidationFailed(
                [Reason("summary_missing", "summary must not be empty", "summary")]
            )
        self.status, self.resolved_at = IncidentStatus.RESOLVED, now
        self.version += 1
        return [
            ev.IncidentResolved(
                **self._meta(now),
                resolved_by=by,
                summary=summary.strip(),
                started_at=self.started_at,
                duration=now - self.started_at,
                linked_tickets=tuple(t.ticket_number for t in self.linked),
            )
        ]

    def _require(self, action: str, now: datetime) -> datetime:
        now = aware(now)
        if self.status is not IncidentStatus.DECLARED:
            raise IllegalTransition(
                f"cannot {action.replace('_', ' ')} an incident that is {self.status}",
                field="status",
                details={"action": action, "status": str(self.status)},
            )
        return now

    def _meta(self, now: datetime) -> dict[str, Any]:
        return {
            "incident_id": self.incident_id,
            "severity": self.severity,
            "title": self.title,
            "partner_ids": tuple(self.partner_ids),
            "regions": tuple(str(r) for r in self.regions),
            "occurred_at": now,
            "version": self.version,
        }
