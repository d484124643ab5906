"""A GB request counts working days in the UK nation its registered address lies in."""

from __future__ import annotations

from datetime import date

import pytest

from services.porting.domain.regions import subdivision_of_address, uk_nation_of_postcode
from services.porting.domain.values import Address
from tests.unit.porting.samples import RULES, at, gb_details, submitted

pytestmark = pytest.mark.unit


def address(postcode: str, city: str = "Example Town", country: str = "GB") -> Address:
    return Address(("Unit 1, Example Park",), city, postcode, country)


def port_date_for(postcode: str, accepted_on: tuple[int, int, int], **changes) -> date | None:
    request = submitted(gb_details(registered_address=address(postcode), **changes))
    request.accept(at(*accepted_on, 10), "CARRIER-REF-1", RULES)
    return request.port_date


class TestTheInstance:
    def test_an_edinburgh_address_uses_scotlands_holidays_without_being_told(self):
        # Accepted Thu 31 Dec 2026: Scotland also closes on 2 Jan (moved to Mon 4 Jan),
        # so 22 working days end on Wed 3 Feb 2027, not on Tue 2 Feb as in England.
        assert port_date_for("EH1 9ZZ", (2026, 12, 31)) == date(2027, 2, 3)
        assert port_date_for("SW1A 9ZZ", (2026, 12, 31)) == date(2027, 2, 2)

    def test_a_belfast_address_uses_northern_irelands_holidays(self):
        # Accepted Mon 1 Mar 2027: St Patrick's Day (17 Mar) and Easter Monday are closed
        # in Northern Ireland → Mon 5 Apr; England → Fri 2 Apr.
        assert port_date_for("BT7 9ZZ", (2027, 3, 1)) == date(2027, 4, 5)
        assert port_date_for("M1 9ZZ", (2027, 3, 1)) == date(2027, 4, 2)


class TestOtherHolidaysOfTheNations:
    @pytest.mark.parametrize(
        ("postcode", "accepted_on", "expected"),
        [
            # Scotland works on Easter Monday: one day earlier than England.
            ("G2 9ZZ", (2027, 3, 1), date(2027, 4, 1)),
            # Scotland's summer bank holiday is the first Monday of August (2 Aug 2027).
            ("AB10 9ZZ", (2027, 7, 26), date(2027, 8, 26)),
            ("CF10 9ZZ", (2027, 7, 26), date(2027, 8, 25)),  # Wales: as England
            # St Andrew's Day, Tue 30 Nov 2027.
            ("IV2 9ZZ", (2027, 11, 15), date(2027, 12, 16)),
            ("LS1 9ZZ", (2027, 11, 15), date(2027, 12, 15)),
            # Northern Ireland's 12 July (Battle of the Boyne), Mon 12 Jul 2027.
            ("BT93 9ZZ", (2027, 6, 28), date(2027, 7, 29)),
            ("KW15 9ZZ", (2027, 6, 28), date(2027, 7, 28)),
        ],
    )
    def test_each_nations_own_holidays_count(self, postcode, accepted_on, expected):
        assert port_date_for(postcode, accepted_on) == expected

    def test_an_explicit_subdivision_wins_over_the_postcode(self):
        # A cross-border district the partner knows to be in England.
        assert port_date_for("EH1 9ZZ", (2026, 12, 31), calendar_subdivision="ENG") == date(
            2027, 2, 2
        )


@pytest.mark.parametrize(
    ("postcode", "nation"),
    [
        ("EH1 1ZZ", "SCT"),
        ("eh11zz", "SCT"),
        ("G1 1ZZ", "SCT"),
        ("DD1 1ZZ", "SCT"),
        ("DG16 5ZZ", "SCT"),
        ("FK8 1ZZ", "SCT"),
        ("HS1 2ZZ", "SCT"),
        ("KA7 1ZZ", "SCT"),
        ("KY16 9ZZ", "SCT"),
        ("ML3 6ZZ", "SCT"),
        ("PA1 1ZZ", "SCT"),
        ("PH1 5ZZ", "SCT"),
        ("TD1 1ZZ", "SCT"),
        ("ZE1 0ZZ", "SCT"),
        ("TD15 1ZZ", "ENG"),  # Berwick-upon-Tweed is in England
        ("BT1 1ZZ", "NIR"),
        ("BT93 1ZZ", "NIR"),
        ("SW1A 1ZZ", "ENG"),
        ("CF10 1ZZ", "ENG"),  # Wales shares England's bank holidays
        ("LL11 1ZZ", "ENG"),
        ("GL1 1ZZ", "ENG"),  # GL is not G
        ("B1 1ZZ", "ENG"),
        ("TD15", "ENG"),
        ("not a postcode", None),
        ("", None),
    ],
)
def test_the_nation_of_a_postcode(postcode, nation):
    assert uk_nation_of_postcode(postcode) == nation


def test_only_gb_addresses_give_a_uk_nation():
    assert subdivision_of_address("GB", address("EH1 1ZZ")) == "SCT"
    assert subdivision_of_address("DE", address("EH1 1ZZ", country="DE")) is None
    assert subdivision_of_address("GB", None) is None
