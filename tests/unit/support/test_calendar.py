"""Which calendar a ticket runs on (domain.md §4 clock details)."""

from __future__ import annotations

import pytest

from services.support.domain.calendar import (
    BusinessHours,
    Location,
    normalise_subdivision,
    ticket_calendar,
    zone_of,
)
from shared.country_zones import country_timezones

pytestmark = pytest.mark.unit


class TestZones:
    @pytest.mark.parametrize(
        ("location", "zone"),
        [
            (Location("GB"), "Europe/London"),
            (Location("de"), "Europe/Berlin"),
            (Location("JP"), "Asia/Tokyo"),
            (Location("PL"), "Europe/Warsaw"),  # not curated: the only zone of zone.tab
            (Location("SG"), "Asia/Singapore"),
            (Location("ES", "CN"), "Atlantic/Canary"),
            (Location("AU", "WA"), "Australia/Perth"),
            (Location("AU", "Western Australia"), "Australia/Perth"),
            (Location("US", time_zone="America/Los_Angeles"), "America/Los_Angeles"),
        ],
    )
    def test_the_zone_of_a_place(self, location, zone):
        assert zone_of(location) == zone

    def test_a_country_with_several_zones_and_no_default_is_unknown(self):
        assert len(country_timezones("BR")) > 1
        assert zone_of(Location("BR")) is None
        assert zone_of(Location("ES")) is None  # the Canaries keep another clock
        assert zone_of(Location("DE")) == "Europe/Berlin"  # Büsingen keeps Berlin's

    def test_an_invalid_stated_zone_is_ignored(self):
        assert zone_of(Location("DE", time_zone="Mars/Olympus")) == "Europe/Berlin"


class TestSubdivisions:
    @pytest.mark.parametrize("text", ["SCT", "sct", "GB-SCT", "Scotland", "scotland"])
    def test_a_subdivision_by_code_iso_code_or_name(self, text):
        assert normalise_subdivision("GB", text) == "SCT"

    def test_an_unknown_subdivision_is_none(self):
        assert normalise_subdivision("GB", "Atlantis") is None
        assert normalise_subdivision("GB", "  ") is None


class TestTicketCalendar:
    def test_gb_without_a_subdivision_is_england_and_wales(self):
        choice = ticket_calendar(Location("GB"), Location("DE"))
        assert (choice.source, choice.subdivision, choice.time_zone) == (
            "customer",
            "ENG",
            "Europe/London",
        )

    def test_northern_ireland_has_its_own_holidays(self):
        choice = ticket_calendar(Location("GB", "Northern Ireland"), Location("GB"))
        assert choice.subdivision == "NIR"
        from datetime import date

        assert choice.calendar.is_holiday(date(2027, 3, 17))  # St Patrick's Day
        assert not ticket_calendar(Location("GB"), Location("GB")).calendar.is_holiday(
            date(2027, 3, 17)
        )

    def test_an_unknown_subdivision_keeps_the_national_holidays_and_says_so(self):
        choice = ticket_calendar(Location("DE", "Atlantis"), Location("GB"))
        assert choice.source == "customer" and choice.subdivision is None
        assert "subdivision_unknown" in choice.notes

    def test_the_partners_calendar_when_the_customers_zone_is_unknown(self):
        choice = ticket_calendar(Location("BR"), Location("NL"))
        assert (choice.source, choice.country, choice.time_zone) == (
            "partner",
            "NL",
            "Europe/Amsterdam",
        )
        assert "customer_calendar_unknown" in choice.notes

    def test_the_partners_holidays_in_utc_when_no_zone_is_known_at_all(self):
        choice = ticket_calendar(None, Location("BR"))
        assert (choice.country, choice.time_zone) == ("BR", "UTC")
        assert "time_zone_unknown" in choice.notes

    def test_business_hours_are_half_open_and_configurable(self):
        hours = BusinessHours()
        with pytest.raises(ValueError):
            BusinessHours(opens=hours.closes, closes=hours.opens)
        with pytest.raises(ValueError):
            BusinessHours(workdays=frozenset())
