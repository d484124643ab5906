"""Working days and business hours per country and subdivision (the `holidays` library).

Pure; every instant is timezone-aware (naive raises ``ValueError``); arithmetic in UTC
(see the package docstring).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

from shared.country_zones import country_timezone

EXTRA_HOLIDAY_NAME = "Extra closed day"
"""Name reported by ``holiday_name`` for a configured extra closed day."""

_MIDNIGHT = time(0, 0)


def _to_utc(value: datetime, name: str) -> datetime:
    """Return the aware ``value`` as UTC, or raise ValueError if it is naive."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, got naive {value!r}")
    return value.astimezone(UTC)


def _local_instant(day: date, at: time, zone: ZoneInfo) -> datetime:
    """Return the UTC instant of wall-clock ``at`` on ``day`` in ``zone``."""
    # A wall time inside a spring-forward gap does not exist; fold=0 resolves it with
    # the pre-transition offset, i.e. to the instant just after the gap. An ambiguous
    # fall-back wall time resolves to its first occurrence.
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


def _zone(name: str) -> ZoneInfo:
    """Return the IANA zone ``name``, raising ValueError if it is unknown."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown IANA time zone {name!r}") from exc


@functools.lru_cache(maxsize=256)
def _holiday_language(country: str, subdivision: str | None) -> str | None:
    """Validate a country/subdivision pair and return its holidays' native language."""
    try:
        entity = holidays.country_holidays(country, subdiv=subdivision, years=())
    except NotImplementedError as exc:
        raise ValueError(str(exc)) from exc
    # Pinning the language keeps names independent of the host's locale, which the
    # holidays library would otherwise consult.
    language: str | None = entity.default_language
    return language


@functools.lru_cache(maxsize=1024)
def _holidays_for(country: str, subdivision: str | None, year: int) -> holidays.HolidayBase:
    """Build (once) the public holidays of one country/subdivision for one year."""
    # expand=False keeps the cached object from growing other years on lookup, so it
    # is never mutated after construction. Observed (substitute) days are included:
    # they are the days people actually take off.
    return holidays.country_holidays(
        country,
        subdiv=subdivision,
        years=year,
        expand=False,
        language=_holiday_language(country, subdivision),
    )


@dataclass(frozen=True)
class WorkingCalendar:
    """Working days and business hours of one country (or subdivision) in one zone."""

    country: str
    subdivision: str | None = None
    timezone: str = ""  # empty: the country's zone (`country_timezone`), never UTC by default
    extra_holidays: frozenset[date] = frozenset()
    business_open: time = time(9, 0)
    business_close: time = time(17, 0)
    weekend: frozenset[int] = frozenset({5, 6})

    def __post_init__(self) -> None:
        # Accept any iterable but store frozensets so the calendar stays hashable.
        object.__setattr__(self, "extra_holidays", frozenset(self.extra_holidays))
        object.__setattr__(self, "weekend", frozenset(self.weekend))
        if not self.timezone:
            object.__setattr__(self, "timezone", country_timezone(self.country))
        _holiday_language(self.country, self.subdivision)
        _zone(self.timezone)
        if self.business_open.tzinfo is not None or self.business_close.tzinfo is not None:
            raise ValueError("business_open and business_close must be naive local times")
        if not self.business_open < self.business_close:
            raise ValueError("business_open must be earlier than business_close")
        if not self.weekend <= set(range(7)):
            raise ValueError("weekend must hold weekday numbers 0 (Monday) to 6 (Sunday)")
        if len(self.weekend) == 7:
            # Otherwise every search for a working day would never end.
            raise ValueError("weekend cannot cover all seven days")

    @classmethod
    def for_country(
        cls,
        country: str,
        subdivision: str | None = None,
        timezone: str | None = None,
        extra_holidays: Iterable[date] = (),
        business_open: time = time(9, 0),
        business_close: time = time(17, 0),
        weekend: Iterable[int] = (5, 6),
    ) -> WorkingCalendar:
        """Build a calendar in the country's zone (`country_timezone`); GB defaults to England and
        Wales. Raises ValueError for an unknown country, subdivision or zone."""
        country = country.upper()
        if country == "GB" and subdivision is None:
            # UK-wide holidays alone miss England's Easter Monday and August bank
            # holiday; England and Wales ("ENG") share bank holidays and are the
            # common case, so they are the default. Pass "SCT" or "NIR" explicitly.
            subdivision = "ENG"
        return cls(
            country=country,
            subdivision=subdivision,
            timezone=timezone or country_timezone(country),
            extra_holidays=frozenset(extra_holidays),
            business_open=business_open,
            business_close=business_close,
            weekend=frozenset(weekend),
        )

    def tz(self) -> ZoneInfo:
        """Return the calendar's time zone."""
        return _zone(self.timezone)

    # -- days -----------------------------------------------------------------

    def holiday_name(self, day: date) -> str | None:
        """Return the holiday's name on ``day`` (in the country's language), else None."""
        name = _holidays_for(self.country, self.subdivision, day.year).get(day)
        if name is not None:
            return str(name)
        if day in self.extra_holidays:
            return EXTRA_HOLIDAY_NAME
        return None

    def is_holiday(self, day: date) -> bool:
        """Return whether ``day`` is a public or configured extra holiday."""
        return self.holiday_name(day) is not None

    def is_working_day(self, day: date) -> bool:
        """Return whether ``day`` is neither a weekend day nor a holiday."""
        return day.weekday() not in self.weekend and not self.is_holiday(day)

    def roll_forward(self, day: date) -> date:
        """Return ``day`` if it is a working day, else the next working day."""
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def next_working_day(self, day: date) -> date:
        """Return the first working day strictly after ``day``."""
        return self.roll_forward(day + timedelta(days=1))

    def add_working_days(self, start: date, n: int) -> date:
        """Return the n-th working day strictly after ``start``; n == 0 returns ``start``."""
        if n < 0:
            raise ValueError(f"n must be >= 0, got {n}")
        day = start
        for _ in range(n):
            day = self.next_working_day(day)
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Return the number of working days in (start, end]; negative if end < start."""
        if end < start:
            return -self.working_days_between(end, start)
        count = 0
        day = start + timedelta(days=1)
        while day <= end:
            count += self.is_working_day(day)
            day += timedelta(days=1)
        return count

    # -- business hours -------------------------------------------------------

    def _opening(self, day: date) -> datetime:
        """Return the UTC instant at which business opens on ``day``."""
        return _local_instant(day, self.business_open, self.tz())

    def _closing(self, day: date) -> datetime:
        """Return the UTC instant at which business closes on ``day``."""
        return _local_instant(day, self.business_close, self.tz())

    def _local_date(self, instant: datetime) -> date:
        """Return the calendar-local date of an aware instant."""
        return instant.astimezone(self.tz()).date()

    def is_business_time(self, at: datetime) -> bool:
        """Return whether ``at`` lies in business hours [open, close) on a working day."""
        at_utc = _to_utc(at, "at")
        day = self._local_date(at_utc)
        return self.is_working_day(day) and self._opening(day) <= at_utc < self._closing(day)

    def next_business_moment(self, at: datetime) -> datetime:
        """Return ``at`` if inside business hours, else the next opening, in the calendar zone."""
        at_utc = _to_utc(at, "at")
        day = self._local_date(at_utc)
        if self.is_working_day(day):
            if at_utc < self._opening(day):
                return self._opening(day).astimezone(self.tz())
            if at_utc < self._closing(day):
                return at_utc.astimezone(self.tz())
        return self._opening(self.next_working_day(day)).astimezone(self.tz())

    def add_business_hours(self, start: datetime, duration: timedelta) -> datetime:
        """Return the instant after ``duration`` of business time counted from ``start``."""
        if duration < timedelta(0):
            raise ValueError(f"duration must be >= 0, got {duration}")
        cursor = _to_utc(self.next_business_moment(start), "start")
        remaining = duration
        while True:
            day = self._local_date(cursor)
            available = self._closing(day) - cursor
            # "<=" so that a budget ending exactly at closing returns the closing time
            # (Mon 09:00 + 8 h is Mon 17:00, not Tue 09:00).
            if remaining <= available:
                return (cursor + remaining).astimezone(self.tz())
            remaining -= available
            cursor = self._opening(self.next_working_day(day))

    def business_time_between(self, start: datetime, end: datetime) -> timedelta:
        """Return the business time in [start, end); negative if end < start."""
        start_utc, end_utc = _to_utc(start, "start"), _to_utc(end, "end")
        if end_utc < start_utc:
            return -self.business_time_between(end_utc, start_utc)
        total = timedelta(0)
        day, last = self._local_date(start_utc), self._local_date(end_utc)
        while day <= last:
            if self.is_working_day(day):
                overlap = min(end_utc, self._closing(day)) - max(start_utc, self._opening(day))
                total += max(overlap, timedelta(0))
            day += timedelta(days=1)
        return total

    def add_working_day_hours(self, start: datetime, duration: timedelta) -> datetime:
        """Return the instant after ``duration`` counted round the clock on working days only."""
        if duration < timedelta(0):
            raise ValueError(f"duration must be >= 0, got {duration}")
        zone = self.tz()
        cursor = _to_utc(start, "start")
        day = self._local_date(cursor)
        if not self.is_working_day(day):
            day = self.next_working_day(day)
            cursor = _local_instant(day, _MIDNIGHT, zone)
        remaining = duration
        while True:
            # Real length of the local day: 23 or 25 hours across a DST change.
            available = _local_instant(day + timedelta(days=1), _MIDNIGHT, zone) - cursor
            # "<=" so that a budget ending exactly at midnight returns that midnight
            # (the end of the working day), even if the next day is not a working day.
            if remaining <= available:
                return (cursor + remaining).astimezone(zone)
            remaining -= available
            day = self.next_working_day(day)
            cursor = _local_instant(day, _MIDNIGHT, zone)
