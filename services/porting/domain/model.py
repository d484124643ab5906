"""The port request aggregate: from draft to numbers ported, with every step in its history.

Lifecycle: draft → submitted → accepted (port date set) | rejected → resubmitted
(submitted) → accepted → completed; withdrawn by the partner before acceptance. A
cancellation by the losing provider up to the cut-off sends the request back to
`submitted` (porting starts again); a later one is recorded, escalated, and the port stays
scheduled. Every method takes `now`, returns the domain events of the change and raises a
named `PortingError` when the change is not allowed (leaving the request untouched).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, datetime

from services.porting.domain import events as ev
from services.porting.domain import rules as time_rules
from services.porting.domain.deadlines import CARRIER, SYSTEM, PortRequestDeadlines
from services.porting.domain.errors import (
    MissingRequiredField,
    Reason,
    UnknownLeadTime,
    ValidationFailed,
)
from services.porting.domain.policy import PortingRules
from services.porting.domain.state import aware
from services.porting.domain.validation import precheck
from services.porting.domain.values import (
    CancellationRecord,
    NumberStatus,
    PortCorrections,
    PortDetails,
    PortNumber,
    PortStatus,
)

_UNSPECIFIED = Reason("carrier_rejected", "the carrier rejected the port without a reason")


class PortRequest(PortRequestDeadlines):
    """One partner's request to port numbers in one country (ids are given from outside)."""

    # -- creation and drafts -----------------------------------------------------

    @classmethod
    def create_draft(
        cls,
        *,
        port_id: str,
        partner_id: str,
        country: str,
        details: PortDetails,
        now: datetime,
        actor: str,
        comment: str | None = None,
        submitting: bool = False,
    ) -> tuple[PortRequest, list[ev.PortEvent]]:
        """A new draft; nothing is checked until it is submitted.

        `submitting`: the draft is stored so that its submission can claim numbers in its
        name; it may hold them until `submit` or `refuse_submission` decides.
        """
        request = cls(port_id, partner_id, country.upper(), details, aware(now))
        request.submission_pending = submitting
        request._record(now, actor, "drafted", PortStatus.DRAFT, comment=comment)
        return request, [request.drafted_event()]

    def drafted_event(self) -> ev.PortDrafted:
        """The event of the draft's creation (the same however often it is rebuilt)."""
        first = self.history[0]
        return ev.PortDrafted(
            port_id=self.port_id,
            partner_id=self.partner_id,
            occurred_at=first.at,
            version=1,
            actor=first.actor,
            country=self.country,
            product=self.details.product,
        )

    def update_draft(
        self, now: datetime, actor: str, changes: PortCorrections
    ) -> list[ev.PortEvent]:
        """Change a draft's details (only fields set in `changes`)."""
        self._require("update_draft", now, PortStatus.DRAFT)
        changed = changes.changed_fields()
        if not changed:
            return []
        self.details = changes.apply_to(self.details)
        self._record(now, actor, "draft_updated", PortStatus.DRAFT, reason=", ".join(changed))
        return [ev.PortDraftUpdated(**self._meta(now), actor=actor, changed_fields=changed)]

    # -- partner side ------------------------------------------------------------

    def submit(
        self,
        now: datetime,
        actor: str,
        rules: PortingRules,
        other_active_numbers: Collection[str] = frozenset(),
        comment: str | None = None,
    ) -> list[ev.PortEvent]:
        """Submit the draft for lodging with the carrier after checking all its data.

        `other_active_numbers`: numbers held by other active port requests (see
        `validation.numbers_of` for the ones to look up). Raises `ValidationFailed`.
        """
        self._require("submit", now, PortStatus.DRAFT)
        numbers = self._checked_numbers(self.details, rules, other_active_numbers)
        self.submission_pending = False
        self._start_round(now, numbers)
        self._record(now, actor, "submitted", PortStatus.SUBMITTED, comment=comment)
        return [
            ev.PortSubmitted(
                **self._meta(now),
                actor=actor,
                country=self.country,
                product=self.details.product,
                numbers=numbers,
                revision=self.revision,
            )
        ]

    def refuse_submission(self, now: datetime, refused: ValidationFailed) -> None:
        """The pending submission failed our checks: the request stays a draft, for good."""
        self._require("refuse_submission", now, PortStatus.DRAFT)
        self.submission_pending = False
        self._record(
            now,
            SYSTEM,
            "submission_refused",
            PortStatus.DRAFT,
            reason=", ".join(refused.reason_codes),
        )

    def resubmit(
        self,
        now: datetime,
        actor: str,
        rules: PortingRules,
        corrections: PortCorrections,
        other_active_numbers: Collection[str] = frozenset(),
        comment: str | None = None,
    ) -> list[ev.PortEvent]:
        """Resubmit a rejected request with corrections; the lead time restarts on acceptance."""
        self._require("resubmit", now, PortStatus.REJECTED)
        details = corrections.apply_to(self.details)
        numbers = self._checked_numbers(details, rules, other_active_numbers)
        self.details = details
        self._start_round(now, numbers)
        self._record(now, actor, "resubmitted", PortStatus.SUBMITTED, comment=comment)
        return [
            ev.PortResubmitted(
                **self._meta(now),
                actor=actor,
                numbers=numbers,
                corrected_fields=corrections.changed_fields(),
                revision=self.revision,
            )
        ]

    def withdraw(self, now: datetime, actor: str, reason: str | None = None) -> list[ev.PortEvent]:
        """The partner withdraws the request; allowed until the carrier accepts it."""
        self._require("withdraw", now, PortStatus.DRAFT, PortStatus.SUBMITTED, PortStatus.REJECTED)
        self._set_numbers(NumberStatus.CANCELLED)
        self.awaiting_carrier_since = None
        self._record(now, actor, "withdrawn", PortStatus.WITHDRAWN, reason=reason)
        return [
            ev.PortWithdrawn(
                **self._meta(now), actor=actor, reason=reason, numbers=self.number_list()
            )
        ]

    def add_comment(self, now: datetime, actor: str, comment: str) -> list[ev.PortEvent]:
        """Add a comment to the history, in any status."""
        if not comment.strip():
            raise MissingRequiredField("a comment cannot be empty", field="comment")
        self._record(now, actor, "commented", self.status, comment=comment)
        return [ev.PortCommentAdded(**self._meta(now), actor=actor, comment=comment)]

    # -- carrier side --------------------------------------------------------------

    def accept(
        self,
        now: datetime,
        carrier_ref: str,
        rules: PortingRules,
        port_date: date | None = None,
        received_at: datetime | None = None,
    ) -> list[ev.PortEvent]:
        """The carrier accepted at `now`: schedule the port date.

        Without a date from the carrier it is the lead time's (N working days after the
        day of acceptance). Stated or computed, the date and the acceptance instant are
        checked by one rule (`rules.check_acceptance`) as of `received_at` (when the answer
        is handled; default `now`): an acceptance after it beyond the clock-skew allowance,
        too long before it, or before this round's submission; a port date not after
        acceptance, beyond the horizon, on a holiday, whose cancellation cut-off has
        passed, or earlier than the lead time (for a stated date, unless
        `rules.carrier_port_date_respects_lead_time` is off) raises `InvalidPortDate` with
        every reason, the date judged and the earliest acceptable date.
        """
        self._require("accept", now, PortStatus.SUBMITTED)
        calendar = self.calendar(rules)
        lead_days: int | None = None
        floor: int | None = None
        judged: date | None = port_date
        if port_date is None:
            lead_days = floor = time_rules.lead_time(rules, self.country, self.details.product)
            judged = time_rules.lead_time_port_date(now, calendar, lead_days)
        elif rules.carrier_port_date_respects_lead_time:
            try:
                floor = time_rules.lead_time(rules, self.country, self.details.product)
            except UnknownLeadTime:
                floor = None  # configuration changed since submission: no floor to hold
        handled_at = aware(received_at or now)
        time_rules.check_acceptance(
            judged, now, handled_at, self.awaiting_carrier_since, calendar, floor, rules
        )
        assert judged is not None  # a date that cannot be computed is refused above
        port_date = judged
        self.carrier_ref, self.accepted_at = carrier_ref, now
        self.port_date, self.lead_days = port_date, lead_days
        self.awaiting_carrier_since, self.escalation_level = None, None
        self._set_numbers(NumberStatus.ACCEPTED)
        self._record(now, CARRIER, "accepted", PortStatus.ACCEPTED, reason=f"port {port_date}")
        return [
            ev.PortAccepted(
                **self._meta(now),
                country=self.country,
                carrier_ref=carrier_ref,
                port_date=port_date,
                lead_days=lead_days,
                cancellation_cutoff=time_rules.cancellation_cutoff(port_date, calendar),
                numbers=self.number_list(),
                revision=self.revision,
            )
        ]

    def reject(
        self, now: datetime, reasons: Sequence[Reason], carrier_ref: str | None = None
    ) -> list[ev.PortEvent]:
        """The carrier rejected; numbers it names are marked rejected with their reason."""
        self._require("reject", now, PortStatus.SUBMITTED)
        given = tuple(reasons) or (_UNSPECIFIED,)
        by_number = {r.number: r for r in given if r.number is not None}
        self.numbers = [
            PortNumber(n.number, NumberStatus.REJECTED, by_number[n.number])
            if n.number in by_number
            else n
            for n in self.numbers
        ]
        self.carrier_ref = carrier_ref or self.carrier_ref
        self.rejection_reasons = given
        self.awaiting_carrier_since, self.escalation_level = None, None
        summary = "; ".join(r.message for r in given)
        self._record(now, CARRIER, "rejected", PortStatus.REJECTED, reason=summary)
        return [
            ev.PortRejected(
                **self._meta(now), carrier_ref=carrier_ref, reasons=given, revision=self.revision
            )
        ]

    def report_cancellation(
        self,
        now: datetime,
        by: str,
        rules: PortingRules,
        reason: str | None = None,
        reported_at: datetime | None = None,
    ) -> list[ev.PortEvent]:
        """The losing provider cancelled the accepted port (judged at `reported_at`).

        Up to the cut-off: the port is cancelled, its numbers leave the inventory and
        porting starts again (back to `submitted`). After it: recorded as late, escalated,
        and the port stays scheduled.
        """
        self._require("report_cancellation", now, PortStatus.ACCEPTED)
        assert self.port_date is not None
        reported_at = aware(reported_at or now)
        calendar = self.calendar(rules)
        cutoff = time_rules.cancellation_cutoff(self.port_date, calendar)
        if time_rules.is_cancellation_late(reported_at, self.port_date, calendar):
            return self._record_late_cancellation(now, by, rules, reason, reported_at, cutoff)
        port_date, carrier_ref, numbers = self.port_date, self.carrier_ref, self.number_list()
        self.cancellations.append(
            CancellationRecord(reported_at, by, reason, port_date, carrier_ref, late=False)
        )
        self.carrier_ref, self.accepted_at, self.port_date, self.lead_days = None, None, None, None
        self.reminded_for = None
        self._start_round(now, numbers)
        self._record(now, f"losing_provider:{by}", "cancelled", PortStatus.SUBMITTED, reason)
        return [
            ev.PortCancelled(
                **self._meta(now),
                cancelled_by=by,
                reason=reason,
                reported_at=reported_at,
                previous_port_date=port_date,
                carrier_ref=carrier_ref,
                numbers=numbers,
                restarted=True,
            )
        ]

    def complete(self, now: datetime, completed_at: datetime | None = None) -> list[ev.PortEvent]:
        """The numbers ported: they go live."""
        self._require("complete", now, PortStatus.ACCEPTED)
        completed_at = aware(completed_at or now)
        self._set_numbers(NumberStatus.PORTED)
        self._record(now, CARRIER, "completed", PortStatus.COMPLETED)
        return [
            ev.PortCompleted(
                **self._meta(now), completed_at=completed_at, numbers=self.number_list()
            )
        ]

    # -- internals -----------------------------------------------------------------

    def _checked_numbers(
        self, details: PortDetails, rules: PortingRules, other_active_numbers: Collection[str]
    ) -> tuple[str, ...]:
        result = precheck(self.country, details, rules, other_active_numbers)
        if result.reasons:
            raise ValidationFailed(result.reasons)
        return result.numbers

    def _record_late_cancellation(
        self,
        now: datetime,
        by: str,
        rules: PortingRules,
        reason: str | None,
        reported_at: datetime,
        cutoff: datetime,
    ) -> list[ev.PortEvent]:
        assert self.port_date is not None
        level = rules.late_cancellation_escalation_level
        contact = rules.escalation_contact(level)
        self.cancellations.append(
            CancellationRecord(
                reported_at, by, reason, self.port_date, self.carrier_ref, True, level
            )
        )
        note = f"late cancellation after cut-off {cutoff.isoformat()}: {reason or 'no reason'}"
        self._record(now, f"losing_provider:{by}", "late_cancellation_recorded", self.status, note)
        return [
            ev.LateCancellationRecorded(
                **self._meta(now),
                cancelled_by=by,
                reason=reason,
                reported_at=reported_at,
                cutoff=cutoff,
                port_date=self.port_date,
                escalation_level=level,
                escalation_role=contact.role,
                escalation_email=contact.email,
            )
        ]
