"""Who receives a notice, in which language and time zone (domain.md §3 e-mail details).

* A maintenance notice goes to the partners' contacts enrolled for "maintenance and
  outages" in the affected region **and** to the affected customers' admins.
* Recipients are deduplicated by address compared case-insensitively. An address that is
  both a partner contact and a customer admin gets the end-customer version (which never
  carries the partner portal's address): the safe choice when roles overlap.
* The language is the contact's, else the partner's, else English; an unsupported
  language falls through to the next. The time zone is the contact's, else the
  partner's, else the caller's fallback (the region's zone for maintenance).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from services.notifications.domain.contact_fields import (
    DEFAULT_LANGUAGE,
    SUPPORTED_LANGUAGES,
    address_key,
)
from services.notifications.domain.contacts import AlertCategory, PartnerContacts
from shared.calendars import Region


class Audience(StrEnum):
    """Whom a mail is written for: a partner's people, or an end customer's admin."""

    PARTNER = "partner"
    CUSTOMER_ADMIN = "customer_admin"


@dataclass(frozen=True)
class Recipient:
    """One address to write to, with the language, zone and audience of the mail."""

    email: str
    name: str
    language: str
    timezone: str
    audience: Audience
    partner_id: str | None = None
    contact_id: str | None = None
    customer_id: str | None = None


@dataclass(frozen=True)
class CustomerAdmin:
    """An affected customer's admin (from onboarding's customer facts)."""

    customer_id: str
    partner_id: str | None
    name: str
    email: str
    language: str | None = None
    timezone: str | None = None


def resolve_language(*candidates: str | None) -> str:
    """The first supported language among ``candidates`` (region suffixes ignored), else English."""
    for candidate in candidates:
        if not candidate:
            continue
        code = candidate.strip().replace("-", "_").split("_")[0].lower()
        if code in SUPPORTED_LANGUAGES:
            return code
    return DEFAULT_LANGUAGE


def partner_recipients(
    partners: Iterable[PartnerContacts],
    category: AlertCategory,
    region: Region | str | None = None,
    *,
    fallback_timezone: str = "UTC",
) -> list[Recipient]:
    """The contacts of ``partners`` enrolled for ``category`` (in ``region`` when given)."""
    out = []
    for partner in partners:
        for contact in partner.enrolled(category, region):
            out.append(
                Recipient(
                    email=contact.email,
                    name=contact.name,
                    language=resolve_language(contact.language, partner.language),
                    timezone=contact.timezone or partner.timezone or fallback_timezone,
                    audience=Audience.PARTNER,
                    partner_id=partner.partner_id,
                    contact_id=contact.contact_id,
                )
            )
    return dedupe(out)


def customer_admin_recipients(
    admins: Iterable[CustomerAdmin],
    partners: Mapping[str, PartnerContacts],
    *,
    fallback_timezone: str = "UTC",
) -> list[Recipient]:
    """The customers' admins; language and zone fall back to the customer's partner's."""
    out = []
    for admin in admins:
        partner = partners.get(admin.partner_id or "")
        out.append(
            Recipient(
                email=admin.email,
                name=admin.name,
                language=resolve_language(admin.language, partner.language if partner else None),
                timezone=admin.timezone
                or (partner.timezone if partner else None)
                or fallback_timezone,
                audience=Audience.CUSTOMER_ADMIN,
                partner_id=admin.partner_id,
                customer_id=admin.customer_id,
            )
        )
    return dedupe(out)


def maintenance_recipients(
    partners: Iterable[PartnerContacts],
    region: Region | str,
    affected_admins: Iterable[CustomerAdmin],
    *,
    region_timezone: str,
    category: AlertCategory = AlertCategory.MAINTENANCE_AND_OUTAGES,
) -> list[Recipient]:
    """§3: the region's enrolled partner contacts and the affected customers' admins, once each."""
    partners = list(partners)
    by_id = {p.partner_id: p for p in partners}
    return dedupe(
        [
            *partner_recipients(partners, category, region, fallback_timezone=region_timezone),
            *customer_admin_recipients(affected_admins, by_id, fallback_timezone=region_timezone),
        ]
    )


def dedupe(recipients: Iterable[Recipient]) -> list[Recipient]:
    """One recipient per address (ignoring case), first seen wins, in order of first sight.

    Where one address is listed both as a partner contact and as a customer admin, the
    customer-admin entry is kept (at the position of the first sighting).
    """
    kept: dict[str, Recipient] = {}
    for recipient in recipients:
        key = address_key(recipient.email)
        current = kept.get(key)
        replaces = current is not None and current.audience is Audience.PARTNER
        if current is None or (replaces and recipient.audience is Audience.CUSTOMER_ADMIN):
            kept[key] = recipient
    return list(kept.values())


def partner_affected(
    partner_id: str,
    partner: PartnerContacts | None,
    region: Region | str,
    affected_customer_partner_ids: Iterable[Iterable[str]],
) -> bool:
    """Whether a maintenance in ``region`` concerns ``partner_id`` — what entitles a
    partner to ask for its reschedule (§3 "a reschedule request", read with "a maintenance
    notice goes to the region's enrolled contacts and the affected customers' admins"):
    the partner has a contact enrolled for maintenance and outages in that region (it is
    told of the work), or it is named for one of the maintenance's affected customers
    (``affected_customer_partner_ids``: each such customer's `partner_ids`)."""
    if partner is not None and partner.enrolled(AlertCategory.MAINTENANCE_AND_OUTAGES, region):
        return True
    return any(partner_id in ids for ids in affected_customer_partner_ids)
