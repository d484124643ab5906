"""A partner's contacts and what each is enrolled for (domain.md §3 "Partners enrol contacts").

A contact is enrolled per alert category (at least maintenance and outages, porting,
onboarding, support, release management) and per region, writes in English, German or
Dutch (or inherits the partner's language), and may take low-urgency categories as a
daily digest sent at a local hour. Addresses are checked and normalised with
`email-validator` (syntax only: no DNS lookup, so the check stays pure). A partner's
contacts start from its main contact, enrolled for everything everywhere until the partner
narrows it (over-notify rather than miss an outage).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, ClassVar

from services.notifications.domain.contact_fields import (
    DEFAULT_LANGUAGE,
    address_key,
    checked_language,
    checked_timezone,
    normalise_email,
)
from services.notifications.domain.errors import (
    ContactIdTaken,
    DigestNotAllowed,
    DuplicateContact,
    InvalidContactName,
    InvalidDigestHour,
    NoCategories,
    NotificationsError,
    UnknownContact,
    ValidationFailed,
)
from services.notifications.domain.header_text import has_control, one_line
from services.notifications.domain.policy import aware
from shared.calendars import Region

DEFAULT_DIGEST_HOUR = 8


class AlertCategory(StrEnum):
    """What a contact can be enrolled for."""

    MAINTENANCE_AND_OUTAGES = "maintenance_and_outages"
    PORTING = "porting"
    ONBOARDING = "onboarding"
    SUPPORT = "support"
    RELEASE_MANAGEMENT = "release_management"


DIGESTIBLE = frozenset(
    {
        AlertCategory.PORTING,
        AlertCategory.ONBOARDING,
        AlertCategory.SUPPORT,
        AlertCategory.RELEASE_MANAGEMENT,
    }
)
"""Categories a contact may take as a daily digest. Maintenance and outages never: the
category carries outages and emergency changes (§3); S1/S2 and emergencies within the
others are still sent at once (see `digest.plan_delivery`)."""


@dataclass(frozen=True)
class Contact:
    """One person at a partner whom notifications e-mail.

    `regions` empty means every region. `digest` lists the categories taken as a daily
    digest at `digest_hour` (local, in `timezone` or the partner's).
    """

    contact_id: str
    name: str
    email: str
    categories: frozenset[AlertCategory]
    regions: frozenset[Region] = frozenset()
    language: str | None = None
    timezone: str | None = None
    digest: frozenset[AlertCategory] = frozenset()
    digest_hour: int = DEFAULT_DIGEST_HOUR

    @classmethod
    def create(
        cls,
        contact_id: str,
        name: str,
        email: str,
        categories: Iterable[AlertCategory | str],
        regions: Iterable[Region | str] = (),
        language: str | None = None,
        timezone: str | None = None,
        digest: Iterable[AlertCategory | str] = (),
        digest_hour: int = DEFAULT_DIGEST_HOUR,
        field_prefix: str = "",
    ) -> Contact:
        """A checked contact; raises `ValidationFailed` listing every problem, each field
        named with `field_prefix` (e.g. `contact.name` for a command's `contact`). A name
        with a control character (CR/LF: header injection) is `invalid_contact_name`."""
        problems: list[NotificationsError] = []
        if has_control(name):
            problems.append(
                InvalidContactName(
                    "a contact's name is one line without control characters",
                    field=f"{field_prefix}name",
                )
            )
        cats = frozenset(AlertCategory(c) for c in categories)
        digested = frozenset(AlertCategory(c) for c in digest)
        checks = (
            lambda: normalise_email(email, f"{field_prefix}email"),
            lambda: checked_language(language, f"{field_prefix}language"),
            lambda: checked_timezone(timezone, f"{field_prefix}timezone"),
        )
        results: list[str | None] = []
        for check in checks:
            try:
                results.append(check())
            except NotificationsError as exc:
                problems.append(exc)
                results.append(None)
        if not cats:
            problems.append(
                NoCategories("enrol the contact for a category", field=f"{field_prefix}categories")
            )
        for category in sorted(digested - DIGESTIBLE):
            problems.append(
                DigestNotAllowed(
                    f"{category.value} is always sent at once", field=f"{field_prefix}digest"
                )
            )
        if not 0 <= digest_hour <= 23:
            problems.append(
                InvalidDigestHour("digest_hour is 0 to 23", field=f"{field_prefix}digest_hour")
            )
        if problems:
            raise ValidationFailed(r for p in problems for r in p.reasons())
        return cls(
            contact_id=contact_id,
            name=name.strip(),
            email=str(results[0]),
            categories=cats,
            regions=frozenset(Region(r) for r in regions),
            language=results[1],
            timezone=results[2],
            digest=digested & cats,
            digest_hour=digest_hour,
        )

    def enrolled_for(self, category: AlertCategory, region: Region | str | None = None) -> bool:
        """Enrolled for ``category`` and (when given) ``region``."""
        if category not in self.categories:
            return False
        return region is None or not self.regions or Region(region) in self.regions


@dataclass(frozen=True, kw_only=True)
class ContactsChanged:
    """The partner's contacts as they now are."""

    name: ClassVar[str] = "notifications.contacts.changed"

    partner_id: str
    occurred_at: datetime
    version: int
    contact_emails: tuple[str, ...]
    contacts: tuple[Contact, ...] = ()


@dataclass(frozen=True)
class HeldEvent:
    """A partner-facing event that arrived before the partner had any contact: kept
    (CloudEvents id, type, time, data) and mailed once a contact is known."""

    event_id: str
    event_type: str
    source: str
    occurred_at: datetime | None
    data: Mapping[str, Any]


MAX_HELD = 200
"""Events kept for a partner without contacts; older ones beyond this are dropped."""


@dataclass
class PartnerContacts:
    """The contacts of one partner, with its language and time zone as fallbacks.

    `company_name` and `language` come from onboarding's registration; `main_taken_over`
    records that the partner edited or removed its main contact itself, after which
    onboarding's changes to its contact list no longer touch that contact.
    """

    partner_id: str
    language: str = DEFAULT_LANGUAGE
    timezone: str | None = None
    contacts: tuple[Contact, ...] = field(default=())
    version: int = 0
    company_name: str | None = None
    main_taken_over: bool = False
    held: tuple[HeldEvent, ...] = ()

    def hold(self, event: HeldEvent) -> bool:
        """Keep `event` until a contact is known; False when there are contacts already
        (mail it now) or it is held already."""
        if self.contacts or event.event_id in {h.event_id for h in self.held}:
            return False
        self.held = (*self.held, event)[-MAX_HELD:]
        return True

    def release(self, event_ids: Iterable[str]) -> bool:
        """Forget the held events that were mailed; True if any was held."""
        done = set(event_ids)
        kept = tuple(h for h in self.held if h.event_id not in done)
        changed = len(kept) != len(self.held)
        self.held = kept
        return changed

    @property
    def main_contact_id(self) -> str:
        """The id of the contact seeded from onboarding's main contact."""
        return f"{self.partner_id}:main"

    def describe(
        self, *, company_name: str | None, language: str | None, timezone: str | None
    ) -> bool:
        """Take the partner's name, language and zone from onboarding; True if changed.
        An unsupported language or unknown zone keeps the current one (mail still goes)."""
        try:
            lang = checked_language(language) or self.language
        except NotificationsError:
            lang = self.language
        try:
            zone = checked_timezone(timezone) or self.timezone
        except NotificationsError:
            zone = self.timezone
        before = (self.company_name, self.language, self.timezone)
        self.company_name = company_name or self.company_name
        self.language, self.timezone = lang, zone
        return before != (self.company_name, self.language, self.timezone)

    def sync_main_contact(
        self, email: str | None, name: str | None, now: datetime
    ) -> list[ContactsChanged]:
        """Onboarding's main contact (§3 seeding): enrolled for every category and region
        as `<partner>:main`, following onboarding's changes until the partner takes it
        over. An address another contact already has is not added twice; an invalid one
        is ignored (onboarding validated it; nothing to tell the partner here)."""
        if self.main_taken_over or not email:
            return []
        try:
            display = one_line(name) or one_line(self.company_name) or email
            main = Contact.create(self.main_contact_id, display, email, AlertCategory)
        except NotificationsError:
            return []
        current = {c.contact_id: c for c in self.contacts}
        others = [c for c in self.contacts if c.contact_id != main.contact_id]
        if any(address_key(c.email) == address_key(main.email) for c in others):
            main_kept = [c for c in self.contacts if c.contact_id == main.contact_id]
            if not main_kept:
                return []
            return self.replace_contacts(others, now)
        old = current.get(main.contact_id)
        if old is not None and old.email == main.email and old.name == main.name:
            return []
        if old is not None:
            main = dataclasses.replace(old, email=main.email, name=main.name)
        return self.replace_contacts([main, *others], now)

    def enrol(self, contact: Contact, now: datetime) -> list[ContactsChanged]:
        """Add a contact; its id must be new and its address not yet on the list."""
        if contact.contact_id in {c.contact_id for c in self.contacts}:
            raise ContactIdTaken(f"{contact.contact_id!r} is already a contact", field="contact_id")
        return self.replace_contacts([*self.contacts, contact], now)

    def edit(self, contact: Contact, now: datetime) -> list[ContactsChanged]:
        """The partner replaces one of its contacts (the main one included)."""
        changes = self.update_contact(contact, now)
        if contact.contact_id == self.main_contact_id:
            self.main_taken_over = True
        return changes

    def remove(self, contact_id: str, now: datetime) -> list[ContactsChanged]:
        """The partner removes a contact (the main one included: it then stays removed)."""
        if contact_id not in {c.contact_id for c in self.contacts}:
            raise UnknownContact(f"no contact {contact_id!r}", field="contact_id")
        if contact_id == self.main_contact_id:
            self.main_taken_over = True
        return self.replace_contacts([c for c in self.contacts if c.contact_id != contact_id], now)

    def set_digest(
        self, contact_id: str, digest: Iterable[AlertCategory | str], hour: int, now: datetime
    ) -> list[ContactsChanged]:
        """Which low-urgency categories the contact takes as a daily digest, at which local
        hour; refused for maintenance and outages (`DigestNotAllowed`)."""
        found = [c for c in self.contacts if c.contact_id == contact_id]
        if not found:
            raise UnknownContact(f"no contact {contact_id!r}", field="contact_id")
        old = found[0]
        new = Contact.create(
            old.contact_id,
            old.name,
            old.email,
            old.categories,
            old.regions,
            old.language,
            old.timezone,
            digest,
            hour,
        )
        return self.edit(new, now)

    def contact(self, contact_id: str | None) -> Contact | None:
        """The contact with that id, if any."""
        return next((c for c in self.contacts if c.contact_id == contact_id), None)

    @classmethod
    def seed(
        cls,
        partner_id: str,
        *,
        main_contact_name: str,
        main_contact_email: str,
        language: str | None,
        timezone: str | None,
        now: datetime,
    ) -> tuple[PartnerContacts, list[ContactsChanged]]:
        """Start from the partner's main contact, enrolled for every category and region."""
        main = Contact.create(
            f"{partner_id}:main",
            one_line(main_contact_name) or main_contact_email,
            main_contact_email,
            AlertCategory,
        )
        partner = cls(
            partner_id,
            language=checked_language(language) or DEFAULT_LANGUAGE,
            timezone=checked_timezone(timezone),
        )
        return partner, partner.replace_contacts([main], now)

    def replace_contacts(self, contacts: Iterable[Contact], now: datetime) -> list[ContactsChanged]:
        """Replace every contact; two sharing an address (ignoring case) are refused."""
        new = tuple(contacts)
        seen: dict[str, str] = {}
        problems = []
        for contact in new:
            key = address_key(contact.email)
            if key in seen:
                problems.append(
                    DuplicateContact(
                        f"{contact.email} is already the address of {seen[key]}", field="email"
                    )
                )
            seen.setdefault(key, contact.contact_id)
        if problems:
            raise ValidationFailed(r for p in problems for r in p.reasons())
        self.contacts = new
        return [self._changed(now)]

    def update_contact(self, contact: Contact, now: datetime) -> list[ContactsChanged]:
        """Replace the contact with the same id (enrolment, digest, language...)."""
        if contact.contact_id not in {c.contact_id for c in self.contacts}:
            raise UnknownContact(f"no contact {contact.contact_id!r}", field="contact_id")
        return self.replace_contacts(
            (contact if c.contact_id == contact.contact_id else c for c in self.contacts), now
        )

    def enrolled(
        self, category: AlertCategory, region: Region | str | None = None
    ) -> list[Contact]:
        """The contacts enrolled for ``category`` (and ``region`` when given)."""
        return [c for c in self.contacts if c.enrolled_for(category, region)]

    def _changed(self, now: datetime) -> ContactsChanged:
        self.version += 1
        return ContactsChanged(
            partner_id=self.partner_id,
            occurred_at=aware(now, "now"),
            version=self.version,
            contact_emails=tuple(c.email for c in self.contacts),
            contacts=self.contacts,
        )
