"""Porting domain errors: each names the rule it guards and carries a machine-readable code.

A single-rule guard (parse a number, look up a lead time, check a transition) raises its
own error. A command that checks many rules at once (submit, resubmit, precheck) collects
each failure's `reasons()` and refuses with one `ValidationFailed`, so a partner learns
every problem of a request in one answer. The application layer maps `code`, `details`
and `reasons` onto rejection events without parsing text.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from shared.refusals import Refused


@dataclass(frozen=True)
class Reason:
    """One reason a request was refused: `code` for machines, `message` for people."""

    code: str
    message: str
    field: str | None = None
    number: str | None = None

    def as_dict(self) -> dict[str, str]:
        """The reason as a JSON-ready dict, leaving out empty `field` and `number`."""
        data = {"code": self.code, "message": self.message}
        if self.field is not None:
            data["field"] = self.field
        if self.number is not None:
            data["number"] = self.number
        return data


class PortingError(Refused):
    """Base of all porting rule violations: a `shared.refusals.Refused`, so the use-case
    core tells it as `porting.port.action_refused` with `code`, `reasons` and `details`."""

    code: str = "porting_error"

    def __init__(
        self,
        message: str,
        *,
        details: dict[str, Any] | None = None,
        field: str | None = None,
        number: str | None = None,
    ) -> None:
        super().__init__(message, details=details)
        self.field = field
        self.number = number

    def reasons(self) -> list[Reason]:  # type: ignore[override]
        """The refusal as reasons (one for a single-rule error)."""
        return [Reason(self.code, self.message, field=self.field, number=self.number)]

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, message={self.message!r})"


# -- numbers -------------------------------------------------------------------


class InvalidNumber(PortingError):
    """The text is not a valid telephone number (E.164 or national form of the country)."""

    code = "invalid_number"


class NumberNotInCountry(PortingError):
    """The number is valid but belongs to another country than the request's."""

    code = "number_not_in_country"


class NumberTypeNotPortable(PortingError):
    """The number's type (e.g. mobile, pager) is not ported by this service."""

    code = "number_type_not_portable"


class InvalidRange(PortingError):
    """A number range is malformed (last before first, different lengths or prefixes)."""

    code = "invalid_range"


class RangeTooLarge(PortingError):
    """A number range holds more numbers than the configured maximum."""

    code = "range_too_large"


class TooManyNumbers(PortingError):
    """A request stands for more numbers than one port request may hold (configuration)."""

    code = "too_many_numbers"

    def __init__(self, count: int, maximum: int) -> None:
        super().__init__(
            f"the request holds {count} numbers; at most {maximum} fit in one port request "
            "(split it into several requests)",
            details={"count": count, "max_numbers_per_request": maximum},
            field="numbers",
        )


class DuplicateNumberInRequest(PortingError):
    """The same number appears twice in one request (directly or through ranges)."""

    code = "duplicate_number_in_request"


class NumberAlreadyInActivePort(PortingError):
    """A number is already held by another active port request."""

    code = "number_already_in_active_port"

    def __init__(self, numbers: Iterable[str]) -> None:
        self.numbers: tuple[str, ...] = tuple(numbers)
        super().__init__(
            f"numbers already in another active port request: {', '.join(self.numbers)}",
            details={"numbers": list(self.numbers)},
            field="numbers",
        )

    def reasons(self) -> list[Reason]:  # type: ignore[override]
        """One reason per number, so per-number status can show which ones clash."""
        return [
            Reason(
                self.code,
                f"{number} is already in another active port request",
                field="numbers",
                number=number,
            )
            for number in self.numbers
        ]


# -- request data and configuration ---------------------------------------------


class MissingRequiredField(PortingError):
    """A field the request's country requires is empty."""

    code = "missing_required_field"


class AddressNotInCountry(PortingError):
    """The registered address of the numbers lies in another country than the request's."""

    code = "address_not_in_country"


class CountryNotServed(PortingError):
    """Numbers cannot be ported into the platform in this country."""

    code = "country_not_served"


class UnknownLeadTime(PortingError):
    """No lead time is configured for the request's country and product."""

    code = "lead_time_not_configured"


class UnknownCalendarSubdivision(PortingError):
    """The holiday subdivision given for the request is not one of its country's."""

    code = "unknown_calendar_subdivision"


class InvalidPortDate(PortingError):
    """A carrier's acceptance breaks the rules: its port date (stated or computed) or its
    acceptance instant; one `Reason` per rule broken.

    Codes of the reasons (field `port_date`): `port_date_not_after_acceptance`,
    `port_date_not_a_working_day`, `cancellation_cutoff_passed`, `port_date_before_lead_time`,
    `port_date_beyond_horizon`; (field `accepted_at`): `accepted_at_in_future`,
    `accepted_at_too_old`, `accepted_before_submission`. `earliest_port_date` is the first
    date that would have been accepted (None when none can be told); `port_date` the date
    judged (None when none could be computed).
    """

    code = "invalid_port_date"

    def __init__(
        self,
        reasons: Iterable[Reason],
        earliest_port_date: date | None,
        port_date: date | None = None,
    ) -> None:
        self.reason_list: tuple[Reason, ...] = tuple(reasons)
        self.earliest_port_date = earliest_port_date
        self.port_date = port_date
        super().__init__(
            "; ".join(r.message for r in self.reason_list) or "invalid port date",
            details={"reasons": [r.as_dict() for r in self.reason_list]},
            field="port_date",
        )

    def reasons(self) -> list[Reason]:  # type: ignore[override]
        """Every rule the port date breaks."""
        return list(self.reason_list)


# -- lifecycle -------------------------------------------------------------------


class IllegalTransition(PortingError):
    """The action is not allowed in the port request's current status."""

    code = "illegal_transition"


class ValidationFailed(PortingError):
    """The request is incomplete or invalid; one `Reason` per problem."""

    code = "validation_failed"

    def __init__(self, reasons: Iterable[Reason], message: str | None = None) -> None:
        self.reason_list: tuple[Reason, ...] = tuple(reasons)
        super().__init__(
            message or "; ".join(r.message for r in self.reason_list) or "validation failed",
            details={"reasons": [r.as_dict() for r in self.reason_list]},
        )

    def reasons(self) -> list[Reason]:  # type: ignore[override]
        """Every reason the request was refused for."""
        return list(self.reason_list)

    @property
    def reason_codes(self) -> tuple[str, ...]:
        """The codes of the reasons, in order."""
        return tuple(r.code for r in self.reason_list)
