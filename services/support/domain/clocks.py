"""Due instants of response clocks, status updates and escalation levels (spec/domain.md §4).

- Elapsed objectives (S1 15 min, S2 30 min) are added to the UTC instant, so a DST night
  neither shortens nor lengthens them.
- Business objectives (S3 8 h, S4 24 h) are counted in the calendar's business hours; a
  clock started outside them starts at the next business hour (`WorkingCalendar`).
- An acknowledgment at exactly the due instant meets the objective: the clock is breached
  only from the first millisecond after it (`breach_at`). Instants are rounded *up* to
  whole milliseconds because MongoDB keeps milliseconds: a due instant read back from the
  database is then the same instant the domain computed (and never earlier).
- Escalation delays run from the previous level, in elapsed time.

Every function takes and returns timezone-aware datetimes (UTC unless said otherwise) and
raises `ValueError` for a naive one.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from services.support.domain.policy import Basis, EscalationLevel, Objective
from shared.calendars import WorkingCalendar

MILLISECOND = timedelta(milliseconds=1)


def aware(instant: datetime, name: str = "now") -> datetime:
    """`instant` in UTC, after refusing a naive datetime."""
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, got {instant!r}")
    return instant.astimezone(UTC)


def ceil_ms(instant: datetime) -> datetime:
    """`instant` in UTC rounded up to a whole millisecond (the database's precision)."""
    instant = aware(instant, "instant")
    extra = instant.microsecond % 1000
    return instant if not extra else instant + timedelta(microseconds=1000 - extra)


def due_at(start: datetime, objective: Objective, calendar: WorkingCalendar) -> datetime:
    """When `objective` counted from `start` runs out (UTC, whole milliseconds)."""
    start = aware(start, "start")
    if objective.basis is Basis.ELAPSED:
        return ceil_ms(start + objective.duration)
    return ceil_ms(calendar.add_business_hours(start, objective.duration))


def clock_started_at(start: datetime, objective: Objective, calendar: WorkingCalendar) -> datetime:
    """When a clock started at `start` really starts counting (next business hour if needed)."""
    start = aware(start, "start")
    if objective.basis is Basis.ELAPSED:
        return start
    return aware(calendar.next_business_moment(start))


def breach_at(due: datetime) -> datetime:
    """The first instant the objective is missed: one millisecond after `due`."""
    return aware(due, "due") + MILLISECOND


def is_met(done_at: datetime, due: datetime) -> bool:
    """Whether something done at `done_at` meets an objective due at `due` (equal meets)."""
    return aware(done_at, "done_at") <= aware(due, "due")


def local(instant: datetime, time_zone: str) -> datetime:
    """The same instant on the wall clock of `time_zone` (for e-mails)."""
    return aware(instant, "instant").astimezone(ZoneInfo(time_zone))


def escalation_times(started_at: datetime, levels: Sequence[EscalationLevel]) -> list[datetime]:
    """When each level is reached: level 0 `delay` after `started_at`, each next after the last.

    Elapsed time (§4: "escalation delays run from the previous level, in elapsed time").
    """
    at = aware(started_at, "started_at")
    times: list[datetime] = []
    for level in levels:
        at = at + level.delay
        times.append(at)
    return times


def levels_reached(started_at: datetime, levels: Sequence[EscalationLevel], now: datetime) -> int:
    """How many escalation levels are reached at `now` (0 … len(levels))."""
    now = aware(now)
    return sum(1 for at in escalation_times(started_at, levels) if at <= now)


def business_time(calendar: WorkingCalendar, start: datetime, end: datetime) -> timedelta:
    """The business time in [start, end) on `calendar` (for waiting periods and reports)."""
    return calendar.business_time_between(aware(start, "start"), aware(end, "end"))
