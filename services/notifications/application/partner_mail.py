"""Another service's partner-facing event → the mail to the partner's enrolled contacts.

For an event type in the mail registry (`mail.registry.EVENT_TEMPLATES`), read through its
published model (`adapters.inbound.CONSUMED`): each partner it concerns
(`adapters.inbound.partner_ids`: a ticket's or request's `partner_id`, an incident's
`partner_ids`, onboarding's partner fields), that partner's contacts enrolled for the
template's category, each written to in the contact's language (else the partner's, else
English) and zone, the mail's facts mapped from the model (`mail.from_events`). Each
(event, address) is delivered at most once (`mailing.send_mails`).

- An event whose facts do not fit its mail is rejected (`context_invalid`, one reason per
  field; dead-lettered) before anything is held or sent.
- An event for a partner with no contact yet (the welcome mail arrives before onboarding
  names any address) is held in the partner's contacts aggregate and mailed when a
  contact is known (`contacts.release_held`).
- A mail meant only for an end customer's admin goes out only when that admin's address
  is known (the customers read model); never to a partner contact.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from pydantic import ValidationError

from services.notifications.adapters.inbound import CONSUMED, partner_ids
from services.notifications.application.deps import Deps
from services.notifications.application.mailing import MailJob, send_mails
from services.notifications.domain.contacts import HeldEvent, PartnerContacts
from services.notifications.domain.recipients import Audience, partner_recipients
from services.notifications.mail.contexts.base import MailContext
from services.notifications.mail.from_events import context_from_event, mail_facts
from services.notifications.mail.registry import EVENT_TEMPLATES, TEMPLATES
from services.notifications.mail.render import MailError
from shared.errors import MessageRejected
from shared.events import Envelope, Payload
from shared.usecase import Decision


def partner_templates(event_type: str) -> list[str]:
    """The templates of `event_type` written for a partner's contacts."""
    return [
        key
        for key in EVENT_TEMPLATES.get(event_type, ())
        if Audience.PARTNER in TEMPLATES[key].audiences
    ]


def contexts(fact: Payload, company_name: str | None) -> dict[str, MailContext]:
    """Every partner mail's context for the published event `fact`; raises
    `MessageRejected` (`context_invalid`, one reason per field) when it does not fit."""
    data = mail_facts(fact)
    try:
        return {
            key: context_from_event(key, data, company_name=company_name)
            for key in partner_templates(fact.EVENT_TYPE)
        }
    except MailError as error:
        raise MessageRejected(error.code, error.reasons) from None


async def mail_partner_event(deps: Deps, cause: Envelope, fact: Payload) -> None:
    """Mail the event to each partner it concerns (see module doc)."""
    for partner_id in partner_ids(fact):
        partner = await deps.uc.load(deps.repos.contacts, partner_id)
        company = partner.company_name if partner else None
        built = contexts(fact, company)  # rejects bad input first
        if not built:
            continue
        if partner is None or not partner.contacts:
            partner = await _hold(deps, cause, partner_id)
            if partner is None:
                continue
        await _send(deps, cause, partner, contexts(fact, partner.company_name))


async def mail_held_event(deps: Deps, partner: PartnerContacts, held: HeldEvent) -> None:
    """Mail one event held for a partner that has contacts now."""
    cause = Envelope(
        id=held.event_id,
        source=held.source,
        type=held.event_type,
        time=held.occurred_at,
        data=dict(held.data),
    )
    consumed = CONSUMED.get(held.event_type)
    try:
        if consumed is None:
            raise MessageRejected("unknown_event_type", [])
        fact = consumed[1].model_validate(held.data)
        built = contexts(fact, partner.company_name)
    except (MessageRejected, ValidationError):
        return  # it fitted when held; a contract or template changed since: nothing to send
    await _send(deps, cause, partner, built)


async def _hold(deps: Deps, cause: Envelope, partner_id: str) -> PartnerContacts | None:
    """Hold the event for a partner without contacts; returns the partner if contacts
    appeared meanwhile (mail it now), else None."""
    held = HeldEvent(cause.id, cause.type, cause.source, cause.time, dict(cause.data))

    def hold(current: PartnerContacts | None, now: datetime) -> Decision[PartnerContacts] | None:
        partner = current if current is not None else PartnerContacts(partner_id)
        if not partner.hold(held):
            return None
        return Decision(partner)

    await deps.uc.handle(
        deps.repos.contacts, partner_id, cause, hold, message_id=f"hold:{cause.id}"
    )
    partner = await deps.uc.load(deps.repos.contacts, partner_id)
    if partner is None or not partner.contacts:
        return None
    return partner


async def _send(
    deps: Deps, cause: Envelope, partner: PartnerContacts, built: Mapping[str, MailContext]
) -> None:
    jobs = []
    for key, context in built.items():
        spec = TEMPLATES[key]
        fallback = partner.timezone or "UTC"
        for recipient in partner_recipients([partner], spec.category, fallback_timezone=fallback):
            jobs.append(
                MailJob(
                    recipient=recipient,
                    template=key,
                    context=context,
                    contact=partner.contact(recipient.contact_id),
                    partner_timezone=partner.timezone,
                    urgent=spec.urgent,
                )
            )
    if jobs:
        await send_mails(deps, cause, jobs)
