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

from shared.contracts.common import Reason, command_already_handled_model, command_rejected_model
from shared.contracts.notifications._types import (
    Category,
    Language,
    MaintenanceKindName,
    NonEmpty,
    RegionCode,
    Text,
)
from shared.contracts.notifications.commands import (
    COMMANDS,
    AnnounceEndOfSale,
    AnnounceMaintenance,
    ApproveChangeRequest,
    CancelMaintenance,
    CompleteMaintenance,
    ContactIn,
    CustomerReleaseIn,
    DeclareOutage,
    DeclineChangeRequest,
    EnrolContact,
    RemoveContact,
    RequestMaintenanceReschedule,
    ResolveOutage,
    SetDigestPreference,
    StartMaintenance,
    SubmitChangeRequest,
    UpdateContact,
)
from shared.contracts.notifications.events import (
    EVENTS,
    ChangeRequestActionRefusedV1,
    ChangeRequestApprovedV1,
    ChangeRequestDeclinedV1,
    ChangeRequestFactV1,
    ChangeRequestSubmittedV1,
    ContactOut,
    ContactsActionRefusedV1,
    ContactsChangedV1,
    EndOfSaleAnnouncedV1,
    MailDeferredV1,
    MailDeliveredV1,
    MailFailedV1,
    MaintenanceActionRefusedV1,
    MaintenanceAnnouncedV1,
    MaintenanceCancelledV1,
    MaintenanceCompletedV1,
    MaintenanceFactV1,
    MaintenanceReminderDueV1,
    MaintenanceRescheduledV1,
    MaintenanceRescheduleRefusedV1,
    MaintenanceStartedV1,
    OutageActionRefusedV1,
    OutageDeclaredV1,
    OutageFactV1,
    OutageResolvedV1,
    ReleaseActionRefusedV1,
    UpgradeOut,
)
from shared.events import Payload
from shared.topics import NOTIFICATIONS_EVENTS

__all__ = [
    "COMMANDS",
    "DESCRIPTION",
    "EVENTS",
    "PUBLISHER",
    "PUBLISHES",
    "AnnounceEndOfSale",
    "AnnounceMaintenance",
    "ApproveChangeRequest",
    "CancelMaintenance",
    "Category",
    "ChangeRequestActionRefusedV1",
    "ChangeRequestApprovedV1",
    "ChangeRequestDeclinedV1",
    "ChangeRequestFactV1",
    "ChangeRequestSubmittedV1",
    "CompleteMaintenance",
    "ContactIn",
    "ContactOut",
    "ContactsActionRefusedV1",
    "ContactsChangedV1",
    "CustomerReleaseIn",
    "DeclareOutage",
    "DeclineChangeRequest",
    "EndOfSaleAnnouncedV1",
    "EnrolContact",
    "Language",
    "MailDeferredV1",
    "MailDeliveredV1",
    "MailFailedV1",
    "MaintenanceActionRefusedV1",
    "MaintenanceAnnouncedV1",
    "MaintenanceCancelledV1",
    "MaintenanceCompletedV1",
    "MaintenanceFactV1",
    "MaintenanceKindName",
    "MaintenanceReminderDueV1",
    "MaintenanceRescheduleRefusedV1",
    "MaintenanceRescheduledV1",
    "MaintenanceStartedV1",
    "NonEmpty",
    "OutageActionRefusedV1",
    "OutageDeclaredV1",
    "OutageFactV1",
    "OutageResolvedV1",
    "Reason",
    "RegionCode",
    "ReleaseActionRefusedV1",
    "RemoveContact",
    "RequestMaintenanceReschedule",
    "ResolveOutage",
    "SetDigestPreference",
    "StartMaintenance",
    "SubmitChangeRequest",
    "Text",
    "UpdateContact",
    "UpgradeOut",
]

PUBLISHER = "notifications"
DESCRIPTION = "Partner e-mail for every partner-facing event; maintenance alerts"
PUBLISHES: dict[str, list[type[Payload]]] = {
    NOTIFICATIONS_EVENTS.name: [
        *EVENTS,
        command_rejected_model(PUBLISHER),
        command_already_handled_model(PUBLISHER),
    ]
}
"""What notifications publishes, per topic."""
