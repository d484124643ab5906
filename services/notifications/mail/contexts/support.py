"""Contexts of the mails about support's events (domain.md §4), with invented samples.

Support is being built in parallel; these contexts define what its events must carry
for the mails (ticket number `NA` + 8 digits, severity S1–S4, clocks as aware instants,
escalation level and role). Event types assumed: `support.ticket.<fact>` and
`support.incident.<fact>` (see `registry.py`).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Literal

from pydantic import AwareDatetime

from services.notifications.mail.contexts.base import MailContext

Severity = Literal["S1", "S2", "S3", "S4"]


class Ticket(MailContext):
    """A support ticket raised on behalf of a customer."""

    ticket_number: str
    severity: Severity
    customer_name: str
    tenant_id: str
    title: str


class TicketOpened(Ticket):
    """support.ticket.opened: the number to quote and when the vendor answers by."""

    impact: str
    urgency: str
    opened_at: AwareDatetime
    response_due_at: AwareDatetime
    channel: Literal["online", "phone"] = "online"


class TicketAcknowledged(Ticket):
    """support.ticket.acknowledged."""

    acknowledged_at: AwareDatetime
    objective_met: bool


class TicketBreached(Ticket):
    """support.ticket.response_breached: not acknowledged in time; escalation raised."""

    response_due_at: AwareDatetime
    escalation_level: int
    escalation_role: str


class TicketEscalated(Ticket):
    """support.ticket.escalated: the next escalation level took over."""

    escalation_level: int
    escalation_role: str
    escalated_at: AwareDatetime


class SeverityChanged(Ticket):
    """support.ticket.severity_changed: raised by the partner or lowered in triage."""

    previous_severity: Severity
    changed_by: Literal["partner", "vendor"]
    reason: str | None = None
    response_due_at: AwareDatetime | None = None


class WaitingOnPartner(Ticket):
    """support.ticket.waiting_on_partner: the resolution clock waits for the partner."""

    since: AwareDatetime
    needed: str


class TicketResolved(Ticket):
    """support.ticket.resolved."""

    resolved_at: AwareDatetime
    resolution: str


class Incident(MailContext):
    """A vendor-declared S1/S2 incident (§3: announced proactively)."""

    incident_id: str
    severity: Literal["S1", "S2"]
    title: str
    regions: list[str]
    summary: str
    started_at: AwareDatetime
    next_update_by: AwareDatetime | None = None


class IncidentResolved(Incident):
    """support.incident.resolved."""

    resolved_at: AwareDatetime


_T = datetime(2026, 6, 3, 13, 30, tzinfo=UTC)
_TICKET = {
    "ticket_number": "NA12345678",
    "severity": "S2",
    "customer_name": "Example Bakery Ltd",
    "tenant_id": "T-500600",
    "title": "Calls to mobiles fail",
}

SAMPLES: dict[str, MailContext] = {
    "ticket_opened": TicketOpened(
        **_TICKET,
        impact="large",
        urgency="high",
        opened_at=_T,
        response_due_at=_T + timedelta(minutes=30),
        channel="phone",
    ),
    "ticket_acknowledged": TicketAcknowledged(
        **_TICKET, acknowledged_at=_T + timedelta(minutes=12), objective_met=True
    ),
    "ticket_response_breached": TicketBreached(
        **_TICKET,
        response_due_at=_T + timedelta(minutes=30),
        escalation_level=1,
        escalation_role="duty manager",
    ),
    "ticket_escalated": TicketEscalated(
        **_TICKET, escalation_level=2, escalation_role="head of support", escalated_at=_T
    ),
    "ticket_severity_changed": SeverityChanged(
        **{**_TICKET, "severity": "S1"},
        previous_severity="S2",
        changed_by="partner",
        reason="All sites affected now",
        response_due_at=_T + timedelta(minutes=15),
    ),
    "ticket_waiting_on_partner": WaitingOnPartner(
        **_TICKET, since=_T, needed="Logs from an affected phone and a test call time"
    ),
    "ticket_resolved": TicketResolved(
        **_TICKET, resolved_at=_T, resolution="A routing rule was corrected."
    ),
    "incident_declared": Incident(
        incident_id="INC-0042",
        severity="S1",
        title="Outbound calls fail in EU",
        regions=["EU", "UK"],
        summary="Outbound calls to some networks fail.",
        started_at=_T,
        next_update_by=_T + timedelta(hours=1),
    ),
    "incident_updated": Incident(
        incident_id="INC-0042",
        severity="S1",
        title="Outbound calls fail in EU",
        regions=["EU", "UK"],
        summary="A workaround routes calls over the second carrier.",
        started_at=_T,
        next_update_by=_T + timedelta(hours=2),
    ),
    "incident_resolved": IncidentResolved(
        incident_id="INC-0042",
        severity="S1",
        title="Outbound calls fail in EU",
        regions=["EU", "UK"],
        summary="A faulty route was withdrawn; calls complete normally.",
        started_at=_T,
        resolved_at=_T + timedelta(hours=3),
    ),
}
