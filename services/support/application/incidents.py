"""Vendor-declared S1/S2 incidents: declared, updated, tickets linked, resolved (§3–§4).

Only the vendor's support centre acts on incidents. The incident id derives from the
sender and the command's `request_id` (a redelivered declaration finds the same
incident). Linking records the link on both sides: the ticket (`support.ticket.
incident_linked`) and the incident, whose audience gains the ticket's partner
(`support.incident.ticket_linked`), so everyone with a linked ticket hears of the
resolution. Each event carries its audience (partners, regions) for notifications.
"""

from __future__ import annotations

from datetime import datetime

from services.support.adapters.documents import INCIDENT_REPO
from services.support.application.deps import Support, deciding, reject_unknown
from services.support.domain.access import require_vendor
from services.support.domain.incidents import Incident
from services.support.domain.ticket import Ticket
from shared.contracts import support as c
from shared.events import Envelope
from shared.ids import derived_id
from shared.usecase import Decision, Outcome


def incident_id_for(sender: str, request_id: str) -> str:
    """The id a declaration sent by `sender` under `request_id` gets (`INC-` + 16 hex)."""
    return "INC-" + derived_id("incident", sender, request_id)[:16].upper()


async def declare(s: Support, cause: Envelope, cmd: c.DeclareIncident) -> None:
    """Declare an incident; every problem of the declaration is refused at once."""
    incident_id = incident_id_for(cmd.actor.user_id, cmd.request_id)

    def decide(incident: Incident | None, now: datetime) -> Decision[Incident] | None:
        if incident is not None:
            return None
        require_vendor(cmd.actor)
        declared, events = Incident.declare(
            incident_id=incident_id,
            severity=cmd.severity,
            title=cmd.title,
            summary=cmd.summary,
            partner_ids=cmd.partner_ids,
            regions=cmd.regions,
            declared_by=cmd.actor.user_id,
            now=now,
            started_at=cmd.started_at,
        )
        return Decision(declared, events)

    await s.uc.handle(INCIDENT_REPO, incident_id, cause, deciding(decide))


async def update(s: Support, cause: Envelope, cmd: c.UpdateIncident) -> None:
    """Tell the incident's audience where things stand."""
    await s.uc.require(INCIDENT_REPO, cmd.incident_id)

    def decide(incident: Incident | None, now: datetime) -> Decision[Incident] | None:
        assert incident is not None
        require_vendor(cmd.actor)
        return Decision(incident, incident.update(now, cmd.actor.user_id, cmd.update))

    await s.uc.handle(INCIDENT_REPO, cmd.incident_id, cause, deciding(decide))


async def resolve(s: Support, cause: Envelope, cmd: c.ResolveIncident) -> None:
    """The incident is over."""
    await s.uc.require(INCIDENT_REPO, cmd.incident_id)

    def decide(incident: Incident | None, now: datetime) -> Decision[Incident] | None:
        assert incident is not None
        require_vendor(cmd.actor)
        return Decision(incident, incident.resolve(now, cmd.actor.user_id, cmd.summary))

    await s.uc.handle(INCIDENT_REPO, cmd.incident_id, cause, deciding(decide))


async def link_ticket(s: Support, cause: Envelope, cmd: c.LinkTicketToIncident) -> None:
    """Link a ticket to a declared incident (recorded by both; each once)."""
    ticket = await s.uc.load(s.tickets, cmd.ticket_id)
    if ticket is None:
        raise reject_unknown("ticket_id", "unknown_ticket", cmd.ticket_id)
    incident = await s.uc.require(INCIDENT_REPO, cmd.incident_id)
    by = cmd.actor.user_id

    def on_incident(current: Incident | None, now: datetime) -> Decision[Incident] | None:
        assert current is not None
        require_vendor(cmd.actor)
        events = current.link_ticket(now, ticket.ticket_id, ticket.ticket_number, ticket.partner_id)
        return Decision(current, events)

    def on_ticket(current: Ticket | None, now: datetime) -> Decision[Ticket] | None:
        assert current is not None
        require_vendor(cmd.actor)
        return Decision(current, current.link_incident(now, by, incident.incident_id))

    linked = await s.uc.handle(INCIDENT_REPO, cmd.incident_id, cause, deciding(on_incident))
    if linked is not Outcome.REFUSED:  # a resolved incident takes no ticket; nor does the ticket
        await s.uc.handle(s.tickets, cmd.ticket_id, cause, deciding(on_ticket))
