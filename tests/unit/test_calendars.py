"""Unit tests for shared.calendars.

Holiday dates are pinned against published calendars (gov.uk bank holidays, German
public holidays) and cross-checked with the holidays library; DST dates against the
IANA rules (EU: last Sunday of March/October; US: second Sunday of March/first
Sunday of November; New South Wales: first Sunday of October/April).
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from shared.calendars import (
    DEFAULT_REGION_TIMEZONES,
    EXTRA_HOLIDAY_NAME,
    MaintenanceCalendar,
    MaintenanceWindow,
    Region,
    WindowKind,
    WorkingCalendar,
    country_timezone,
    country_timezones,
)

pytestmark = pytest.mark.unit

LONDON = ZoneInfo("Europe/London")
BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
TOKYO = ZoneInfo("Asia/Tokyo")
SYDNEY = ZoneInfo("Australia/Sydney")

ENGLAND = WorkingCalendar.for_country("GB")
SCOTLAND = WorkingCalendar.for_country("GB", subdivision="SCT")
GERMANY = WorkingCalendar.for_country("DE")
BAVARIA = WorkingCalendar.for_country("DE", subdivision="BY")
MAINTENANCE = MaintenanceCalendar()


def london(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=LONDON)


def berlin(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=BERLIN)


def utc(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=UTC)


def real_hours(window: MaintenanceWindow) -> float:
    # Subtract in UTC: aware datetimes sharing a tzinfo subtract by wall clock.
    return (window.end.astimezone(UTC) - window.start.astimezone(UTC)) / timedelta(hours=1)


# -- construction --------------------------------------------------------------


def test_for_country_defaults_great_britain_to_england_and_wales_in_london_time():
    assert ENGLAND.country == "GB"
    assert ENGLAND.subdivision == "ENG"
    assert ENGLAND.timezone == "Europe/London"
    assert ENGLAND.tz() == LONDON


@pytest.mark.parametrize(
    ("country", "zone"),
    [
        ("GB", "Europe/London"),
        ("DE", "Europe/Berlin"),
        ("NL", "Europe/Amsterdam"),
        ("FR", "Europe/Paris"),
        ("BE", "Europe/Brussels"),
        ("IE", "Europe/Dublin"),
        ("ES", "Europe/Madrid"),
        ("IT", "Europe/Rome"),
        ("AT", "Europe/Vienna"),
        ("CH", "Europe/Zurich"),
        ("US", "America/New_York"),
        ("JP", "Asia/Tokyo"),
        ("SE", "Europe/Stockholm"),
        ("PL", "Europe/Warsaw"),
        ("FI", "Europe/Helsinki"),
    ],
)
def test_for_country_picks_the_default_zone_of_each_country(country, zone):
    assert WorkingCalendar.for_country(country).timezone == zone


@pytest.mark.parametrize(
    ("country", "zone", "not_zone"),
    [
        ("ES", "Europe/Madrid", "Atlantic/Canary"),
        ("PT", "Europe/Lisbon", "Atlantic/Azores"),
        ("DE", "Europe/Berlin", "Europe/Busingen"),
        ("CY", "Asia/Nicosia", "Asia/Famagusta"),
    ],
)
def test_a_country_with_several_zones_gets_the_capitals_zone_listed_first_by_iana(
    country, zone, not_zone
):
    assert not_zone in country_timezones(country)
    assert country_timezone(country) == zone


def test_a_calendar_built_without_a_zone_takes_its_countrys_zone_never_utc():
    assert WorkingCalendar("PL").timezone == "Europe/Warsaw"
    assert WorkingCalendar("FI").tz() == ZoneInfo("Europe/Helsinki")


@pytest.mark.parametrize("country", ["XX", "ZZ", "EU", ""])
def test_a_code_without_a_zone_is_refused_rather_than_read_as_utc(country):
    with pytest.raises(ValueError, match="time zone"):
        country_timezone(country)


def test_for_country_accepts_an_explicit_zone_and_a_lower_case_country():
    calendar = WorkingCalendar.for_country("de", timezone="Europe/Vienna")
    assert calendar.country == "DE"
    assert calendar.timezone == "Europe/Vienna"


def test_calendars_are_hashable_and_equal_by_value():
    again = WorkingCalendar.for_country("GB", subdivision="ENG", timezone="Europe/London")
    assert again == ENGLAND
    assert hash(again) == hash(ENGLAND)
    assert {ENGLAND: "eng"}[again] == "eng"


def test_extra_holidays_given_as_a_set_are_stored_frozen_so_the_calendar_stays_hashable():
    closed = {date(2026, 7, 17)}
    calendar = WorkingCalendar("GB", "ENG", "Europe/London", extra_holidays=closed)  # type: ignore[arg-type]
    assert isinstance(calendar.extra_holidays, frozenset)
    hash(calendar)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"country": "ZZ"},
        {"country": "GB", "subdivision": "XX"},
        {"country": "GB", "timezone": "Mars/Olympus_Mons"},
        {"country": "GB", "business_open": time(17), "business_close": time(9)},
        {"country": "GB", "business_open": time(9), "business_close": time(9)},
        {"country": "GB", "weekend": range(7)},
        {"country": "GB", "weekend": {7}},
    ],
)
def test_invalid_configuration_is_rejected_with_value_error(kwargs):
    with pytest.raises(ValueError):
        WorkingCalendar.for_country(**kwargs)


# -- England and Wales -----------------------------------------------------------


def test_christmas_2026_and_the_boxing_day_substitute_are_not_working_days_in_england():
    assert ENGLAND.holiday_name(date(2026, 12, 25)) == "Christmas Day"
    assert ENGLAND.is_holiday(date(2026, 12, 26))  # Saturday
    assert ENGLAND.holiday_name(date(2026, 12, 28)) == "Boxing Day (observed)"
    for day in (date(2026, 12, 25), date(2026, 12, 26), date(2026, 12, 27), date(2026, 12, 28)):
        assert not ENGLAND.is_working_day(day)
    assert ENGLAND.is_working_day(date(2026, 12, 24))
    assert ENGLAND.is_working_day(date(2026, 12, 29))


def test_good_friday_and_easter_monday_2027_are_not_working_days_in_england():
    assert ENGLAND.holiday_name(date(2027, 3, 26)) == "Good Friday"
    assert ENGLAND.holiday_name(date(2027, 3, 29)) == "Easter Monday"
    assert not ENGLAND.is_working_day(date(2027, 3, 26))
    assert not ENGLAND.is_working_day(date(2027, 3, 29))
    assert ENGLAND.next_working_day(date(2027, 3, 25)) == date(2027, 3, 30)


def test_the_early_may_bank_holiday_2026_is_monday_4_may_in_england():
    assert ENGLAND.is_holiday(date(2026, 5, 4))
    assert not ENGLAND.is_working_day(date(2026, 5, 4))
    assert ENGLAND.is_working_day(date(2026, 5, 5))


def test_scottish_only_holidays_are_working_days_in_england():
    # 2 January and St Andrew's Day (Mon 30 Nov 2026) are bank holidays in Scotland only.
    for day in (date(2026, 1, 2), date(2026, 11, 30)):
        assert SCOTLAND.is_holiday(day)
        assert not SCOTLAND.is_working_day(day)
        assert not ENGLAND.is_holiday(day)
        assert ENGLAND.is_working_day(day)


def test_easter_monday_is_a_working_day_in_scotland_but_not_in_england():
    assert SCOTLAND.is_working_day(date(2026, 4, 6))
    assert not ENGLAND.is_working_day(date(2026, 4, 6))


def test_weekends_are_not_working_days_and_ordinary_weekdays_are():
    assert ENGLAND.is_working_day(date(2026, 7, 17))  # Friday
    assert not ENGLAND.is_working_day(date(2026, 7, 18))  # Saturday
    assert not ENGLAND.is_working_day(date(2026, 7, 19))  # Sunday
    assert not ENGLAND.is_holiday(date(2026, 7, 18))
    assert ENGLAND.holiday_name(date(2026, 7, 17)) is None


def test_extra_holidays_close_the_day_and_are_named():
    calendar = WorkingCalendar.for_country("GB", extra_holidays=[date(2026, 7, 17)])
    assert calendar.is_holiday(date(2026, 7, 17))
    assert calendar.holiday_name(date(2026, 7, 17)) == EXTRA_HOLIDAY_NAME
    assert not calendar.is_working_day(date(2026, 7, 17))
    assert calendar.next_working_day(date(2026, 7, 16)) == date(2026, 7, 20)


def test_a_custom_weekend_is_honoured():
    friday_saturday = WorkingCalendar.for_country("GB", weekend={4, 5})
    assert not friday_saturday.is_working_day(date(2026, 7, 17))  # Friday
    assert friday_saturday.is_working_day(date(2026, 7, 19))  # Sunday


def test_roll_forward_keeps_a_working_day_and_moves_a_closed_day_to_the_next_working_day():
    assert ENGLAND.roll_forward(date(2026, 7, 17)) == date(2026, 7, 17)
    assert ENGLAND.roll_forward(date(2026, 7, 18)) == date(2026, 7, 20)
    assert ENGLAND.roll_forward(date(2026, 12, 25)) == date(2026, 12, 29)


def test_next_working_day_is_strictly_after_the_given_day():
    assert ENGLAND.next_working_day(date(2026, 7, 16)) == date(2026, 7, 17)
    assert ENGLAND.next_working_day(date(2026, 7, 17)) == date(2026, 7, 20)
    assert ENGLAND.next_working_day(date(2026, 12, 24)) == date(2026, 12, 29)


def test_add_working_days_from_a_friday_skips_the_weekend():
    friday = date(2026, 7, 17)
    assert ENGLAND.add_working_days(friday, 1) == date(2026, 7, 20)
    assert ENGLAND.add_working_days(friday, 5) == date(2026, 7, 24)
    assert ENGLAND.add_working_days(friday, 10) == date(2026, 7, 31)


def test_add_working_days_over_christmas_and_new_year_skips_bank_holidays():
    christmas_eve = date(2026, 12, 24)
    assert ENGLAND.add_working_days(christmas_eve, 1) == date(2026, 12, 29)
    assert ENGLAND.add_working_days(christmas_eve, 3) == date(2026, 12, 31)
    # Fri 1 Jan 2027 is New Year's Day, then the weekend.
    assert ENGLAND.add_working_days(christmas_eve, 4) == date(2027, 1, 4)


def test_add_working_days_from_a_non_working_start_counts_the_first_working_day_as_one():
    assert ENGLAND.add_working_days(date(2026, 7, 18), 1) == date(2026, 7, 20)


def test_add_zero_working_days_returns_the_start_even_on_a_non_working_day():
    assert ENGLAND.add_working_days(date(2026, 7, 17), 0) == date(2026, 7, 17)
    assert ENGLAND.add_working_days(date(2026, 12, 25), 0) == date(2026, 12, 25)


def test_add_a_negative_number_of_working_days_is_rejected():
    with pytest.raises(ValueError):
        ENGLAND.add_working_days(date(2026, 7, 17), -1)


def test_working_days_between_counts_the_half_open_interval_after_start():
    assert ENGLAND.working_days_between(date(2026, 7, 17), date(2026, 7, 17)) == 0
    assert ENGLAND.working_days_between(date(2026, 7, 17), date(2026, 7, 20)) == 1
    assert ENGLAND.working_days_between(date(2026, 12, 24), date(2027, 1, 4)) == 4
    assert ENGLAND.working_days_between(date(2027, 1, 4), date(2026, 12, 24)) == -4


def test_working_days_between_inverts_add_working_days():
    start = date(2026, 12, 20)
    for n in range(0, 30):
        assert ENGLAND.working_days_between(start, ENGLAND.add_working_days(start, n)) == n


def test_add_working_days_over_many_years_is_fast_and_matches_the_yearly_count():
    # 2027 in England: 261 weekdays minus 8 weekday bank holidays.
    assert ENGLAND.working_days_between(date(2026, 12, 31), date(2027, 12, 31)) == 253
    assert ENGLAND.add_working_days(date(2026, 12, 31), 253) == date(2027, 12, 31)
    ENGLAND.add_working_days(date(2026, 1, 1), 2500)


# -- Germany ---------------------------------------------------------------------


def test_tag_der_deutschen_einheit_is_a_national_holiday_in_germany():
    assert GERMANY.holiday_name(date(2025, 10, 3)) == "Tag der Deutschen Einheit"
    assert not GERMANY.is_working_day(date(2025, 10, 3))  # Friday
    assert GERMANY.is_holiday(date(2026, 10, 3))  # Saturday: no substitute in Germany
    assert GERMANY.is_working_day(date(2026, 10, 5))
    assert not GERMANY.is_working_day(date(2028, 10, 3))  # Tuesday


def test_christi_himmelfahrt_and_pfingstmontag_2026_are_not_working_days_in_germany():
    assert GERMANY.holiday_name(date(2026, 5, 14)) == "Christi Himmelfahrt"
    assert GERMANY.holiday_name(date(2026, 5, 25)) == "Pfingstmontag"
    assert not GERMANY.is_working_day(date(2026, 5, 14))
    assert not GERMANY.is_working_day(date(2026, 5, 25))
    assert GERMANY.add_working_days(date(2026, 5, 13), 1) == date(2026, 5, 15)


def test_fronleichnam_is_a_holiday_in_bavaria_but_not_nationally():
    corpus_christi = date(2026, 6, 4)
    assert BAVARIA.holiday_name(corpus_christi) == "Fronleichnam"
    assert not BAVARIA.is_working_day(corpus_christi)
    assert not GERMANY.is_holiday(corpus_christi)
    assert GERMANY.is_working_day(corpus_christi)


def test_holiday_names_do_not_depend_on_the_host_locale(monkeypatch):
    # The holidays library consults LANG when no language is given; we pin it.
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert GERMANY.holiday_name(date(2024, 10, 3)) == "Tag der Deutschen Einheit"


# -- business hours ----------------------------------------------------------------


def test_business_time_is_opening_inclusive_and_closing_exclusive_on_working_days():
    assert ENGLAND.is_business_time(london(2026, 7, 17, 9, 0))
    assert ENGLAND.is_business_time(london(2026, 7, 17, 16, 59))
    assert not ENGLAND.is_business_time(london(2026, 7, 17, 17, 0))
    assert not ENGLAND.is_business_time(london(2026, 7, 17, 8, 59))
    assert not ENGLAND.is_business_time(london(2026, 7, 18, 12, 0))  # Saturday
    assert not ENGLAND.is_business_time(london(2026, 8, 31, 12, 0))  # bank holiday


def test_business_time_is_judged_in_the_calendar_zone_whatever_the_input_zone():
    # 08:30 UTC in July is 09:30 BST.
    assert ENGLAND.is_business_time(utc(2026, 7, 17, 8, 30))
    # 16:30 UTC in July is 17:30 BST.
    assert not ENGLAND.is_business_time(utc(2026, 7, 17, 16, 30))


def test_next_business_moment_returns_an_instant_inside_hours_unchanged_in_the_calendar_zone():
    moment = ENGLAND.next_business_moment(utc(2026, 7, 17, 10, 0))
    assert moment == london(2026, 7, 17, 11, 0)
    assert moment.tzinfo == LONDON


def test_next_business_moment_moves_early_late_and_weekend_instants_to_the_next_opening():
    assert ENGLAND.next_business_moment(london(2026, 7, 17, 7, 0)) == london(2026, 7, 17, 9)
    assert ENGLAND.next_business_moment(london(2026, 7, 17, 17, 0)) == london(2026, 7, 20, 9)
    assert ENGLAND.next_business_moment(london(2026, 7, 18, 10, 0)) == london(2026, 7, 20, 9)
    assert ENGLAND.next_business_moment(london(2026, 12, 24, 18)) == london(2026, 12, 29, 9)


def test_two_business_hours_from_friday_16_00_end_monday_10_00():
    assert ENGLAND.add_business_hours(london(2026, 7, 17, 16), timedelta(hours=2)) == london(
        2026, 7, 20, 10
    )


def test_business_hours_started_on_a_saturday_begin_at_the_monday_opening():
    saturday = london(2026, 7, 18, 11)
    assert ENGLAND.add_business_hours(saturday, timedelta(0)) == london(2026, 7, 20, 9)
    assert ENGLAND.add_business_hours(saturday, timedelta(hours=1)) == london(2026, 7, 20, 10)


def test_business_hours_skip_a_uk_bank_holiday():
    # Mon 31 Aug 2026 is the late summer bank holiday.
    start = london(2026, 8, 28, 16)
    assert ENGLAND.add_business_hours(start, timedelta(hours=2)) == london(2026, 9, 1, 10)


def test_eight_business_hours_are_one_business_day():
    monday = london(2026, 7, 20, 9)
    assert ENGLAND.add_business_hours(monday, timedelta(hours=8)) == london(2026, 7, 20, 17)
    assert ENGLAND.add_business_hours(london(2026, 7, 20, 13), timedelta(hours=8)) == london(
        2026, 7, 21, 13
    )


def test_twenty_four_business_hours_are_three_business_days():
    monday = london(2026, 7, 20, 9)
    assert ENGLAND.add_business_hours(monday, timedelta(hours=24)) == london(2026, 7, 22, 17)
    friday_noon = london(2026, 7, 17, 12)
    assert ENGLAND.add_business_hours(friday_noon, timedelta(hours=24)) == london(2026, 7, 22, 12)


def test_add_business_hours_returns_the_calendar_zone_and_accepts_utc_input():
    result = ENGLAND.add_business_hours(utc(2026, 7, 17, 15), timedelta(hours=2))
    assert result == london(2026, 7, 20, 10)
    assert result.tzinfo == LONDON


def test_add_business_hours_rejects_a_negative_duration():
    with pytest.raises(ValueError):
        ENGLAND.add_business_hours(london(2026, 7, 17, 10), timedelta(hours=-1))


def test_business_time_between_counts_only_open_hours_on_working_days():
    assert ENGLAND.business_time_between(
        london(2026, 7, 17, 16), london(2026, 7, 20, 10)
    ) == timedelta(hours=2)
    assert ENGLAND.business_time_between(
        london(2026, 7, 20, 9), london(2026, 7, 24, 17)
    ) == timedelta(hours=40)
    assert ENGLAND.business_time_between(
        london(2026, 7, 18, 0), london(2026, 7, 19, 23)
    ) == timedelta(0)
    # 24 Dec 16:00 → 29 Dec 10:00 crosses Christmas, Boxing Day and its substitute.
    assert ENGLAND.business_time_between(
        london(2026, 12, 24, 16), london(2026, 12, 29, 10)
    ) == timedelta(hours=2)


def test_business_time_between_is_negative_when_end_precedes_start():
    assert ENGLAND.business_time_between(
        london(2026, 7, 20, 10), london(2026, 7, 17, 16)
    ) == timedelta(hours=-2)


def test_business_time_between_inverts_add_business_hours():
    start = london(2026, 12, 23, 15, 30)
    for hours in (0, 1, 7, 8, 9, 30, 100):
        end = ENGLAND.add_business_hours(start, timedelta(hours=hours))
        assert ENGLAND.business_time_between(start, end) == timedelta(hours=hours)


def test_business_hour_functions_reject_naive_datetimes():
    naive = datetime(2026, 7, 17, 10)
    with pytest.raises(ValueError):
        ENGLAND.is_business_time(naive)
    with pytest.raises(ValueError):
        ENGLAND.next_business_moment(naive)
    with pytest.raises(ValueError):
        ENGLAND.add_business_hours(naive, timedelta(hours=1))
    with pytest.raises(ValueError):
        ENGLAND.business_time_between(naive, london(2026, 7, 17, 12))
    with pytest.raises(ValueError):
        ENGLAND.add_working_day_hours(naive, timedelta(hours=1))


# -- working-day hours (round the clock on working days) ---------------------------


def test_48_working_day_hours_from_friday_15_00_in_berlin_end_tuesday_15_00():
    result = GERMANY.add_working_day_hours(berlin(2026, 7, 17, 15), timedelta(hours=48))
    assert result == berlin(2026, 7, 21, 15)
    assert result.tzinfo == BERLIN


def test_48_working_day_hours_from_wednesday_10_00_end_friday_10_00():
    assert GERMANY.add_working_day_hours(berlin(2026, 7, 15, 10), timedelta(hours=48)) == berlin(
        2026, 7, 17, 10
    )


def test_working_day_hours_skip_a_german_holiday():
    # Thu 14 May 2026 is Christi Himmelfahrt: Wed 14 h + Fri 24 h + Mon 10 h.
    assert GERMANY.add_working_day_hours(berlin(2026, 5, 13, 10), timedelta(hours=48)) == berlin(
        2026, 5, 18, 10
    )


def test_working_day_hours_started_on_a_weekend_begin_at_monday_midnight():
    saturday = berlin(2026, 7, 18, 12)
    assert GERMANY.add_working_day_hours(saturday, timedelta(0)) == berlin(2026, 7, 20, 0)
    assert GERMANY.add_working_day_hours(saturday, timedelta(hours=24)) == berlin(2026, 7, 21, 0)


def test_working_day_hours_ending_exactly_at_midnight_return_the_end_of_that_day():
    thursday = berlin(2026, 7, 16, 0)
    assert GERMANY.add_working_day_hours(thursday, timedelta(hours=24)) == berlin(2026, 7, 17, 0)
    # The end of Friday is Saturday 00:00; the budget is spent, so no roll to Monday.
    assert GERMANY.add_working_day_hours(thursday, timedelta(hours=48)) == berlin(2026, 7, 18, 0)
    assert GERMANY.add_working_day_hours(thursday, timedelta(hours=48, seconds=1)) == berlin(
        2026, 7, 20, 0, 0
    ) + timedelta(seconds=1)


def test_working_day_hours_starting_exactly_at_monday_midnight_count_the_whole_monday():
    assert GERMANY.add_working_day_hours(berlin(2026, 7, 20, 0), timedelta(hours=1)) == berlin(
        2026, 7, 20, 1
    )


def test_working_day_hours_across_a_dst_weekend_count_real_hours_on_working_days():
    # Sun 25 Oct 2026 (25 hours long in Berlin) is not a working day, so it adds nothing.
    assert GERMANY.add_working_day_hours(berlin(2026, 10, 23, 15), timedelta(hours=48)) == berlin(
        2026, 10, 27, 15
    )


def test_add_working_day_hours_rejects_a_negative_duration():
    with pytest.raises(ValueError):
        GERMANY.add_working_day_hours(berlin(2026, 7, 17, 10), timedelta(hours=-1))


# -- maintenance windows -----------------------------------------------------------


def test_default_region_zones_follow_the_product_decision():
    assert DEFAULT_REGION_TIMEZONES == {
        Region.AMER: "America/New_York",
        Region.APJC: "Asia/Tokyo",
        Region.AUS: "Australia/Sydney",
        Region.EU: "Europe/Berlin",
        Region.EMEA: "Europe/Berlin",
        Region.UK: "Europe/Berlin",
    }
    assert [r.value for r in Region] == ["AMER", "APJC", "AUS", "EU", "EMEA", "UK"]
    assert WindowKind.WEEKDAY == "weekday"
    assert WindowKind.WEEKEND == "weekend"


@pytest.mark.parametrize(
    ("region", "day", "start_utc", "end_utc"),
    [
        # Wed 15 Jul 2026: New York EDT, Tokyo JST, Sydney AEST (winter), Berlin CEST.
        (Region.AMER, date(2026, 7, 15), utc(2026, 7, 16, 1), utc(2026, 7, 16, 10)),
        (Region.APJC, date(2026, 7, 15), utc(2026, 7, 15, 12), utc(2026, 7, 15, 21)),
        (Region.AUS, date(2026, 7, 15), utc(2026, 7, 15, 11), utc(2026, 7, 15, 20)),
        (Region.EU, date(2026, 7, 15), utc(2026, 7, 15, 19), utc(2026, 7, 16, 4)),
        (Region.EMEA, date(2026, 7, 15), utc(2026, 7, 15, 19), utc(2026, 7, 16, 4)),
        (Region.UK, date(2026, 7, 15), utc(2026, 7, 15, 19), utc(2026, 7, 16, 4)),
        # Wed 14 Jan 2026: New York EST, Tokyo JST, Sydney AEDT (summer), Berlin CET.
        (Region.AMER, date(2026, 1, 14), utc(2026, 1, 15, 2), utc(2026, 1, 15, 11)),
        (Region.APJC, date(2026, 1, 14), utc(2026, 1, 14, 12), utc(2026, 1, 14, 21)),
        (Region.AUS, date(2026, 1, 14), utc(2026, 1, 14, 10), utc(2026, 1, 14, 19)),
        (Region.EU, date(2026, 1, 14), utc(2026, 1, 14, 20), utc(2026, 1, 15, 5)),
    ],
)
def test_window_on_an_ordinary_day_runs_21_00_to_06_00_local(region, day, start_utc, end_utc):
    window = MAINTENANCE.window_on(region, day)
    assert window.region is region
    assert window.day == day
    assert window.start == start_utc
    assert window.end == end_utc
    assert window.start.tzinfo == MAINTENANCE.zone(region)
    assert (window.start.hour, window.end.hour) == (21, 6)
    assert window.duration == timedelta(hours=9)


@pytest.mark.parametrize(
    ("day", "kind"),
    [
        (date(2026, 7, 16), WindowKind.WEEKDAY),  # Thursday
        (date(2026, 7, 17), WindowKind.WEEKDAY),  # Friday, ends Saturday 06:00
        (date(2026, 7, 18), WindowKind.WEEKEND),  # Saturday
        (date(2026, 7, 19), WindowKind.WEEKEND),  # Sunday, ends Monday 06:00
        (date(2026, 7, 20), WindowKind.WEEKDAY),  # Monday
    ],
)
@pytest.mark.parametrize("region", [Region.AMER, Region.APJC, Region.AUS, Region.EU])
def test_a_window_belongs_to_the_day_on_which_it_starts(region, day, kind):
    assert MAINTENANCE.window_on(region, day).kind is kind


@pytest.mark.parametrize(
    ("region", "zone"),
    [
        (Region.AMER, NEW_YORK),
        (Region.APJC, TOKYO),
        (Region.AUS, SYDNEY),
        (Region.EU, BERLIN),
    ],
)
def test_window_at_02_00_local_belongs_to_the_window_that_started_the_previous_day(region, zone):
    window = MAINTENANCE.window_at(region, datetime(2026, 7, 14, 2, 0, tzinfo=zone))
    assert window == MAINTENANCE.window_on(region, date(2026, 7, 13))
    assert window is not None
    assert window.kind is WindowKind.WEEKDAY


def test_window_at_sunday_night_is_a_weekend_window_even_after_midnight():
    window = MAINTENANCE.window_at(Region.EU, berlin(2026, 7, 20, 3))  # Monday 03:00
    assert window is not None
    assert window.day == date(2026, 7, 19)
    assert window.kind is WindowKind.WEEKEND


def test_window_at_is_half_open_and_none_outside_windows():
    assert MAINTENANCE.window_at(Region.EU, berlin(2026, 7, 15, 21)) == MAINTENANCE.window_on(
        Region.EU, date(2026, 7, 15)
    )
    assert MAINTENANCE.window_at(Region.EU, berlin(2026, 7, 15, 20, 59)) is None
    assert MAINTENANCE.window_at(Region.EU, berlin(2026, 7, 16, 6)) is None
    assert MAINTENANCE.window_at(Region.EU, berlin(2026, 7, 16, 12)) is None


def test_window_at_accepts_an_instant_in_any_zone():
    # 01:30 UTC on Thu 16 Jul is 21:30 EDT on Wed 15 Jul.
    window = MAINTENANCE.window_at(Region.AMER, utc(2026, 7, 16, 1, 30))
    assert window is not None
    assert window.day == date(2026, 7, 15)


def test_contains_and_covers_use_real_instants():
    window = MAINTENANCE.window_on(Region.EU, date(2026, 7, 15))
    assert window.contains(utc(2026, 7, 15, 19))
    assert not window.contains(utc(2026, 7, 16, 4))
    assert window.covers(berlin(2026, 7, 15, 21), berlin(2026, 7, 16, 6))
    assert not window.covers(berlin(2026, 7, 15, 20), berlin(2026, 7, 15, 22))
    with pytest.raises(ValueError):
        window.covers(berlin(2026, 7, 16, 1), berlin(2026, 7, 15, 23))


@pytest.mark.parametrize("region", [Region.AMER, Region.APJC, Region.AUS, Region.EU])
def test_fits_window_accepts_work_inside_and_rejects_work_running_past_06_00(region):
    zone = MAINTENANCE.zone(region)
    night = MAINTENANCE.window_on(region, date(2026, 7, 15))
    inside = (datetime(2026, 7, 15, 23, tzinfo=zone), datetime(2026, 7, 16, 5, tzinfo=zone))
    to_the_end = (datetime(2026, 7, 16, 1, tzinfo=zone), datetime(2026, 7, 16, 6, tzinfo=zone))
    too_long = (datetime(2026, 7, 15, 23, tzinfo=zone), datetime(2026, 7, 16, 6, 30, tzinfo=zone))
    too_early = (datetime(2026, 7, 15, 20, tzinfo=zone), datetime(2026, 7, 15, 22, tzinfo=zone))
    assert MAINTENANCE.fits_window(region, *inside) == night
    assert MAINTENANCE.fits_window(region, *to_the_end) == night
    assert MAINTENANCE.fits_window(region, *too_long) is None
    assert MAINTENANCE.fits_window(region, *too_early) is None


def test_fits_window_rejects_an_interval_that_ends_before_it_starts():
    with pytest.raises(ValueError):
        MAINTENANCE.fits_window(Region.EU, berlin(2026, 7, 16, 1), berlin(2026, 7, 15, 23))


def test_next_window_returns_the_first_window_starting_at_or_after_the_instant():
    friday_noon = berlin(2026, 7, 17, 12)
    assert MAINTENANCE.next_window(Region.EU, friday_noon).day == date(2026, 7, 17)
    assert MAINTENANCE.next_window(Region.EU, berlin(2026, 7, 17, 21)).day == date(2026, 7, 17)
    # Inside Friday's window the next one to start is Saturday's.
    assert MAINTENANCE.next_window(Region.EU, berlin(2026, 7, 17, 22)).day == date(2026, 7, 18)
    assert MAINTENANCE.next_window(Region.EU, berlin(2026, 7, 18, 2)).day == date(2026, 7, 18)


def test_next_window_of_a_kind_skips_windows_of_the_other_kind():
    weekend = MAINTENANCE.next_window(Region.EU, berlin(2026, 7, 15, 12), WindowKind.WEEKEND)
    assert weekend.day == date(2026, 7, 18)
    weekday = MAINTENANCE.next_window(Region.EU, berlin(2026, 7, 18, 12), WindowKind.WEEKDAY)
    assert weekday.day == date(2026, 7, 20)
    # A Sunday start is a weekend window.
    sunday = MAINTENANCE.next_window(Region.EU, berlin(2026, 7, 19, 0), WindowKind.WEEKEND)
    assert sunday.day == date(2026, 7, 19)


def test_berlin_window_at_the_end_of_summer_time_lasts_ten_real_hours():
    # Sun 25 Oct 2026 03:00 CEST → 02:00 CET.
    window = MAINTENANCE.window_on(Region.EU, date(2026, 10, 24))
    assert window.start == utc(2026, 10, 24, 19)  # 21:00 CEST
    assert window.end == utc(2026, 10, 25, 5)  # 06:00 CET
    assert window.end.utcoffset() == timedelta(hours=1)
    assert real_hours(window) == 10
    assert window.duration == timedelta(hours=10)
    assert window.kind is WindowKind.WEEKEND


def test_berlin_window_at_the_start_of_summer_time_lasts_eight_real_hours():
    # Sun 29 Mar 2026 02:00 CET → 03:00 CEST.
    window = MAINTENANCE.window_on(Region.EU, date(2026, 3, 28))
    assert window.start == utc(2026, 3, 28, 20)  # 21:00 CET
    assert window.end == utc(2026, 3, 29, 4)  # 06:00 CEST
    assert real_hours(window) == 8


def test_new_york_windows_follow_2026_daylight_saving_changes():
    # Sun 1 Nov 2026 02:00 EDT → 01:00 EST.
    autumn = MAINTENANCE.window_on(Region.AMER, date(2026, 10, 31))
    assert (autumn.start, autumn.end) == (utc(2026, 11, 1, 1), utc(2026, 11, 1, 11))
    assert real_hours(autumn) == 10
    # Sun 8 Mar 2026 02:00 EST → 03:00 EDT.
    spring = MAINTENANCE.window_on(Region.AMER, date(2026, 3, 7))
    assert (spring.start, spring.end) == (utc(2026, 3, 8, 2), utc(2026, 3, 8, 10))
    assert real_hours(spring) == 8


def test_sydney_windows_follow_southern_hemisphere_daylight_saving_changes():
    # DST ends Sun 5 Apr 2026 (03:00 AEDT → 02:00 AEST): a 10-hour window.
    april = MAINTENANCE.window_on(Region.AUS, date(2026, 4, 4))
    assert (april.start, april.end) == (utc(2026, 4, 4, 10), utc(2026, 4, 4, 20))
    assert real_hours(april) == 10
    # DST starts Sun 4 Oct 2026 (02:00 AEST → 03:00 AEDT): an 8-hour window.
    october = MAINTENANCE.window_on(Region.AUS, date(2026, 10, 3))
    assert (october.start, october.end) == (utc(2026, 10, 3, 11), utc(2026, 10, 3, 19))
    assert real_hours(october) == 8


@pytest.mark.parametrize(
    "day", [date(2026, 3, 7), date(2026, 3, 28), date(2026, 10, 3), date(2026, 10, 24)]
)
def test_tokyo_windows_are_always_nine_hours_because_japan_has_no_dst(day):
    window = MAINTENANCE.window_on(Region.APJC, day)
    assert real_hours(window) == 9
    assert window.start.utcoffset() == window.end.utcoffset() == timedelta(hours=9)


def test_window_at_during_the_repeated_autumn_hour_finds_the_saturday_window():
    # 02:30 occurs twice in Berlin on 25 Oct 2026; both belong to Saturday's window.
    first = datetime(2026, 10, 25, 2, 30, tzinfo=BERLIN, fold=0)
    second = datetime(2026, 10, 25, 2, 30, tzinfo=BERLIN, fold=1)
    assert first.astimezone(UTC) != second.astimezone(UTC)
    for at in (first, second):
        window = MAINTENANCE.window_at(Region.EU, at)
        assert window is not None
        assert window.day == date(2026, 10, 24)


def test_region_zones_are_configurable():
    melbourne = MaintenanceCalendar(
        timezones={**DEFAULT_REGION_TIMEZONES, Region.AUS: "Australia/Melbourne"}
    )
    assert melbourne.zone(Region.AUS) == ZoneInfo("Australia/Melbourne")
    assert melbourne.zone("EU") == BERLIN


def test_a_region_without_a_configured_zone_or_an_unknown_zone_is_rejected():
    only_amer = MaintenanceCalendar(timezones={Region.AMER: "America/New_York"})
    with pytest.raises(ValueError):
        only_amer.zone(Region.EU)
    with pytest.raises(ValueError):
        MaintenanceCalendar(timezones={Region.AUS: "ACT"})


def test_maintenance_calendar_is_hashable_and_isolated_from_the_callers_mapping():
    zones = dict(DEFAULT_REGION_TIMEZONES)
    calendar = MaintenanceCalendar(timezones=zones)
    zones[Region.EU] = "Europe/Lisbon"
    assert calendar.zone(Region.EU) == BERLIN
    assert calendar == MAINTENANCE
    assert hash(calendar) == hash(MAINTENANCE)


def test_maintenance_functions_reject_naive_datetimes():
    naive = datetime(2026, 7, 15, 23)
    window = MAINTENANCE.window_on(Region.EU, date(2026, 7, 15))
    with pytest.raises(ValueError):
        MAINTENANCE.window_at(Region.EU, naive)
    with pytest.raises(ValueError):
        MAINTENANCE.next_window(Region.EU, naive)
    with pytest.raises(ValueError):
        MAINTENANCE.fits_window(Region.EU, naive, berlin(2026, 7, 16, 1))
    with pytest.raises(ValueError):
        window.contains(naive)
    with pytest.raises(ValueError):
        window.covers(naive, berlin(2026, 7, 16, 1))
