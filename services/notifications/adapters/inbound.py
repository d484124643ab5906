"""Other services' events as notifications reads them: the published models only.

Notifications reads onboarding's, porting's and support's events through their published
contracts (`shared.contracts.onboarding`, `.porting`, `.support`; issue 9: a consumer
never has models of its own for another service's events). Those models ignore fields
added later (`Payload`), so a publisher adding a field changes nothing here. What a mail
shows is mapped from them in this service's own code (`mail.from_events`).

- `CONSUMED`: every partner-facing event type in the mail registry
  (`mail.registry.EVENT_TEMPLATES`) of those publishers → its published model and topic;
- `partner_ids(fact)`: the partners an event concerns (whose contacts are mailed).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from services.notifications.mail.registry import EVENT_TEMPLATES
from shared.contracts import onboarding, porting, support
from shared.events import Payload
from shared.topics import BY_NAME, Topic

INBOUND_PUBLISHERS = (onboarding, porting, support)
"""Publishers whose partner-facing events are mailed."""

PartnerContactsChanged = onboarding.partners.PartnerContactsChanged
"""`onboarding.partner.contacts_changed`: feeds the contacts read model (not mailed)."""
PartnerRegistered = onboarding.PartnerRegisteredV1
CustomerRecorded = onboarding.CustomerRecordedV1

_PARTNER_FIELDS = ("partner_id", "reseller_partner_id", "customer_partner_id", "tier1_partner_id")


def _published() -> dict[str, tuple[Topic, type[Payload]]]:
    found: dict[str, tuple[Topic, type[Payload]]] = {}
    for module in INBOUND_PUBLISHERS:
        for topic, models in module.PUBLISHES.items():
            for model in models:
                found[model.EVENT_TYPE] = (BY_NAME[topic], model)
    return found


def _consumed() -> dict[str, tuple[Topic, type[Payload]]]:
    published = _published()
    publishers = {m.PUBLISHER for m in INBOUND_PUBLISHERS}
    mailed = sorted(t for t in EVENT_TEMPLATES if t.split(".", 1)[0] in publishers)
    missing = [t for t in mailed if t not in published]
    if missing:  # the registry names a type nobody publishes: a build error, not a runtime one
        raise LookupError(f"mailed event types without a published model: {missing}")
    return {t: published[t] for t in mailed}


CONSUMED: Mapping[str, tuple[Topic, type[Payload]]] = MappingProxyType(_consumed())
"""Every partner-facing event type of onboarding, porting and support → (topic, its
published model)."""


def partner_ids(fact: Payload) -> list[str]:
    """The partners an event concerns: every id in `partner_ids` (support's incidents);
    else the event's own partner, else the reseller, the customer's own partner or the
    tier-1 partner named (the first one present). Empty when it names none."""
    many = getattr(fact, "partner_ids", None)
    if isinstance(many, list):
        return list(dict.fromkeys(p for p in many if p))
    for name in _PARTNER_FIELDS:
        candidate = getattr(fact, name, None)
        if isinstance(candidate, str) and candidate:
            return [candidate]
    return []
