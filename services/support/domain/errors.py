"""Support domain errors: each names the rule it guards and carries a machine-readable code.

Same idea as porting's refusals: a single-rule guard raises its own `SupportError`; a
command that checks many rules at once (opening a ticket, a capacity request) collects
every failure as a `Reason` and refuses with one `ValidationFailed`, so a partner learns
every problem in one answer. The application maps `code` and `reasons()` onto refusal
events (`support.ticket.opening_refused`, `support.ticket.action_refused` …) without
parsing text.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Reason:
    """One reason a request was refused: `code` for machines, `message` for people."""

    code: str
    message: str
    field: str | None = None

    def as_dict(self) -> dict[str, str]:
        """The reason as a JSON-ready dict, leaving out an empty `field`."""
        data = {"code": self.code, "message": self.message}
        if self.field is not None:
            data["field"] = self.field
        return data


class SupportError(Exception):
    """Base of every support rule violation."""

    code: str = "support_error"

    def __init__(
        self, message: str, *, field: str | None = None, details: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.details: dict[str, Any] = dict(details or {})

    def reasons(self) -> list[Reason]:
        """The refusal as reasons (one for a single-rule error)."""
        return [Reason(self.code, self.message, self.field)]

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, message={self.message!r})"


class ValidationFailed(SupportError):
    """The request is incomplete or invalid; one `Reason` per problem."""

    code = "validation_failed"

    def __init__(self, reasons: Iterable[Reason], message: str | None = None) -> None:
        self.reason_list: tuple[Reason, ...] = tuple(reasons)
        super().__init__(
            message or "; ".join(r.message for r in self.reason_list) or "validation failed",
            details={"reasons": [r.as_dict() for r in self.reason_list]},
        )

    def reasons(self) -> list[Reason]:
        """Every reason the request was refused for."""
        return list(self.reason_list)

    @property
    def reason_codes(self) -> tuple[str, ...]:
        """The codes of the reasons, in order."""
        return tuple(r.code for r in self.reason_list)


class IllegalTransition(SupportError):
    """The action is not allowed in the current status (ticket, incident or request)."""

    code = "illegal_transition"


class SeverityChangeRefused(SupportError):
    """A severity change breaks §4: the partner may only raise, the vendor only lower in triage."""

    code = "severity_change_refused"


class ReopenPeriodOver(SupportError):
    """A resolved ticket may be reopened only within the configured period (§4 lifecycle)."""

    code = "reopen_period_over"


class NotAuthorised(SupportError):
    """The actor may not do this (wrong side, wrong partner, missing role)."""

    code = "not_authorised"


class BeyondConfirmedCapacity(SupportError):
    """Users or devices beyond the confirmed capacity cannot be configured yet (§4, seed 004)."""

    code = "beyond_confirmed_capacity"


class InvalidPolicy(SupportError):
    """The configured support policy is inconsistent (negative delay, empty objective …)."""

    code = "invalid_policy"


class TicketNumbersExhausted(SupportError):
    """The sequence number no longer fits the seed's format `NA` + 8 digits."""

    code = "ticket_numbers_exhausted"
