"""Value objects of a port request: statuses, its details, per-number status, history."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from services.porting.domain.errors import Reason
from services.porting.domain.numbers import NumberInput
from services.porting.domain.policy import product_key

RISK_NOTICE = (
    "Once the numbers port, local services on those lines - such as alarm lines, broadband "
    "(ADSL), fax machines and franking machines - stop working, because the old line is "
    "ceased at the moment of porting. On the port date, service on the numbers may be lost "
    "for a while."
)
"""The warning every partner gets before port day (seed 003, "Risks")."""


class PortStatus(StrEnum):
    """Where a port request stands.

    A cancellation by the losing provider in time does not get a status of its own: the
    carrier's order is cancelled and porting starts again, so the request goes back to
    `submitted` (awaiting a new acceptance) and the event `PortCancelled(restarted=True)`
    tells what happened; `cancellations` keeps the record.
    """

    DRAFT = "draft"
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    COMPLETED = "completed"
    WITHDRAWN = "withdrawn"

    @property
    def holds_numbers(self) -> bool:
        """Whether a request in this status keeps its numbers from other requests."""
        return self in {PortStatus.SUBMITTED, PortStatus.ACCEPTED, PortStatus.REJECTED}


class NumberStatus(StrEnum):
    """Where one number of a request stands."""

    REQUESTED = "requested"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    PORTED = "ported"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class PortNumber:
    """One E.164 number of a request, with its own status (and reason when rejected)."""

    number: str
    status: NumberStatus = NumberStatus.REQUESTED
    reason: Reason | None = None


@dataclass(frozen=True)
class Address:
    """The registered address of the numbers (where the lines are installed)."""

    lines: tuple[str, ...]
    city: str
    postal_code: str
    country: str

    def missing_parts(self) -> list[str]:
        """Names of the parts left empty."""
        parts = {"lines": any(line.strip() for line in self.lines), "city": self.city.strip()}
        parts |= {"postal_code": self.postal_code.strip(), "country": self.country.strip()}
        return [name for name, value in parts.items() if not value]


@dataclass(frozen=True)
class PortDetails:
    """What the partner states about the port; required fields vary by country."""

    product: str
    numbers: tuple[NumberInput, ...] = ()
    main_billing_number: str | None = None
    registered_address: Address | None = None
    losing_provider: str | None = None
    range_holder: str | None = None
    calendar_subdivision: str | None = None
    extra_fields: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "numbers", tuple(self.numbers))
        object.__setattr__(self, "product", product_key(self.product))
        # A private copy: the caller's dict cannot change the details afterwards.
        object.__setattr__(self, "extra_fields", dict(self.extra_fields))

    def value_of(self, name: str) -> object:
        """The value of a standard field, else of the extra field `name` (None when absent)."""
        if name in _STANDARD_FIELDS:
            return getattr(self, name)
        return self.extra_fields.get(name)


_STANDARD_FIELDS = frozenset(f.name for f in dataclasses.fields(PortDetails)) - {"extra_fields"}


@dataclass(frozen=True)
class PortCorrections:
    """The fields a partner corrects on resubmission; None leaves a field as it was."""

    product: str | None = None
    numbers: tuple[NumberInput, ...] | None = None
    main_billing_number: str | None = None
    registered_address: Address | None = None
    losing_provider: str | None = None
    range_holder: str | None = None
    calendar_subdivision: str | None = None
    extra_fields: Mapping[str, str] | None = None

    def changed_fields(self) -> tuple[str, ...]:
        """Names of the fields this correction sets."""
        return tuple(f.name for f in dataclasses.fields(self) if getattr(self, f.name) is not None)

    def apply_to(self, details: PortDetails) -> PortDetails:
        """`details` with these corrections; extra fields are merged key by key."""
        changes: dict[str, object] = {
            name: getattr(self, name) for name in self.changed_fields() if name != "extra_fields"
        }
        if self.extra_fields is not None:
            changes["extra_fields"] = {**details.extra_fields, **self.extra_fields}
        return dataclasses.replace(details, **changes)  # type: ignore[arg-type]


@dataclass(frozen=True)
class HistoryEntry:
    """One thing that happened to a request: who, when, what, and why."""

    at: datetime
    actor: str
    action: str
    from_status: PortStatus | None
    to_status: PortStatus
    reason: str | None = None
    comment: str | None = None


@dataclass(frozen=True)
class CancellationRecord:
    """A cancellation reported by the losing provider, in time or late."""

    reported_at: datetime
    by: str
    reason: str | None
    port_date: date
    carrier_ref: str | None
    late: bool
    escalation_level: int | None = None
