"""The configurable numbers of maintenance alerts (domain.md §3) and the regions' calendars.

Windows come from `shared.calendars.MaintenanceCalendar` (21:00–06:00 local per region,
zones configurable; AUS defaults to Australia/Sydney, the Capital Territory's zone — the
seed's "ACT" is ambiguous). Business days for the notice rule are Monday–Friday minus the
region's configured holidays (default none); a holiday weekday still has a weekday window.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from types import MappingProxyType
from zoneinfo import ZoneInfo

from shared.calendars import MaintenanceCalendar, Region

DEFAULT_REMINDERS = (timedelta(hours=72), timedelta(hours=24))
"""§3: reminders 72 h and 24 h (elapsed) before the start."""


def aware(value: datetime, name: str = "instant") -> datetime:
    """Return ``value`` as UTC; raise ValueError if it is naive.

    Instants are kept in UTC on purpose: Python compares and subtracts two datetimes that
    share a ``tzinfo`` by wall clock, which is wrong across a daylight-saving change.
    """
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, got naive {value!r}")
    return value.astimezone(UTC)


@dataclass(frozen=True, eq=False)
class MaintenancePolicy:
    """Zones, holidays, notice, reminders and reschedule limits of §3 (all configuration).

    `notice_business_days`: work needing notice starts no earlier than the N-th business
    day after the day of notice (10). `reminders`: elapsed time before the start (72 h,
    24 h). `answer_business_days`: a partner that conflicts answers within this many
    business days (the seed's "2–3 days": 3). `upgrade_reschedules`: how often an upgrade
    may be moved (1); `upgrade_reschedule_cutoff_days`: not within this many wall-clock
    days of it (7). `certificate_renewal_days`: renewal happens this many local calendar
    days before expiry (3 to 7).
    """

    calendar: MaintenanceCalendar = field(default_factory=MaintenanceCalendar)
    holidays: Mapping[Region | str, Collection[date]] = field(default_factory=dict)
    notice_business_days: int = 10
    answer_business_days: int = 3
    reminders: tuple[timedelta, ...] = DEFAULT_REMINDERS
    upgrade_reschedules: int = 1
    upgrade_reschedule_cutoff_days: int = 7
    certificate_renewal_days: tuple[int, int] = (3, 7)

    def __post_init__(self) -> None:
        holidays = MappingProxyType({Region(k): frozenset(v) for k, v in self.holidays.items()})
        object.__setattr__(self, "holidays", holidays)
        reminders = tuple(sorted(set(self.reminders), reverse=True))
        if any(r <= timedelta(0) for r in reminders):
            raise ValueError("reminders are positive durations before the start")
        object.__setattr__(self, "reminders", reminders)
        if self.notice_business_days < 0 or self.answer_business_days < 0:
            raise ValueError("business-day counts must be >= 0")
        low, high = self.certificate_renewal_days
        if not 0 <= low <= high:
            raise ValueError("certificate_renewal_days must be (low, high) with 0 <= low <= high")

    # -- zones and local dates ---------------------------------------------------

    def zone(self, region: Region | str) -> ZoneInfo:
        """The configured IANA zone of ``region``."""
        return self.calendar.zone(region)

    def local_date(self, region: Region | str, at: datetime) -> date:
        """The calendar date of ``at`` on the region's wall clock."""
        return aware(at).astimezone(self.zone(region)).date()

    # -- business days (§3 "10 business days ahead") -------------------------------

    def is_business_day(self, region: Region | str, day: date) -> bool:
        """Monday–Friday and not one of the region's configured holidays."""
        return day.weekday() < 5 and day not in self.holidays.get(Region(region), frozenset())

    def add_business_days(self, region: Region | str, day: date, n: int) -> date:
        """The n-th business day strictly after ``day`` (n == 0 returns ``day``)."""
        if n < 0:
            raise ValueError(f"n must be >= 0, got {n}")
        for _ in range(n):
            day += timedelta(days=1)
            while not self.is_business_day(region, day):
                day += timedelta(days=1)
        return day

    def earliest_start_date(self, region: Region | str, noticed_at: datetime) -> date:
        """§3: the first local date impactful work may start on when noticed at ``noticed_at``.

        The day of notice is the local date in the region's zone; the result is the
        `notice_business_days`-th business day after it.
        """
        notice_day = self.local_date(region, noticed_at)
        return self.add_business_days(region, notice_day, self.notice_business_days)

    def answer_by(self, region: Region | str, noticed_at: datetime) -> date:
        """The local date by which a partner whose business conflicts should answer (§3)."""
        notice_day = self.local_date(region, noticed_at)
        return self.add_business_days(region, notice_day, self.answer_business_days)

    # -- upgrade reschedule cut-off (§3 "up to a week before it") -------------------------

    def upgrade_reschedule_deadline(self, region: Region | str, start: datetime) -> datetime:
        """The last instant an upgrade starting at ``start`` may be rescheduled (UTC).

        Seven calendar days on the region's wall clock: the same local time a week
        earlier, which is 167 or 169 elapsed hours across a daylight-saving change.
        """
        zone = self.zone(region)
        local = aware(start, "start").astimezone(zone).replace(tzinfo=None)
        earlier = local - timedelta(days=self.upgrade_reschedule_cutoff_days)
        return earlier.replace(tzinfo=zone).astimezone(UTC)
