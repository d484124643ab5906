"""Maintenance windows per operating region: 21:00–06:00 local by default (domain.md §3).

Pure; every instant is timezone-aware (naive raises ``ValueError``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from types import MappingProxyType
from zoneinfo import ZoneInfo

from shared.calendars.working import _local_instant, _to_utc, _zone


class Region(StrEnum):
    """Operating region whose maintenance windows follow one local zone."""

    AMER = "AMER"
    APJC = "APJC"
    AUS = "AUS"
    EU = "EU"
    EMEA = "EMEA"
    UK = "UK"


DEFAULT_REGION_TIMEZONES: Mapping[Region, str] = MappingProxyType(
    {
        Region.AMER: "America/New_York",
        Region.APJC: "Asia/Tokyo",
        # Product decision: the seed data's "ACT" for AUS is ambiguous (a legacy IANA
        # alias and an abbreviation); Australia/Sydney is the Capital Territory's
        # zone. Override through MaintenanceCalendar(timezones=...).
        Region.AUS: "Australia/Sydney",
        Region.EU: "Europe/Berlin",
        Region.EMEA: "Europe/Berlin",
        Region.UK: "Europe/Berlin",
    }
)
"""Default IANA zone per region for maintenance windows."""


class WindowKind(StrEnum):
    """Whether a maintenance window starts on a weekday or at the weekend."""

    WEEKDAY = "weekday"
    WEEKEND = "weekend"


@dataclass(frozen=True)
class MaintenanceWindow:
    """One overnight maintenance window of a region, as aware local datetimes."""

    region: Region
    day: date
    start: datetime
    end: datetime
    kind: WindowKind

    def __post_init__(self) -> None:
        if _to_utc(self.end, "end") <= _to_utc(self.start, "start"):
            raise ValueError("a maintenance window must end after it starts")

    @property
    def duration(self) -> timedelta:
        """Return the real elapsed length of the window (8, 9 or 10 h around DST)."""
        return _to_utc(self.end, "end") - _to_utc(self.start, "start")

    def contains(self, at: datetime) -> bool:
        """Return whether start <= at < end."""
        return _to_utc(self.start, "start") <= _to_utc(at, "at") < _to_utc(self.end, "end")

    def covers(self, start: datetime, end: datetime) -> bool:
        """Return whether the whole interval [start, end] lies inside the window."""
        start_utc, end_utc = _to_utc(start, "start"), _to_utc(end, "end")
        if end_utc < start_utc:
            raise ValueError("end must not be earlier than start")
        return _to_utc(self.start, "start") <= start_utc and end_utc <= _to_utc(self.end, "end")


@dataclass(frozen=True)
class MaintenanceCalendar:
    """Nightly maintenance windows (21:00 to 06:00 local by default) per region."""

    timezones: Mapping[Region, str] = field(default_factory=lambda: DEFAULT_REGION_TIMEZONES)
    window_start: time = time(21, 0)
    window_end: time = time(6, 0)

    def __post_init__(self) -> None:
        # Copy into a read-only mapping so a caller mutating its dict later cannot
        # change a frozen calendar.
        zones = MappingProxyType({Region(k): v for k, v in self.timezones.items()})
        for name in zones.values():
            _zone(name)
        object.__setattr__(self, "timezones", zones)
        if self.window_start.tzinfo is not None or self.window_end.tzinfo is not None:
            raise ValueError("window_start and window_end must be naive local times")

    def __hash__(self) -> int:
        # The generated hash would fail on the mapping; hash its items instead.
        return hash((frozenset(self.timezones.items()), self.window_start, self.window_end))

    def zone(self, region: Region | str) -> ZoneInfo:
        """Return the configured zone of ``region``."""
        region = Region(region)
        try:
            return _zone(self.timezones[region])
        except KeyError:
            raise ValueError(f"no time zone configured for region {region}") from None

    def window_on(self, region: Region | str, day: date) -> MaintenanceWindow:
        """Return the window of ``region`` that starts on the local ``day``."""
        region = Region(region)
        zone = self.zone(region)
        # A window ending at or before its start time runs overnight into the next day.
        end_day = day + timedelta(days=1) if self.window_end <= self.window_start else day
        return MaintenanceWindow(
            region=region,
            day=day,
            start=_local_instant(day, self.window_start, zone).astimezone(zone),
            end=_local_instant(end_day, self.window_end, zone).astimezone(zone),
            # A window belongs to the day it starts on: Sun 21:00 → Mon 06:00 is a
            # weekend window, Fri 21:00 → Sat 06:00 a weekday one.
            kind=WindowKind.WEEKEND if day.weekday() >= 5 else WindowKind.WEEKDAY,
        )

    def window_at(self, region: Region | str, at: datetime) -> MaintenanceWindow | None:
        """Return the window of ``region`` containing ``at``, else None."""
        at_utc = _to_utc(at, "at")
        local_day = at_utc.astimezone(self.zone(region)).date()
        # In the small hours the containing window is the one that began yesterday.
        for day in (local_day - timedelta(days=1), local_day):
            window = self.window_on(region, day)
            if window.contains(at_utc):
                return window
        return None

    def next_window(
        self, region: Region | str, after: datetime, kind: WindowKind | None = None
    ) -> MaintenanceWindow:
        """Return the first window of ``region`` starting at or after ``after``, of ``kind``."""
        after_utc = _to_utc(after, "after")
        day = after_utc.astimezone(self.zone(region)).date() - timedelta(days=1)
        # Both kinds occur every week, so at most nine days need looking at.
        for _ in range(9):
            window = self.window_on(region, day)
            if _to_utc(window.start, "start") >= after_utc and kind in (None, window.kind):
                return window
            day += timedelta(days=1)
        raise AssertionError("unreachable: every week has weekday and weekend windows")

    def fits_window(
        self, region: Region | str, start: datetime, end: datetime
    ) -> MaintenanceWindow | None:
        """Return the window of ``region`` covering [start, end], else None."""
        start_utc, end_utc = _to_utc(start, "start"), _to_utc(end, "end")
        if end_utc < start_utc:
            raise ValueError("end must not be earlier than start")
        window = self.window_at(region, start_utc)
        if window is not None and window.covers(start_utc, end_utc):
            return window
        return None
