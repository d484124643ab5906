"""Commands to support (`support.commands`): what partners and the vendor's support centre
send. Our own input: unknown fields are refused; each names its `actor` and an idempotency
`request_id` (`PartnerCommand`). Rules: spec/domain.md §4.

Values with a fixed list (channel, triage category, impact, urgency, resolution, COP
purpose) are plain strings here and checked by the service, so one refusal
(`support.<entity>.action_refused`) lists every problem of a command at once; the allowed
values are in each field's description.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import ClassVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from shared.contracts.common import MAX_COUNT, PartnerCommand
from shared.identifiers import Identifier

ID = Field(min_length=1, max_length=200)


class ContactIn(BaseModel):
    """The partner's contact for a ticket: a named representative, or the partner's
    escalation team (seed 004: name, phone, e-mail)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: str = Field(
        default="representative", max_length=40, description="representative | escalation_team"
    )
    name: str = Field(max_length=400, description="The representative's (or team's) name")
    phone: str = Field(max_length=60, description="Phone number, E.164 preferred")
    email: str = Field(max_length=320, description="E-mail address")


class ImpactShareIn(BaseModel):
    """Impact as a share of the partner's environment: affected out of all users (§4)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    affected_users: int = Field(ge=1, le=MAX_COUNT, description="Users affected (at least 1)")
    total_users: int | None = Field(
        default=None,
        ge=1,
        le=MAX_COUNT,
        description="All users of the environment; omitted: the customer's number of users "
        "as support knows it",
    )


Impact = str | ImpactShareIn
"""An impact level (widespread | large | localized | individualized) or a share of users."""


# -- tickets ------------------------------------------------------------------------------


class OpenTicket(PartnerCommand):
    """Open a ticket on behalf of a customer (§4). Sent by the partner, or by the vendor's
    support centre (role `vendor_support`) taking the partner's phone call."""

    EVENT_TYPE: ClassVar[str] = "support.ticket.open"

    partner_id: str = Field(min_length=1, max_length=200, description="The partner raising it")
    tenant_id: str = Field(max_length=200, description="The customer's tenant ID")
    contract_number: str = Field(
        max_length=200, description="The customer's subscription or service-contract number"
    )
    contact: ContactIn | None = Field(
        default=None,
        description="The partner representative or escalation team; omitted: the partner's "
        "generic escalation contact, when support knows one",
    )
    channel: str = Field(max_length=40, description="online | phone (S1/S2: phone recommended)")
    category: str = Field(
        max_length=60,
        description="user_question | common_fault | client_setup | possible_software_bug | "
        "service_availability",
    )
    subkind: str | None = Field(
        default=None,
        max_length=60,
        description="A common fault's kind (required): phone_no_power, phone_not_registering, "
        "voicemail, feature_unusable, cannot_place_calls, cannot_receive_calls, no_audio, "
        "cannot_log_in, softphone; a client set-up's kind (optional): soft_clients, users, "
        "features, dial_plan, ldap_sso",
    )
    title: str | None = Field(
        default=None,
        max_length=1_000,
        description="A one-line summary (at most 200 characters); omitted: the start of the "
        "description",
    )
    description: str = Field(max_length=20_000, description="What happens (1–10,000 characters)")
    occurred_at: datetime | None = Field(
        default=None, description="When the problem started (RFC 3339 with offset; not future)"
    )
    impact: Impact = Field(
        description="widespread | large | localized | individualized, or a share of users"
    )
    urgency: str = Field(max_length=40, description="critical | high | medium | low")


class _TicketCommand(PartnerCommand):
    ticket_id: str = Field(min_length=1, max_length=200, description="The ticket")


class AcknowledgeTicket(_TicketCommand):
    """The vendor acknowledges the ticket: the response clock stops (§4)."""

    EVENT_TYPE: ClassVar[str] = "support.ticket.acknowledge"


class StartWorkOnTicket(_TicketCommand):
    """The vendor starts working on an acknowledged ticket (triage is over)."""

    EVENT_TYPE: ClassVar[str] = "support.ticket.start_work"


class WaitOnPartner(_TicketCommand):
    """The vendor needs the partner's qualified person: the resolution clock pauses."""

    EVENT_TYPE: ClassVar[str] = "support.ticket.wait_on_partner"

    reason: str = Field(max_length=4_000, description="What the vendor needs from the partner")


class RecordPartnerResponse(_TicketCommand):
    """The partner answered (sent by the partner or recorded by the vendor): work goes on."""

    EVENT_TYPE: ClassVar[str] = "support.ticket.record_partner_response"


class GiveStatusUpdate(_TicketCommand):
    """The vendor gives a status and an action plan (due at intervals while unresolved)."""

    EVENT_TYPE: ClassVar[str] = "support.ticket.give_status_update"

    status_text: str = Field(max_length=10_000, description="Where things stand")
    action_plan: str = Field(max_length=10_000, description="What happens next")


class ChangeTicketSeverity(_TicketCommand):
    """The partner raises the severity (while unresolved); the vendor lowers it during
    triage, with a reason. The response clock is re-planned from the change (§4)."""

    EVENT_TYPE: ClassVar[str] = "support.ticket.change_severity"

    impact: Impact = Field(description="The impact now: a level or a share of users")
    urgency: str = Field(max_length=40, description="critical | high | medium | low")
    reason: str | None = Field(
        default=None, max_length=4_000, description="Why (required when the vendor lowers it)"
    )


class ResolveTicket(_TicketCommand):
    """The vendor resolves the ticket, optionally watching stability before it closes."""

    EVENT_TYPE: ClassVar[str] = "support.ticket.resolve"

    resolution: str = Field(
        max_length=60,
        description="fixed | workaround | information_given | partner_responsibility | "
        "duplicate_of_incident",
    )
    summary: str = Field(max_length=10_000, description="What was done")
    observation: timedelta | None = Field(
        default=None,
        description="Observation period before closing (ISO 8601 duration, e.g. P3D; at "
        "most the configured maximum)",
    )


class CloseTicket(_TicketCommand):
    """Close a resolved ticket (the partner confirms, or the vendor ends the observation)."""

    EVENT_TYPE: ClassVar[str] = "support.ticket.close"


class ReopenTicket(_TicketCommand):
    """Reopen a resolved or closed ticket within the reopen period."""

    EVENT_TYPE: ClassVar[str] = "support.ticket.reopen"

    reason: str = Field(max_length=4_000, description="Why it is not solved")


class LinkTicketToIncident(_TicketCommand):
    """The vendor links a ticket to a declared incident (both record the link)."""

    EVENT_TYPE: ClassVar[str] = "support.ticket.link_incident"

    incident_id: str = Field(min_length=1, max_length=200, description="The incident")


class SetEscalationContact(PartnerCommand):
    """The partner's generic escalation contact (its support team's name, phone, e-mail):
    used on a ticket opened without a named representative (§4, seed 004)."""

    EVENT_TYPE: ClassVar[str] = "support.partner.set_escalation_contact"

    partner_id: str = Field(min_length=1, max_length=200, description="The partner")
    contact: ContactIn = Field(description="The escalation team (its kind is escalation_team)")


# -- incidents ----------------------------------------------------------------------------


class DeclareIncident(PartnerCommand):
    """The vendor declares an S1/S2 incident affecting listed partners and/or regions;
    the incident id is derived from the sender and `request_id`."""

    EVENT_TYPE: ClassVar[str] = "support.incident.declare"

    severity: str = Field(max_length=4, description="S1 | S2")
    title: str = Field(max_length=400, description="What is affected, in a line")
    summary: str = Field(max_length=10_000, description="What partners need to know")
    partner_ids: list[Identifier] = Field(default_factory=list, max_length=10_000)
    regions: list[str] = Field(
        default_factory=list, max_length=20, description="AMER | APJC | AUS | EU | EMEA | UK"
    )
    started_at: AwareDatetime | None = Field(
        default=None, description="When it started (not in the future); omitted: now"
    )


class UpdateIncident(PartnerCommand):
    """The vendor tells the incident's audience where things stand."""

    EVENT_TYPE: ClassVar[str] = "support.incident.update"

    incident_id: str = Field(min_length=1, max_length=200)
    update: str = Field(max_length=10_000, description="The news")


class ResolveIncident(PartnerCommand):
    """The incident is over."""

    EVENT_TYPE: ClassVar[str] = "support.incident.resolve"

    incident_id: str = Field(min_length=1, max_length=200)
    summary: str = Field(max_length=10_000, description="What happened and what was done")


# -- capacity changes and COP uploads (seed 004) --------------------------------------------


class _Counts(PartnerCommand):
    tenant_id: str = Field(min_length=1, max_length=200, description="The customer's tenant")
    knowledge_workers: int = Field(
        ge=0, le=MAX_COUNT, description="Knowledge workers (whole number ≥ 0)"
    )
    workspace_devices: int = Field(
        ge=0, le=MAX_COUNT, description="Workspace devices (whole number ≥ 0)"
    )


class RecordActivationCapacity(_Counts):
    """The counts the partner stated at the tenant's activation (once per tenant)."""

    EVENT_TYPE: ClassVar[str] = "support.capacity.record_activation"


class RequestCapacityChange(_Counts):
    """Ask the vendor for new end-state counts; the change id is this `request_id`."""

    EVENT_TYPE: ClassVar[str] = "support.capacity.request_change"


class CheckCapacity(_Counts):
    """Query: may this many users and devices be configured now (confirmed capacity)?"""

    EVENT_TYPE: ClassVar[str] = "support.capacity.check"


class ConfirmCapacityChange(PartnerCommand):
    """The vendor added the capacity: users and features up to it may be configured."""

    EVENT_TYPE: ClassVar[str] = "support.capacity.confirm_change"

    tenant_id: str = Field(min_length=1, max_length=200)
    change_id: str = Field(min_length=1, max_length=200, description="The request's id")


class RefuseCapacityChange(ConfirmCapacityChange):
    """The vendor refuses the change, with a reason."""

    EVENT_TYPE: ClassVar[str] = "support.capacity.refuse_change"

    reason: str = Field(max_length=4_000)


class RequestCopUpload(PartnerCommand):
    """A customer needs a COP file (firmware, locale or device pack) on its instance's
    SFTP server; the upload id is derived from the sender and `request_id`."""

    EVENT_TYPE: ClassVar[str] = "support.cop_upload.request"

    tenant_id: str = Field(min_length=1, max_length=200)
    file_name: str = Field(max_length=400, description="*.cop or *.cop.sgn, no path")
    purpose: str = Field(
        max_length=40, description="phone_firmware | locale_pack | device_pack | other"
    )
    requested_for: str | None = Field(
        default=None, max_length=400, description="The customer's user who asked"
    )


class ConfirmCopUpload(PartnerCommand):
    """The vendor uploaded the file; the partner installs it."""

    EVENT_TYPE: ClassVar[str] = "support.cop_upload.confirm"

    upload_id: str = Field(min_length=1, max_length=200)
    location: str = Field(max_length=1_000, description="Where the file is on the SFTP server")


class RefuseCopUpload(PartnerCommand):
    """The vendor will not upload the file."""

    EVENT_TYPE: ClassVar[str] = "support.cop_upload.refuse"

    upload_id: str = Field(min_length=1, max_length=200)
    reason: str = Field(max_length=4_000)


# -- queries (answered by events, authorised like every command) ---------------------------


class ListTickets(PartnerCommand):
    """Query: the tickets the actor may see (its own; all its partner's for a
    `support_lead`; any for `vendor_support`), newest first."""

    EVENT_TYPE: ClassVar[str] = "support.tickets.list"

    statuses: list[str] = Field(
        default_factory=list, max_length=10, description="Only these statuses (empty: all)"
    )
    limit: int = Field(default=100, ge=1, le=500, description="At most this many")


class ListTenants(PartnerCommand):
    """Query: the customer tenants support knows for the actor's partner (read model)."""

    EVENT_TYPE: ClassVar[str] = "support.tenants.list"


class RequestResponseReport(PartnerCommand):
    """Query: the share of S3/S4 tickets acknowledged in time, per partner, for tickets
    opened in [period_start, period_end) (a partner sees its own line only)."""

    EVENT_TYPE: ClassVar[str] = "support.response_report.request"

    period_start: AwareDatetime
    period_end: AwareDatetime
    partner_id: str | None = Field(
        default=None, max_length=200, description="One partner (vendor); a partner: its own"
    )


COMMANDS: tuple[type[PartnerCommand], ...] = (
    OpenTicket,
    AcknowledgeTicket,
    StartWorkOnTicket,
    WaitOnPartner,
    RecordPartnerResponse,
    GiveStatusUpdate,
    ChangeTicketSeverity,
    ResolveTicket,
    CloseTicket,
    ReopenTicket,
    LinkTicketToIncident,
    SetEscalationContact,
    DeclareIncident,
    UpdateIncident,
    ResolveIncident,
    RecordActivationCapacity,
    RequestCapacityChange,
    CheckCapacity,
    ConfirmCapacityChange,
    RefuseCapacityChange,
    RequestCopUpload,
    ConfirmCopUpload,
    RefuseCopUpload,
    ListTickets,
    ListTenants,
    RequestResponseReport,
)
"""Every command support takes on `support.commands`."""
