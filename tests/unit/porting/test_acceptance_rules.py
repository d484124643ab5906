"""The rules of a carrier's acceptance instant and of a port date's horizon (issue 7):
every boundary of `acceptance_reasons`, `port_date_reasons` and `check_acceptance`."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from pydantic import ValidationError

from services.porting.domain.errors import InvalidPortDate
from services.porting.domain.policy import PortingRules
from services.porting.domain.rules import (
    acceptance_reasons,
    check_acceptance,
    lead_time_port_date,
    port_date_reasons,
    working_calendar,
)

pytestmark = pytest.mark.unit

RULES = PortingRules()
GB = working_calendar(RULES, "GB")
HANDLED = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
SUBMITTED = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)


def codes(accepted_at: datetime, submitted_at: datetime | None = SUBMITTED) -> list[str]:
    return [r.code for r in acceptance_reasons(accepted_at, HANDLED, submitted_at, RULES)]


class TestTheAcceptanceInstant:
    def test_the_defaults_are_five_minutes_thirty_days_and_a_year(self):
        assert RULES.acceptance_clock_skew == timedelta(minutes=5)
        assert RULES.acceptance_max_age == timedelta(days=30)
        assert RULES.port_date_horizon_days == 365

    def test_up_to_the_clock_skew_after_handling_is_allowed(self):
        assert codes(HANDLED + timedelta(minutes=5)) == []
        assert codes(HANDLED + timedelta(minutes=5, microseconds=1)) == ["accepted_at_in_future"]

    def test_up_to_the_maximum_age_before_handling_is_allowed(self):
        old = HANDLED - timedelta(days=30)
        assert codes(old, None) == []
        assert codes(old - timedelta(microseconds=1), None) == ["accepted_at_too_old"]

    def test_up_to_the_clock_skew_before_the_submission_is_allowed(self):
        assert codes(SUBMITTED - timedelta(minutes=5)) == []
        assert codes(SUBMITTED - timedelta(minutes=5, seconds=1)) == ["accepted_before_submission"]

    def test_every_reason_names_the_field_accepted_at(self):
        reasons = acceptance_reasons(datetime(1999, 1, 1, tzinfo=UTC), HANDLED, SUBMITTED, RULES)
        assert [(r.code, r.field) for r in reasons] == [
            ("accepted_at_too_old", "accepted_at"),
            ("accepted_before_submission", "accepted_at"),
        ]

    def test_the_limits_are_configurable(self):
        rules = PortingRules(acceptance_clock_skew=timedelta(hours=1))
        ahead = HANDLED + timedelta(minutes=30)
        assert acceptance_reasons(ahead, HANDLED, SUBMITTED, rules) == []

    @pytest.mark.parametrize("field", ["acceptance_clock_skew", "acceptance_max_age"])
    def test_a_limit_must_be_positive(self, field):
        with pytest.raises(ValidationError):
            PortingRules(**{field: timedelta(0)})

    def test_the_horizon_must_be_at_least_a_day(self):
        with pytest.raises(ValidationError):
            PortingRules(port_date_horizon_days=0)


class TestThePortDateHorizon:
    def test_exactly_the_horizon_after_acceptance_is_allowed(self):
        # Accepted Mon 7 Dec 2026; Tue 7 Dec 2027 is 365 days later, a working day.
        assert port_date_reasons(date(2027, 12, 7), HANDLED, HANDLED, GB, None, 365) == []

    def test_a_day_beyond_the_horizon_is_refused(self):
        reasons = port_date_reasons(date(2027, 12, 8), HANDLED, HANDLED, GB, None, 365)
        assert [(r.code, r.field) for r in reasons] == [("port_date_beyond_horizon", "port_date")]

    def test_without_a_horizon_a_far_date_is_not_refused_for_it(self):
        assert port_date_reasons(date(2027, 12, 8), HANDLED, HANDLED, GB, None) == []


class TestOneRuleForStatedAndComputedDates:
    def test_a_computed_date_whose_cut_off_passed_is_refused_like_a_stated_one(self):
        accepted_at = datetime(2026, 11, 2, 10, tzinfo=UTC)
        computed = lead_time_port_date(accepted_at, GB, 22)
        assert computed == date(2026, 12, 2)
        late = datetime(2026, 11, 30, 0, 1, tzinfo=UTC)  # cut-off: Mon 30 Nov 00:00 London
        with pytest.raises(InvalidPortDate) as refused:
            check_acceptance(computed, accepted_at, late, None, GB, 22, RULES)
        assert [r.code for r in refused.value.reasons()] == ["cancellation_cutoff_passed"]
        assert refused.value.port_date == computed

    def test_a_refused_instant_tells_no_earliest_date(self):
        future = HANDLED + timedelta(days=1)
        with pytest.raises(InvalidPortDate) as refused:
            check_acceptance(date(2027, 1, 12), future, HANDLED, SUBMITTED, GB, None, RULES)
        assert refused.value.earliest_port_date is None

    def test_a_date_only_too_far_tells_the_earliest_date(self):
        with pytest.raises(InvalidPortDate) as refused:
            check_acceptance(date(2028, 1, 4), HANDLED, HANDLED, SUBMITTED, GB, 22, RULES)
        assert refused.value.earliest_port_date == date(2027, 1, 11)

    def test_no_lead_time_date_past_the_calendar(self):
        assert lead_time_port_date(datetime(9999, 12, 31, tzinfo=UTC), GB, 22) is None
