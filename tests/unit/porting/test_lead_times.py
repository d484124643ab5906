"""Lead times and port dates: N working days after acceptance in the country's calendar."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from services.porting.domain import events as ev
from services.porting.domain.errors import UnknownLeadTime
from services.porting.domain.policy import PortingRules
from services.porting.domain.rules import lead_time, port_date, working_calendar
from services.porting.domain.values import PortCorrections, PortStatus
from tests.unit.porting.samples import (
    BERLIN,
    PARTNER_USER,
    RULES,
    at,
    gb_details,
    only,
    submitted,
    utc,
)

pytestmark = pytest.mark.unit

GB = working_calendar(RULES, "GB")
DE = working_calendar(RULES, "DE")
NL = working_calendar(RULES, "NL")


class TestLeadTimeLookup:
    @pytest.mark.parametrize("product", ["analogue", "multi_line", "Multi-Line", "isdn", "ISDN "])
    def test_uk_analogue_multi_line_and_isdn_take_22_working_days(self, product):
        assert lead_time(RULES, "GB", product) == 22

    @pytest.mark.parametrize("country", ["DE", "NL", "FR", "IE", "CH", "de"])
    def test_other_european_countries_take_20_working_days(self, country):
        assert lead_time(RULES, country, "analogue") == 20
        assert lead_time(RULES, country, "voip") == 20

    def test_other_uk_products_need_configuration(self):
        with pytest.raises(UnknownLeadTime) as refused:
            lead_time(RULES, "GB", "voip")
        assert refused.value.code == "lead_time_not_configured"
        assert refused.value.details == {"country": "GB", "product": "voip"}

    def test_a_configured_uk_product_uses_its_configured_lead_time(self):
        rules = PortingRules(lead_times={"GB": {"analogue": 22, "voip": 10}})
        assert lead_time(rules, "GB", "voip") == 10

    def test_a_configured_product_overrides_the_european_default(self):
        rules = PortingRules(lead_times={"DE": {"isdn": 25}})
        assert lead_time(rules, "DE", "isdn") == 25
        assert lead_time(rules, "DE", "analogue") == 20

    def test_a_country_outside_europe_without_configuration_has_no_lead_time(self):
        with pytest.raises(UnknownLeadTime):
            lead_time(RULES, "US", "analogue")


class TestPortDateInTheUK:
    def test_22_working_days_skip_weekends_christmas_boxing_day_substitute_and_new_year(self):
        # Mon 14 Dec 2026 → skips 25 Dec, 28 Dec (Boxing Day observed), 1 Jan and weekends.
        assert port_date(at(2026, 12, 14, 10), GB, 22) == date(2027, 1, 18)

    def test_22_working_days_skip_good_friday_and_easter_monday_2027(self):
        # Wed 17 Mar 2027 → skips Fri 26 Mar and Mon 29 Mar 2027.
        assert port_date(at(2027, 3, 17, 10), GB, 22) == date(2027, 4, 20)

    def test_acceptance_on_a_saturday_counts_from_the_next_working_day(self):
        saturday = port_date(at(2026, 12, 12, 10), GB, 22)
        assert saturday == port_date(at(2026, 12, 14, 10), GB, 22) == date(2027, 1, 18)
        # ... and not like an acceptance on the Friday before.
        assert port_date(at(2026, 12, 11, 10), GB, 22) == date(2027, 1, 15)

    def test_acceptance_on_a_bank_holiday_counts_from_the_next_working_day(self):
        # Mon 28 Dec 2026 is Boxing Day observed: counts as accepted on Tue 29 Dec.
        assert port_date(at(2026, 12, 28, 10), GB, 22) == port_date(at(2026, 12, 29, 10), GB, 22)

    def test_scottish_holidays_apply_when_the_address_is_in_scotland(self):
        # 2 Jan 2027 is a Saturday: Scotland takes Mon 4 Jan off, England does not.
        scotland = working_calendar(RULES, "GB", "SCT")
        assert port_date(at(2026, 12, 31, 10), GB, 22) == date(2027, 2, 2)
        assert port_date(at(2026, 12, 31, 10), scotland, 22) == date(2027, 2, 3)

    def test_the_uk_calendar_defaults_to_england_and_wales(self):
        assert GB.subdivision == "ENG"
        assert str(GB.tz()) == "Europe/London"


class TestPortDateInGermanyAndTheNetherlands:
    def test_20_working_days_skip_german_christmas_and_new_year(self):
        # Mon 14 Dec 2026 → skips Fri 25 Dec and Fri 1 Jan (24 Dec and 6 Jan are not
        # national holidays).
        assert port_date(at(2026, 12, 14, 10, tz=BERLIN), DE, 20) == date(2027, 1, 13)

    def test_20_working_days_skip_german_good_friday_and_easter_monday(self):
        assert port_date(at(2027, 3, 22, 10, tz=BERLIN), DE, 20) == date(2027, 4, 21)

    def test_20_working_days_skip_kings_day_ascension_and_whit_monday_in_the_netherlands(self):
        assert port_date(at(2027, 4, 19, 10, tz=BERLIN), NL, 20) == date(2027, 5, 20)

    def test_the_day_of_acceptance_is_the_local_day_in_the_countrys_zone(self):
        # 23:30 UTC on Mon 14 Dec is already Tue 15 Dec in Berlin.
        assert port_date(utc(2026, 12, 14, 23, 30), DE, 20) == port_date(
            at(2026, 12, 15, 10, tz=BERLIN), DE, 20
        )
        assert port_date(utc(2026, 12, 14, 23, 30), DE, 20) == date(2027, 1, 14)

    def test_a_naive_acceptance_instant_is_refused(self):
        with pytest.raises(ValueError):
            port_date(datetime(2026, 12, 14, 10), DE, 20)


class TestLeadTimeOnTheAggregate:
    def test_accepting_schedules_the_port_date_from_the_lead_time(self):
        request = submitted()
        events = request.accept(at(2026, 12, 14, 10), "CARRIER-REF-1", RULES)
        assert request.port_date == date(2027, 1, 18)
        assert request.lead_days == 22
        assert only(events, ev.PortAccepted)[0].port_date == date(2027, 1, 18)

    def test_a_port_date_stated_by_the_carrier_is_kept(self):
        request = submitted()
        request.accept(at(2026, 12, 14, 10), "CARRIER-REF-1", RULES, port_date=date(2027, 2, 1))
        assert request.port_date == date(2027, 2, 1)
        assert request.lead_days is None

    def test_resubmission_restarts_the_lead_time_from_its_acceptance(self):
        request = submitted(now=at(2026, 11, 2, 9))
        request.reject(at(2026, 11, 9, 10), [])
        corrections = PortCorrections(range_holder="Example Networks Ltd")
        request.resubmit(at(2026, 12, 10, 9), PARTNER_USER, RULES, corrections)
        request.accept(at(2026, 12, 14, 10), "CARRIER-REF-2", RULES)
        # Counted from 14 Dec, not from the first submission or rejection in November.
        assert request.port_date == date(2027, 1, 18)
        assert request.revision == 2

    def test_a_restart_after_cancellation_counts_again_from_the_new_acceptance(self):
        request = submitted(now=at(2026, 11, 16, 9))
        request.accept(at(2026, 11, 16, 10), "CARRIER-REF-1", RULES)
        request.report_cancellation(at(2026, 11, 20, 10), "Example Telecom Ltd", RULES)
        assert request.status is PortStatus.SUBMITTED
        request.accept(at(2026, 12, 14, 10), "CARRIER-REF-2", RULES)
        assert request.port_date == date(2027, 1, 18)

    def test_a_request_with_a_scottish_address_uses_scottish_holidays(self):
        request = submitted(gb_details(calendar_subdivision="SCT"))
        request.accept(at(2026, 12, 31, 10), "CARRIER-REF-1", RULES)
        assert request.port_date == date(2027, 2, 3)
