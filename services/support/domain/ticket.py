"""The ticket aggregate: opened on behalf of a customer, acknowledged, worked, resolved (§4).

Lifecycle: opened → acknowledged → in_progress ⇄ waiting_on_partner (any number of
cycles) → resolved [→ under_observation] → closed; reopened within the reopen period
(back to in_progress). The vendor acknowledges, works, asks the partner for help, gives
status updates and resolves; the partner raises the severity, answers, closes and
reopens. Every method takes `now`, returns the domain events of the change and raises a
named `SupportError` when the change is not allowed (leaving the ticket untouched).

Clocks (§4 clock details): acknowledgment stops the response clock; a severity change
before it re-plans the clock from the instant of the change, after it only the status
updates; waiting on the partner pauses the resolution clock and the status updates, not
the response clock.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from services.support.domain import clocks
from services.support.domain import events as ev
from services.support.domain.calendar import Location, ticket_calendar
from services.support.domain.errors import (
    Reason,
    ReopenPeriodOver,
    ValidationFailed,
)
from services.support.domain.numbering import is_ticket_number
from services.support.domain.policy import SupportPolicy
from services.support.domain.ticket_severity import TicketSeverity
from services.support.domain.validation import CheckedOpening
from services.support.domain.values import (
    Resolution,
    SeverityChange,
    Side,
    TicketStatus,
    WaitingPeriod,
)

_S = TicketStatus
_WORKING = (_S.ACKNOWLEDGED, _S.IN_PROGRESS, _S.WAITING_ON_PARTNER)
_REOPENABLE = (_S.RESOLVED, _S.UNDER_OBSERVATION, _S.CLOSED)


MAX_TITLE = 200


def title_of(title: str | None, description: str) -> str:
    """The ticket's one-line title: `title` trimmed, else the description's first line,
    cut to `MAX_TITLE` characters (an ellipsis marks a cut)."""
    text = (title or "").strip() or (description.strip().splitlines() or [""])[0].strip()
    return text if len(text) <= MAX_TITLE else text[: MAX_TITLE - 1].rstrip() + "…"


def _text(value: str, field: str, code: str) -> str:
    text = value.strip()
    if not text:
        raise ValidationFailed([Reason(code, f"{field} must not be empty", field)])
    return text


class Ticket(TicketSeverity):
    """One ticket a partner raised for one customer tenant (ids and number given from outside)."""

    @classmethod
    def open(
        cls,
        *,
        ticket_id: str,
        ticket_number: str,
        partner_id: str,
        opened_by: str,
        checked: CheckedOpening,
        partner_location: Location,
        policy: SupportPolicy,
        now: datetime,
        title: str | None = None,
    ) -> tuple[Ticket, list[ev.TicketEvent]]:
        """Open a checked ticket (see `validation.check_opening`) and start its response clock.

        `ticket_number` is allocated outside (`numbering.ticket_number` of a database
        counter). The calendar is the customer's, else `partner_location`'s. `title` is a
        one-line summary (at most `MAX_TITLE` characters); omitted or blank: the start of the
        description's first line.
        """
        now = clocks.aware(now)
        if not is_ticket_number(ticket_number):
            raise ValueError(f"{ticket_number!r} is not a ticket number (NA + 8 digits)")
        choice = ticket_calendar(checked.customer_location, partner_location, policy.business_hours)
        ticket = cls(
            ticket_id=ticket_id,
            ticket_number=ticket_number,
            partner_id=partner_id,
            opened_by=opened_by,
            opened_at=now,
            tenant_id=checked.tenant_id,
            customer_id=checked.customer_id,
            customer_name=checked.customer_name,
            contract_number=checked.contract_number,
            contact=checked.contact,
            channel=checked.channel,
            triage=checked.triage,
            description=checked.description,
            problem_occurred_at=checked.occurred_at,
            calendar_choice=choice,
            assessment=checked.assessment,
            title=title_of(title, checked.description),
        )
        plan = ticket._plan_response(now, policy)
        ticket.severity_history.append(
            SeverityChange(now, Side.PARTNER, opened_by, checked.assessment, None, True)
        )
        ticket._record(now, Side.PARTNER, opened_by, "opened", _S.OPENED, checked.channel)
        a = checked.assessment
        return ticket, [
            ev.TicketOpened(
                **ticket._meta(now),
                opened_by=opened_by,
                channel=checked.channel,
                impact=a.impact,
                urgency=a.urgency,
                affected_users=a.affected_users,
                total_users=a.total_users,
                category=str(checked.triage.category),
                subkind=checked.triage.subkind,
                contract_number=checked.contract_number,
                contact=checked.contact,
                description=checked.description,
                problem_occurred_at=checked.occurred_at,
                response_objective=plan.objective.describe(),
                response_clock_starts_at=clocks.clock_started_at(
                    now, plan.objective, choice.calendar
                ),
                response_due_at=plan.due_at,
                response_due_local=ticket.local(plan.due_at),
                calendar_source=str(choice.source),
                calendar_country=choice.country,
                calendar_subdivision=choice.subdivision,
                notices=checked.notices,
            )
        ]

    # -- vendor ----------------------------------------------------------------------

    def acknowledge(
        self, now: datetime, by: str, side: Side, policy: SupportPolicy
    ) -> list[ev.TicketEvent]:
        """The vendor acknowledges: the response clock stops, status updates become due."""
        self._require_side("acknowledge", side, Side.VENDOR)
        now = self._require("acknowledge", now, _S.OPENED)
        due = self.response_due_at
        self.acknowledged_at, self.acknowledged_by = now, by
        self._start_update_round(now, policy)
        met = clocks.is_met(now, due)
        self._record(now, side, by, "acknowledged", _S.ACKNOWLEDGED, "met" if met else "late")
        return [
            ev.TicketAcknowledged(
                **self._meta(now),
                acknowledged_by=by,
                response_due_at=due,
                response_due_local=self.local(due),
                objective_met=met,
                late_by=None if met else now - due,
            )
        ]

    def start_work(self, now: datetime, by: str, side: Side) -> list[ev.TicketEvent]:
        """The vendor starts working on an acknowledged ticket (triage is over)."""
        self._require_side("start_work", side, Side.VENDOR)
        now = self._require("start_work", now, _S.ACKNOWLEDGED)
        assert self.update_round is not None
        self._record(now, side, by, "work_started", _S.IN_PROGRESS)
        due = self.update_round.due_at
        return [
            ev.TicketWorkStarted(
                **self._meta(now),
                started_by=by,
                status_update_due_at=due,
                status_update_due_local=self.local(due),
            )
        ]

    def wait_on_partner(
        self, now: datetime, by: str, side: Side, reason: str
    ) -> list[ev.TicketEvent]:
        """The vendor needs the partner's qualified person: the resolution clock pauses."""
        self._require_side("wait_on_partner", side, Side.VENDOR)
        now = self._require("wait_on_partner", now, _S.IN_PROGRESS)
        reason = _text(reason, "reason", "reason_missing")
        self.waiting.append(WaitingPeriod(now, reason))
        self.update_round = None  # no status update is due while the partner is awaited
        self._record(now, side, by, "waiting_on_partner", _S.WAITING_ON_PARTNER, reason)
        return [
            ev.TicketWaitingOnPartner(
                **self._meta(now), by=by, reason=reason, cycle=self.waiting_cycles
            )
        ]

    def partner_responded(
        self, now: datetime, by: str, side: Side, policy: SupportPolicy
    ) -> list[ev.TicketEvent]:
        """The partner answered (recorded by either side): work and its clocks go on."""
        self._require_side("partner_responded", side, Side.PARTNER, Side.VENDOR)
        now = self._require("partner_responded", now, _S.WAITING_ON_PARTNER)
        period = self.waiting[-1]
        business = clocks.business_time(self.calendar_choice.calendar, period.started_at, now)
        self.waiting[-1] = WaitingPeriod(period.started_at, period.reason, now, business)
        update = self._start_update_round(now, policy)
        self._record(now, side, by, "partner_responded", _S.IN_PROGRESS)
        total, total_business = self.waited(now)
        return [
            ev.TicketPartnerResponded(
                **self._meta(now),
                by=by,
                side=side,
                cycle=self.waiting_cycles,
                waited=now - period.started_at,
                waited_business=business,
                total_waited=total,
                total_waited_business=total_business,
                status_update_due_at=update.due_at,
                status_update_due_local=self.local(update.due_at),
            )
        ]

    def give_status_update(
        self,
        now: datetime,
        by: str,
        side: Side,
        status_text: str,
        action_plan: str,
        policy: SupportPolicy,
    ) -> list[ev.TicketEvent]:
        """The vendor gives a status and an action plan; the next one is due an interval later."""
        self._require_side("give_status_update", side, Side.VENDOR)
        now = self._require("give_status_update", now, *_WORKING)
        status_text = _text(status_text, "status_text", "status_missing")
        action_plan = _text(action_plan, "action_plan", "action_plan_missing")
        current = self.update_round
        in_time = current is None or clocks.is_met(now, current.due_at)
        self.updates_given += 1
        if self.status is _S.WAITING_ON_PARTNER:
            following = clocks.due_at(
                now, policy.status_update_interval(self.severity), self.calendar_choice.calendar
            )
        else:
            following = self._start_update_round(now, policy).due_at
        self._record(now, side, by, "status_updated", self.status, action_plan)
        return [
            ev.TicketStatusUpdated(
                **self._meta(now),
                by=by,
                status_text=status_text,
                action_plan=action_plan,
                in_time=in_time,
                next_update_due_at=following,
                next_update_due_local=self.local(following),
            )
        ]

    def resolve(
        self,
        now: datetime,
        by: str,
        side: Side,
        resolution: Resolution,
        summary: str,
        policy: SupportPolicy,
        observation: timedelta | None = None,
    ) -> list[ev.TicketEvent]:
        """Resolve the ticket, optionally watching stability for `observation` before closing."""
        self._require_side("resolve", side, Side.VENDOR)
        now = self._require("resolve", now, _S.IN_PROGRESS)
        summary = _text(summary, "summary", "summary_missing")
        if observation is not None and not timedelta(0) < observation <= policy.max_observation:
            message = (
                f"an observation period lasts more than 0 and at most {policy.max_observation}"
            )
            raise ValidationFailed([Reason("invalid_observation", message, "observation")])
        self.resolutions += 1
        self.resolved_at, self.resolution, self.resolution_summary = (
            now,
            Resolution(resolution),
            summary,
        )
        self.update_round = None
        self.observation_until = clocks.ceil_ms(now + observation) if observation else None
        status = _S.UNDER_OBSERVATION if observation else _S.RESOLVED
        self._record(now, side, by, "resolved", status, str(resolution))
        elapsed, business = self.resolution_time(now)
        waited, waited_business = self.waited(now)
        reopen_until = self.reopen_until(policy.reopen_period)
        assert reopen_until is not None
        return [
            ev.TicketResolved(
                **self._meta(now),
                resolved_by=by,
                resolution=Resolution(resolution),
                summary=summary,
                observation_until=self.observation_until,
                resolution_time=elapsed,
                resolution_business_time=business,
                waited=waited,
                waited_business=waited_business,
                waiting_cycles=self.waiting_cycles,
                reopen_until=reopen_until,
            )
        ]

    # -- either side -------------------------------------------------------------------

    def close(self, now: datetime, by: str, side: Side) -> list[ev.TicketEvent]:
        """Close a resolved ticket (the partner confirms, or the vendor ends the observation)."""
        self._require_side("close", side, Side.PARTNER, Side.VENDOR)
        now = self._require("close", now, _S.RESOLVED, _S.UNDER_OBSERVATION)
        self.closed_at = now
        self._record(now, side, by, "closed", _S.CLOSED)
        return [ev.TicketClosed(**self._meta(now), closed_by=by, side=side, automatically=False)]

    def reopen(
        self, now: datetime, by: str, side: Side, reason: str, policy: SupportPolicy
    ) -> list[ev.TicketEvent]:
        """Reopen within the reopen period after resolution (inclusive); work goes on."""
        self._require_side("reopen", side, Side.PARTNER, Side.VENDOR)
        now = self._require("reopen", now, *_REOPENABLE)
        reason = _text(reason, "reason", "reason_missing")
        until = self.reopen_until(policy.reopen_period)
        assert until is not None
        if now > until:
            raise ReopenPeriodOver(
                f"the ticket could be reopened until {until.isoformat()}",
                field="status",
                details={"reopen_until": until.isoformat()},
            )
        self.resolved_at = self.resolution = self.resolution_summary = None
        self.observation_until = self.closed_at = None
        update = self._start_update_round(now, policy)
        self._record(now, side, by, "reopened", _S.IN_PROGRESS, reason)
        return [
            ev.TicketReopened(
                **self._meta(now),
                reopened_by=by,
                side=side,
                reason=reason,
                reopen_count=self.resolutions,
                status_update_due_at=update.due_at,
                status_update_due_local=self.local(update.due_at),
            )
        ]

    def link_incident(self, now: datetime, by: str, incident_id: str) -> list[ev.TicketEvent]:
        """Link the ticket to a vendor-declared incident (once; not when closed)."""
        now = self._require("link_incident", now, *(s for s in TicketStatus if s is not _S.CLOSED))
        if incident_id in self.incident_ids:
            return []
        self.incident_ids.append(incident_id)
        self._record(now, Side.VENDOR, by, "incident_linked", self.status, incident_id)
        return [ev.TicketIncidentLinked(**self._meta(now), incident_id=incident_id, linked_by=by)]
