"""The configurable parts of support (spec/domain.md §4): objectives, hours, escalation.

Defaults pin §4's numbers: response S1 15 minutes and S2 30 minutes elapsed (round the
clock, support is staffed 24×7); S3 one business day = 8 business hours, S4 three business
days = 24 business hours; business hours 09:00–17:00 Monday–Friday; the S3/S4 objective
met at least 95 % of the time. Everything else here is a product decision a deployment
may change: status-update intervals, escalation levels, observation, reopen and
auto-close periods. The application builds a `SupportPolicy` from its settings; the
domain never reads configuration itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum
from fractions import Fraction
from types import MappingProxyType

from services.support.domain.calendar import BusinessHours
from services.support.domain.errors import InvalidPolicy
from services.support.domain.severity import Severity


class Basis(StrEnum):
    """How a duration is counted: elapsed (round the clock) or business time."""

    ELAPSED = "elapsed"
    BUSINESS = "business"


@dataclass(frozen=True)
class Objective:
    """A duration and how it is counted, e.g. 15 minutes elapsed or 8 business hours."""

    duration: timedelta
    basis: Basis

    def __post_init__(self) -> None:
        if self.duration <= timedelta(0):
            raise InvalidPolicy(f"an objective must be positive, got {self.duration}")

    def describe(self) -> str:
        """Words for people, e.g. "15 minutes" or "8 business hours"."""
        minutes = int(self.duration.total_seconds() // 60)
        business = " business" if self.basis is Basis.BUSINESS else ""
        if minutes % 60:
            return f"{minutes}{business} minutes"
        hours = minutes // 60
        return f"{hours}{business} hour{'s' if hours != 1 else ''}"


def elapsed(**duration: float) -> Objective:
    """An elapsed-time objective, e.g. `elapsed(minutes=15)`."""
    return Objective(timedelta(**duration), Basis.ELAPSED)


def business(**duration: float) -> Objective:
    """A business-time objective, e.g. `business(hours=8)`."""
    return Objective(timedelta(**duration), Basis.BUSINESS)


RESPONSE_OBJECTIVES: Mapping[Severity, Objective] = MappingProxyType(
    {
        Severity.S1: elapsed(minutes=15),
        Severity.S2: elapsed(minutes=30),
        Severity.S3: business(hours=8),  # 1 business day
        Severity.S4: business(hours=24),  # 3 business days
    }
)
"""§4 response objectives (time to acknowledge)."""

STATUS_UPDATE_INTERVALS: Mapping[Severity, Objective] = MappingProxyType(
    {
        Severity.S1: elapsed(hours=1),
        Severity.S2: elapsed(hours=4),
        Severity.S3: business(hours=8),
        Severity.S4: business(hours=24),
    }
)
"""Product decision: how often a status and action plan is due while a ticket is unresolved."""


@dataclass(frozen=True)
class EscalationContact:
    """Who is told at an escalation level (a role, a name, an address; phone optional)."""

    role: str
    name: str
    email: str
    phone: str | None = None


@dataclass(frozen=True)
class EscalationLevel:
    """One level of an escalation policy: reached `delay` (elapsed) after the previous one.

    As in on-call escalation policies, the first level's delay counts from the breach (or
    the missed status update) and each later level's from the previous level (§4).
    """

    name: str
    contacts: tuple[EscalationContact, ...]
    delay: timedelta

    def __post_init__(self) -> None:
        object.__setattr__(self, "contacts", tuple(self.contacts))
        if self.delay < timedelta(0):
            raise InvalidPolicy(f"escalation level {self.name!r} has a negative delay")
        if not self.contacts:
            raise InvalidPolicy(f"escalation level {self.name!r} names no contact")


DEFAULT_ESCALATION_LEVELS: tuple[EscalationLevel, ...] = (
    EscalationLevel(
        "duty manager",
        (EscalationContact("duty_manager", "Support duty manager", "duty@support.example.com"),),
        timedelta(0),
    ),
    EscalationLevel(
        "support manager",
        (EscalationContact("support_manager", "Support manager", "manager@support.example.com"),),
        timedelta(minutes=30),
    ),
    EscalationLevel(
        "head of support",
        (EscalationContact("head_of_support", "Head of support", "head@support.example.com"),),
        timedelta(hours=2),
    ),
)
"""Invented defaults: a deployment configures its own contacts."""


@dataclass(frozen=True)
class SupportPolicy:
    """Everything configurable about tickets; see the module docstring for the defaults."""

    response_objectives: Mapping[Severity, Objective] = field(
        default_factory=lambda: RESPONSE_OBJECTIVES
    )
    status_update_intervals: Mapping[Severity, Objective] = field(
        default_factory=lambda: STATUS_UPDATE_INTERVALS
    )
    escalation_levels: tuple[EscalationLevel, ...] = DEFAULT_ESCALATION_LEVELS
    business_hours: BusinessHours = field(default_factory=BusinessHours)
    reopen_period: timedelta = timedelta(days=14)
    auto_close_after: timedelta = timedelta(days=5)
    max_observation: timedelta = timedelta(days=30)
    response_target: Fraction = Fraction(95, 100)

    def __post_init__(self) -> None:
        for name in ("response_objectives", "status_update_intervals"):
            table = MappingProxyType({Severity(k): v for k, v in getattr(self, name).items()})
            missing = set(Severity) - set(table)
            if missing:
                raise InvalidPolicy(f"{name} lacks {', '.join(sorted(missing))}")
            object.__setattr__(self, name, table)
        object.__setattr__(self, "escalation_levels", tuple(self.escalation_levels))
        for period in ("reopen_period", "auto_close_after", "max_observation"):
            if getattr(self, period) < timedelta(0):
                raise InvalidPolicy(f"{period} must not be negative")
        if not 0 < self.response_target <= 1:
            raise InvalidPolicy("response_target must lie in (0, 1]")

    def __hash__(self) -> int:
        return hash((self.escalation_levels, self.business_hours, self.reopen_period))

    def response_objective(self, severity: Severity) -> Objective:
        """How long the vendor has to acknowledge a ticket of `severity`."""
        return self.response_objectives[Severity(severity)]

    def status_update_interval(self, severity: Severity) -> Objective:
        """How often a status and action plan is due for an unresolved ticket of `severity`."""
        return self.status_update_intervals[Severity(severity)]
