"""Ticket use cases: open on behalf of a customer, then acknowledge, work, wait on the
partner, update, change severity, resolve, close, reopen (spec/domain.md §4).

Opening: the ticket id derives from the partner and the command's `request_id`, so a
redelivered command finds the same ticket (and the core's tracking id makes it count once).
The whole request is checked first (`validation.check_opening`: every problem in one
refusal, nothing stored, no number used); only a request that passes takes a number from
the allocator (which gives a ticket that holds a number the same one back), and the
decision checks it again against the same facts. A number taken by a request that then
fails (its clock moved past a boundary meanwhile) is a gap, never a repeat.

Any other command names a ticket: unknown, or another partner's (nothing is revealed), it
is rejected as `unknown_ticket`; otherwise the domain decides, and its refusals become
`support.ticket.action_refused` with the domain's codes and reasons.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from services.support.application.deps import Support, deciding, reject_unknown, side_of
from services.support.domain import events as ev
from services.support.domain.access import can_see, require_partner
from services.support.domain.calendar import Location
from services.support.domain.errors import Reason, SupportError, ValidationFailed
from services.support.domain.numbering import ticket_number
from services.support.domain.severity import Assessment, ImpactShare
from services.support.domain.tenants import TenantRecord
from services.support.domain.ticket import Ticket
from services.support.domain.validation import (
    ContactInput,
    OpeningRequest,
    check_assessment,
    check_opening,
)
from services.support.domain.values import PartnerContact, Resolution, Side
from shared.actor import Actor
from shared.contracts import support as c
from shared.events import Envelope
from shared.ids import derived_id
from shared.refusals import Reason as SharedReason
from shared.refusals import Refused
from shared.usecase import Decision

Action = Callable[[Ticket, datetime, Side], list[ev.TicketEvent]]


def ticket_id_for(partner_id: str, request_id: str) -> str:
    """The id a ticket opened by `partner_id` under `request_id` gets (`TKT-` + 16 hex)."""
    return "TKT-" + derived_id("ticket", partner_id, request_id)[:16].upper()


def _impact(value: c.Impact) -> Assessment | str:
    if isinstance(value, c.ImpactShareIn):
        return ImpactShare(value.affected_users, value.total_users)
    return value


def opening_request(cmd: c.OpenTicket) -> OpeningRequest:
    """The domain's view of an `OpenTicket` command (raw values; checked by the domain)."""
    contact = cmd.contact
    return OpeningRequest(
        tenant_id=cmd.tenant_id,
        contract_number=cmd.contract_number,
        contact=None
        if contact is None
        else ContactInput(contact.name, contact.phone, contact.email, contact.kind),
        channel=cmd.channel,
        category=cmd.category,
        description=cmd.description,
        occurred_at=cmd.occurred_at,
        impact=_impact(cmd.impact),
        urgency=cmd.urgency,
        subkind=cmd.subkind,
    )


async def tenant_for(s: Support, tenant_id: str, partner_id: str) -> TenantRecord | None:
    """The read model's record of the partner's customer tenant `tenant_id` (None: unknown,
    or another partner's)."""
    records = await s.directory.tenants_with_id(tenant_id)
    return next((r for r in records if r.belongs_to(partner_id)), records[0] if records else None)


async def partner_facts(s: Support, partner_id: str) -> tuple[Location, PartnerContact | None]:
    """The partner's place (its calendar; else the configured default) and its generic
    escalation contact (None when it has recorded none)."""
    record = await s.directory.partner(partner_id)
    location = record.location if record else None
    contact = record.escalation_contact if record else None
    return location or s.default_partner_location, contact


async def open_ticket(s: Support, cause: Envelope, cmd: c.OpenTicket) -> None:
    """Open a ticket on behalf of a customer (see the module docstring)."""
    ticket_id = ticket_id_for(cmd.partner_id, cmd.request_id)
    request = opening_request(cmd)
    tenant = await tenant_for(s, cmd.tenant_id, cmd.partner_id)
    place, escalation = await partner_facts(s, cmd.partner_id)
    actor = cmd.actor
    sequence: int | None = None
    fresh = await s.uc.load(s.tickets, ticket_id) is None
    if fresh and _passes(actor, cmd, request, tenant, escalation, s):
        sequence = await s.numbers.claim(ticket_id)

    def decide(ticket: Ticket | None, now: datetime) -> Decision[Ticket] | None:
        if ticket is not None:
            # The same command again is recognised by its tracking id before this runs, so
            # this is a different command (another sender) reusing the partner's request id.
            message = f"request id {cmd.request_id!r} already opened {ticket.ticket_number}"
            raise Refused(
                message,
                code="request_id_reused",
                reasons=[SharedReason("request_id_reused", message, "request_id")],
            )
        require_partner(actor, cmd.partner_id)
        checked = check_opening(request, cmd.partner_id, tenant, now, escalation)
        if sequence is None:  # the check passed only now: take a number next time
            raise SupportError("the ticket could not get a number; send the command again")
        opened, events = Ticket.open(
            ticket_id=ticket_id,
            ticket_number=ticket_number(sequence),
            partner_id=cmd.partner_id,
            opened_by=actor.user_id,
            checked=checked,
            partner_location=place,
            policy=s.policy,
            now=now,
            title=cmd.title,
        )
        return Decision(opened, events)

    await s.uc.handle(s.tickets, ticket_id, cause, deciding(decide))


def _passes(
    actor: Actor,
    cmd: c.OpenTicket,
    request: OpeningRequest,
    tenant: TenantRecord | None,
    escalation: PartnerContact | None,
    s: Support,
) -> bool:
    try:
        require_partner(actor, cmd.partner_id)
        check_opening(request, cmd.partner_id, tenant, s.now(), escalation)
    except (SupportError, Refused):
        return False
    return True


async def _act(s: Support, cause: Envelope, actor: Actor, ticket_id: str, action: Action) -> None:
    ticket = await s.uc.load(s.tickets, ticket_id)
    if ticket is None or not can_see(actor, ticket):
        raise reject_unknown("ticket_id", "unknown_ticket", ticket_id)
    side = side_of(actor)

    def decide(current: Ticket | None, now: datetime) -> Decision[Ticket] | None:
        if current is None:
            return None
        return Decision(current, action(current, now, side))

    await s.uc.handle(s.tickets, ticket_id, cause, deciding(decide))


async def acknowledge(s: Support, cause: Envelope, cmd: c.AcknowledgeTicket) -> None:
    """The vendor acknowledges: the response clock stops."""
    by = cmd.actor.user_id
    await _act(
        s,
        cause,
        cmd.actor,
        cmd.ticket_id,
        lambda t, now, side: t.acknowledge(now, by, side, s.policy),
    )


async def start_work(s: Support, cause: Envelope, cmd: c.StartWorkOnTicket) -> None:
    """The vendor starts work on an acknowledged ticket."""
    by = cmd.actor.user_id
    await _act(s, cause, cmd.actor, cmd.ticket_id, lambda t, now, side: t.start_work(now, by, side))


async def wait_on_partner(s: Support, cause: Envelope, cmd: c.WaitOnPartner) -> None:
    """The vendor waits on the partner's qualified person (the resolution clock pauses)."""
    by = cmd.actor.user_id
    await _act(
        s,
        cause,
        cmd.actor,
        cmd.ticket_id,
        lambda t, now, side: t.wait_on_partner(now, by, side, cmd.reason),
    )


async def partner_responded(s: Support, cause: Envelope, cmd: c.RecordPartnerResponse) -> None:
    """The partner answered; work and its clocks go on."""
    by = cmd.actor.user_id
    await _act(
        s,
        cause,
        cmd.actor,
        cmd.ticket_id,
        lambda t, now, side: t.partner_responded(now, by, side, s.policy),
    )


async def give_status_update(s: Support, cause: Envelope, cmd: c.GiveStatusUpdate) -> None:
    """The vendor gives a status and an action plan."""
    by = cmd.actor.user_id
    await _act(
        s,
        cause,
        cmd.actor,
        cmd.ticket_id,
        lambda t, now, side: t.give_status_update(
            now, by, side, cmd.status_text, cmd.action_plan, s.policy
        ),
    )


async def change_severity(s: Support, cause: Envelope, cmd: c.ChangeTicketSeverity) -> None:
    """The partner raises, or the vendor lowers in triage with a reason; the response
    clock is re-planned from the change when not yet acknowledged."""
    by = cmd.actor.user_id
    ticket = await s.uc.load(s.tickets, cmd.ticket_id)
    known = None
    if ticket is not None:
        record = await tenant_for(s, ticket.tenant_id, ticket.partner_id)
        known = record.number_of_users if record else None

    def action(t: Ticket, now: datetime, side: Side) -> list[ev.TicketEvent]:
        assessment, reasons = check_assessment(_impact(cmd.impact), cmd.urgency, known)
        if assessment is None:
            raise ValidationFailed(reasons)
        return t.change_severity(
            now, by, side, assessment.impact, assessment.urgency, s.policy, cmd.reason
        )

    await _act(s, cause, cmd.actor, cmd.ticket_id, action)


async def resolve(s: Support, cause: Envelope, cmd: c.ResolveTicket) -> None:
    """The vendor resolves, optionally with an observation period before closing."""
    by = cmd.actor.user_id

    def action(t: Ticket, now: datetime, side: Side) -> list[ev.TicketEvent]:
        try:
            resolution = Resolution(cmd.resolution)
        except ValueError:
            allowed = ", ".join(str(r) for r in Resolution)
            message = f"{cmd.resolution!r} is not one of: {allowed}"
            raise ValidationFailed([Reason("unknown_resolution", message, "resolution")]) from None
        observation: timedelta | None = cmd.observation
        return t.resolve(now, by, side, resolution, cmd.summary, s.policy, observation)

    await _act(s, cause, cmd.actor, cmd.ticket_id, action)


async def close(s: Support, cause: Envelope, cmd: c.CloseTicket) -> None:
    """Close a resolved ticket."""
    by = cmd.actor.user_id
    await _act(s, cause, cmd.actor, cmd.ticket_id, lambda t, now, side: t.close(now, by, side))


async def reopen(s: Support, cause: Envelope, cmd: c.ReopenTicket) -> None:
    """Reopen within the reopen period."""
    by = cmd.actor.user_id
    await _act(
        s,
        cause,
        cmd.actor,
        cmd.ticket_id,
        lambda t, now, side: t.reopen(now, by, side, cmd.reason, s.policy),
    )
