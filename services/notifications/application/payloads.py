"""Domain events → the contracts published for them (`shared.contracts.notifications`).

Written out per event type (no contract is derived from a domain class): the fields a
contract carries are copied from the event; a domain field renamed or added changes no
schema until this mapping says so.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from services.notifications.domain import delivery as dl
from services.notifications.domain import events as ev
from services.notifications.domain.change_requests import (
    ChangeRequestApproved,
    ChangeRequestDeclined,
    ChangeRequestSubmitted,
)
from services.notifications.domain.contacts import ContactsChanged
from services.notifications.domain.outages import OutageDeclared, OutageResolved
from services.notifications.domain.releases import EndOfSaleAnnounced
from shared.contracts import notifications as c
from shared.events import Payload

CONTRACTS: dict[type[Any], type[Payload]] = {
    ev.MaintenanceAnnounced: c.MaintenanceAnnouncedV1,
    ev.MaintenanceReminderDue: c.MaintenanceReminderDueV1,
    ev.MaintenanceStarted: c.MaintenanceStartedV1,
    ev.MaintenanceCompleted: c.MaintenanceCompletedV1,
    ev.MaintenanceRescheduled: c.MaintenanceRescheduledV1,
    ev.MaintenanceRescheduleRefused: c.MaintenanceRescheduleRefusedV1,
    ev.MaintenanceCancelled: c.MaintenanceCancelledV1,
    OutageDeclared: c.OutageDeclaredV1,
    OutageResolved: c.OutageResolvedV1,
    ChangeRequestSubmitted: c.ChangeRequestSubmittedV1,
    ChangeRequestApproved: c.ChangeRequestApprovedV1,
    ChangeRequestDeclined: c.ChangeRequestDeclinedV1,
    dl.MailDelivered: c.MailDeliveredV1,
    dl.MailDeferred: c.MailDeferredV1,
    dl.MailFailed: c.MailFailedV1,
}
"""Domain event class → its contract (the fields of the same names are copied)."""


def _fields(event: Any) -> dict[str, Any]:
    return {f.name: getattr(event, f.name) for f in dataclasses.fields(event)}


def payloads(event: Any) -> Sequence[Payload]:
    """The contract payloads published for one domain event (raises TypeError if unmapped)."""
    if isinstance(event, ContactsChanged):
        return [
            c.ContactsChangedV1(
                partner_id=event.partner_id,
                occurred_at=event.occurred_at,
                contacts=[
                    c.ContactOut(
                        contact_id=k.contact_id,
                        name=k.name,
                        email=k.email,
                        categories=sorted(x.value for x in k.categories),
                        regions=sorted(r.value for r in k.regions),
                        language=k.language,
                        timezone=k.timezone,
                        digest=sorted(x.value for x in k.digest),
                        digest_hour=k.digest_hour,
                    )
                    for k in event.contacts
                ],
            )
        ]
    if isinstance(event, EndOfSaleAnnounced):
        notice = event.notice
        return [
            c.EndOfSaleAnnouncedV1(
                release_id=event.release_id,
                partner_id=notice.partner_id,
                end_of_sale_release=notice.end_of_sale_release,
                target_release=notice.target_release,
                occurred_at=event.occurred_at,
                upgrades=[
                    c.UpgradeOut(
                        customer_id=u.customer_id,
                        customer_name=u.customer_name,
                        region=u.region.value,
                        current_release=u.current_release,
                        target_release=u.target_release,
                        window_start=u.window.start,
                        window_end=u.window.end,
                    )
                    for u in notice.upgrades
                ],
            )
        ]
    contract = CONTRACTS.get(type(event))
    if contract is None:
        raise TypeError(f"no contract for {type(event).__name__}")
    values = _fields(event)
    if "reasons" in values:
        values["reasons"] = [dataclasses.asdict(r) for r in values["reasons"]]
    return [contract.model_validate(values)]
