"""Porting's rules about time: lead times, port dates, the cancellation cut-off, timers.

All are pure functions of their arguments; `now` and every instant come from the caller
and must be timezone-aware. Days are counted in the country's `WorkingCalendar`.
"""

from __future__ import annotations

import functools
from datetime import date, datetime, time, timedelta

from services.porting.domain.errors import InvalidPortDate, Reason, UnknownLeadTime
from services.porting.domain.policy import PortingRules, product_key
from shared.calendars import WorkingCalendar


def lead_time(rules: PortingRules, country: str, product: str) -> int:
    """Working days from acceptance to port date for `country` and `product`."""
    country, product = country.upper(), product_key(product)
    configured = rules.lead_times.get(country, {}).get(product)
    if configured is not None:
        return configured
    if country in rules.european_countries:
        return rules.european_lead_days
    raise UnknownLeadTime(
        f"no lead time is configured for {product!r} ports in {country}",
        details={"country": country, "product": product},
        field="product",
    )


def working_calendar(
    rules: PortingRules, country: str, subdivision: str | None = None
) -> WorkingCalendar:
    """The calendar of `country`; `subdivision` overrides the configured one (e.g. SCT)."""
    country = country.upper()
    return _calendar(
        country,
        subdivision or rules.calendar_subdivisions.get(country),
        rules.calendar_timezones.get(country),
    )


@functools.lru_cache(maxsize=256)
def _calendar(country: str, subdivision: str | None, timezone: str | None) -> WorkingCalendar:
    return WorkingCalendar.for_country(country, subdivision=subdivision, timezone=timezone)


def _local_day(instant: datetime, calendar: WorkingCalendar) -> date:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"a timezone-aware datetime is required, got {instant!r}")
    return instant.astimezone(calendar.tz()).date()


def port_date(accepted_at: datetime, calendar: WorkingCalendar, lead_days: int) -> date:
    """The `lead_days`-th working day after the (local) day of acceptance.

    Acceptance on a weekend or holiday counts from the next working day, so a Saturday
    acceptance gives the same port date as one on the following Monday.
    """
    accepted_on = calendar.roll_forward(_local_day(accepted_at, calendar))
    return calendar.add_working_days(accepted_on, lead_days)


def cancellation_cutoff(port_date: date, calendar: WorkingCalendar) -> datetime:
    """The last instant the losing provider may cancel: 00:00 local, two days before.

    Product decision (domain.md section 2): the port date starts at 00:00 in the country's
    zone, so "up to 48 hours before" ends at 00:00 two calendar days earlier (wall clock,
    so 47 or 49 real hours across a daylight-saving change).
    """
    return datetime.combine(port_date - timedelta(days=2), time(0, 0), tzinfo=calendar.tz())


def is_cancellation_late(reported_at: datetime, port_date: date, calendar: WorkingCalendar) -> bool:
    """Whether a cancellation reported at `reported_at` comes after the cut-off.

    A cancellation reported exactly at the cut-off is still in time ("up to 48 hours").
    """
    _local_day(reported_at, calendar)  # refuses naive instants
    return reported_at > cancellation_cutoff(port_date, calendar)


def earliest_carrier_port_date(
    accepted_at: datetime, judged_at: datetime, calendar: WorkingCalendar, lead_days: int | None
) -> date:
    """The first port date a carrier may set: a working day after the day of acceptance,
    whose cancellation cut-off has not passed at `judged_at`, and not before the lead time
    allows (`lead_days` working days; None: no lead-time floor)."""
    accepted_on = _local_day(accepted_at, calendar)
    floor = accepted_on if lead_days is None else port_date(accepted_at, calendar, lead_days)
    day = max(floor, accepted_on + timedelta(days=1))
    while not calendar.is_working_day(day) or cancellation_cutoff(day, calendar) < judged_at:
        day += timedelta(days=1)
    return day


def lead_time_port_date(
    accepted_at: datetime, calendar: WorkingCalendar, lead_days: int
) -> date | None:
    """`port_date`, or None when the calendar runs out (an acceptance near year 1 or 9999)."""
    try:
        return port_date(accepted_at, calendar, lead_days)
    except (OverflowError, ValueError):
        _local_day(accepted_at, calendar)  # a naive instant is still an error
        return None


def acceptance_reasons(
    accepted_at: datetime,
    handled_at: datetime,
    submitted_at: datetime | None,
    rules: PortingRules,
) -> list[Reason]:
    """What is wrong with a carrier's acceptance instant (field `accepted_at`), judged at
    `handled_at` (the service clock when the answer is handled).

    Product decisions (issue 7): `accepted_at_in_future` when it lies more than
    `rules.acceptance_clock_skew` after `handled_at`; `accepted_at_too_old` when it lies
    more than `rules.acceptance_max_age` before it; `accepted_before_submission` when it
    lies more than the skew before this round's submission (`submitted_at`; None: not
    checked), since a carrier cannot accept what it was not sent.
    """
    skew = rules.acceptance_clock_skew
    reasons: list[Reason] = []
    if accepted_at > handled_at + skew:
        reasons.append(
            Reason(
                "accepted_at_in_future",
                f"accepted_at {accepted_at.isoformat()} is later than the instant it was "
                f"handled ({handled_at.isoformat()}) by more than {skew}",
                field="accepted_at",
            )
        )
    if accepted_at < handled_at - rules.acceptance_max_age:
        reasons.append(
            Reason(
                "accepted_at_too_old",
                f"accepted_at {accepted_at.isoformat()} is more than "
                f"{rules.acceptance_max_age.days} days before the instant it was handled "
                f"({handled_at.isoformat()})",
                field="accepted_at",
            )
        )
    if submitted_at is not None and accepted_at < submitted_at - skew:
        reasons.append(
            Reason(
                "accepted_before_submission",
                f"accepted_at {accepted_at.isoformat()} is before the request was submitted "
                f"to the carrier ({submitted_at.isoformat()})",
                field="accepted_at",
            )
        )
    return reasons


def port_date_reasons(
    day: date,
    accepted_at: datetime,
    judged_at: datetime,
    calendar: WorkingCalendar,
    lead_days: int | None,
    horizon_days: int | None = None,
) -> list[Reason]:
    """Every rule a port date (stated by the carrier or computed) breaks (domain.md
    section 2); see `check_carrier_port_date`. Field of every reason: `port_date`."""
    accepted_on = _local_day(accepted_at, calendar)
    _local_day(judged_at, calendar)  # refuses naive instants
    reasons: list[Reason] = []
    if day <= accepted_on:
        reasons.append(
            Reason(
                "port_date_not_after_acceptance",
                f"port date {day} is not after the day of acceptance {accepted_on}",
                field="port_date",
            )
        )
    if horizon_days is not None and (day - accepted_on).days > horizon_days:
        reasons.append(
            Reason(
                "port_date_beyond_horizon",
                f"port date {day} is more than {horizon_days} days after the day of "
                f"acceptance {accepted_on}",
                field="port_date",
            )
        )
    if not calendar.is_working_day(day):
        why = calendar.holiday_name(day) or "a weekend day"
        reasons.append(
            Reason(
                "port_date_not_a_working_day",
                f"port date {day} is not a working day in {calendar.country} ({why})",
                field="port_date",
            )
        )
    cutoff = cancellation_cutoff(day, calendar)
    if cutoff < judged_at:
        reasons.append(
            Reason(
                "cancellation_cutoff_passed",
                f"the losing provider's cancellation cut-off {cutoff.isoformat()} for port "
                f"date {day} has already passed",
                field="port_date",
            )
        )
    floor = None if lead_days is None else lead_time_port_date(accepted_at, calendar, lead_days)
    if lead_days is not None and floor is not None and day < floor:
        reasons.append(
            Reason(
                "port_date_before_lead_time",
                f"port date {day} is earlier than {lead_days} working days after acceptance "
                f"({floor})",
                field="port_date",
            )
        )
    return reasons


def check_carrier_port_date(
    day: date,
    accepted_at: datetime,
    judged_at: datetime,
    calendar: WorkingCalendar,
    lead_days: int | None,
    horizon_days: int | None = None,
) -> None:
    """Refuse a port date stated by the carrier unless every rule holds (domain.md section 2).

    The date must be after the (local) day of acceptance, a working day of the request's
    calendar (no weekend, no public holiday), late enough that the losing provider's
    cancellation cut-off (00:00 two days before) has not passed at `judged_at`, when
    `lead_days` is given no earlier than the lead time counted from acceptance, and when
    `horizon_days` is given at most that many days after the day of acceptance. Raises
    `InvalidPortDate` with one reason per broken rule and the earliest acceptable date.
    """
    reasons = port_date_reasons(day, accepted_at, judged_at, calendar, lead_days, horizon_days)
    if reasons:
        earliest = earliest_carrier_port_date(accepted_at, judged_at, calendar, lead_days)
        raise InvalidPortDate(reasons, earliest, port_date=day)


def check_acceptance(
    day: date | None,
    accepted_at: datetime,
    handled_at: datetime,
    submitted_at: datetime | None,
    calendar: WorkingCalendar,
    lead_days: int | None,
    rules: PortingRules,
) -> None:
    """Refuse a carrier's acceptance unless its instant and its port date `day` (stated, or
    computed from the lead time; None: could not be computed) keep every rule — one rule
    for both kinds of date.

    The instant: `acceptance_reasons`. The date: `port_date_reasons`, judged as of the
    later of `accepted_at` and `handled_at`, at most `rules.port_date_horizon_days` after
    acceptance. Raises `InvalidPortDate` with every reason; its `earliest_port_date` is
    None when the instant itself is refused (no date can be told from it).
    """
    handled_at = _aware(handled_at)
    reasons = acceptance_reasons(accepted_at, handled_at, submitted_at, rules)
    judged_at = max(accepted_at, handled_at)
    if day is not None:
        horizon = rules.port_date_horizon_days
        reasons += port_date_reasons(day, accepted_at, judged_at, calendar, lead_days, horizon)
    if not reasons:
        return
    instant_refused = any(r.field == "accepted_at" for r in reasons)
    earliest = (
        None
        if instant_refused
        else earliest_carrier_port_date(accepted_at, judged_at, calendar, lead_days)
    )
    raise InvalidPortDate(reasons, earliest, port_date=day)


def _aware(instant: datetime) -> datetime:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"a timezone-aware datetime is required, got {instant!r}")
    return instant


def working_days_before(day: date, calendar: WorkingCalendar, n: int) -> date:
    """The n-th working day strictly before `day`."""
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    for _ in range(n):
        day -= timedelta(days=1)
        while not calendar.is_working_day(day):
            day -= timedelta(days=1)
    return day


def reminder_at(port_date: date, calendar: WorkingCalendar, days_before: int) -> datetime:
    """When the partner's port-date reminder with the risk notice is due.

    At business opening, `days_before` working days before the port date.
    """
    day = working_days_before(port_date, calendar, days_before)
    return datetime.combine(day, calendar.business_open, tzinfo=calendar.tz())


def carrier_answer_due_at(
    awaiting_since: datetime, calendar: WorkingCalendar, working_days: int
) -> datetime:
    """When a request without a carrier answer becomes overdue (round-the-clock working days)."""
    return calendar.add_working_day_hours(awaiting_since, timedelta(days=working_days))


def escalation_thresholds(
    awaiting_since: datetime, rules: PortingRules, calendar: WorkingCalendar
) -> list[datetime]:
    """The instants at which levels 0, 1, ... of the escalation matrix are reached."""
    due = carrier_answer_due_at(awaiting_since, calendar, rules.carrier_answer_overdue_working_days)
    return [
        _level_reached(due, level, rules, calendar)
        for level in range(rules.top_escalation_level + 1)
    ]


def escalation_threshold(
    awaiting_since: datetime, level: int, rules: PortingRules, calendar: WorkingCalendar
) -> datetime | None:
    """The instant escalation `level` is reached (`escalation_thresholds(...)[level]`, for
    one level only: the port request's next timer needs no other); None beyond the top."""
    if not 0 <= level <= rules.top_escalation_level:
        return None
    due = carrier_answer_due_at(awaiting_since, calendar, rules.carrier_answer_overdue_working_days)
    return _level_reached(due, level, rules, calendar)


def _level_reached(
    due: datetime, level: int, rules: PortingRules, calendar: WorkingCalendar
) -> datetime:
    """Level 0 is reached when the carrier's answer is overdue, each further level
    `escalation_step` later, counted round the clock on working days."""
    return calendar.add_working_day_hours(due, rules.escalation_step * level)


def escalation_level_at(
    awaiting_since: datetime, now: datetime, rules: PortingRules, calendar: WorkingCalendar
) -> int | None:
    """The escalation level reached at `now` (None while the carrier answer is not overdue)."""
    _local_day(now, calendar)  # refuses naive instants
    reached = [
        level
        for level, at in enumerate(escalation_thresholds(awaiting_since, rules, calendar))
        if at <= now
    ]
    return reached[-1] if reached else None
