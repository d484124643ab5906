"""Published contracts of the notifications service (domain.md §3): commands and facts.

- Commands on `notifications.commands` (imperative, `extra="forbid"`, each with `actor` and
  an idempotency `request_id`): a partner's contacts and what each is enrolled for; the
  vendor's maintenance (announce, start, complete, cancel), a partner's reschedule request
  and change request for joint review; outages; release end of sale.
- Facts on `notifications.events` (past tense; readers tolerate fields added later):
  maintenance announced / reminder due / started / completed / rescheduled / reschedule
  refused / cancelled, outages declared / resolved, change requests, release end of sale
  per partner, the partner's contacts as they now are, and every mail's delivery outcome
  (delivered, deferred for a retry, failed), plus one `…action_refused` per aggregate.

Instants are aware (RFC 3339 with offset, stored and published in UTC); dates are local
to the region they concern.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, ClassVar, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from shared.contracts.common import (
    ActionRefused,
    PartnerCommand,
    Payload,
    Reason,
    command_rejected_model,
)
from shared.topics import NOTIFICATIONS_EVENTS

NonEmpty = Annotated[str, Field(min_length=1, max_length=200)]
Text = Annotated[str, Field(max_length=4_000)]
RegionCode = Literal["AMER", "APJC", "AUS", "EU", "EMEA", "UK"]
Category = Literal[
    "maintenance_and_outages", "porting", "onboarding", "support", "release_management"
]
Language = Literal["en", "de", "nl"]
MaintenanceKindName = Literal[
    "routine", "infrastructure", "planned_disruptive", "certificate_renewal", "upgrade", "emergency"
]


class _Command(PartnerCommand):
    EVENT_TYPE: ClassVar[str]


# -- contacts (§3 "partners enrol contacts") -----------------------------------------


class ContactIn(BaseModel):
    """One contact and what it is enrolled for."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    contact_id: NonEmpty = Field(description="The partner's own id for the contact")
    name: str = Field(max_length=200, description="Full name")
    email: str = Field(max_length=320, description="E-mail address (checked, normalised)")
    categories: list[Category] = Field(min_length=1, description="Alert categories")
    regions: list[RegionCode] = Field(default_factory=list, description="Empty: every region")
    language: Language | None = Field(default=None, description="Else the partner's language")
    timezone: str | None = Field(default=None, description="IANA zone; else the partner's")
    digest: list[Category] = Field(
        default_factory=list,
        description="Categories taken as one daily digest (never maintenance and outages)",
    )
    digest_hour: int = Field(default=8, ge=0, le=23, description="Local hour of the digest")


class EnrolContact(_Command):
    """Add a contact to the partner's list (a partner for itself, or vendor operations)."""

    EVENT_TYPE: ClassVar[str] = "notifications.contacts.enrol"

    partner_id: NonEmpty = Field(description="The partner whose contact it is")
    contact: ContactIn


class UpdateContact(_Command):
    """Replace one contact (enrolment, regions, language, digest)."""

    EVENT_TYPE: ClassVar[str] = "notifications.contacts.update"

    partner_id: NonEmpty
    contact: ContactIn


class RemoveContact(_Command):
    """Remove one contact (the partner's main contact included)."""

    EVENT_TYPE: ClassVar[str] = "notifications.contacts.remove"

    partner_id: NonEmpty
    contact_id: NonEmpty


class SetDigestPreference(_Command):
    """Choose which low-urgency categories a contact takes as a daily digest, and when."""

    EVENT_TYPE: ClassVar[str] = "notifications.contacts.set_digest"

    partner_id: NonEmpty
    contact_id: NonEmpty
    digest: list[Category] = Field(description="Empty: every mail at once")
    digest_hour: int = Field(default=8, ge=0, le=23, description="Local hour (0–23)")


# -- maintenance (§3) -----------------------------------------------------------------


class AnnounceMaintenance(_Command):
    """Announce maintenance in one region (cloud operations); the notice goes at once."""

    EVENT_TYPE: ClassVar[str] = "notifications.maintenance.announce"

    maintenance_id: NonEmpty
    region: RegionCode
    kind: MaintenanceKindName
    start: AwareDatetime
    end: AwareDatetime
    title: NonEmpty
    description: Text = ""
    affected_customer_ids: list[NonEmpty] = Field(default_factory=list, max_length=10_000)
    upgrade_reason: (
        Literal["security_fix", "below_n_minus_1", "near_end_of_life", "partner_request"] | None
    ) = None
    target_release: str | None = Field(default=None, max_length=50)
    emergency_reason: (
        Literal["restore_service", "reduce_outage", "avoid_outage", "fix_vulnerability"] | None
    ) = None
    certificate_expires_at: AwareDatetime | None = None
    severe_vulnerability: bool = False
    partner_requested: bool = False
    change_request_id: str | None = Field(
        default=None, max_length=200, description="The approved joint review it comes from"
    )


class RequestMaintenanceReschedule(_Command):
    """A partner asks to move the work to another of the vendor's available dates."""

    EVENT_TYPE: ClassVar[str] = "notifications.maintenance.request_reschedule"

    maintenance_id: NonEmpty
    start: AwareDatetime
    end: AwareDatetime
    reason: Text = Field(description="Why it must move (required, §3)")


class CancelMaintenance(_Command):
    EVENT_TYPE: ClassVar[str] = "notifications.maintenance.cancel"

    maintenance_id: NonEmpty
    reason: Text = ""


class StartMaintenance(_Command):
    """Operations report the work began (its start timer does the same)."""

    EVENT_TYPE: ClassVar[str] = "notifications.maintenance.start"

    maintenance_id: NonEmpty


class CompleteMaintenance(_Command):
    EVENT_TYPE: ClassVar[str] = "notifications.maintenance.complete"

    maintenance_id: NonEmpty
    summary: Text = ""
    upgraded_to: str | None = Field(default=None, max_length=50)


class SubmitChangeRequest(_Command):
    """A partner asks for a change; it goes to a joint review before it is scheduled."""

    EVENT_TYPE: ClassVar[str] = "notifications.change_request.submit"

    change_request_id: NonEmpty
    partner_id: NonEmpty
    region: RegionCode
    summary: Text


class ApproveChangeRequest(_Command):
    EVENT_TYPE: ClassVar[str] = "notifications.change_request.approve"

    change_request_id: NonEmpty


class DeclineChangeRequest(_Command):
    EVENT_TYPE: ClassVar[str] = "notifications.change_request.decline"

    change_request_id: NonEmpty
    reason: Text


# -- outages and releases (§3) -----------------------------------------------------------


class DeclareOutage(_Command):
    EVENT_TYPE: ClassVar[str] = "notifications.outage.declare"

    outage_id: NonEmpty
    regions: list[RegionCode] = Field(min_length=1)
    services: list[NonEmpty] = Field(min_length=1, max_length=50)
    summary: Text
    started_at: AwareDatetime


class ResolveOutage(_Command):
    EVENT_TYPE: ClassVar[str] = "notifications.outage.resolve"

    outage_id: NonEmpty
    summary: Text = ""


class CustomerReleaseIn(BaseModel):
    """The release one customer runs (from the vendor's release management)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    customer_id: NonEmpty
    customer_name: NonEmpty
    partner_id: NonEmpty
    region: RegionCode
    release: NonEmpty


class AnnounceEndOfSale(_Command):
    """A new release arrived: n-2 reaches end of sale; each partner is told (§3)."""

    EVENT_TYPE: ClassVar[str] = "notifications.release.announce_end_of_sale"

    release_id: NonEmpty = Field(description="The new release (n)")
    releases: list[NonEmpty] = Field(
        min_length=3, max_length=50, description="The train, oldest first; the last is n"
    )
    customers: list[CustomerReleaseIn] = Field(max_length=50_000)


# -- facts ------------------------------------------------------------------------------


class _MaintenanceV1(Payload):
    EVENT_TYPE: ClassVar[str]

    maintenance_id: str
    occurred_at: AwareDatetime
    version: int
    region: str
    kind: str
    title: str
    start: AwareDatetime
    end: AwareDatetime
    sequence: int = Field(description="iCalendar SEQUENCE: +1 per reschedule and on cancel")
    affected_customer_ids: list[str]
    outside_window: bool = Field(description="Runs outside (or past) its window")
    impactful: bool


class MaintenanceAnnouncedV1(_MaintenanceV1):
    """The written notice (§3)."""

    EVENT_TYPE: ClassVar[str] = "notifications.maintenance.announced"

    description: str
    window_start: AwareDatetime | None
    window_end: AwareDatetime | None
    window_kind: str | None
    reschedulable: bool
    answer_by: date | None = Field(description="Local date a conflicting partner answers by")
    upgrade_reason: str | None
    target_release: str | None
    emergency_reason: str | None
    certificate_expires_at: AwareDatetime | None
    sso_steps: bool = Field(description="SSO customers must re-import the IdP metadata")


class MaintenanceReminderDueV1(_MaintenanceV1):
    EVENT_TYPE: ClassVar[str] = "notifications.maintenance.reminder_due"

    hours_before: int


class MaintenanceStartedV1(_MaintenanceV1):
    EVENT_TYPE: ClassVar[str] = "notifications.maintenance.started"


class MaintenanceCompletedV1(_MaintenanceV1):
    EVENT_TYPE: ClassVar[str] = "notifications.maintenance.completed"

    summary: str
    upgraded_to: str | None


class MaintenanceRescheduledV1(_MaintenanceV1):
    EVENT_TYPE: ClassVar[str] = "notifications.maintenance.rescheduled"

    previous_start: AwareDatetime
    previous_end: AwareDatetime
    reason: str
    requested_by: str = Field(description="The partner (or vendor user) who asked")
    window_start: AwareDatetime | None
    window_end: AwareDatetime | None


class MaintenanceRescheduleRefusedV1(_MaintenanceV1):
    EVENT_TYPE: ClassVar[str] = "notifications.maintenance.reschedule_refused"

    requested_start: AwareDatetime
    requested_end: AwareDatetime
    reason: str
    requested_by: str
    reasons: list[Reason]


class MaintenanceCancelledV1(_MaintenanceV1):
    EVENT_TYPE: ClassVar[str] = "notifications.maintenance.cancelled"

    reason: str


class _OutageV1(Payload):
    EVENT_TYPE: ClassVar[str]

    outage_id: str
    occurred_at: AwareDatetime
    version: int
    regions: list[str]
    services: list[str]
    summary: str
    started_at: AwareDatetime


class OutageDeclaredV1(_OutageV1):
    EVENT_TYPE: ClassVar[str] = "notifications.outage.declared"


class OutageResolvedV1(_OutageV1):
    EVENT_TYPE: ClassVar[str] = "notifications.outage.resolved"

    resolved_at: AwareDatetime


class _ChangeRequestV1(Payload):
    EVENT_TYPE: ClassVar[str]

    change_request_id: str
    partner_id: str
    occurred_at: AwareDatetime
    version: int
    region: str
    summary: str


class ChangeRequestSubmittedV1(_ChangeRequestV1):
    EVENT_TYPE: ClassVar[str] = "notifications.change_request.submitted"


class ChangeRequestApprovedV1(_ChangeRequestV1):
    EVENT_TYPE: ClassVar[str] = "notifications.change_request.approved"

    reviewed_by: str


class ChangeRequestDeclinedV1(_ChangeRequestV1):
    EVENT_TYPE: ClassVar[str] = "notifications.change_request.declined"

    reviewed_by: str
    reason: str


class UpgradeOut(BaseModel):
    """One customer that must upgrade, to what, in which proposed window."""

    model_config = ConfigDict(extra="ignore")

    customer_id: str
    customer_name: str
    region: str
    current_release: str
    target_release: str
    window_start: AwareDatetime
    window_end: AwareDatetime


class EndOfSaleAnnouncedV1(Payload):
    """One partner's notice: its customers below n-1 and their proposed windows (§3)."""

    EVENT_TYPE: ClassVar[str] = "notifications.release.end_of_sale_announced"

    release_id: str
    partner_id: str
    end_of_sale_release: str | None
    target_release: str
    upgrades: list[UpgradeOut]
    occurred_at: AwareDatetime


class ContactOut(BaseModel):
    model_config = ConfigDict(extra="ignore")

    contact_id: str
    name: str
    email: str
    categories: list[str]
    regions: list[str]
    language: str | None
    timezone: str | None
    digest: list[str]
    digest_hour: int


class ContactsChangedV1(Payload):
    """The partner's contacts as they now are (seeded from onboarding, edited by commands)."""

    EVENT_TYPE: ClassVar[str] = "notifications.contacts.changed"

    partner_id: str
    contacts: list[ContactOut]
    occurred_at: AwareDatetime


class _MailV1(Payload):
    EVENT_TYPE: ClassVar[str]

    delivery_id: str = Field(description="Derived from (event id, recipient address)")
    event_id: str = Field(description="The event the mail tells about (or the digest key)")
    event_type: str
    template: str
    recipient: str = Field(description="The recipient's address")
    audience: str = Field(description="partner or customer_admin")
    language: str
    partner_id: str | None
    message_id: str = Field(description="The mail's Message-ID (the same on every attempt)")
    attempts: int
    occurred_at: AwareDatetime


class MailDeliveredV1(_MailV1):
    """The SMTP server accepted the mail."""

    EVENT_TYPE: ClassVar[str] = "notifications.mail.delivered"

    smtp_response: str


class MailDeferredV1(_MailV1):
    """The SMTP server was unreachable or answered 4xx: another attempt is scheduled."""

    EVENT_TYPE: ClassVar[str] = "notifications.mail.deferred"

    code: str
    reason: str
    next_attempt_at: AwareDatetime


class MailFailedV1(_MailV1):
    """Given up: a 5xx answer, or still undeliverable when the retry budget ran out."""

    EVENT_TYPE: ClassVar[str] = "notifications.mail.failed"

    code: str
    reason: str


# -- refusals ------------------------------------------------------------------------------


class ContactsActionRefusedV1(ActionRefused):
    EVENT_TYPE: ClassVar[str] = "notifications.contacts.action_refused"

    partner_id: str | None = None


class MaintenanceActionRefusedV1(ActionRefused):
    EVENT_TYPE: ClassVar[str] = "notifications.maintenance.action_refused"

    maintenance_id: str


class ChangeRequestActionRefusedV1(ActionRefused):
    EVENT_TYPE: ClassVar[str] = "notifications.change_request.action_refused"

    change_request_id: str


class OutageActionRefusedV1(ActionRefused):
    EVENT_TYPE: ClassVar[str] = "notifications.outage.action_refused"

    outage_id: str


class ReleaseActionRefusedV1(ActionRefused):
    EVENT_TYPE: ClassVar[str] = "notifications.release.action_refused"

    release_id: str


COMMANDS: tuple[type[Payload], ...] = (
    EnrolContact,
    UpdateContact,
    RemoveContact,
    SetDigestPreference,
    AnnounceMaintenance,
    RequestMaintenanceReschedule,
    CancelMaintenance,
    StartMaintenance,
    CompleteMaintenance,
    SubmitChangeRequest,
    ApproveChangeRequest,
    DeclineChangeRequest,
    DeclareOutage,
    ResolveOutage,
    AnnounceEndOfSale,
)
EVENTS: tuple[type[Payload], ...] = (
    MaintenanceAnnouncedV1,
    MaintenanceReminderDueV1,
    MaintenanceStartedV1,
    MaintenanceCompletedV1,
    MaintenanceRescheduledV1,
    MaintenanceRescheduleRefusedV1,
    MaintenanceCancelledV1,
    OutageDeclaredV1,
    OutageResolvedV1,
    ChangeRequestSubmittedV1,
    ChangeRequestApprovedV1,
    ChangeRequestDeclinedV1,
    EndOfSaleAnnouncedV1,
    ContactsChangedV1,
    MailDeliveredV1,
    MailDeferredV1,
    MailFailedV1,
    ContactsActionRefusedV1,
    MaintenanceActionRefusedV1,
    ChangeRequestActionRefusedV1,
    OutageActionRefusedV1,
    ReleaseActionRefusedV1,
)
"""Everything notifications publishes on `notifications.events` (with the command rejection)."""

PUBLISHER = "notifications"
DESCRIPTION = "Partner e-mail for every partner-facing event; maintenance alerts"
PUBLISHES: dict[str, list[type[Payload]]] = {
    NOTIFICATIONS_EVENTS.name: [*EVENTS, command_rejected_model(PUBLISHER)]
}
"""What notifications publishes, per topic."""
