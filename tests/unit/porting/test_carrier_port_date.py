"""A port date set by the carrier is checked, never taken as given (domain.md section 2)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from services.porting.domain.errors import InvalidPortDate
from services.porting.domain.rules import (
    check_carrier_port_date,
    earliest_carrier_port_date,
    working_calendar,
)
from services.porting.domain.values import Address, PortStatus
from tests.unit.porting.samples import RULES, at, gb_details, submitted

pytestmark = pytest.mark.unit

NO_LEAD_FLOOR = RULES.model_copy(update={"carrier_port_date_respects_lead_time": False})


def codes(error: pytest.ExceptionInfo[InvalidPortDate]) -> list[str]:
    return [r.code for r in error.value.reasons()]


class TestTheInstances:
    def test_christmas_day_is_refused_as_no_working_day(self):
        request = submitted(now=at(2026, 11, 2, 9))
        with pytest.raises(InvalidPortDate) as refused:
            request.accept(at(2026, 11, 2, 10), "CR-1", NO_LEAD_FLOOR, date(2026, 12, 25))
        assert codes(refused) == ["port_date_not_a_working_day"]
        assert "Christmas" in refused.value.reasons()[0].message
        assert refused.value.earliest_port_date == date(2026, 11, 5)  # Thu: cut-off Tue 00:00
        assert request.status is PortStatus.SUBMITTED and request.port_date is None

    def test_a_date_whose_cut_off_has_passed_at_acceptance_is_refused(self):
        # Port date Mon 18 Jan 2027: cut-off Sat 16 Jan 00:00 London; accepted Sat 10:00.
        request = submitted()
        with pytest.raises(InvalidPortDate) as refused:
            request.accept(at(2027, 1, 16, 10), "CR-1", NO_LEAD_FLOOR, date(2027, 1, 18))
        assert codes(refused) == ["cancellation_cutoff_passed"]
        # The next working day whose cut-off (Sun 17 Jan 00:00) is still ahead: Tue 19 Jan.
        assert refused.value.earliest_port_date == date(2027, 1, 19)

    def test_an_answer_received_after_the_cut_off_is_judged_when_it_arrives(self):
        request = submitted()
        with pytest.raises(InvalidPortDate) as refused:
            request.accept(
                at(2027, 1, 13, 10),
                "CR-1",
                NO_LEAD_FLOOR,
                date(2027, 1, 18),
                received_at=at(2027, 1, 16, 0, 1),
            )
        assert codes(refused) == ["cancellation_cutoff_passed"]

    def test_a_date_earlier_than_the_lead_time_is_refused_by_default(self):
        # Accepted Mon 14 Dec 2026: 22 working days in England → Mon 18 Jan 2027.
        request = submitted()
        with pytest.raises(InvalidPortDate) as refused:
            request.accept(at(2026, 12, 14, 10), "CR-1", RULES, date(2027, 1, 11))
        assert codes(refused) == ["port_date_before_lead_time"]
        assert refused.value.earliest_port_date == date(2027, 1, 18)

    def test_a_date_breaking_several_rules_gives_every_reason(self):
        request = submitted()
        with pytest.raises(InvalidPortDate) as refused:
            request.accept(at(2026, 12, 24, 10), "CR-1", RULES, date(2026, 12, 25))
        assert codes(refused) == [
            "port_date_not_a_working_day",
            "cancellation_cutoff_passed",
            "port_date_before_lead_time",
        ]

    def test_a_valid_later_date_is_taken_as_the_carriers(self):
        request = submitted()
        request.accept(at(2026, 12, 14, 10), "CR-1", RULES, date(2027, 1, 20))
        assert request.port_date == date(2027, 1, 20)
        assert request.lead_days is None

    def test_without_the_lead_time_floor_an_earlier_working_day_is_taken(self):
        request = submitted()
        request.accept(at(2026, 12, 14, 10), "CR-1", NO_LEAD_FLOOR, date(2027, 1, 11))
        assert request.port_date == date(2027, 1, 11)

    def test_the_day_of_acceptance_itself_is_refused(self):
        request = submitted()
        with pytest.raises(InvalidPortDate) as refused:
            request.accept(at(2026, 12, 14, 10), "CR-1", NO_LEAD_FLOOR, date(2026, 12, 14))
        assert "port_date_not_after_acceptance" in codes(refused)


# -- other members of the kind: other countries, other holidays, weekends -------------------

ACCEPTED_EARLY = datetime(2026, 1, 5, 10, tzinfo=UTC)


@pytest.mark.parametrize(
    ("country", "subdivision", "holiday"),
    [
        ("GB", None, date(2026, 12, 28)),  # Boxing Day moved to Monday (26 Dec is Saturday)
        ("GB", None, date(2026, 8, 31)),  # England's summer bank holiday
        ("GB", "SCT", date(2026, 8, 3)),  # Scotland's (first Monday of August)
        ("GB", "NIR", date(2026, 7, 13)),  # Battle of the Boyne (12 July is a Sunday)
        ("DE", None, date(2026, 10, 3)),  # Saturday: a weekend day as well
        ("FR", None, date(2026, 7, 14)),
        ("PL", None, date(2026, 11, 11)),
        ("SE", None, date(2026, 5, 14)),  # Ascension Day
        ("FI", None, date(2026, 12, 24)),
        ("IE", None, date(2026, 3, 17)),
        ("NL", None, date(2026, 4, 27)),  # King's Day
        ("GR", None, date(2026, 3, 25)),
    ],
)
def test_a_holiday_or_weekend_of_the_requests_calendar_is_refused(country, subdivision, holiday):
    calendar = working_calendar(RULES, country, subdivision)
    with pytest.raises(InvalidPortDate) as refused:
        check_carrier_port_date(holiday, ACCEPTED_EARLY, ACCEPTED_EARLY, calendar, None)
    assert codes(refused) == ["port_date_not_a_working_day"]
    assert refused.value.earliest_port_date == date(2026, 1, 8)  # cut-off Tue 6 Jan 00:00


def test_a_scottish_address_makes_a_scottish_holiday_refused_without_being_told():
    address = Address(("Unit 1, Example Park",), "Edinburgh", "EH1 9ZZ", "GB")
    request = submitted(gb_details(registered_address=address))
    with pytest.raises(InvalidPortDate):
        request.accept(at(2027, 6, 1, 10), "CR-1", NO_LEAD_FLOOR, date(2027, 8, 2))
    england = submitted()
    england.accept(at(2027, 6, 1, 10), "CR-1", NO_LEAD_FLOOR, date(2027, 8, 2))
    assert england.port_date == date(2027, 8, 2)


@pytest.mark.parametrize(
    ("country", "accepted_local", "expected"),
    [
        # Accepted Thursday morning: Friday's cut-off (Wednesday 00:00) has passed, Monday's
        # (Saturday 00:00) is ahead.
        ("PL", datetime(2027, 2, 4, 9, 0), date(2027, 2, 8)),
        ("FI", datetime(2027, 2, 4, 9, 0), date(2027, 2, 8)),
        ("PT", datetime(2027, 2, 4, 9, 0), date(2027, 2, 8)),
        # Accepted a minute before local midnight on Tuesday: Friday's cut-off is that
        # midnight, still ahead; Thursday's (Tuesday 00:00) has passed.
        ("RO", datetime(2027, 2, 2, 23, 59), date(2027, 2, 5)),
    ],
)
def test_the_earliest_date_is_the_first_working_day_whose_cut_off_is_ahead(
    country, accepted_local, expected
):
    calendar = working_calendar(RULES, country)
    accepted_at = accepted_local.replace(tzinfo=ZoneInfo(calendar.timezone))
    assert earliest_carrier_port_date(accepted_at, accepted_at, calendar, None) == expected
    check_carrier_port_date(expected, accepted_at, accepted_at, calendar, None)  # no error
