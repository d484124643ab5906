"""Events of incidents, capacity changes and COP uploads (spec/domain.md §3–§4, seed 004).

Named `support.incident.<past_tense>`, `support.capacity.<past_tense>` and
`support.cop_upload.<past_tense>`; each carries the partners it concerns so notifications
can e-mail them, and `version` for deterministic event ids.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import ClassVar

from services.support.domain.severity import Severity

# -- vendor-declared incidents ------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class IncidentEvent:
    """Base of incident events: who is affected (partners and regions) and how badly."""

    name: ClassVar[str] = "support.incident.event"

    incident_id: str
    severity: Severity
    title: str
    partner_ids: tuple[str, ...]
    regions: tuple[str, ...]
    occurred_at: datetime
    version: int


@dataclass(frozen=True, kw_only=True)
class IncidentDeclared(IncidentEvent):
    """An S1/S2 incident declared by the vendor: announced proactively (§3, §4)."""

    name: ClassVar[str] = "support.incident.declared"

    declared_by: str
    summary: str
    started_at: datetime


@dataclass(frozen=True, kw_only=True)
class IncidentUpdated(IncidentEvent):
    name: ClassVar[str] = "support.incident.updated"

    updated_by: str
    update: str
    update_number: int


@dataclass(frozen=True, kw_only=True)
class IncidentResolved(IncidentEvent):
    name: ClassVar[str] = "support.incident.resolved"

    resolved_by: str
    summary: str
    started_at: datetime
    duration: timedelta
    linked_tickets: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class IncidentTicketLinked(IncidentEvent):
    name: ClassVar[str] = "support.incident.ticket_linked"

    ticket_id: str
    ticket_number: str
    ticket_partner_id: str


# -- capacity changes -----------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class CapacityEvent:
    """Base of capacity events: one tenant's knowledge workers and workspace devices."""

    name: ClassVar[str] = "support.capacity.event"

    tenant_id: str
    partner_id: str
    occurred_at: datetime
    version: int


@dataclass(frozen=True, kw_only=True)
class CapacityChangeRequested(CapacityEvent):
    name: ClassVar[str] = "support.capacity.change_requested"

    request_id: str
    requested_by: str
    knowledge_workers: int
    workspace_devices: int
    confirmed_knowledge_workers: int
    confirmed_workspace_devices: int


@dataclass(frozen=True, kw_only=True)
class CapacityChangeConfirmed(CapacityEvent):
    """The vendor added (or removed) the capacity: users and features up to it may be set up."""

    name: ClassVar[str] = "support.capacity.change_confirmed"

    request_id: str
    confirmed_by: str
    knowledge_workers: int
    workspace_devices: int


@dataclass(frozen=True, kw_only=True)
class CapacityChangeRefused(CapacityEvent):
    name: ClassVar[str] = "support.capacity.change_refused"

    request_id: str
    refused_by: str
    reason: str


# -- COP (software package) uploads ----------------------------------------------------

INSTALL_NOTICE = (
    "The file has been uploaded to the SFTP server of the customer's instance. The vendor "
    "only uploads it: the partner downloads it to the application and installs it."
)
"""Told to the partner with every confirmed upload (seed 004, customer-initiated COP)."""


@dataclass(frozen=True, kw_only=True)
class CopUploadEvent:
    name: ClassVar[str] = "support.cop_upload.event"

    request_id: str
    tenant_id: str
    partner_id: str
    file_name: str
    occurred_at: datetime
    version: int


@dataclass(frozen=True, kw_only=True)
class CopUploadRequested(CopUploadEvent):
    name: ClassVar[str] = "support.cop_upload.requested"

    requested_by: str
    purpose: str
    requested_for: str | None  # the customer's user who asked, when given


@dataclass(frozen=True, kw_only=True)
class CopUploadConfirmed(CopUploadEvent):
    name: ClassVar[str] = "support.cop_upload.confirmed"

    confirmed_by: str
    location: str
    install_notice: str = INSTALL_NOTICE


@dataclass(frozen=True, kw_only=True)
class CopUploadRefused(CopUploadEvent):
    name: ClassVar[str] = "support.cop_upload.refused"

    refused_by: str
    reason: str
