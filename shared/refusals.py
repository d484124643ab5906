"""The one shape of a business refusal, shared by every domain (pure: no I/O, no pydantic).

A domain refuses a command by raising a `Refused` subclass named for the rule it guards
(`PortAlreadyCancelled`, `NotOptedIn`); the use-case core (`shared.usecase`) turns it into
the aggregate's `…action_refused` event with `code` and machine-readable `reasons`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

FORBIDDEN = "forbidden"
"""The code of every access refusal: the actor may not do this (to this aggregate). Such a
refusal never names the partner the aggregate belongs to (README, *Security*)."""


@dataclass(frozen=True)
class Reason:
    """One machine-readable reason: a code, a human message, and where it applies."""

    code: str
    message: str
    field: str | None = None
    number: str | None = None  # the phone number concerned, when there is one


class Refused(Exception):
    """Base of every domain refusal.

    `code` is the category (`forbidden`, `not_found`, `validation_failed`, `duplicate`,
    `illegal_transition`, or a rule's own code); `reasons` list what is wrong (at least
    one: the message itself when none is given); `details` are facts worth telling
    (JSON-compatible values).
    """

    code: str = "refused"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        reasons: Iterable[Reason] = (),
        details: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self._reasons = tuple(reasons)
        self.details = dict(details or {})

    def reasons(self) -> tuple[Reason, ...]:
        """What is wrong, at least one reason."""
        return self._reasons or (Reason(self.code, self.message),)
