"""Value objects of a support ticket (spec/domain.md §4; seed 004 table 1 and case rules)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from services.support.domain.severity import Impact, Severity, Urgency


class Channel(StrEnum):
    """How the partner raised the ticket; S1/S2 by phone is recommended (§4)."""

    ONLINE = "online"
    PHONE = "phone"


class TriageCategory(StrEnum):
    """The seed's triage categories (seed 004, table 1; §4)."""

    USER_QUESTION = "user_question"  # "how do I …?"
    COMMON_FAULT = "common_fault"
    CLIENT_SETUP = "client_setup"
    POSSIBLE_SOFTWARE_BUG = "possible_software_bug"  # reported to the vendor
    SERVICE_AVAILABILITY = "service_availability"  # service downtime or availability


class CommonFault(StrEnum):
    """Kinds of common fault (seed 004's list of the most common support issues)."""

    PHONE_NO_POWER = "phone_no_power"
    PHONE_NOT_REGISTERING = "phone_not_registering"
    VOICEMAIL = "voicemail"
    FEATURE_UNUSABLE = "feature_unusable"
    CANNOT_PLACE_CALLS = "cannot_place_calls"
    CANNOT_RECEIVE_CALLS = "cannot_receive_calls"
    NO_AUDIO = "no_audio"
    CANNOT_LOG_IN = "cannot_log_in"
    SOFTPHONE = "softphone"


class ClientSetup(StrEnum):
    """Kinds of client set-up issue (seed 004: soft clients, users, features, LDAP/SSO …)."""

    SOFT_CLIENTS = "soft_clients"
    USERS = "users"
    FEATURES = "features"
    DIAL_PLAN = "dial_plan"
    LDAP_SSO = "ldap_sso"


SUBKINDS: dict[TriageCategory, frozenset[str]] = {
    TriageCategory.COMMON_FAULT: frozenset(CommonFault),
    TriageCategory.CLIENT_SETUP: frozenset(ClientSetup),
}
"""Categories that have sub-kinds; a common fault must name one, a set-up issue may."""

SUBKIND_REQUIRED = frozenset({TriageCategory.COMMON_FAULT})


@dataclass(frozen=True)
class Triage:
    """The triage category of a ticket and its sub-kind (None when the category has none)."""

    category: TriageCategory
    subkind: str | None = None


class ContactKind(StrEnum):
    """Who the vendor calls back: a named representative or the partner's escalation team."""

    REPRESENTATIVE = "representative"
    ESCALATION_TEAM = "escalation_team"


@dataclass(frozen=True)
class PartnerContact:
    """The partner's contact on a ticket; phone in E.164 and e-mail normalised once valid.

    Seed 004: "the name, phone number, and email address of the Partner Representative or
    generic Partner information for the team escalating"; for `ESCALATION_TEAM` the name
    is the team's.
    """

    kind: ContactKind
    name: str
    phone: str
    email: str


class TicketStatus(StrEnum):
    """Where a ticket stands (§4 lifecycle).

    opened → acknowledged → in_progress ⇄ waiting_on_partner → resolved
    [→ under_observation] → closed; reopened from resolved, under_observation or closed
    within the reopen period (back to in_progress).
    """

    OPENED = "opened"
    ACKNOWLEDGED = "acknowledged"
    IN_PROGRESS = "in_progress"
    WAITING_ON_PARTNER = "waiting_on_partner"
    RESOLVED = "resolved"
    UNDER_OBSERVATION = "under_observation"
    CLOSED = "closed"

    @property
    def unresolved(self) -> bool:
        """True before resolution: status updates are due, the partner may raise severity."""
        return self in _UNRESOLVED

    @property
    def resolution_clock_runs(self) -> bool:
        """True while resolution time counts (not waiting on the partner, not resolved)."""
        return self in _UNRESOLVED and self is not TicketStatus.WAITING_ON_PARTNER


_UNRESOLVED = frozenset(
    {
        TicketStatus.OPENED,
        TicketStatus.ACKNOWLEDGED,
        TicketStatus.IN_PROGRESS,
        TicketStatus.WAITING_ON_PARTNER,
    }
)

TRIAGE_STATUSES = frozenset({TicketStatus.OPENED, TicketStatus.ACKNOWLEDGED})
"""Triage: before work starts. The vendor may lower the severity only then (product decision)."""


class Side(StrEnum):
    """Who acts on a ticket: the partner (for its customer) or the vendor's support centre."""

    PARTNER = "partner"
    VENDOR = "vendor"
    SYSTEM = "system"


class Resolution(StrEnum):
    """How a ticket was resolved."""

    FIXED = "fixed"
    WORKAROUND = "workaround"
    INFORMATION_GIVEN = "information_given"
    # §4: faults in equipment the vendor does not manage, third-party hardware or
    # software, are the partner's.
    PARTNER_RESPONSIBILITY = "partner_responsibility"
    DUPLICATE_OF_INCIDENT = "duplicate_of_incident"


@dataclass(frozen=True)
class SeverityAssessment:
    """Impact, urgency and the severity they give, with the exact share when one was stated."""

    impact: Impact
    urgency: Urgency
    severity: Severity
    affected_users: int | None = None
    total_users: int | None = None


@dataclass(frozen=True)
class SeverityChange:
    """One entry of a ticket's severity history (the opening assessment is the first)."""

    at: datetime
    side: Side
    actor: str
    assessment: SeverityAssessment
    reason: str | None
    replanned_response: bool


@dataclass(frozen=True)
class WaitingPeriod:
    """One wait on the partner: elapsed and business time (§4 clock details)."""

    started_at: datetime
    reason: str
    ended_at: datetime | None = None
    business_time: timedelta | None = None

    @property
    def elapsed(self) -> timedelta | None:
        """Elapsed time of a finished period (None while it lasts)."""
        return None if self.ended_at is None else self.ended_at - self.started_at


@dataclass(frozen=True)
class HistoryEntry:
    """One thing that happened to a ticket: when, who (side and id), what, and why."""

    at: datetime
    side: Side
    actor: str
    action: str
    from_status: TicketStatus | None
    to_status: TicketStatus
    note: str | None = None
