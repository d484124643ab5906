"""Numbers of a request: E.164, country, type, ranges and duplicates inside one request."""

from __future__ import annotations

import pytest

from services.porting.domain.errors import (
    InvalidNumber,
    InvalidRange,
    NumberNotInCountry,
    NumberTypeNotPortable,
    RangeTooLarge,
)
from services.porting.domain.numbers import (
    NumberRange,
    expand_range,
    normalise_numbers,
    parse_number,
    parse_range_text,
)
from services.porting.domain.policy import PORTABLE_NUMBER_TYPES

pytestmark = pytest.mark.unit


def codes(result) -> list[str]:
    return [r.code for r in result.reasons]


class TestNormalisingSingleNumbers:
    @pytest.mark.parametrize(
        "raw",
        ["020 7946 0000", "02079460000", "+44 20 7946 0000", "+442079460000", "(020) 7946-0000"],
    )
    def test_national_and_international_forms_give_the_same_e164_number(self, raw):
        assert parse_number(raw, "GB") == "+442079460000"

    def test_a_german_national_number_is_read_as_german_in_a_german_request(self):
        assert parse_number("030 12345678", "DE") == "+493012345678"

    @pytest.mark.parametrize("raw", ["12345", "not a number", "+44 20 7946", "+44 20 7946 0000 1"])
    def test_an_invalid_number_is_refused(self, raw):
        with pytest.raises(InvalidNumber) as refused:
            parse_number(raw, "GB")
        assert refused.value.code == "invalid_number"
        assert refused.value.number == raw

    def test_a_german_number_in_a_uk_request_is_refused_as_foreign(self):
        with pytest.raises(NumberNotInCountry) as refused:
            parse_number("+49 30 12345678", "GB")
        assert refused.value.code == "number_not_in_country"
        assert refused.value.number == "+493012345678"
        assert refused.value.details == {"region": "DE", "country": "GB"}

    def test_a_guernsey_number_is_not_a_uk_number(self):
        with pytest.raises(NumberNotInCountry):
            parse_number("+44 1481 212345", "GB")

    @pytest.mark.parametrize(
        "raw",
        ["+44 20 7946 0000", "+44 161 496 0000", "+44 800 123 4567", "+44 300 123 4567"],
    )
    def test_geographic_and_non_geographic_numbers_are_portable(self, raw):
        assert parse_number(raw, "GB", PORTABLE_NUMBER_TYPES).startswith("+44")

    def test_a_mobile_number_is_not_portable_here(self):
        with pytest.raises(NumberTypeNotPortable) as refused:
            parse_number("+44 7400 123456", "GB", PORTABLE_NUMBER_TYPES)
        assert refused.value.details == {"number_type": "mobile"}

    def test_a_number_read_first_without_a_type_check_is_still_refused_with_one(self):
        # The size limit counts numbers without checking their type; the check remembered
        # from that read must not let the type through later.
        assert parse_number("+44 7400 123457", "GB") == "+447400123457"
        with pytest.raises(NumberTypeNotPortable):
            parse_number("+44 7400 123457", "GB", PORTABLE_NUMBER_TYPES)
        assert parse_number("+44 7400 123457", "GB", {"mobile"}) == "+447400123457"


class TestExpandingRanges:
    def test_a_range_of_e164_numbers_is_expanded_both_ends_included(self):
        numbers = expand_range(NumberRange("+442079460000", "+442079460099"), "GB", 1000)
        assert len(numbers) == 100
        assert numbers[0] == "+442079460000"
        assert numbers[-1] == "+442079460099"

    def test_range_text_with_a_short_suffix_replaces_the_last_digits(self):
        assert parse_range_text("02079460000-0099", "GB") == NumberRange(
            "02079460000", "+442079460099"
        )
        result = normalise_numbers(["02079460000-0099"], "GB", 1000)
        assert result.numbers == tuple(f"+44207946{n:04d}" for n in range(100))
        assert result.reasons == ()

    @pytest.mark.parametrize(
        "text",
        [
            "020 7946 0000 - 020 7946 0009",
            "+442079460000-+442079460009",
            "+44 20 7946 0000 to +44 20 7946 0009",
            "020 7946 0000-9",
        ],
    )
    def test_range_text_in_other_forms(self, text):
        result = normalise_numbers([text], "GB", 1000)
        assert result.numbers == tuple(f"+44207946000{n}" for n in range(10))

    def test_a_single_number_written_with_hyphens_is_not_a_range(self):
        assert normalise_numbers(["020-7946-0000"], "GB", 1000).numbers == ("+442079460000",)

    def test_a_range_larger_than_the_maximum_is_refused_with_its_size(self):
        with pytest.raises(RangeTooLarge) as refused:
            expand_range(NumberRange("+442079460000", "+442079461000"), "GB", 1000)
        assert refused.value.code == "range_too_large"
        assert refused.value.details == {"size": 1001, "max_range_size": 1000}

    def test_a_range_of_exactly_the_maximum_is_accepted(self):
        assert len(expand_range(NumberRange("+442079460000", "+442079460999"), "GB", 1000)) == 1000

    def test_a_range_ending_before_it_starts_is_refused(self):
        with pytest.raises(InvalidRange):
            expand_range(NumberRange("+442079460099", "+442079460000"), "GB", 1000)

    def test_a_range_whose_ends_are_in_different_countries_is_refused(self):
        with pytest.raises(NumberNotInCountry):
            expand_range(NumberRange("+442079460000", "+493012345678"), "GB", 1000)

    def test_a_range_whose_ends_differ_in_length_is_refused(self):
        with pytest.raises(InvalidRange):
            expand_range(NumberRange("+49301234567", "+493012345678"), "DE", 1000)


class TestCollectingReasons:
    def test_every_problem_of_a_list_is_reported_and_the_valid_numbers_are_kept(self):
        result = normalise_numbers(
            ["+442079460000", "12345", "+493012345678", "+442079460001"], "GB", 1000
        )
        assert result.numbers == ("+442079460000", "+442079460001")
        assert codes(result) == ["invalid_number", "number_not_in_country"]
        assert [r.number for r in result.reasons] == ["12345", "+493012345678"]

    def test_a_number_given_twice_in_different_forms_is_a_duplicate(self):
        result = normalise_numbers(["020 7946 0005", "+442079460005"], "GB", 1000)
        assert result.numbers == ("+442079460005",)
        assert codes(result) == ["duplicate_number_in_request"]
        assert result.reasons[0].number == "+442079460005"

    def test_a_number_inside_a_range_of_the_same_request_is_a_duplicate(self):
        result = normalise_numbers(
            ["+442079460005", NumberRange("+442079460000", "+442079460009")], "GB", 1000
        )
        assert len(result.numbers) == 10
        assert [(r.code, r.number) for r in result.reasons] == [
            ("duplicate_number_in_request", "+442079460005")
        ]

    def test_overlapping_ranges_report_each_shared_number_once(self):
        result = normalise_numbers(["02079460000-0009", "02079460005-0014"], "GB", 1000)
        assert len(result.numbers) == 15
        assert [r.number for r in result.reasons] == [f"+44207946000{n}" for n in range(5, 10)]

    def test_a_range_too_large_is_a_reason_and_adds_no_numbers(self):
        result = normalise_numbers(["02079460000-0999"], "GB", 100)
        assert result.numbers == ()
        assert codes(result) == ["range_too_large"]
