"""What a port request is, and how each change is recorded: the aggregate's state.

`model.PortRequest` adds the use cases (submit, accept, cancel ...) on top; this module
holds the fields, the read-only queries and the bookkeeping every change goes through
(status, history entry, version).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TypedDict

from services.porting.domain import rules as time_rules
from services.porting.domain.errors import IllegalTransition, Reason
from services.porting.domain.policy import PortingRules
from services.porting.domain.regions import subdivision_of_address
from services.porting.domain.values import (
    CancellationRecord,
    HistoryEntry,
    NumberStatus,
    PortDetails,
    PortNumber,
    PortStatus,
)
from shared.calendars import WorkingCalendar


class _Meta(TypedDict):
    port_id: str
    partner_id: str
    occurred_at: datetime
    version: int


def aware(now: datetime) -> datetime:
    """`now` itself, after refusing a naive datetime (every rule needs a time zone)."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError(f"now must be timezone-aware, got {now!r}")
    return now


@dataclass
class PortRequestState:
    """The fields of a port request; the use cases are `model.PortRequest`'s methods."""

    port_id: str
    partner_id: str
    country: str
    details: PortDetails
    created_at: datetime
    status: PortStatus = PortStatus.DRAFT
    # A submission of this draft is under way: its numbers are being claimed for it.
    submission_pending: bool = False
    numbers: list[PortNumber] = field(default_factory=list)
    revision: int = 0  # submissions to the carrier: first, resubmissions, restarts
    version: int = 0  # every stored change, for optimistic concurrency and event ids
    carrier_ref: str | None = None
    accepted_at: datetime | None = None
    port_date: date | None = None
    lead_days: int | None = None
    awaiting_carrier_since: datetime | None = None
    escalation_level: int | None = None
    reminded_for: date | None = None
    rejection_reasons: tuple[Reason, ...] = ()
    cancellations: list[CancellationRecord] = field(default_factory=list)
    history: list[HistoryEntry] = field(default_factory=list)

    # -- queries ---------------------------------------------------------------------

    def calendar(self, rules: PortingRules) -> WorkingCalendar:
        """The working calendar of the request: its own `calendar_subdivision` if given, else
        the region its registered address lies in (UK nation from the postcode), else the
        country's configured default."""
        subdivision = self.details.calendar_subdivision or subdivision_of_address(
            self.country, self.details.registered_address
        )
        return time_rules.working_calendar(rules, self.country, subdivision)

    def number_list(self) -> tuple[str, ...]:
        """The request's numbers in E.164."""
        return tuple(n.number for n in self.numbers)

    @property
    def may_hold_numbers(self) -> bool:
        """Whether this request holds, or may still come to hold, the numbers it claimed.

        False only for a request that can never hold numbers again (completed, withdrawn,
        or a draft whose submission was decided against): a claim it owns is stale.
        """
        return self.status.holds_numbers or self.submission_pending

    def held_numbers(self) -> tuple[str, ...]:
        """The numbers this request keeps from other requests (none unless active)."""
        return self.number_list() if self.status.holds_numbers else ()

    def reminder_due_at(self, rules: PortingRules) -> datetime | None:
        """When the port-date reminder is due (None unless the port is scheduled)."""
        if self.status is not PortStatus.ACCEPTED or self.port_date is None:
            return None
        calendar = self.calendar(rules)
        return time_rules.reminder_at(self.port_date, calendar, rules.reminder_working_days_before)

    def submission_abandoned_at(self, rules: PortingRules) -> datetime | None:
        """When a submission still pending is given up (None unless one is pending)."""
        if not self.submission_pending:
            return None
        return self.created_at + rules.pending_submission_timeout

    def next_escalation_at(self, rules: PortingRules) -> datetime | None:
        """When the next escalation level is reached (None when nothing is pending)."""
        if self.status is not PortStatus.SUBMITTED or self.awaiting_carrier_since is None:
            return None
        following = 0 if self.escalation_level is None else self.escalation_level + 1
        return time_rules.escalation_threshold(
            self.awaiting_carrier_since, following, rules, self.calendar(rules)
        )

    # -- bookkeeping -------------------------------------------------------------------

    def _start_round(self, now: datetime, numbers: Sequence[str]) -> None:
        """A new attempt with the carrier: numbers requested, the answer clock restarted."""
        self.numbers = [PortNumber(n) for n in numbers]
        self.revision += 1
        self.rejection_reasons = ()
        self.awaiting_carrier_since, self.escalation_level = aware(now), None

    def _require(self, action: str, now: datetime, *allowed: PortStatus) -> None:
        """Refuse `action` unless the status is one of `allowed` (and `now` is aware)."""
        aware(now)
        if self.status not in allowed:
            allowed_names = [str(s) for s in allowed]
            raise IllegalTransition(
                f"cannot {action.replace('_', ' ')} a port request that is {self.status}",
                details={"action": action, "status": str(self.status), "allowed": allowed_names},
            )

    def _set_numbers(self, status: NumberStatus) -> None:
        self.numbers = [dataclasses.replace(n, status=status, reason=None) for n in self.numbers]

    def _record(
        self,
        now: datetime,
        actor: str,
        action: str,
        to_status: PortStatus,
        reason: str | None = None,
        comment: str | None = None,
    ) -> None:
        """Move to `to_status`, append the history entry and count the change."""
        from_status = self.status if self.history else None
        self.history.append(
            HistoryEntry(aware(now), actor, action, from_status, to_status, reason, comment)
        )
        self.status = to_status
        self.version += 1

    def _meta(self, now: datetime) -> _Meta:
        return {
            "port_id": self.port_id,
            "partner_id": self.partner_id,
            "occurred_at": now,
            "version": self.version,
        }
