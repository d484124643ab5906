"""Notifications' facts on `notifications.events` (domain.md §3): past tense; readers
tolerate fields added later."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from shared.contracts.common import (
    ActionRefused,
    Payload,
    Reason,
)


class MaintenanceFactV1(Payload):
    """What every maintenance fact carries (the base of `notifications.maintenance.*`)."""

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


class MaintenanceAnnouncedV1(MaintenanceFactV1):
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


class MaintenanceReminderDueV1(MaintenanceFactV1):
    EVENT_TYPE: ClassVar[str] = "notifications.maintenance.reminder_due"

    hours_before: int


class MaintenanceStartedV1(MaintenanceFactV1):
    EVENT_TYPE: ClassVar[str] = "notifications.maintenance.started"


class MaintenanceCompletedV1(MaintenanceFactV1):
    EVENT_TYPE: ClassVar[str] = "notifications.maintenance.completed"

    summary: str
    upgraded_to: str | None


class MaintenanceRescheduledV1(MaintenanceFactV1):
    EVENT_TYPE: ClassVar[str] = "notifications.maintenance.rescheduled"

    previous_start: AwareDatetime
    previous_end: AwareDatetime
    reason: str
    requested_by: str = Field(description="The partner (or vendor user) who asked")
    window_start: AwareDatetime | None
    window_end: AwareDatetime | None


class MaintenanceRescheduleRefusedV1(MaintenanceFactV1):
    EVENT_TYPE: ClassVar[str] = "notifications.maintenance.reschedule_refused"

    requested_start: AwareDatetime
    requested_end: AwareDatetime
    reason: str
    requested_by: str
    reasons: list[Reason]


class MaintenanceCancelledV1(MaintenanceFactV1):
    EVENT_TYPE: ClassVar[str] = "notifications.maintenance.cancelled"

    reason: str


class OutageFactV1(Payload):
    """What every outage fact carries (the base of `notifications.outage.*`)."""

    EVENT_TYPE: ClassVar[str]

    outage_id: str
    occurred_at: AwareDatetime
    version: int
    regions: list[str]
    services: list[str]
    summary: str
    started_at: AwareDatetime


class OutageDeclaredV1(OutageFactV1):
    EVENT_TYPE: ClassVar[str] = "notifications.outage.declared"


class OutageResolvedV1(OutageFactV1):
    EVENT_TYPE: ClassVar[str] = "notifications.outage.resolved"

    resolved_at: AwareDatetime


class ChangeRequestFactV1(Payload):
    """What every change-request fact carries (`notifications.change_request.*`)."""

    EVENT_TYPE: ClassVar[str]

    change_request_id: str
    partner_id: str
    occurred_at: AwareDatetime
    version: int
    region: str
    summary: str


class ChangeRequestSubmittedV1(ChangeRequestFactV1):
    EVENT_TYPE: ClassVar[str] = "notifications.change_request.submitted"


class ChangeRequestApprovedV1(ChangeRequestFactV1):
    EVENT_TYPE: ClassVar[str] = "notifications.change_request.approved"

    reviewed_by: str


class ChangeRequestDeclinedV1(ChangeRequestFactV1):
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
