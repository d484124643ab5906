"""Porting rules: the defaults pin the domain description's numbers; configuration merges."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pydantic import ValidationError

from services.porting.domain.policy import EscalationContact, PortingRules

pytestmark = pytest.mark.unit


class TestDefaults:
    def test_uk_requests_need_the_five_fields_of_the_uk_form(self):
        assert PortingRules().required_fields_for("gb") == (
            "main_billing_number",
            "numbers",
            "registered_address",
            "losing_provider",
            "range_holder",
        )

    def test_other_countries_need_numbers_losing_provider_and_address_by_default(self):
        assert PortingRules().required_fields_for("DE") == (
            "numbers",
            "losing_provider",
            "registered_address",
        )

    def test_uk_lead_times_are_22_working_days_and_other_european_20(self):
        rules = PortingRules()
        assert rules.lead_times["GB"] == {"analogue": 22, "multi_line": 22, "isdn": 22}
        assert rules.european_lead_days == 20
        assert {"DE", "NL", "FR"} <= rules.european_countries
        assert "GB" not in rules.european_countries

    def test_the_uk_calendar_is_england_and_wales(self):
        assert PortingRules().calendar_subdivisions["GB"] == "ENG"

    def test_the_timers_default_to_3_and_5_working_days(self):
        rules = PortingRules()
        assert rules.reminder_working_days_before == 3
        assert rules.carrier_answer_overdue_working_days == 5

    def test_the_escalation_matrix_has_levels_0_to_3(self):
        rules = PortingRules()
        assert [(c.level, c.role) for c in rules.escalation_matrix] == [
            (0, "Provisioning team"),
            (1, "Provisioning team leader"),
            (2, "Provisioning manager"),
            (3, "Director of operations"),
        ]
        assert rules.top_escalation_level == 3
        assert all(c.email.endswith("@example.com") for c in rules.escalation_matrix)


class TestConfiguration:
    def test_configuring_one_uk_product_keeps_the_others(self):
        rules = PortingRules(lead_times={"gb": {"VoIP": 22}, "us": {"analogue": 15}})
        assert rules.lead_times == {
            "GB": {"analogue": 22, "multi_line": 22, "isdn": 22, "voip": 22},
            "US": {"analogue": 15},
        }

    def test_configuring_another_country_keeps_the_uk_requirements(self):
        rules = PortingRules(required_fields={"nl": ("numbers",)})
        assert rules.required_fields_for("NL") == ("numbers",)
        assert len(rules.required_fields_for("GB")) == 5

    def test_the_rules_survive_a_round_trip_through_settings_data(self):
        rules = PortingRules(lead_times={"GB": {"voip": 22}})
        assert PortingRules.model_validate(rules.model_dump()) == rules

    @pytest.mark.parametrize(
        "bad",
        [
            {"lead_times": {"GB": {"voip": 0}}},
            {"escalation_step": timedelta(0)},
            {"max_range_size": 0},
            {"escalation_matrix": (EscalationContact(level=1, role="x", email="x@example.com"),)},
            {"late_cancellation_escalation_level": 4},
            {"unknown_setting": 1},
        ],
    )
    def test_nonsense_is_refused(self, bad):
        with pytest.raises(ValidationError):
            PortingRules(**bad)

    def test_the_rules_are_frozen(self):
        with pytest.raises(ValidationError):
            PortingRules().max_range_size = 5  # type: ignore[misc]
