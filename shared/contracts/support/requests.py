"""Incident, capacity and COP-upload events support publishes on `support.events`
(spec/domain.md §3–§4, seed 004).

- `support.incident.*` (keyed by the incident id): an S1/S2 incident the vendor declares,
  updates and resolves; `partner_ids` and `regions` are its audience, which
  notifications e-mails proactively.
- `support.capacity.*` (keyed by the tenant id): the knowledge-worker and workspace-device
  capacity of a tenant and its change requests (requested → confirmed | refused).
- `support.cop_upload.*` (keyed by the upload id): a customer's request to upload a COP
  file; the vendor only uploads it, the partner installs it.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import AwareDatetime, ConfigDict, Field

from shared.contracts.common import ActionRefused
from shared.events import Payload

# -- incidents ----------------------------------------------------------------------------


class IncidentEventV1(Payload):
    """Fields every incident event carries: who is affected and how badly."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    incident_id: str
    severity: Literal["S1", "S2"]
    title: str
    partner_ids: list[str] = Field(description="Partners affected (and those with linked tickets)")
    regions: list[str] = Field(description="Regions affected: AMER, APJC, AUS, EU, EMEA, UK")
    occurred_at: AwareDatetime
    version: int


class IncidentDeclaredV1(IncidentEventV1):
    """An S1/S2 incident declared by the vendor: partners are told proactively."""

    EVENT_TYPE: ClassVar[str] = "support.incident.declared"

    declared_by: str
    summary: str
    started_at: AwareDatetime


class IncidentUpdatedV1(IncidentEventV1):
    """News about a declared incident."""

    EVENT_TYPE: ClassVar[str] = "support.incident.updated"

    updated_by: str
    update: str
    update_number: int


class IncidentTicketLinkedV1(IncidentEventV1):
    """A ticket was linked to the incident (its partner joins the audience)."""

    EVENT_TYPE: ClassVar[str] = "support.incident.ticket_linked"

    ticket_id: str
    ticket_number: str
    ticket_partner_id: str


class IncidentResolvedV1(IncidentEventV1):
    """The incident is over."""

    EVENT_TYPE: ClassVar[str] = "support.incident.resolved"

    resolved_by: str
    summary: str
    started_at: AwareDatetime
    duration_seconds: float
    linked_tickets: list[str] = Field(description="Ticket numbers linked to it")


class IncidentActionRefusedV1(ActionRefused):
    """An incident command was refused (invalid declaration, incident already resolved)."""

    EVENT_TYPE: ClassVar[str] = "support.incident.action_refused"

    incident_id: str


# -- capacity -----------------------------------------------------------------------------


class CapacityEventV1(Payload):
    """Fields every capacity event carries."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    tenant_id: str
    partner_id: str
    occurred_at: AwareDatetime
    version: int


class CapacityActivationRecordedV1(CapacityEventV1):
    """The counts stated at the tenant's activation: its first confirmed capacity."""

    EVENT_TYPE: ClassVar[str] = "support.capacity.activation_recorded"

    recorded_by: str
    knowledge_workers: int
    workspace_devices: int


class CapacityChangeRequestedV1(CapacityEventV1):
    """The partner asks for new counts; beyond the confirmed ones nothing is configured yet."""

    EVENT_TYPE: ClassVar[str] = "support.capacity.change_requested"

    change_id: str
    requested_by: str
    knowledge_workers: int
    workspace_devices: int
    confirmed_knowledge_workers: int
    confirmed_workspace_devices: int


class CapacityChangeConfirmedV1(CapacityEventV1):
    """The vendor added the capacity: users and features up to it may be configured."""

    EVENT_TYPE: ClassVar[str] = "support.capacity.change_confirmed"

    change_id: str
    confirmed_by: str
    knowledge_workers: int
    workspace_devices: int


class CapacityChangeRefusedV1(CapacityEventV1):
    """The vendor refused the change; the capacity stays as it was."""

    EVENT_TYPE: ClassVar[str] = "support.capacity.change_refused"

    change_id: str
    refused_by: str
    reason: str


class CapacityActionRefusedV1(ActionRefused):
    """A capacity command was refused (invalid counts, a change pending, unknown change)."""

    EVENT_TYPE: ClassVar[str] = "support.capacity.action_refused"

    tenant_id: str


# -- COP uploads --------------------------------------------------------------------------


class CopUploadEventV1(Payload):
    """Fields every COP upload event carries."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    upload_id: str
    tenant_id: str
    partner_id: str
    file_name: str
    occurred_at: AwareDatetime
    version: int


class CopUploadRequestedV1(CopUploadEventV1):
    """A customer's COP file is to be uploaded to its instance's SFTP server."""

    EVENT_TYPE: ClassVar[str] = "support.cop_upload.requested"

    requested_by: str
    purpose: str = Field(description="phone_firmware | locale_pack | device_pack | other")
    requested_for: str | None


class CopUploadConfirmedV1(CopUploadEventV1):
    """The vendor uploaded the file; the partner installs it (`install_notice`)."""

    EVENT_TYPE: ClassVar[str] = "support.cop_upload.confirmed"

    confirmed_by: str
    location: str
    install_notice: str


class CopUploadRefusedV1(CopUploadEventV1):
    """The vendor will not upload the file."""

    EVENT_TYPE: ClassVar[str] = "support.cop_upload.refused"

    refused_by: str
    reason: str


class CopUploadActionRefusedV1(ActionRefused):
    """A COP upload command was refused (not a COP file name, already decided …)."""

    EVENT_TYPE: ClassVar[str] = "support.cop_upload.action_refused"

    upload_id: str


REQUEST_EVENTS: tuple[type[Payload], ...] = (
    IncidentDeclaredV1,
    IncidentUpdatedV1,
    IncidentTicketLinkedV1,
    IncidentResolvedV1,
    IncidentActionRefusedV1,
    CapacityActivationRecordedV1,
    CapacityChangeRequestedV1,
    CapacityChangeConfirmedV1,
    CapacityChangeRefusedV1,
    CapacityActionRefusedV1,
    CopUploadRequestedV1,
    CopUploadConfirmedV1,
    CopUploadRefusedV1,
    CopUploadActionRefusedV1,
)
