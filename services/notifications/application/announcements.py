"""This service's own facts → the partners' (and customers' admins') mails (domain.md §3).

Consumed from `notifications.events` like any other service's events, so a notice is
mailed exactly when its fact was stored (the outbox publishes it at least once; each
(event, address) is delivered at most once):

- maintenance: the region's enrolled contacts and the affected customers' admins, each
  partner's copy listing its own affected customers; the notice, a reschedule and a
  cancellation carry the iCalendar invite (one UID, SEQUENCE raised, METHOD:CANCEL);
  a refused reschedule goes to the partner who asked;
- outages: every enrolled contact of the regions, at once;
- change requests: the partner that submitted it;
- end of sale: the partner told which of its customers must upgrade.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from services.notifications.application.deps import Deps
from services.notifications.application.mailing import MailJob, send_mails
from services.notifications.domain import events as ev
from services.notifications.domain.contacts import AlertCategory, PartnerContacts
from services.notifications.domain.customers import CustomerRecord
from services.notifications.domain.outages import OutageDeclared, OutageResolved
from services.notifications.domain.recipients import (
    Audience,
    Recipient,
    dedupe,
    maintenance_recipients,
    partner_recipients,
)
from services.notifications.mail.contexts import maintenance as mc
from services.notifications.mail.invite import maintenance_invite
from shared.contracts import notifications as c
from shared.events import Envelope, Payload
from shared.refusals import Reason

MO = AlertCategory.MAINTENANCE_AND_OUTAGES

_DOMAIN: dict[type[Payload], type[ev.MaintenanceEvent]] = {
    c.MaintenanceAnnouncedV1: ev.MaintenanceAnnounced,
    c.MaintenanceReminderDueV1: ev.MaintenanceReminderDue,
    c.MaintenanceStartedV1: ev.MaintenanceStarted,
    c.MaintenanceCompletedV1: ev.MaintenanceCompleted,
    c.MaintenanceRescheduledV1: ev.MaintenanceRescheduled,
    c.MaintenanceRescheduleRefusedV1: ev.MaintenanceRescheduleRefused,
    c.MaintenanceCancelledV1: ev.MaintenanceCancelled,
}


def maintenance_event(fact: Payload) -> ev.MaintenanceEvent:
    """The domain event a published maintenance fact tells (for the mail and invite)."""
    values = fact.model_dump()
    values["affected_customer_ids"] = tuple(values.get("affected_customer_ids") or ())
    if "reasons" in values:
        values["reasons"] = tuple(Reason(**r) for r in values["reasons"])
    return _DOMAIN[type(fact)](**values)


def _partners_by_id(partners: Iterable[PartnerContacts]) -> dict[str, PartnerContacts]:
    return {p.partner_id: p for p in partners}


async def maintenance_mail(deps: Deps, cause: Envelope, fact: c.MaintenanceFactV1) -> None:
    """Mail one maintenance fact (see module doc)."""
    event = maintenance_event(fact)
    zone = deps.region_zone(event.region)
    partners = await deps.directory.partners()
    customers = await deps.directory.customers(event.affected_customer_ids)
    if isinstance(event, ev.MaintenanceRescheduleRefused):
        asker = _partners_by_id(partners).get(event.requested_by)
        recipients = partner_recipients(
            [asker] if asker else [], MO, event.region, fallback_timezone=zone
        )
    else:
        admins = [a for a in (x.admin() for x in customers) if a is not None]
        recipients = maintenance_recipients(partners, event.region, admins, region_timezone=zone)
    by_id = _partners_by_id(partners)
    jobs = []
    for recipient in recipients:
        key, context = mc.maintenance_mail(
            event, region_timezone=zone, customer_names=_names_for(recipient, customers)
        )
        invite = None
        if isinstance(
            event, ev.MaintenanceAnnounced | ev.MaintenanceRescheduled | ev.MaintenanceCancelled
        ):
            invite = maintenance_invite(
                event,
                region_timezone=zone,
                organizer=deps.addressing.from_address,
                attendee=recipient.email,
                description=getattr(event, "description", ""),
            )
        partner = by_id.get(recipient.partner_id or "")
        jobs.append(
            MailJob(
                recipient=recipient,
                template=key,
                context=context,
                invite=invite,
                contact=partner.contact(recipient.contact_id) if partner else None,
                partner_timezone=partner.timezone if partner else None,
                urgent=True,
            )
        )
    await send_mails(deps, cause, jobs)


def _names_for(recipient: Recipient, customers: list[CustomerRecord]) -> list[str]:
    """A partner's copy names its own affected customers; an admin's copy its company."""
    if recipient.audience is Audience.CUSTOMER_ADMIN:
        return [x.company_name for x in customers if x.customer_id == recipient.customer_id]
    return sorted(x.company_name for x in customers if recipient.partner_id in x.partner_ids)


async def outage_mail(deps: Deps, cause: Envelope, fact: c.OutageFactV1) -> None:
    """An outage declared or resolved: every enrolled contact of its regions, at once."""
    meta: dict[str, Any] = {
        "outage_id": fact.outage_id,
        "occurred_at": fact.occurred_at,
        "version": fact.version,
        "regions": tuple(fact.regions),
        "services": tuple(fact.services),
        "summary": fact.summary,
        "started_at": fact.started_at,
    }
    if isinstance(fact, c.OutageResolvedV1):
        event: OutageDeclared | OutageResolved = OutageResolved(
            **meta, resolved_at=fact.resolved_at
        )
    else:
        event = OutageDeclared(**meta)
    key, context = mc.outage_mail(event)
    partners = await deps.directory.partners()
    by_id = _partners_by_id(partners)
    recipients = dedupe(
        r
        for region in fact.regions
        for r in partner_recipients(
            partners, MO, region, fallback_timezone=deps.region_zone(region)
        )
    )
    jobs = [
        MailJob(
            recipient=r,
            template=key,
            context=context,
            contact=by_id[r.partner_id].contact(r.contact_id) if r.partner_id in by_id else None,
            urgent=True,
        )
        for r in recipients
    ]
    await send_mails(deps, cause, jobs)


async def change_request_mail(deps: Deps, cause: Envelope, fact: c.ChangeRequestFactV1) -> None:
    """Under joint review, or declined with the reason: to the partner that asked."""
    key = (
        "change_request_declined"
        if isinstance(fact, c.ChangeRequestDeclinedV1)
        else "change_request_under_review"
    )
    context = mc.ChangeRequest(
        change_request_id=fact.change_request_id,
        summary=fact.summary,
        reason=getattr(fact, "reason", None),
    )
    await _to_partner(deps, cause, fact.partner_id, MO, key, context, fact.region)


async def end_of_sale_mail(deps: Deps, cause: Envelope, fact: c.EndOfSaleAnnouncedV1) -> None:
    """One partner's end-of-sale notice: its customers, their target and proposed window."""
    context = mc.ReleaseEndOfSale(
        end_of_sale_release=fact.end_of_sale_release,
        target_release=fact.target_release,
        upgrades=[
            mc.UpgradeRow(
                customer_name=u.customer_name,
                region=u.region,
                region_timezone=deps.region_zone(u.region),
                current_release=u.current_release,
                window_start=u.window_start,
                window_end=u.window_end,
            )
            for u in fact.upgrades
        ],
    )
    key = "release_end_of_sale"
    await _to_partner(
        deps, cause, fact.partner_id, AlertCategory.RELEASE_MANAGEMENT, key, context, None
    )


async def _to_partner(
    deps: Deps,
    cause: Envelope,
    partner_id: str,
    category: AlertCategory,
    key: str,
    context: mc.MailContext,
    region: str | None,
) -> None:
    partner = await deps.uc.load(deps.repos.contacts, partner_id)
    if partner is None:
        return
    fallback = partner.timezone or (deps.region_zone(region) if region else "UTC")
    jobs = [
        MailJob(
            recipient=r,
            template=key,
            context=context,
            contact=partner.contact(r.contact_id),
            partner_timezone=partner.timezone,
        )
        for r in partner_recipients([partner], category, region, fallback_timezone=fallback)
    ]
    await send_mails(deps, cause, jobs)
