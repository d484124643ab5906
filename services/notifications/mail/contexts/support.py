"""Contexts of the mails about support's events (domain.md §4), with invented samples.

Mapped from support's published models (`shared.contracts.support`, `support.events`) by
`mail.from_events`: fields are named after the published ones, except where
`from_events.RENAMED` says otherwise (an escalation's `level`/`level_name`/`reached_at`
are shown as `escalation_level`/`escalation_role`/`escalated_at`; the instant a mail
shows comes from the event's `occurred_at`). Ticket number `NA` + 8 digits, severity
S1–S4, instants aware.
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
    """support.ticket.response_breached: not acknowledged in time; the escalation walk
    starts (each level reached is its own `ticket_escalated` mail, with level and role)."""

    response_objective: str
    response_due_at: AwareDatetime
    breached_at: AwareDatetime
    escalation_level: int | None = None
    escalation_role: str | None = None
    """Support's breach event names no level (each level is its own escalated event);
    shown when known."""


class TicketEscalated(Ticket):
    """support.ticket.escalated: the next escalation level took over."""

    escalation_level: int
    escalation_role: str
    escalated_at: AwareDatetime
    cause: Literal["response_breached", "status_update_missed"] = "response_breached"
    next_level_at: AwareDatetime | None = None


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


class StatusUpdated(Ticket):
    """support.ticket.status_updated: the vendor's status and action plan."""

    status_text: str
    action_plan: str
    updated_at: AwareDatetime
    next_update_due_at: AwareDatetime


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
    started_at: AwareDatetime | None = None
    next_update_by: AwareDatetime | None = None


class IncidentResolved(Incident):
    """support.incident.resolved."""

    resolved_at: AwareDatetime


class CapacityChange(MailContext):
    """A tenant's capacity change (knowledge workers, workspace devices), decided."""

    tenant_id: str
    change_id: str


class CapacityChangeConfirmed(CapacityChange):
    """support.capacity.change_confirmed: users and features up to it may be configured."""

    knowledge_workers: int
    workspace_devices: int
    confirmed_at: AwareDatetime


class CapacityChangeRefused(CapacityChange):
    """support.capacity.change_refused: the capacity stays as it was."""

    reason: str


class CopUpload(MailContext):
    """A customer's COP file upload, decided by the vendor."""

    upload_id: str
    tenant_id: str
    file_name: str


class CopUploadConfirmed(CopUpload):
    """support.cop_upload.confirmed: uploaded; the partner installs it."""

    location: str
    install_notice: str
    confirmed_at: AwareDatetime


class CopUploadRefused(CopUpload):
    """support.cop_upload.refused: the vendor will not upload it."""

    reason: str


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
        response_objective="30 minutes",
        response_due_at=_T + timedelta(minutes=30),
        breached_at=_T + timedelta(minutes=30, milliseconds=1),
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
    "ticket_status_updated": StatusUpdated(
        **_TICKET,
        status_text="The carrier confirmed a faulty route towards two mobile networks.",
        action_plan="The route is withdrawn tonight; we test calls with you tomorrow 09:00.",
        updated_at=_T,
        next_update_due_at=_T + timedelta(hours=4),
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
    "capacity_change_confirmed": CapacityChangeConfirmed(
        tenant_id="T-500600",
        change_id="CAP-0003",
        knowledge_workers=120,
        workspace_devices=15,
        confirmed_at=_T,
    ),
    "capacity_change_refused": CapacityChangeRefused(
        tenant_id="T-500600",
        change_id="CAP-0004",
        reason="The tenant's contract covers at most 150 knowledge workers.",
    ),
    "cop_upload_confirmed": CopUploadConfirmed(
        upload_id="COP-0012",
        tenant_id="T-500600",
        file_name="cmterm-8845_65-sip.14-2-1.cop.sgn",
        location="sftp://sftp.eu1.example.net/cop/cmterm-8845_65-sip.14-2-1.cop.sgn",
        install_notice="Install the file in the customer's call control within 14 days.",
        confirmed_at=_T,
    ),
    "cop_upload_refused": CopUploadRefused(
        upload_id="COP-0013",
        tenant_id="T-500600",
        file_name="unknown-pack.cop.sgn",
        reason="The file is not signed by the phone vendor.",
    ),
}
