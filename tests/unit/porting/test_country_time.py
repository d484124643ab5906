"""Every served country counts days and cut-offs in its own time zone, never in UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from services.porting.domain import events as ev
from services.porting.domain.model import PortRequest
from services.porting.domain.rules import (
    cancellation_cutoff,
    is_cancellation_late,
    port_date,
    working_calendar,
)
from services.porting.domain.values import Address, PortDetails, PortStatus
from tests.unit.porting.samples import PARTNER, PARTNER_USER, RULES, only

pytestmark = pytest.mark.unit

CAPITAL_ZONES = {
    "AT": "Europe/Vienna",
    "BE": "Europe/Brussels",
    "BG": "Europe/Sofia",
    "CH": "Europe/Zurich",
    "CY": "Asia/Nicosia",
    "CZ": "Europe/Prague",
    "DE": "Europe/Berlin",
    "DK": "Europe/Copenhagen",
    "EE": "Europe/Tallinn",
    "ES": "Europe/Madrid",
    "FI": "Europe/Helsinki",
    "FR": "Europe/Paris",
    "GB": "Europe/London",
    "GR": "Europe/Athens",
    "HR": "Europe/Zagreb",
    "HU": "Europe/Budapest",
    "IE": "Europe/Dublin",
    "IS": "Atlantic/Reykjavik",
    "IT": "Europe/Rome",
    "LI": "Europe/Vaduz",
    "LT": "Europe/Vilnius",
    "LU": "Europe/Luxembourg",
    "LV": "Europe/Riga",
    "MT": "Europe/Malta",
    "NL": "Europe/Amsterdam",
    "NO": "Europe/Oslo",
    "PL": "Europe/Warsaw",
    "PT": "Europe/Lisbon",
    "RO": "Europe/Bucharest",
    "SE": "Europe/Stockholm",
    "SI": "Europe/Ljubljana",
    "SK": "Europe/Bratislava",
}
"""The zone of each served country's capital (the test's own oracle, not the code's)."""

WARSAW = ZoneInfo("Europe/Warsaw")
HELSINKI = ZoneInfo("Europe/Helsinki")
FIXED_LINES = {"PL": "+48123456789", "FI": "+358131234567"}


def request_in(country: str, submitted_at: datetime) -> PortRequest:
    details = PortDetails(
        product="analogue",
        numbers=(FIXED_LINES[country],),
        registered_address=Address(("Example Street 1",), "Example City", "00-001", country),
        losing_provider="Example Telecom",
    )
    request, _ = PortRequest.create_draft(
        port_id="port-0001",
        partner_id=PARTNER,
        country=country,
        details=details,
        now=submitted_at,
        actor=PARTNER_USER,
    )
    request.submit(submitted_at, PARTNER_USER, RULES)
    return request


def test_every_served_country_has_a_zone_table_entry_in_this_test():
    assert set(CAPITAL_ZONES) == set(RULES.served_countries)


@pytest.mark.parametrize("country", sorted(CAPITAL_ZONES))
def test_every_served_country_counts_in_its_capitals_zone(country):
    calendar = working_calendar(RULES, country)
    assert calendar.timezone == CAPITAL_ZONES[country]
    # Midnight two days before a port date is midnight on the capital's wall clock.
    cutoff = cancellation_cutoff(date(2027, 1, 20), calendar)
    assert cutoff.astimezone(ZoneInfo(CAPITAL_ZONES[country])).time() == time(0, 0)


def test_a_configured_zone_still_overrides_the_default():
    rules = RULES.model_copy(update={"calendar_timezones": {"PT": "Atlantic/Azores"}})
    assert working_calendar(rules, "PT").timezone == "Atlantic/Azores"


class TestPolishCancellationAtOneInTheMorning:
    def test_a_cancellation_at_01_00_warsaw_on_the_cut_off_day_is_late(self):
        # Accepted Mon 1 Feb 2027 → port date Mon 1 Mar 2027 (20 Polish working days);
        # cut-off 00:00 Warsaw on Sat 27 Feb = 23:00 UTC on the 26th.
        request = request_in("PL", datetime(2027, 1, 25, 10, tzinfo=WARSAW))
        request.accept(datetime(2027, 2, 1, 10, tzinfo=WARSAW), "CR-PL", RULES)
        assert request.port_date == date(2027, 3, 1)
        reported = datetime(2027, 2, 27, 1, 0, tzinfo=WARSAW)  # 00:00 UTC
        [late] = only(
            request.report_cancellation(reported, "Example Telecom", RULES, reported_at=reported),
            ev.LateCancellationRecorded,
        )
        assert late.cutoff == datetime(2027, 2, 26, 23, 0, tzinfo=UTC)
        assert request.status is PortStatus.ACCEPTED

    def test_one_minute_before_midnight_warsaw_is_still_in_time(self):
        request = request_in("PL", datetime(2027, 1, 25, 10, tzinfo=WARSAW))
        request.accept(datetime(2027, 2, 1, 10, tzinfo=WARSAW), "CR-PL", RULES)
        reported = datetime(2027, 2, 26, 23, 59, tzinfo=WARSAW)
        events = request.report_cancellation(
            reported, "Example Telecom", RULES, reported_at=reported
        )
        only(events, ev.PortCancelled)
        assert request.status is PortStatus.SUBMITTED


class TestFinnishAcceptanceAfterMidnight:
    def test_an_acceptance_at_00_30_helsinki_counts_from_that_local_day(self):
        # Tue 7 Sep 2027 00:30 in Helsinki is still Monday 21:30 in UTC.
        accepted_at = datetime(2027, 9, 7, 0, 30, tzinfo=HELSINKI)
        assert accepted_at.astimezone(UTC).date() == date(2027, 9, 6)
        request = request_in("FI", datetime(2027, 9, 1, 10, tzinfo=HELSINKI))
        request.accept(accepted_at, "CR-FI", RULES)
        # 20 Finnish working days after Tue 7 Sep (no holiday between) → Tue 5 Oct 2027.
        assert request.port_date == date(2027, 10, 5)


# -- other members of the kind: other countries, other DST nights -----------------------


@pytest.mark.parametrize(
    ("country", "port_day"),
    [
        # Cut-off days on the nights the clocks change (last Sunday of March / October).
        ("GR", date(2027, 3, 30)),
        ("RO", date(2027, 3, 30)),
        ("SE", date(2027, 10, 26)),
        ("NO", date(2027, 10, 26)),
        ("PT", date(2027, 3, 30)),
        ("LV", date(2027, 10, 26)),
        ("MT", date(2027, 3, 30)),
        ("BG", date(2027, 10, 26)),
        ("CY", date(2027, 3, 30)),
        ("EE", date(2027, 10, 26)),
    ],
)
def test_around_a_dst_night_the_cut_off_is_local_midnight_to_the_microsecond(country, port_day):
    calendar = working_calendar(RULES, country)
    zone = ZoneInfo(CAPITAL_ZONES[country])
    midnight = datetime.combine(port_day - timedelta(days=2), time(0, 0), tzinfo=zone)
    assert cancellation_cutoff(port_day, calendar) == midnight
    assert not is_cancellation_late(midnight, port_day, calendar)
    assert is_cancellation_late(midnight + timedelta(microseconds=1), port_day, calendar)


@pytest.mark.parametrize(
    ("country", "local_acceptance", "expected_port_date"),
    [
        # 00:15 local on a Tuesday is Monday evening in UTC; the count starts on Tuesday.
        ("GR", datetime(2027, 9, 7, 0, 15), date(2027, 10, 5)),
        # Bulgarian 22 Sep (Independence Day) is a holiday: one day later.
        ("BG", datetime(2027, 9, 7, 0, 15), date(2027, 10, 6)),
        ("LT", datetime(2027, 9, 7, 0, 15), date(2027, 10, 5)),
        ("HU", datetime(2027, 9, 7, 0, 15), date(2027, 10, 5)),
        # Slovak 15 Sep (Our Lady of the Seven Sorrows) is a holiday: one day later.
        ("SK", datetime(2027, 9, 7, 0, 15), date(2027, 10, 6)),
        # Czech 28 Sep (St Wenceslas) is a holiday, so one day later.
        ("CZ", datetime(2027, 9, 7, 0, 15), date(2027, 10, 6)),
    ],
)
def test_an_acceptance_just_after_local_midnight_counts_from_the_local_day(
    country, local_acceptance, expected_port_date
):
    calendar = working_calendar(RULES, country)
    accepted_at = local_acceptance.replace(tzinfo=ZoneInfo(CAPITAL_ZONES[country]))
    assert accepted_at.astimezone(UTC).date() < accepted_at.date()
    assert port_date(accepted_at, calendar, 20) == expected_port_date
