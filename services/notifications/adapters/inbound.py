"""Other services' events as notifications reads them: tolerant, narrow, keyed by type.

Onboarding's and porting's contracts are still being moved into `shared.contracts`; until
then notifications never imports `services.onboarding` or `services.porting` and reads
their events through these models instead. Each names only what notifications needs,
ignores every other field (`Payload` has `extra="ignore"`), and is looked up by its
CloudEvents type, so a field a publisher adds later changes nothing here.

- `PartnerRegisteredIn`, `PartnerContactsChangedIn`, `CustomerRecordedIn` feed the
  contacts and customers read models (and are mailed too);
- `MAIL_EVENTS` has one model per partner-facing event type in the mail registry
  (`mail.registry.EVENT_TEMPLATES`), carrying the ids that say which partner it concerns;
  the rest of the mail's facts are read from the event's `data` when the mail is built.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from pydantic import Field

from services.notifications.mail.registry import EVENT_TEMPLATES
from shared.events import Payload

INBOUND_PUBLISHERS = ("onboarding", "porting")
"""Publishers whose partner-facing events are consumed (support: once it publishes)."""


class PartnerEventIn(Payload):
    """Any partner-facing event: which partner(s) it concerns, nothing else required."""

    partner_id: str | None = Field(default=None, max_length=200)
    reseller_partner_id: str | None = Field(default=None, max_length=200)
    customer_partner_id: str | None = Field(default=None, max_length=200)
    tier1_partner_id: str | None = Field(default=None, max_length=200)

    def partner_ids(self) -> list[str]:
        """The partner the mail goes to: the event's own partner, else the reseller, the
        customer's own partner or the tier-1 partner named (the first one present)."""
        for candidate in (
            self.partner_id,
            self.reseller_partner_id,
            self.customer_partner_id,
            self.tier1_partner_id,
        ):
            if candidate:
                return [candidate]
        return []


class PartnerRegisteredIn(PartnerEventIn):
    """onboarding.partner.registered: the partner's company name and language."""

    EVENT_TYPE = "onboarding.partner.registered"

    partner_id: str = Field(min_length=1, max_length=200)
    company_name: str = Field(default="", max_length=300)
    language: str | None = Field(default=None, max_length=20)
    country: str | None = Field(default=None, max_length=10)


class PartnerContactsChangedIn(Payload):
    """onboarding.partner.contacts_changed: the first address is the main contact."""

    EVENT_TYPE = "onboarding.partner.contacts_changed"

    partner_id: str = Field(min_length=1, max_length=200)
    contact_emails: list[str] = Field(default_factory=list, max_length=100)
    helpdesk_email: str | None = None


class CustomerRecordedIn(PartnerEventIn):
    """onboarding.customer.recorded: a customer and its admin (the main contact)."""

    EVENT_TYPE = "onboarding.customer.recorded"

    customer_id: str = Field(min_length=1, max_length=200)
    company_name: str = Field(default="", max_length=300)
    country: str | None = Field(default=None, max_length=10)
    tenant_id: str | None = None
    distributor_partner_id: str | None = None
    main_contact_name: str | None = Field(default=None, max_length=300)
    main_contact_email: str | None = Field(default=None, max_length=320)


def _mail_model(event_type: str) -> type[PartnerEventIn]:
    name = "".join(part.title() for part in event_type.replace(".", "_").split("_")) + "In"
    namespace: dict[str, Any] = {
        "EVENT_TYPE": event_type,
        "__doc__": f"{event_type}: read for its mail (tolerant; the partner ids only).",
        "__module__": __name__,
    }
    return type(name, (PartnerEventIn,), namespace)


_SPECIAL: dict[str, type[PartnerEventIn]] = {
    PartnerRegisteredIn.EVENT_TYPE: PartnerRegisteredIn,
    CustomerRecordedIn.EVENT_TYPE: CustomerRecordedIn,
}

MAIL_EVENTS: Mapping[str, type[PartnerEventIn]] = MappingProxyType(
    {
        event_type: _SPECIAL.get(event_type) or _mail_model(event_type)
        for event_type in sorted(EVENT_TEMPLATES)
        if event_type.split(".", 1)[0] in INBOUND_PUBLISHERS
    }
)
"""Every partner-facing event type of onboarding and porting → its tolerant model."""
