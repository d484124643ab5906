"""§3 release management: n-2 end of sale, who must upgrade, to what, in which window."""

from __future__ import annotations

from datetime import date

import pytest

from services.notifications.domain.releases import (
    CustomerRelease,
    ReleaseTrain,
    end_of_sale_notices,
    proposed_window,
)
from shared.calendars import Region, WindowKind
from tests.unit.notifications.samples import POLICY, local

pytestmark = pytest.mark.unit

TRAIN = ReleaseTrain(("12.5", "14.0")).with_new_release("15.0")
ANNOUNCED = local(Region.EU, 2026, 6, 1, 10)  # Monday


def customer(cid: str, partner: str, release: str, region: Region = Region.EU) -> CustomerRelease:
    return CustomerRelease(cid, f"Customer {cid}", partner, region, release)


def test_a_new_release_makes_n_minus_1_the_end_of_sale_release():
    assert (TRAIN.current, TRAIN.previous, TRAIN.end_of_sale) == ("15.0", "14.0", "12.5")
    assert TRAIN.supported("14.0") and TRAIN.supported("15.0")
    assert not TRAIN.supported("12.5") and not TRAIN.supported("11.5")


def test_each_partner_is_told_which_of_its_customers_must_upgrade_to_what_and_when():
    notices = end_of_sale_notices(
        TRAIN,
        [
            customer("c1", "beta", "12.5"),
            customer("c2", "alpha", "14.0"),  # n-1: may stay
            customer("c3", "alpha", "12.5", Region.AMER),
            customer("c4", "alpha", "11.5"),  # older still: must upgrade too
        ],
        ANNOUNCED,
        POLICY,
    )
    assert [n.partner_id for n in notices] == ["alpha", "beta"]
    alpha = notices[0]
    assert (alpha.end_of_sale_release, alpha.target_release) == ("12.5", "15.0")
    assert [(u.customer_id, u.current_release, u.target_release) for u in alpha.upgrades] == [
        ("c4", "11.5", "15.0"),
        ("c3", "12.5", "15.0"),
    ]
    amer = alpha.upgrades[1].window
    assert (amer.region, amer.day, amer.kind) == (
        Region.AMER,
        date(2026, 6, 15),
        WindowKind.WEEKDAY,
    )


@pytest.mark.parametrize("region", [Region.AMER, Region.APJC, Region.AUS, Region.EU])
def test_the_proposed_window_is_the_first_weekday_window_after_the_notice_period(region):
    # Notice on Wednesday 10 June: the 10th business day after is Wednesday 24 June.
    window = proposed_window(POLICY, region, local(region, 2026, 6, 10, 9))
    assert (window.day, window.kind) == (date(2026, 6, 24), WindowKind.WEEKDAY)
    assert window.start == local(region, 2026, 6, 24, 21)


def test_a_configured_holiday_pushes_the_proposed_window_by_a_business_day():
    policy_holiday = POLICY.__class__(holidays={Region.EU: {date(2026, 6, 24)}})
    window = proposed_window(policy_holiday, Region.EU, local(Region.EU, 2026, 6, 10, 9))
    assert window.day == date(2026, 6, 25)  # one business day later because of the holiday


def test_a_release_train_needs_two_distinct_releases():
    with pytest.raises(ValueError):
        ReleaseTrain(("15.0",))
    with pytest.raises(ValueError):
        ReleaseTrain(("14.0", "14.0"))
