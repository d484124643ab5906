"""The one number-range rule (`shared.numbers`), as both porting and onboarding apply it."""

from __future__ import annotations

import phonenumbers
import pytest

from shared import numbers as ranges

pytestmark = pytest.mark.unit


def n(raw: str) -> phonenumbers.PhoneNumber:
    return phonenumbers.parse(raw, None)


def test_a_range_expands_to_every_number_in_e164_both_ends_included():
    assert ranges.expand_range(n("+442079460010"), n("+442079460012")) == [
        "+442079460010",
        "+442079460011",
        "+442079460012",
    ]


def test_leading_zeros_of_the_significant_number_are_kept():
    # Italian fixed lines keep their leading 0 in the national significant number.
    assert ranges.expand_range(n("+390612345670"), n("+390612345671")) == [
        "+390612345670",
        "+390612345671",
    ]


@pytest.mark.parametrize(
    ("first", "last", "error"),
    [
        ("+442079460010", "+4420794600100", ranges.NotOneRange),  # different lengths
        ("+442079460010", "+492079460010", ranges.NotOneRange),  # different countries
        ("+442079460010", "+442079460001", ranges.RangeBackwards),
    ],
)
def test_ends_that_bound_no_range_are_refused(first, last, error):
    with pytest.raises(error) as refused:
        ranges.expand_range(n(first), n(last))
    assert refused.value.code == "invalid_range"


def test_a_range_over_the_limit_is_refused_with_its_size():
    with pytest.raises(ranges.RangeTooLarge) as refused:
        ranges.expand_range(n("+442079460000"), n("+442079461000"))
    assert (refused.value.size, refused.value.limit) == (1001, ranges.MAX_RANGE_SIZE)
    assert len(ranges.expand_range(n("+442079460000"), n("+442079460999"))) == 1000


def test_numbers_are_counted_from_the_ends_without_expanding():
    entries = [("+442079460000", "+442079469999"), None, ("+44207946", "+4930")]

    def ends(entry):
        return None if entry is None else (n(entry[0]), n(entry[1]))

    # 10,000 + one single entry + one pair that bounds no range (counts as one)
    assert ranges.count_numbers(entries, ends) == 10_002
    assert ranges.MAX_NUMBERS == 10_000
