"""Working-day, business-hour and maintenance-window calendars.

Everything here is pure: no clock reads, and no I/O beyond reading IANA's zone table from
the ``tzdata`` package once. Every instant is passed in by the caller and must be
timezone-aware; naive datetimes raise ``ValueError``.

Arithmetic on instants is done in UTC on purpose: Python adds and subtracts aware
datetimes that share a ``tzinfo`` by wall clock, which is wrong across a daylight
saving change (a 21:00→06:00 window is 8, 9 or 10 real hours depending on the day).
"""

from shared.calendars.maintenance import (
    DEFAULT_REGION_TIMEZONES,
    MaintenanceCalendar,
    MaintenanceWindow,
    Region,
    WindowKind,
)
from shared.calendars.working import EXTRA_HOLIDAY_NAME, WorkingCalendar
from shared.country_zones import country_timezone, country_timezones

__all__ = [
    "DEFAULT_REGION_TIMEZONES",
    "EXTRA_HOLIDAY_NAME",
    "MaintenanceCalendar",
    "MaintenanceWindow",
    "Region",
    "WindowKind",
    "WorkingCalendar",
    "country_timezone",
    "country_timezones",
]
