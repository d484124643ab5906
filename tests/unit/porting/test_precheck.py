"""Portability pre-check: every reason a submission would be refused, nothing changed."""

from __future__ import annotations

import pytest

from services.porting.domain.numbers import NumberRange
from services.porting.domain.policy import PortingRules
from services.porting.domain.validation import numbers_of, precheck
from services.porting.domain.values import Address
from tests.unit.porting.samples import (
    BERLIN_NUMBER,
    LONDON_NUMBERS,
    MANCHESTER_NUMBER,
    RULES,
    de_details,
    gb_details,
)

pytestmark = pytest.mark.unit


def reasons(result) -> list[tuple[str, str | None]]:
    return [(r.code, r.number or r.field) for r in result.reasons]


class TestPortableRequests:
    def test_a_complete_uk_request_is_portable_and_shows_its_normalised_numbers(self):
        details = gb_details(numbers=("020 7946 0000", "0161 496 0000"))
        result = precheck("GB", details, RULES)
        assert result.portable
        assert result.numbers == ("+442079460000", MANCHESTER_NUMBER)

    def test_a_complete_german_request_is_portable(self):
        assert precheck("DE", de_details(), RULES).portable

    def test_numbers_of_gives_what_to_look_up_in_other_ports(self):
        details = gb_details(numbers=(NumberRange("+442079460000", "+442079460002"), "12345"))
        assert numbers_of("GB", details, RULES) == LONDON_NUMBERS


class TestReasons:
    def test_invalid_foreign_and_non_portable_numbers_each_get_a_reason(self):
        details = gb_details(numbers=("12345", BERLIN_NUMBER, "+44 7400 123456", "+442079460000"))
        result = precheck("GB", details, RULES)
        assert not result.portable
        assert reasons(result) == [
            ("invalid_number", "12345"),
            ("number_not_in_country", BERLIN_NUMBER),
            ("number_type_not_portable", "+447400123456"),
        ]
        assert result.numbers == ("+442079460000",)

    def test_numbers_in_other_active_ports_are_listed_one_by_one(self):
        result = precheck("GB", gb_details(), RULES, {"+442079460001", "+442079460002"})
        assert reasons(result) == [
            ("number_already_in_active_port", "+442079460001"),
            ("number_already_in_active_port", "+442079460002"),
        ]

    def test_a_range_over_the_configured_maximum_is_refused(self):
        rules = PortingRules(max_range_size=50)
        result = precheck("GB", gb_details(numbers=("02079460000-0099",)), rules)
        assert [r.code for r in result.reasons] == ["range_too_large"]

    def test_the_default_maximum_range_is_1000_numbers(self):
        assert RULES.max_range_size == 1000

    def test_a_country_not_served_is_refused(self):
        result = precheck("US", gb_details(numbers=("+1 201 555 0123",)), RULES)
        codes = [r.code for r in result.reasons]
        assert "country_not_served" in codes
        assert "lead_time_not_configured" in codes

    def test_a_uk_product_without_a_lead_time_is_refused_before_submission(self):
        result = precheck("GB", gb_details(product="voip"), RULES)
        assert reasons(result) == [("lead_time_not_configured", "product")]

    def test_an_empty_product_is_missing(self):
        assert reasons(precheck("GB", gb_details(product=" "), RULES)) == [
            ("missing_required_field", "product")
        ]

    def test_missing_fields_of_the_uk_are_all_named(self):
        details = gb_details(main_billing_number=None, registered_address=None, losing_provider=" ")
        assert reasons(precheck("GB", details, RULES)) == [
            ("missing_required_field", "main_billing_number"),
            ("missing_required_field", "registered_address"),
            ("missing_required_field", "losing_provider"),
        ]

    def test_an_incomplete_address_names_its_missing_parts(self):
        address = Address(lines=("",), city="London", postal_code="", country="GB")
        assert reasons(precheck("GB", gb_details(registered_address=address), RULES)) == [
            ("missing_required_field", "registered_address.lines"),
            ("missing_required_field", "registered_address.postal_code"),
        ]

    def test_an_address_in_another_country_is_refused(self):
        address = Address(
            lines=("Beispielstrasse 1",), city="Berlin", postal_code="10115", country="DE"
        )
        assert reasons(precheck("GB", gb_details(registered_address=address), RULES)) == [
            ("address_not_in_country", "registered_address.country")
        ]

    def test_a_foreign_main_billing_number_is_refused_naming_the_field(self):
        result = precheck("GB", gb_details(main_billing_number=BERLIN_NUMBER), RULES)
        assert [(r.code, r.field) for r in result.reasons] == [
            ("number_not_in_country", "main_billing_number")
        ]

    def test_an_unknown_holiday_subdivision_is_refused(self):
        result = precheck("GB", gb_details(calendar_subdivision="XYZ"), RULES)
        assert reasons(result) == [("unknown_calendar_subdivision", "calendar_subdivision")]

    def test_other_countries_required_fields_come_from_configuration(self):
        rules = PortingRules(
            required_fields={"NL": ("numbers", "losing_provider", "customer_number")}
        )
        details = de_details(numbers=("+31 20 123 4567",), registered_address=None)
        assert reasons(precheck("NL", details, rules)) == [
            ("missing_required_field", "customer_number")
        ]
        filled = de_details(
            numbers=("+31 20 123 4567",),
            registered_address=None,
            extra_fields={"customer_number": "C-0042"},
        )
        assert precheck("NL", filled, rules).reasons == ()
