"""Support's settings: env prefix SUPPORT_, falling back to PARTNEROPS_ for shared ones.

`SUPPORT_POLICY` (JSON) configures the ticket policy (`PolicySettings`: business hours,
status-update intervals, escalation levels, reopen/auto-close/observation periods); §4's
response objectives (S1 15 min, S2 30 min elapsed; S3 8, S4 24 business hours) are
defaults that may be changed too. Nested values may also be set one by one, e.g.
`SUPPORT_POLICY__REOPEN_PERIOD=P7D`.
"""

from __future__ import annotations

from datetime import time, timedelta
from fractions import Fraction
from typing import ClassVar, Literal, Self

from pydantic import BaseModel, ConfigDict, EmailStr, Field, model_validator

from services.support.domain.calendar import BusinessHours, Location
from services.support.domain.errors import InvalidPolicy
from services.support.domain.policy import (
    DEFAULT_ESCALATION_LEVELS,
    RESPONSE_OBJECTIVES,
    STATUS_UPDATE_INTERVALS,
    Basis,
    EscalationContact,
    EscalationLevel,
    Objective,
    SupportPolicy,
)
from services.support.domain.severity import Severity
from shared.settings import Port, ServiceSettings, service_settings_config

SeverityName = Literal["S1", "S2", "S3", "S4"]


class ObjectiveSettings(BaseModel):
    """A duration (ISO 8601, e.g. PT8H) and how it counts: elapsed or business time."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    duration: timedelta = Field(gt=timedelta(0))
    basis: Literal["elapsed", "business"]

    def objective(self) -> Objective:
        return Objective(self.duration, Basis(self.basis))


def _objectives(table: dict[Severity, Objective]) -> dict[SeverityName, ObjectiveSettings]:
    return {
        str(k): ObjectiveSettings(duration=v.duration, basis=str(v.basis))  # type: ignore[misc]
        for k, v in table.items()
    }


class ContactSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    role: str = Field(min_length=1)
    name: str = Field(min_length=1)
    email: EmailStr
    phone: str | None = None


class LevelSettings(BaseModel):
    """One escalation level: reached `delay` after the previous one (elapsed)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1)
    delay: timedelta = Field(ge=timedelta(0))
    contacts: list[ContactSettings] = Field(min_length=1)


def _levels() -> list[LevelSettings]:
    return [
        LevelSettings(
            name=level.name,
            delay=level.delay,
            contacts=[ContactSettings(**vars(contact)) for contact in level.contacts],
        )
        for level in DEFAULT_ESCALATION_LEVELS
    ]


class PolicySettings(BaseModel):
    """The configurable ticket policy (defaults: §4 and the product decisions)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    response_objectives: dict[SeverityName, ObjectiveSettings] = Field(
        default_factory=lambda: _objectives(dict(RESPONSE_OBJECTIVES))
    )
    status_update_intervals: dict[SeverityName, ObjectiveSettings] = Field(
        default_factory=lambda: _objectives(dict(STATUS_UPDATE_INTERVALS))
    )
    escalation_levels: list[LevelSettings] = Field(default_factory=_levels)
    business_opens: time = time(9, 0)
    business_closes: time = time(17, 0)
    workdays: list[int] = Field(default=[0, 1, 2, 3, 4], description="0 = Monday")
    reopen_period: timedelta = timedelta(days=14)
    auto_close_after: timedelta = timedelta(days=5)
    max_observation: timedelta = timedelta(days=30)
    response_target_percent: float = Field(default=95, gt=0, le=100)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        """Refuse an inconsistent policy (closing before opening, a level without a delay)
        with the settings, at start: `policy()` is called while the service is wired."""
        try:
            self.policy()
        except (InvalidPolicy, ValueError, OverflowError) as error:
            raise ValueError(str(error)) from None
        return self

    def policy(self) -> SupportPolicy:
        """The domain policy (raises `InvalidPolicy` or `ValueError` when inconsistent)."""
        return SupportPolicy(
            response_objectives={
                Severity(k): v.objective() for k, v in self.response_objectives.items()
            },
            status_update_intervals={
                Severity(k): v.objective() for k, v in self.status_update_intervals.items()
            },
            escalation_levels=tuple(
                EscalationLevel(
                    level.name,
                    tuple(
                        EscalationContact(c.role, c.name, str(c.email), c.phone)
                        for c in level.contacts
                    ),
                    level.delay,
                )
                for level in self.escalation_levels
            ),
            business_hours=BusinessHours(
                self.business_opens, self.business_closes, frozenset(self.workdays)
            ),
            reopen_period=self.reopen_period,
            auto_close_after=self.auto_close_after,
            max_observation=self.max_observation,
            response_target=Fraction(str(self.response_target_percent)) / 100,
        )


class SupportSettings(ServiceSettings):
    """Everything the support service reads from the environment."""

    SERVICE: ClassVar[str] = "support"
    model_config = service_settings_config("SUPPORT_")

    http_port: Port = 8084
    policy: PolicySettings = Field(
        default_factory=PolicySettings, description="The ticket policy (JSON)"
    )
    default_partner_country: str = Field(
        default="GB",
        min_length=2,
        max_length=2,
        description="The calendar of a ticket whose customer's and partner's are unknown",
    )
    ticket_list_limit: int = Field(default=500, ge=1, description="Most tickets in one answer")

    @property
    def default_partner_location(self) -> Location:
        return Location(self.default_partner_country.upper())
