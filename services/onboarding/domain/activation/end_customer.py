"""What a tenant activation request carries and the clocks it runs on (§1.5).

Complete end-customer data (also for the export-control check), addresses tied to a
tenant of the older product (never used again), and cloud operations' working-day clock
for the 48-hour invitation deadline. `activation` re-exports all of it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta
from typing import Protocol

from services.onboarding.domain.errors import Reason
from services.onboarding.domain.partners.partners import (
    country_reason,
    email_reason,
    normalise_email,
)
from shared.calendars import WorkingCalendar

INVITATION_DUE_WITHIN = timedelta(hours=48)  # counted on working days only
INVITATION_VALID_FOR = timedelta(hours=72)  # real hours
LEGACY_EMAIL_REASON = "email_tied_to_legacy_tenant"
LEGACY_TENANT_REASON = "legacy_tenant_not_reusable"


def legacy_email_reason(email: str, legacy_emails: Collection[str]) -> Reason | None:
    """The refusal of an address tied to a tenant of the older product (§1.5), if it is."""
    if normalise_email(email) not in {normalise_email(e) for e in legacy_emails}:
        return None
    return Reason(
        LEGACY_EMAIL_REASON,
        "this address is tied to a tenant of the older product and cannot be used again; "
        "use a new address",
        "admin_email",
    )


class WorkingDayClock(Protocol):
    """Counts hours on working days only (`shared.calendars.WorkingCalendar` is one)."""

    def add_working_day_hours(self, start: datetime, duration: timedelta) -> datetime: ...


def cloud_operations_calendar(extra_holidays: Iterable[date] = ()) -> WorkingCalendar:
    """Cloud operations' working days: Monday–Friday, Europe/Berlin, German holidays."""
    return WorkingCalendar.for_country(
        "DE", timezone="Europe/Berlin", extra_holidays=extra_holidays
    )


def invitation_due_at(received_at: datetime, calendar: WorkingDayClock) -> datetime:
    """When cloud operations must have sent the invitation (48 working-day hours)."""
    return calendar.add_working_day_hours(received_at, INVITATION_DUE_WITHIN)


@dataclass(frozen=True)
class EndCustomerData:
    """Complete end-customer data, also what the export-control check needs."""

    company_name: str
    street: str
    postal_code: str
    city: str
    country: str  # ISO 3166-1 alpha-2
    admin_first_name: str
    admin_last_name: str
    admin_email: str  # becomes the first tenant administrator
    business_activity: str  # export control: what the company does
    end_use: str  # export control: what the service will be used for

    def reasons(self, legacy_emails: Collection[str]) -> list[Reason]:
        """Every problem with the data, one reason per field."""
        reasons = [
            Reason("missing", f"{f.name} is required", f.name)
            for f in fields(self)
            if f.name != "admin_email" and not str(getattr(self, f.name)).strip()
        ]
        if self.country.strip() and (problem := country_reason(self.country, "country")):
            reasons.append(problem)
        problem = email_reason(self.admin_email, "admin_email") or legacy_email_reason(
            self.admin_email, legacy_emails
        )
        if problem:
            reasons.append(problem)
        return reasons
