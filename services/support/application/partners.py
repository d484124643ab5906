"""A partner's own support settings: its generic escalation contact (§4, seed 004).

A ticket names the partner representative, or else "generic Partner information for the
team escalating": the partner (or the vendor's support centre for it) records that team's
name, phone and e-mail once; a ticket opened without a contact takes it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from services.support.adapters.documents import PARTNER_RECORDS, PartnerRecord
from services.support.application.deps import Support, deciding
from services.support.application.payloads import EscalationContactSet
from services.support.domain.access import require_partner
from services.support.domain.errors import ValidationFailed
from services.support.domain.validation import ContactInput, check_contact
from services.support.domain.values import ContactKind
from shared.contracts import support as c
from shared.events import Envelope
from shared.usecase import Decision


async def set_escalation_contact(s: Support, cause: Envelope, cmd: c.SetEscalationContact) -> None:
    """Record the partner's escalation team (a national phone number is read in the
    partner's country, else the configured default country)."""
    given = ContactInput(
        cmd.contact.name, cmd.contact.phone, cmd.contact.email, ContactKind.ESCALATION_TEAM
    )

    def decide(record: PartnerRecord | None, now: datetime) -> Decision[PartnerRecord] | None:
        require_partner(cmd.actor, cmd.partner_id)
        current = record or PartnerRecord(cmd.partner_id)
        country = current.country or s.default_partner_location.country
        contact, reasons = check_contact(given, None, country)
        if contact is None:
            raise ValidationFailed(reasons)
        if contact == current.escalation_contact:
            return None
        event = EscalationContactSet(
            partner_id=cmd.partner_id, contact=contact, set_by=cmd.actor.user_id, occurred_at=now
        )
        return Decision(replace(current, escalation_contact=contact), [event])

    await s.uc.handle(PARTNER_RECORDS, cmd.partner_id, cause, deciding(decide))
