"""A port request holds at most `max_numbers_per_request` numbers, counted before expanding."""

from __future__ import annotations

import pytest

from services.porting.domain.errors import ValidationFailed
from services.porting.domain.numbers import NumberRange, count_numbers
from services.porting.domain.validation import numbers_of, precheck
from services.porting.domain.values import PortStatus
from tests.unit.porting.samples import PARTNER_USER, RULES, at, draft, gb_details

pytestmark = pytest.mark.unit


def blocks(count: int) -> tuple[NumberRange, ...]:
    """`count` ranges of 1,000 London numbers each."""
    return tuple(
        NumberRange(f"+4420794{b:02d}000", f"+4420794{b:02d}999") for b in range(10, 10 + count)
    )


def test_70_ranges_of_1000_are_70_000_numbers_counted_without_expanding_them():
    assert count_numbers(blocks(70), "GB") == 70_000


@pytest.mark.parametrize(
    ("entries", "count"),
    [
        (("020 7946 0000",), 1),
        (("02079460000-0099",), 100),
        (("+442079460000 - +442079460009", "020 7946 0500"), 11),
        (("not a number",), 1),
        ((NumberRange("+442079460009", "+442079460000"),), 1),  # backwards: one bad entry
        ((NumberRange("+442079460000", "+4930123456"),), 1),  # two countries
    ],
)
def test_each_kind_of_entry_counts_as_the_numbers_it_stands_for(entries, count):
    assert count_numbers(entries, "GB") == count


def test_a_request_over_the_limit_gets_one_machine_readable_reason_and_no_numbers():
    result = precheck("GB", gb_details(numbers=blocks(70)), RULES)
    [reason] = result.reasons
    assert reason.code == "too_many_numbers"
    assert reason.field == "numbers"
    assert "70000" in reason.message and "10000" in reason.message
    assert result.numbers == ()
    assert numbers_of("GB", gb_details(numbers=blocks(70)), RULES) == ()


def test_exactly_the_limit_passes_and_one_more_does_not():
    at_limit = gb_details(numbers=blocks(10))
    assert precheck("GB", at_limit, RULES).portable
    over = gb_details(numbers=(*blocks(10), "+442079469000"))
    assert [r.code for r in precheck("GB", over, RULES).reasons] == ["too_many_numbers"]


def test_the_limit_is_configuration():
    rules = RULES.model_copy(update={"max_numbers_per_request": 50})
    reasons = precheck("GB", gb_details(numbers=("02079460000-0099",)), rules).reasons
    assert [r.code for r in reasons] == ["too_many_numbers"]


class TestPendingSubmission:
    def test_a_draft_being_submitted_may_hold_its_numbers_until_decided(self):
        request = draft()
        request.submission_pending = True
        assert request.may_hold_numbers and request.status is PortStatus.DRAFT
        request.submit(at(2026, 12, 1, 9, 30), PARTNER_USER, RULES)
        assert not request.submission_pending and request.may_hold_numbers

    def test_a_refused_submission_leaves_a_draft_that_can_never_hold_numbers(self):
        request = draft(gb_details(numbers=blocks(70)))
        request.submission_pending = True
        with pytest.raises(ValidationFailed) as refused:
            request.submit(at(2026, 12, 1, 9, 30), PARTNER_USER, RULES)
        request.refuse_submission(at(2026, 12, 1, 9, 30), refused.value)
        assert not request.may_hold_numbers
        assert request.history[-1].action == "submission_refused"
        assert request.history[-1].reason == "too_many_numbers"

    @pytest.mark.parametrize("status", list(PortStatus))
    def test_only_active_statuses_hold_numbers_without_a_pending_submission(self, status):
        request = draft()
        request.status = status
        assert request.may_hold_numbers is status.holds_numbers

    def test_a_pending_submission_is_abandoned_once_due_and_only_once(self):
        request = draft(now=at(2026, 12, 1, 9))
        request.submission_pending = True
        assert request.submission_abandoned_at(RULES) == at(2026, 12, 1, 10)
        assert request.abandon_submission(at(2026, 12, 1, 9, 59), RULES) == []
        [event] = request.abandon_submission(at(2026, 12, 1, 10), RULES)
        assert event.pending_since == at(2026, 12, 1, 9)  # type: ignore[attr-defined]
        assert not request.may_hold_numbers
        assert request.abandon_submission(at(2026, 12, 2, 10), RULES) == []
        assert request.submission_abandoned_at(RULES) is None
