"""The business calendar a ticket's clock runs on (spec/domain.md §4, clock details).

Tickets fall under the customer's SLA, so business days are the customer's: its country's
national holidays plus its subdivision's when the address gives one (GB: England and Wales
unless the address is in Scotland or Northern Ireland), in its time zone; the partner's
calendar when the customer's is unknown. Holidays and business-hour arithmetic come from
`shared.calendars.WorkingCalendar` (the `holidays` library); this module only decides
*which* calendar applies.

The time zone of a place is, in this order: the zone stated for it; a zone fixed by its
subdivision (e.g. the Canary Islands, Australian states); the zone of its country from
IANA's `zone.tab` (`shared.country_zones`) when all of the country's zones keep the same
UTC offsets (Germany's Berlin and Büsingen are one business clock). A country whose zones
differ (Brazil, the US, Spain with the Canaries) without a stated zone or subdivision is
"unknown" — the ticket then runs on the partner's calendar rather than on a guess.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import UTC, datetime, time
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

from shared.calendars import WorkingCalendar
from shared.country_zones import country_timezones

WEEKDAYS = frozenset(range(5))

SUBDIVISION_TIMEZONES: dict[tuple[str, str], str] = {
    ("ES", "CN"): "Atlantic/Canary",
    ("PT", "20"): "Atlantic/Azores",
    ("PT", "30"): "Atlantic/Madeira",
    ("AU", "ACT"): "Australia/Sydney",
    ("AU", "NSW"): "Australia/Sydney",
    ("AU", "VIC"): "Australia/Melbourne",
    ("AU", "QLD"): "Australia/Brisbane",
    ("AU", "SA"): "Australia/Adelaide",
    ("AU", "WA"): "Australia/Perth",
    ("AU", "TAS"): "Australia/Hobart",
    ("AU", "NT"): "Australia/Darwin",
}
"""Subdivisions whose zone differs from their country's default (ISO 3166-2 suffixes)."""


@dataclass(frozen=True)
class BusinessHours:
    """Business hours: the half-open local interval [opens, closes) on `workdays` (0 = Monday).

    Default 09:00–17:00, Monday–Friday (§4, product decision): a ticket opened at 17:00:00
    is outside them, and a due time can fall exactly at 17:00.
    """

    opens: time = time(9, 0)
    closes: time = time(17, 0)
    workdays: frozenset[int] = WEEKDAYS

    def __post_init__(self) -> None:
        object.__setattr__(self, "workdays", frozenset(self.workdays))
        if not self.opens < self.closes:
            raise ValueError("business hours must open before they close")
        if not self.workdays or not self.workdays <= set(range(7)):
            raise ValueError("workdays must be a non-empty set of 0 (Monday) … 6 (Sunday)")


@dataclass(frozen=True)
class Location:
    """Where a customer or partner is: ISO country, optional subdivision and IANA zone."""

    country: str
    subdivision: str | None = None
    time_zone: str | None = None


class CalendarSource(StrEnum):
    """Whose calendar a ticket's clock runs on."""

    CUSTOMER = "customer"
    PARTNER = "partner"


@dataclass(frozen=True)
class CalendarChoice:
    """The calendar chosen for a ticket and why (`notes` hold machine-readable codes)."""

    source: CalendarSource
    country: str
    subdivision: str | None
    time_zone: str
    hours: BusinessHours
    notes: tuple[str, ...] = ()

    @property
    def calendar(self) -> WorkingCalendar:
        """The working calendar: holidays of country/subdivision, zone, business hours."""
        return working_calendar(self.country, self.subdivision, self.time_zone, self.hours)


@functools.lru_cache(maxsize=512)
def working_calendar(
    country: str, subdivision: str | None, time_zone: str, hours: BusinessHours
) -> WorkingCalendar:
    """The shared `WorkingCalendar` for these facts (built once; GB defaults to England)."""
    return WorkingCalendar.for_country(
        country,
        subdivision=subdivision,
        timezone=time_zone,
        business_open=hours.opens,
        business_close=hours.closes,
        weekend=frozenset(range(7)) - hours.workdays,
    )


def is_known_zone(name: str) -> bool:
    """Whether `name` is an IANA time zone."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


@functools.lru_cache(maxsize=256)
def normalise_subdivision(country: str, subdivision: str | None) -> str | None:
    """The `holidays` code of a subdivision given as code, `GB-SCT` or name; None if unknown.

    `England`, `scotland`, `GB-NIR`, `SCT` all work; an unknown one gives None (the
    national holidays alone apply, see `CalendarChoice.notes`).
    """
    if subdivision is None or not subdivision.strip():
        return None
    country = country.upper()
    try:
        entity = holidays.country_holidays(country, years=())
    except NotImplementedError:
        return None
    text = subdivision.strip()
    if text.upper().startswith(f"{country}-"):
        text = text[len(country) + 1 :]
    codes = {code.upper(): code for code in entity.subdivisions}
    aliases = {alias.casefold(): code for alias, code in entity.subdivisions_aliases.items()}
    return codes.get(text.upper()) or aliases.get(text.casefold())


def zone_of(location: Location) -> str | None:
    """The IANA zone of `location` (see the module docstring for the order), else None."""
    if location.time_zone and is_known_zone(location.time_zone):
        return location.time_zone
    country = location.country.upper()
    subdivision = normalise_subdivision(country, location.subdivision)
    if subdivision is not None and (country, subdivision) in SUBDIVISION_TIMEZONES:
        return SUBDIVISION_TIMEZONES[(country, subdivision)]
    zones = country_timezones(country)
    return zones[0] if zones and _one_clock(zones) else None


_REFERENCE_INSTANTS = (
    datetime(2026, 1, 15, 12, tzinfo=UTC),
    datetime(2026, 7, 15, 12, tzinfo=UTC),
)


@functools.lru_cache(maxsize=256)
def _one_clock(zones: tuple[str, ...]) -> bool:
    """Whether every zone keeps the same UTC offsets (winter and summer): then the country
    has one business clock (Germany's Berlin and Büsingen), else it needs the place's zone."""
    return all(
        len({at.astimezone(ZoneInfo(z)).utcoffset() for z in zones}) == 1
        for at in _REFERENCE_INSTANTS
    )


def _has_holidays(country: str) -> bool:
    try:
        holidays.country_holidays(country.upper(), years=())
    except NotImplementedError:
        return False
    return True


def ticket_calendar(
    customer: Location | None, partner: Location, hours: BusinessHours = BusinessHours()
) -> CalendarChoice:
    """The calendar a ticket's S3/S4 clock runs on: the customer's, else the partner's.

    The customer's is unknown when there is no location, its country has no holiday data,
    or its zone cannot be determined. If the partner's zone cannot be determined either,
    the partner's holidays apply in UTC (note `time_zone_unknown`); a partner country
    without holiday data (none of the countries served) falls back to GB's. Notes:
    `customer_calendar_unknown`, `subdivision_unknown`, `time_zone_unknown`.
    """
    notes: list[str] = []
    if customer is not None:
        chosen = _choice(customer, CalendarSource.CUSTOMER, hours, notes)
        if chosen is not None:
            return chosen
    notes.append("customer_calendar_unknown")
    chosen = _choice(partner, CalendarSource.PARTNER, hours, notes)
    if chosen is not None:
        return chosen
    country = partner.country.upper() if _has_holidays(partner.country) else "GB"
    notes.append("time_zone_unknown")
    return CalendarChoice(CalendarSource.PARTNER, country, None, "UTC", hours, tuple(notes))


def _choice(
    location: Location, source: CalendarSource, hours: BusinessHours, notes: list[str]
) -> CalendarChoice | None:
    country = location.country.upper()
    zone = zone_of(location)
    if zone is None or not _has_holidays(country):
        return None
    subdivision = normalise_subdivision(country, location.subdivision)
    if location.subdivision and subdivision is None:
        notes.append("subdivision_unknown")
    if country == "GB" and subdivision is None:
        subdivision = "ENG"  # England and Wales unless the address says otherwise
    return CalendarChoice(source, country, subdivision, zone, hours, tuple(notes))
