"""§3 windows and notice, pinned at exact instants in AMER, APJC, AUS and EU, DST included."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from services.notifications.domain.policy import MaintenancePolicy
from services.notifications.domain.schedule import (
    MaintenanceKind,
    MaintenancePlan,
    assess,
    plan_problems,
)
from shared.calendars import MaintenanceCalendar, MaintenanceWindow, Region
from tests.unit.notifications.samples import POLICY, codes, local, plan, utc

pytestmark = pytest.mark.unit

FOUR = (Region.AMER, Region.APJC, Region.AUS, Region.EU)
EARLY = utc(2026, 5, 1)  # a notice long before any start below: the notice rule holds
MINUTE = timedelta(minutes=1)


def window_of(p: MaintenancePlan) -> MaintenanceWindow:
    window = assess(POLICY, p).window
    assert window is not None
    return window


# -- where a window starts and ends ----------------------------------------------------


@pytest.mark.parametrize("region", FOUR)
def test_a_weekday_window_opens_at_21_00_local_and_closes_at_06_00(region):
    opens = local(region, 2026, 6, 16, 21)  # Tuesday
    for start, allowed in (
        (opens - MINUTE, False),
        (opens, True),
        (local(region, 2026, 6, 17, 5, 59), True),
        (local(region, 2026, 6, 17, 6), False),
    ):
        p = plan(region, MaintenanceKind.ROUTINE, start=start, hours=0.01)
        problems = codes(plan_problems(POLICY, p, EARLY))
        assert ("start_outside_window" not in problems) is allowed, (region, start)


@pytest.mark.parametrize(
    ("region", "utc_open"),
    [
        (Region.AMER, utc(2026, 6, 17, 1)),  # 21:00 EDT (UTC-4)
        (Region.APJC, utc(2026, 6, 16, 12)),  # 21:00 JST (UTC+9)
        (Region.AUS, utc(2026, 6, 16, 11)),  # 21:00 AEST (UTC+10), Australia/Sydney
        (Region.EU, utc(2026, 6, 16, 19)),  # 21:00 CEST (UTC+2)
        (Region.UK, utc(2026, 6, 16, 19)),  # UK windows follow Central European time
        (Region.EMEA, utc(2026, 6, 16, 19)),
    ],
)
def test_each_region_opens_its_window_at_its_own_zone_s_21_00(region, utc_open):
    window = POLICY.calendar.window_on(region, date(2026, 6, 16))
    assert window.start == utc_open


def test_a_region_s_zone_is_configuration_aus_reads_act_as_canberra_by_default():
    zones = dict(POLICY.calendar.timezones)
    zones[Region.AUS] = "Australia/Adelaide"
    adelaide = MaintenancePolicy(calendar=MaintenanceCalendar(timezones=zones))
    day = date(2026, 6, 16)
    assert POLICY.zone(Region.AUS).key == "Australia/Sydney"
    assert POLICY.calendar.window_on(Region.AUS, day).start == utc(2026, 6, 16, 11)
    assert adelaide.calendar.window_on(Region.AUS, day).start == utc(2026, 6, 16, 11, 30)


# -- which day a window belongs to, and the weekend rule ----------------------------------


@pytest.mark.parametrize("region", FOUR)
def test_friday_night_is_a_weekday_window_and_takes_routine_work(region):
    p = plan(region, MaintenanceKind.ROUTINE, start=local(region, 2026, 6, 20, 2))  # Sat 02:00
    assert window_of(p).day == date(2026, 6, 19)
    assert plan_problems(POLICY, p, EARLY) == []


@pytest.mark.parametrize("region", FOUR)
@pytest.mark.parametrize(
    "kind",
    [
        MaintenanceKind.ROUTINE,
        MaintenanceKind.PLANNED_DISRUPTIVE,
        MaintenanceKind.CERTIFICATE_RENEWAL,
        MaintenanceKind.UPGRADE,
    ],
)
def test_sunday_night_is_a_weekend_window_even_after_midnight_and_takes_infrastructure_only(
    region, kind
):
    monday_small_hours = local(region, 2026, 6, 22, 2)  # inside Sunday 21 June's window
    expiry = local(region, 2026, 6, 27, 12)
    p = plan(region, kind, start=monday_small_hours, certificate_expires_at=expiry)
    assert window_of(p).day == date(2026, 6, 21)
    assert "weekend_window_infrastructure_only" in codes(plan_problems(POLICY, p, EARLY))
    infra = plan(region, MaintenanceKind.INFRASTRUCTURE, start=monday_small_hours)
    assert plan_problems(POLICY, infra, EARLY) == []


def test_emergencies_are_exempt_from_windows_weekends_and_notice():
    saturday_noon = local(Region.EU, 2026, 6, 20, 12)
    p = plan(Region.EU, MaintenanceKind.EMERGENCY, start=saturday_noon, hours=2)
    assert plan_problems(POLICY, p, saturday_noon) == []
    assert plan_problems(POLICY, p, saturday_noon + timedelta(minutes=30)) == []


def test_a_holiday_weekday_still_has_a_weekday_window():
    policy = MaintenancePolicy(holidays={Region.EU: {date(2026, 6, 16)}})
    p = plan(Region.EU, MaintenanceKind.ROUTINE, start=local(Region.EU, 2026, 6, 16, 22))
    assert plan_problems(policy, p, EARLY) == []


# -- running past the window ---------------------------------------------------------------


@pytest.mark.parametrize("region", FOUR)
def test_work_running_past_06_00_is_allowed_but_impactful_and_held_to_the_notice(region):
    start = local(region, 2026, 6, 16, 23)
    inside = plan(region, MaintenanceKind.ROUTINE, start=start, hours=7)  # ends 06:00
    over = plan(
        region, MaintenanceKind.ROUTINE, start=start, hours=7, end=start + timedelta(hours=8)
    )
    assert (assess(POLICY, inside).outside_window, assess(POLICY, inside).impactful) == (
        False,
        False,
    )
    assert (assess(POLICY, over).outside_window, assess(POLICY, over).impactful) == (True, True)
    noticed_late = local(region, 2026, 6, 10, 12)
    assert plan_problems(POLICY, inside, noticed_late) == []
    assert codes(plan_problems(POLICY, over, noticed_late)) == ["notice_too_short"]


# -- daylight saving: a window is 8 or 10 elapsed hours on a change night -------------------


@pytest.mark.parametrize(
    ("region", "night", "elapsed_hours"),
    [
        (Region.AMER, date(2026, 3, 7), 8),  # New York springs forward Sun 8 Mar
        (Region.AMER, date(2026, 10, 31), 10),  # ... and falls back Sun 1 Nov
        (Region.EU, date(2026, 3, 28), 8),  # Berlin springs forward Sun 29 Mar
        (Region.EU, date(2026, 10, 24), 10),  # ... and falls back Sun 25 Oct
        (Region.AUS, date(2026, 4, 4), 10),  # Sydney falls back Sun 5 Apr
        (Region.AUS, date(2026, 10, 3), 8),  # ... and springs forward Sun 4 Oct
    ],
)
def test_on_a_daylight_saving_night_the_window_follows_the_zone(region, night, elapsed_hours):
    start = local(region, night.year, night.month, night.day, 21)
    fits = plan(region, MaintenanceKind.INFRASTRUCTURE, start=start, hours=elapsed_hours)
    longer = plan(region, MaintenanceKind.INFRASTRUCTURE, start=start, hours=elapsed_hours + 0.5)
    assert assess(POLICY, fits).outside_window is False
    assert assess(POLICY, longer).outside_window is True
    window = window_of(fits)
    assert window.end == fits.end
    assert window.end.astimezone(POLICY.zone(region)).hour == 6


def test_in_the_fall_back_hour_the_window_still_ends_at_the_second_06_00_no_sooner():
    # Berlin, Sun 25 Oct 2026: 02:00-03:00 happens twice; the window ends at 06:00 CET.
    second_half_past_two = utc(2026, 10, 25, 1, 30)  # 02:30 CET, after the clocks went back
    p = plan(Region.EU, MaintenanceKind.INFRASTRUCTURE, start=second_half_past_two, hours=3.5)
    assert window_of(p).day == date(2026, 10, 24)
    assert assess(POLICY, p).outside_window is False


# -- 10 business days' notice ----------------------------------------------------------------


@pytest.mark.parametrize("region", FOUR)
def test_impactful_work_starts_no_earlier_than_the_10th_business_day_after_notice(region):
    noticed = local(region, 2026, 6, 1, 10)  # Monday
    assert POLICY.earliest_start_date(region, noticed) == date(2026, 6, 15)
    friday = plan(region, start=local(region, 2026, 6, 12, 22))
    monday = plan(region, start=local(region, 2026, 6, 15, 21))
    assert codes(plan_problems(POLICY, friday, noticed)) == ["notice_too_short"]
    assert plan_problems(POLICY, monday, noticed) == []


@pytest.mark.parametrize("region", FOUR)
def test_the_start_s_own_local_date_counts_even_inside_the_previous_day_s_window(region):
    noticed = local(region, 2026, 6, 1, 10)
    sunday_late = plan(region, MaintenanceKind.INFRASTRUCTURE, start=local(region, 2026, 6, 14, 23))
    monday_early = plan(region, MaintenanceKind.INFRASTRUCTURE, start=local(region, 2026, 6, 15, 1))
    assert codes(plan_problems(POLICY, sunday_late, noticed)) == ["notice_too_short"]
    assert plan_problems(POLICY, monday_early, noticed) == []


def test_the_day_of_notice_is_the_local_date_in_the_region_s_zone():
    instant = utc(2026, 6, 1, 23, 30)  # Mon 19:30 in New York, Tue 08:30 in Tokyo
    assert POLICY.earliest_start_date(Region.AMER, instant) == date(2026, 6, 15)
    assert POLICY.earliest_start_date(Region.APJC, instant) == date(2026, 6, 16)
    assert POLICY.earliest_start_date(Region.AUS, instant) == date(2026, 6, 16)
    assert POLICY.earliest_start_date(Region.EU, instant) == date(2026, 6, 16)


def test_configured_holidays_are_not_business_days_for_the_notice():
    policy = MaintenancePolicy(holidays={Region.EU: {date(2026, 6, 4)}})
    noticed = local(Region.EU, 2026, 6, 1, 10)
    assert policy.earliest_start_date(Region.EU, noticed) == date(2026, 6, 16)
    assert policy.earliest_start_date(Region.AMER, local(Region.AMER, 2026, 6, 1, 10)) == date(
        2026, 6, 15
    )


def test_notice_given_on_a_weekend_counts_from_that_day():
    saturday = local(Region.EU, 2026, 6, 6, 10)
    assert POLICY.earliest_start_date(Region.EU, saturday) == date(2026, 6, 19)


@pytest.mark.parametrize(
    ("kind", "held"),
    [
        (MaintenanceKind.ROUTINE, False),
        (MaintenanceKind.CERTIFICATE_RENEWAL, False),
        (MaintenanceKind.INFRASTRUCTURE, True),
        (MaintenanceKind.PLANNED_DISRUPTIVE, True),
        (MaintenanceKind.UPGRADE, True),
        (MaintenanceKind.EMERGENCY, False),
    ],
)
def test_which_kinds_are_held_to_the_notice_inside_their_window(kind, held):
    start = local(Region.EU, 2026, 6, 4, 22)  # Thursday, three days after the notice
    p = plan(Region.EU, kind, start=start, certificate_expires_at=start + timedelta(days=5))
    problems = codes(plan_problems(POLICY, p, local(Region.EU, 2026, 6, 1, 10)))
    assert ("notice_too_short" in problems) is held


def test_the_notice_refusal_names_the_earliest_date():
    from services.notifications.domain.errors import NoticeTooShort

    p = plan(Region.EU, start=local(Region.EU, 2026, 6, 12, 22))
    [reason] = plan_problems(POLICY, p, local(Region.EU, 2026, 6, 1, 10))
    assert reason.code == NoticeTooShort.code
    assert "2026-06-15" in reason.message


def test_naive_instants_are_refused():
    from datetime import datetime

    from services.notifications.domain.schedule import MaintenancePlan

    naive = datetime(2026, 6, 16, 22)
    with pytest.raises(ValueError, match="timezone-aware"):
        MaintenancePlan(Region.EU, MaintenanceKind.ROUTINE, naive, naive, "naive")
    with pytest.raises(ValueError, match="timezone-aware"):
        POLICY.earliest_start_date(Region.EU, naive)
