"""The response-objective report: S3/S4 acknowledged in time at least 95 % (spec/domain.md §4).

A pure computation over ticket records. Rules:

- only tickets whose response clock ended at S3 or S4 count (the severity of the last
  response plan: a ticket raised to S2 before acknowledgment is judged as S2, not here);
- a ticket belongs to the period in which it was opened, [start, end);
- at `as_of`, a ticket is *met* (acknowledged at or before its due instant), *missed*
  (acknowledged later, or not acknowledged and past due) or *pending* (not acknowledged,
  not yet due); pending tickets are listed but not in the share;
- the share met / (met + missed) is an exact `Fraction`; the objective holds when the
  share is at least the target (95 % by default); with no decided ticket there is no
  share and nothing to miss (`meets_target` True).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from fractions import Fraction

from services.support.domain.clocks import aware
from services.support.domain.severity import Severity

REPORTED_SEVERITIES = frozenset({Severity.S3, Severity.S4})
DEFAULT_TARGET = Fraction(95, 100)


class Outcome(StrEnum):
    """How one ticket stands against its response objective."""

    MET = "met"
    MISSED = "missed"
    PENDING = "pending"


@dataclass(frozen=True)
class ResponseRecord:
    """What the report needs of one ticket (see `TicketState.response_record`)."""

    ticket_number: str
    partner_id: str
    severity: Severity
    opened_at: datetime
    due_at: datetime
    acknowledged_at: datetime | None

    def outcome(self, as_of: datetime) -> Outcome:
        """Met, missed or still pending at `as_of` (an acknowledgment at the due instant meets)."""
        if self.acknowledged_at is not None:
            met = aware(self.acknowledged_at, "acknowledged_at") <= aware(self.due_at, "due_at")
            return Outcome.MET if met else Outcome.MISSED
        return (
            Outcome.MISSED
            if aware(as_of, "as_of") > aware(self.due_at, "due_at")
            else Outcome.PENDING
        )


@dataclass(frozen=True)
class Tally:
    """Counts of one group of tickets and their share met in time."""

    met: int = 0
    missed: int = 0
    pending: int = 0

    @property
    def decided(self) -> int:
        """Tickets that count in the share (met or missed)."""
        return self.met + self.missed

    @property
    def share(self) -> Fraction | None:
        """met / (met + missed), exact; None without a decided ticket."""
        return Fraction(self.met, self.decided) if self.decided else None

    def meets(self, target: Fraction) -> bool:
        """Whether the share reaches `target` (True with nothing decided)."""
        share = self.share
        return share is None or share >= target

    def add(self, outcome: Outcome) -> Tally:
        """This tally with one more ticket of `outcome`."""
        return Tally(
            self.met + (outcome is Outcome.MET),
            self.missed + (outcome is Outcome.MISSED),
            self.pending + (outcome is Outcome.PENDING),
        )


@dataclass(frozen=True)
class PartnerLine:
    """One partner's figures: all S3/S4 together and per severity, with the missed tickets."""

    partner_id: str
    total: Tally
    by_severity: dict[Severity, Tally]
    missed_tickets: tuple[str, ...]
    meets_target: bool


@dataclass(frozen=True)
class ResponseReport:
    """The report for one period: a line per partner (sorted by partner ID)."""

    period_start: datetime
    period_end: datetime
    as_of: datetime
    target: Fraction
    lines: tuple[PartnerLine, ...]

    def line(self, partner_id: str) -> PartnerLine | None:
        """The line of `partner_id` (None when it had no S3/S4 ticket in the period)."""
        return next((line for line in self.lines if line.partner_id == partner_id), None)


def response_report(
    records: Iterable[ResponseRecord],
    period_start: datetime,
    period_end: datetime,
    as_of: datetime,
    target: Fraction = DEFAULT_TARGET,
    partner_id: str | None = None,
) -> ResponseReport:
    """The response-objective report of tickets opened in [period_start, period_end).

    `partner_id` restricts it to one partner (what a partner is shown). Raises
    `ValueError` for naive instants or an empty period.
    """
    start, end = aware(period_start, "period_start"), aware(period_end, "period_end")
    if end <= start:
        raise ValueError("the period must end after it starts")
    totals: dict[str, Tally] = {}
    per_severity: dict[str, dict[Severity, Tally]] = {}
    missed: dict[str, list[str]] = {}
    for record in records:
        if record.severity not in REPORTED_SEVERITIES:
            continue
        if partner_id is not None and record.partner_id != partner_id:
            continue
        if not start <= aware(record.opened_at, "opened_at") < end:
            continue
        outcome = record.outcome(as_of)
        partner = record.partner_id
        totals[partner] = totals.get(partner, Tally()).add(outcome)
        severities = per_severity.setdefault(partner, {})
        severities[record.severity] = severities.get(record.severity, Tally()).add(outcome)
        if outcome is Outcome.MISSED:
            missed.setdefault(partner, []).append(record.ticket_number)
    lines = tuple(
        PartnerLine(
            partner_id=partner,
            total=totals[partner],
            by_severity=dict(sorted(per_severity[partner].items())),
            missed_tickets=tuple(sorted(missed.get(partner, []))),
            meets_target=totals[partner].meets(target),
        )
        for partner in sorted(totals)
    )
    return ResponseReport(start, end, aware(as_of, "as_of"), target, lines)
