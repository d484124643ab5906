"""Notifications' commands on `notifications.commands` (domain.md §3): imperative,
unknown fields refused, each with `actor` and an idempotency `request_id`."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from shared.contracts.common import (
    PartnerCommand,
    Payload,
)
from shared.contracts.notifications._types import (
    Category,
    Language,
    MaintenanceKindName,
    NonEmpty,
    RegionCode,
    Text,
)


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
