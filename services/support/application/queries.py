"""Queries, answered by events and authorised like every command (§4 visibility).

- `support.tickets.list` → `support.tickets.listed`: a partner user sees the tickets it
  raised, its partner's support lead (`support_lead`) all of the partner's, the vendor's
  support centre every ticket; nobody another partner's.
- `support.tenants.list` → `support.tenants.listed`: the partner's customer tenants as
  support knows them from onboarding.
- `support.response_report.request` → `support.response_report.answered`: the share of
  S3/S4 tickets acknowledged in time per partner against the objective (95 % by default),
  from the stored tickets; a partner sees its own line only.

A query someone may not ask is rejected (`support.command.rejected`, dead-lettered).
"""

from __future__ import annotations

from services.support.application.deps import Support
from services.support.domain.access import SUPPORT_LEAD, is_vendor_support, visible
from services.support.domain.report import Tally, response_report
from services.support.domain.ticket import Ticket
from shared.contracts import support as c
from shared.errors import MessageRejected
from shared.events import Envelope

REPORT_LIMIT = 100_000
"""Most tickets one report reads (a partner's S3/S4 tickets of a period are far fewer)."""


def _forbidden(message: str) -> MessageRejected:
    return MessageRejected(
        "forbidden", [{"field": "actor", "code": "forbidden", "message": message}]
    )


def summary(ticket: Ticket) -> c.TicketSummaryOut:
    """One line of the ticket overview."""
    return c.TicketSummaryOut(
        ticket_id=ticket.ticket_id,
        ticket_number=ticket.ticket_number,
        partner_id=ticket.partner_id,
        tenant_id=ticket.tenant_id,
        customer_name=ticket.customer_name,
        title=ticket.title,
        severity=str(ticket.severity),
        status=str(ticket.status),
        opened_by=ticket.opened_by,
        opened_at=ticket.opened_at,
        response_due_at=ticket.response_due_at,
        acknowledged_at=ticket.acknowledged_at,
    )


async def list_tickets(s: Support, cause: Envelope, cmd: c.ListTickets) -> None:
    """The tickets the actor may see, newest first."""
    actor = cmd.actor
    if is_vendor_support(actor):
        partner, opened_by = None, None
    elif actor.partner_id is None:
        raise _forbidden(f"{actor.user_id} belongs to no partner")
    else:
        partner = actor.partner_id
        opened_by = None if actor.has_role(SUPPORT_LEAD) else actor.user_id
    found = await s.directory.tickets(partner, opened_by, REPORT_LIMIT)
    shown = [t for t in visible(actor, found) if not cmd.statuses or t.status in cmd.statuses]
    answer = c.TicketsListedV1(
        request_id=cmd.request_id,
        asked_by=actor.user_id,
        partner_id=actor.partner_id,
        tickets=[summary(t) for t in shown[: cmd.limit]],
        truncated=len(shown) > cmd.limit,
        occurred_at=s.now(),
    )
    await s.uc.answer(cause, answer, cmd.request_id)


async def list_tenants(s: Support, cause: Envelope, cmd: c.ListTenants) -> None:
    """The partner's customer tenants from support's read model."""
    partner = cmd.actor.partner_id
    if partner is None:
        raise _forbidden("only a partner's users list its customer tenants")
    records = await s.directory.tenants_of(partner)
    answer = c.TenantsListedV1(
        request_id=cmd.request_id,
        partner_id=partner,
        tenants=[
            c.TenantOut(
                customer_id=r.customer_id,
                tenant_id=r.tenant,
                company_name=r.name,
                country=r.place.country if r.place else None,
                subscription_numbers=sorted(
                    r.subscription_numbers.value if r.subscription_numbers else ()
                ),
                users=r.number_of_users,
            )
            for r in records
        ],
        occurred_at=s.now(),
    )
    await s.uc.answer(cause, answer, cmd.request_id)


def _tally(tally: Tally) -> c.TallyOut:
    share = tally.share
    return c.TallyOut(
        met=tally.met,
        missed=tally.missed,
        pending=tally.pending,
        share_met=None if share is None else float(share),
    )


async def response_objective_report(
    s: Support, cause: Envelope, cmd: c.RequestResponseReport
) -> None:
    """The response-objective report of tickets opened in [period_start, period_end)."""
    actor = cmd.actor
    if is_vendor_support(actor):
        partner = cmd.partner_id
    elif actor.partner_id is not None and cmd.partner_id in (None, actor.partner_id):
        partner = actor.partner_id
    else:
        raise _forbidden(f"{actor.user_id} may see its own partner's report only")
    if cmd.period_end <= cmd.period_start:
        reason = {"field": "period_end", "code": "empty_period", "message": "end after start"}
        raise MessageRejected("validation_failed", [reason])
    tickets = await s.directory.tickets(partner, None, REPORT_LIMIT)
    now = s.now()
    report = response_report(
        (t.response_record() for t in tickets),
        cmd.period_start,
        cmd.period_end,
        now,
        s.policy.response_target,
        partner,
    )
    answer = c.ResponseReportAnsweredV1(
        request_id=cmd.request_id,
        asked_by=actor.user_id,
        period_start=report.period_start,
        period_end=report.period_end,
        as_of=report.as_of,
        target=float(report.target),
        lines=[
            c.PartnerLineOut(
                partner_id=line.partner_id,
                total=_tally(line.total),
                by_severity={str(k): _tally(v) for k, v in line.by_severity.items()},
                missed_tickets=list(line.missed_tickets),
                meets_target=line.meets_target,
            )
            for line in report.lines
        ],
        occurred_at=now,
    )
    await s.uc.answer(cause, answer, cmd.request_id)
