"""Porting's policy, the rules a deployment configures: required fields, lead times, timers,
contacts (part of the domain: the aggregate and its rules read it; `PortingSettings` loads it).

`PortingRules` is a frozen pydantic model so settings can load it from the environment or a
file later; every default below is a requirement from the domain description (section 2)
or a documented product decision.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Self

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator, model_validator

from shared.numbers import MAX_NUMBERS, MAX_RANGE_SIZE

GB_LEAD_TIMES: dict[str, int] = {"analogue": 22, "multi_line": 22, "isdn": 22}
"""UK analogue, multi-line and ISDN: 22 working days from acceptance (seed 003)."""

EUROPEAN_LEAD_DAYS = 20
"""Other European countries: 20 working days from acceptance (seed 003)."""

# EU member states, the rest of the EEA and Switzerland. GB is deliberately absent: it has
# its own per-product table, and "other UK products" need configuration.
EUROPEAN_COUNTRIES: frozenset[str] = frozenset(
    {"AT", "BE", "BG", "CH", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU"}
    | {"IE", "IS", "IT", "LI", "LT", "LU", "LV", "MT", "NL", "NO", "PL", "PT", "RO", "SE", "SI"}
    | {"SK"}
)

MAX_NUMBERS_PER_REQUEST = MAX_NUMBERS
"""At most 10,000 numbers per port request: the one limit of `shared.numbers` (ten full
1,000-number blocks; the request's document stays far below MongoDB's 16 MiB and its
events far below the broker's 1 MiB). Larger ports are split into several requests."""

GB_REQUIRED_FIELDS: tuple[str, ...] = (
    "main_billing_number",
    "numbers",
    "registered_address",
    "losing_provider",
    "range_holder",
)
DEFAULT_REQUIRED_FIELDS: tuple[str, ...] = ("numbers", "losing_provider", "registered_address")

PORTABLE_NUMBER_TYPES: frozenset[str] = frozenset(
    # Geographic (fixed line) and non-geographic (freephone, shared cost, premium, UAN,
    # personal, VoIP) numbers. Product decision: mobile, pager and voicemail-access numbers
    # follow another porting process and are refused with a reason.
    {
        "fixed_line",
        "fixed_line_or_mobile",
        "toll_free",
        "premium_rate",
        "shared_cost",
        "voip",
        "personal_number",
        "uan",
    }
)


def product_key(product: str) -> str:
    """A product name as configured: lower case, words joined by "_" ("Multi-Line" → multi_line)."""
    return re.sub(r"[\s-]+", "_", product.strip().lower())


class EscalationContact(BaseModel):
    """One level of the provisioning escalation matrix."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    level: int = Field(ge=0, description="Escalation level, 0 = first line")
    role: str = Field(min_length=1, description="Who is reached at this level")
    email: EmailStr = Field(description="Contact e-mail of the role")


DEFAULT_ESCALATION_MATRIX: tuple[EscalationContact, ...] = (
    EscalationContact(level=0, role="Provisioning team", email="provisioning@example.com"),
    EscalationContact(
        level=1, role="Provisioning team leader", email="provisioning-lead@example.com"
    ),
    EscalationContact(level=2, role="Provisioning manager", email="provisioning-mgr@example.com"),
    EscalationContact(level=3, role="Director of operations", email="ops-director@example.com"),
)


class PortingRules(BaseModel):
    """Everything about porting that differs by deployment, country or product."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    served_countries: frozenset[str] = Field(
        default=frozenset({"GB"}) | EUROPEAN_COUNTRIES,
        description="Countries whose numbers can be ported into the platform",
    )
    required_fields: dict[str, tuple[str, ...]] = Field(
        default_factory=dict,
        validate_default=True,
        description="Required request fields per country, merged over GB's; names other "
        "than the standard fields refer to extra_fields",
    )
    default_required_fields: tuple[str, ...] = Field(
        default=DEFAULT_REQUIRED_FIELDS, description="Required fields of any other country"
    )
    lead_times: dict[str, dict[str, int]] = Field(
        # Product decision: other UK products (e.g. "voip") have no default; a request for
        # one is refused with `lead_time_not_configured` until a deployment sets it here.
        default_factory=dict,
        validate_default=True,
        description="Working days from acceptance to port date per country and product, "
        "merged product by product over GB's analogue/multi_line/isdn = 22",
    )
    european_countries: frozenset[str] = Field(
        default=EUROPEAN_COUNTRIES,
        description="Countries that fall back to european_lead_days for any product",
    )
    european_lead_days: int = Field(default=EUROPEAN_LEAD_DAYS, ge=1)
    calendar_subdivisions: dict[str, str] = Field(
        default_factory=dict,
        validate_default=True,
        description="Holiday subdivision per country, merged over GB = ENG (England and "
        "Wales); a request may override it when its address is elsewhere (SCT, NIR)",
    )
    calendar_timezones: dict[str, str] = Field(
        default_factory=dict,
        description="IANA zone per country where the calendar's default is not wanted",
    )
    carrier_port_date_respects_lead_time: bool = Field(
        default=True,
        description="Refuse a carrier's port date earlier than the lead time allows (the "
        "lead time counts from acceptance, domain.md section 2)",
    )
    acceptance_clock_skew: timedelta = Field(
        default=timedelta(minutes=5),
        description="How far a carrier's accepted_at may lie after the instant we handle it "
        "(clocks differ); later is refused with accepted_at_in_future. Product decision",
    )
    acceptance_max_age: timedelta = Field(
        default=timedelta(days=30),
        description="How long before the instant we handle it a carrier's accepted_at may "
        "lie; older is refused with accepted_at_too_old. Product decision: a 20-22 working "
        "day lead time is about 30 days, so an older acceptance's port date is gone anyway",
    )
    port_date_horizon_days: int = Field(
        default=365,
        ge=1,
        description="Most calendar days a port date (stated or computed) may lie after the "
        "day of acceptance; later is refused with port_date_beyond_horizon. Product "
        "decision: lead times are weeks (domain.md section 2), a year bounds a typo",
    )
    pending_submission_timeout: timedelta = Field(
        default=timedelta(hours=1),
        description="A submission still undecided this long after its draft was stored (its "
        "command failed for good) is abandoned and its number claims given up",
    )
    reminder_working_days_before: int = Field(
        default=3, ge=1, description="Working days before the port date the risk notice goes"
    )
    carrier_answer_overdue_working_days: int = Field(
        default=5, ge=1, description="Working days without a carrier answer before escalating"
    )
    escalation_step: timedelta = Field(
        default=timedelta(hours=24),
        description="Time between escalation levels, counted round the clock on working days",
    )
    escalation_matrix: tuple[EscalationContact, ...] = Field(
        default=DEFAULT_ESCALATION_MATRIX, description="Contacts of levels 0..n, in order"
    )
    late_cancellation_escalation_level: int = Field(
        default=0, ge=0, description="Level a late cancellation is escalated to"
    )
    max_range_size: int = Field(
        default=MAX_RANGE_SIZE, ge=1, description="Most numbers in one range (shared.numbers)"
    )
    max_numbers_per_request: int = Field(
        default=MAX_NUMBERS_PER_REQUEST,
        ge=1,
        description="Most numbers one port request may hold (all its numbers and ranges); "
        "a larger request is refused with too_many_numbers before anything is stored",
    )
    portable_number_types: frozenset[str] = Field(
        default=PORTABLE_NUMBER_TYPES,
        description="phonenumbers number types accepted, lower case (e.g. fixed_line)",
    )

    @field_validator("served_countries", "european_countries")
    @classmethod
    def _upper_countries(cls, value: frozenset[str]) -> frozenset[str]:
        return frozenset(c.upper() for c in value)

    @field_validator("calendar_timezones")
    @classmethod
    def _upper_country_keys(cls, value: dict[str, str]) -> dict[str, str]:
        return {k.upper(): v for k, v in value.items()}

    # Configured entries are merged over the defaults, so setting one country or product
    # never drops the requirements of the domain description.

    @field_validator("required_fields")
    @classmethod
    def _merge_required_fields(
        cls, value: dict[str, tuple[str, ...]]
    ) -> dict[str, tuple[str, ...]]:
        return {"GB": GB_REQUIRED_FIELDS} | {k.upper(): tuple(v) for k, v in value.items()}

    @field_validator("calendar_subdivisions")
    @classmethod
    def _merge_subdivisions(cls, value: dict[str, str]) -> dict[str, str]:
        return {"GB": "ENG"} | {k.upper(): v.upper() for k, v in value.items()}

    @field_validator("lead_times")
    @classmethod
    def _merge_lead_times(cls, value: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
        merged: dict[str, dict[str, int]] = {"GB": dict(GB_LEAD_TIMES)}
        for country, products in value.items():
            for product, days in products.items():
                if days < 1:
                    raise ValueError(f"lead time of {country}/{product} must be >= 1 day")
                merged.setdefault(country.upper(), {})[product_key(product)] = days
        return merged

    @field_validator(
        "escalation_step",
        "pending_submission_timeout",
        "acceptance_clock_skew",
        "acceptance_max_age",
    )
    @classmethod
    def _positive_step(cls, value: timedelta) -> timedelta:
        if value <= timedelta(0):
            raise ValueError("must be positive")
        return value

    @model_validator(mode="after")
    def _matrix_levels_are_contiguous(self) -> Self:
        levels = [c.level for c in self.escalation_matrix]
        if levels != list(range(len(levels))) or not levels:
            raise ValueError("escalation_matrix must list levels 0, 1, 2, ... in order")
        if self.late_cancellation_escalation_level > self.top_escalation_level:
            raise ValueError("late_cancellation_escalation_level is not in the matrix")
        return self

    @property
    def top_escalation_level(self) -> int:
        """The highest level of the escalation matrix (3 by default)."""
        return len(self.escalation_matrix) - 1

    def required_fields_for(self, country: str) -> tuple[str, ...]:
        """The fields a request for `country` must fill."""
        return self.required_fields.get(country.upper(), self.default_required_fields)

    def escalation_contact(self, level: int) -> EscalationContact:
        """The contact of `level` (levels beyond the top reach the top contact)."""
        return self.escalation_matrix[min(level, self.top_escalation_level)]
