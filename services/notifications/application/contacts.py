"""Partners' contacts and customers: the read models the mail-outs are addressed from.

Fed by onboarding's facts (§3 "partners enrol contacts"; seeds 000/001):
- `onboarding.partner.registered` → the partner's company name and language;
- `onboarding.partner.contacts_changed` → its main contact (the first address), enrolled
  for every category and region until the partner edits or removes it itself;
- `onboarding.customer.recorded` → the customer, its partners and its admin (the main
  contact), whom maintenance notices reach as well.
Edited by authorised commands (`notifications.contacts.*`): a partner for itself, vendor
operations for any partner. A refused command is told as
`notifications.contacts.action_refused` with the reasons.

Events that reach a partner before any contact is known are held in its aggregate and
mailed as soon as one is (`release_held`).
"""

from __future__ import annotations

from datetime import datetime

from services.notifications.adapters.inbound import (
    CustomerRecorded,
    PartnerContactsChanged,
    PartnerRegistered,
)
from services.notifications.application.deps import Deps
from services.notifications.application.partner_mail import mail_held_event, mail_partner_event
from services.notifications.domain.access import VENDOR_OPERATIONS, require_partner
from services.notifications.domain.contact_fields import normalise_email
from services.notifications.domain.contacts import Contact, PartnerContacts
from services.notifications.domain.customers import CustomerRecord
from services.notifications.domain.errors import InvalidEmailAddress
from shared.contracts import notifications as c
from shared.country_zones import country_timezones
from shared.errors import MessageRejected
from shared.events import Envelope
from shared.logging import get_logger
from shared.usecase import Decision

log = get_logger("notifications.contacts")


def _partner(current: PartnerContacts | None, partner_id: str) -> PartnerContacts:
    return current if current is not None else PartnerContacts(partner_id)


async def partner_registered(deps: Deps, cause: Envelope, fact: PartnerRegistered) -> None:
    """Take the partner's name, language and zone (its country's main IANA zone, the
    fallback for contacts without one), then mail its welcome (held until a contact is
    known)."""

    zones = country_timezones(fact.country or "")
    zone = zones[0] if zones else None  # the country's main zone (IANA zone.tab)

    def describe(current: PartnerContacts | None, now: datetime) -> Decision[PartnerContacts]:
        partner = _partner(current, fact.partner_id)
        partner.describe(company_name=fact.company_name, language=fact.language, timezone=zone)
        return Decision(partner)

    await deps.uc.handle(deps.repos.contacts, fact.partner_id, cause, describe)
    await mail_partner_event(deps, cause, fact)


async def partner_contacts_changed(
    deps: Deps, cause: Envelope, fact: PartnerContactsChanged
) -> None:
    """Follow onboarding's main contact (the first usable address), then mail what was held.

    An address `email-validator` refuses is skipped with a warning naming the partner and
    the field (`contact_emails[i]`); the valid ones are kept. If addresses were given and
    none is usable the event is rejected (dead-lettered: `no_usable_address`, one reason
    per address) — the partner's mail stays held, visibly. An empty list changes nothing.
    """
    usable, problems = _usable_addresses(fact)
    if fact.contact_emails and not usable:
        raise MessageRejected("no_usable_address", problems)
    main = usable[0] if usable else None

    def sync(current: PartnerContacts | None, now: datetime) -> Decision[PartnerContacts] | None:
        partner = _partner(current, fact.partner_id)
        events = partner.sync_main_contact(main, None, now)
        if not events and current is not None:
            return None
        return Decision(partner, events)

    await deps.uc.handle(deps.repos.contacts, fact.partner_id, cause, sync)
    await release_held(deps, fact.partner_id)


def _usable_addresses(fact: PartnerContactsChanged) -> tuple[list[str], list[dict[str, str]]]:
    usable: list[str] = []
    problems: list[dict[str, str]] = []
    for index, address in enumerate(fact.contact_emails):
        name = f"contact_emails[{index}]"
        try:
            normalise_email(address, name)
        except InvalidEmailAddress as error:
            [reason] = error.reasons()
            problem = {"field": name, "code": reason.code, "message": reason.message}
            problems.append(problem)
            log.warning(
                "unusable address in onboarding's contacts skipped",
                partner_id=fact.partner_id,
                field=name,
                reason=reason.message,
            )
            continue
        usable.append(address)
    return usable, problems


async def customer_recorded(deps: Deps, cause: Envelope, fact: CustomerRecorded) -> None:
    """Record the customer (name, partners, admin), then mail the partner about it."""
    partners = tuple(
        dict.fromkeys(
            p
            for p in (
                fact.reseller_partner_id,
                fact.customer_partner_id,
                fact.tier1_partner_id,
                fact.distributor_partner_id,
            )
            if p
        )
    )
    record = CustomerRecord(
        customer_id=fact.customer_id,
        company_name=fact.company_name,
        partner_ids=partners,
        country=fact.country,
        tenant_id=fact.tenant_id,
        admin_name=fact.main_contact_name,
        admin_email=fact.main_contact_email,
    )

    def store(current: CustomerRecord | None, now: datetime) -> Decision[CustomerRecord] | None:
        merged = record if current is None else current.merged(record)
        return None if merged == current else Decision(merged)

    await deps.uc.handle(deps.repos.customers, fact.customer_id, cause, store)
    await mail_partner_event(deps, cause, fact)


def _contact(data: c.ContactIn) -> Contact:
    return Contact.create(
        data.contact_id,
        data.name,
        data.email,
        data.categories,
        data.regions,
        data.language,
        data.timezone,
        data.digest,
        data.digest_hour,
        field_prefix="contact.",
    )


async def enrol(deps: Deps, cause: Envelope, cmd: c.EnrolContact) -> None:
    """Add a contact (its address checked with `email-validator`); refused: `forbidden`,
    `validation_failed` (every problem), `contact_id_taken`, `duplicate_contact`."""

    def decide(current: PartnerContacts | None, now: datetime) -> Decision[PartnerContacts]:
        require_partner(cmd.actor, cmd.partner_id, VENDOR_OPERATIONS)
        partner = _partner(current, cmd.partner_id)
        return Decision(partner, partner.enrol(_contact(cmd.contact), now))

    await deps.uc.handle(deps.repos.contacts, cmd.partner_id, cause, decide)
    await release_held(deps, cmd.partner_id)


async def update(deps: Deps, cause: Envelope, cmd: c.UpdateContact) -> None:
    """Replace one contact; refused: `forbidden`, `validation_failed`, `unknown_contact`."""
    await deps.uc.require(deps.repos.contacts, cmd.partner_id)

    def decide(current: PartnerContacts | None, now: datetime) -> Decision[PartnerContacts]:
        require_partner(cmd.actor, cmd.partner_id, VENDOR_OPERATIONS)
        partner = _partner(current, cmd.partner_id)
        return Decision(partner, partner.edit(_contact(cmd.contact), now))

    await deps.uc.handle(deps.repos.contacts, cmd.partner_id, cause, decide)


async def remove(deps: Deps, cause: Envelope, cmd: c.RemoveContact) -> None:
    """Remove one contact; refused: `forbidden`, `unknown_contact`."""
    await deps.uc.require(deps.repos.contacts, cmd.partner_id)

    def decide(current: PartnerContacts | None, now: datetime) -> Decision[PartnerContacts]:
        require_partner(cmd.actor, cmd.partner_id, VENDOR_OPERATIONS)
        partner = _partner(current, cmd.partner_id)
        return Decision(partner, partner.remove(cmd.contact_id, now))

    await deps.uc.handle(deps.repos.contacts, cmd.partner_id, cause, decide)


async def set_digest(deps: Deps, cause: Envelope, cmd: c.SetDigestPreference) -> None:
    """Choose a contact's daily digest; refused for maintenance and outages
    (`validation_failed` with `digest_not_allowed`)."""
    await deps.uc.require(deps.repos.contacts, cmd.partner_id)

    def decide(current: PartnerContacts | None, now: datetime) -> Decision[PartnerContacts]:
        require_partner(cmd.actor, cmd.partner_id, VENDOR_OPERATIONS)
        partner = _partner(current, cmd.partner_id)
        events = partner.set_digest(cmd.contact_id, cmd.digest, cmd.digest_hour, now)
        return Decision(partner, events)

    await deps.uc.handle(deps.repos.contacts, cmd.partner_id, cause, decide)


async def release_held(deps: Deps, partner_id: str) -> None:
    """Mail the events held for a partner that now has contacts, then forget them.

    Each mail is a delivery keyed by (event id, address) like any other, so a release
    repeated after a crash sends nothing twice.
    """
    partner = await deps.uc.load(deps.repos.contacts, partner_id)
    if partner is None or not partner.held or not partner.contacts:
        return
    held = partner.held
    for event in held:
        await mail_held_event(deps, partner, event)
    ids = [h.event_id for h in held]
    released = Envelope(
        id=f"release:{partner_id}:{ids[-1]}:{len(ids)}",
        source=deps.uc.source,
        type="notifications.contacts.held_released",
        data={"partner_id": partner_id, "event_ids": ids},
    )

    def forget(current: PartnerContacts | None, now: datetime) -> Decision[PartnerContacts] | None:
        if current is None or not current.release(ids):
            return None
        return Decision(current)

    await deps.uc.handle(deps.repos.contacts, partner_id, released, forget)
