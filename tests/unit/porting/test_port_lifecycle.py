"""The port request's lifecycle: submit, accept or reject, resubmit, complete, withdraw."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from services.porting.domain import events as ev
from services.porting.domain.errors import (
    IllegalTransition,
    InvalidPortDate,
    MissingRequiredField,
    Reason,
    ValidationFailed,
)
from services.porting.domain.model import PortRequest
from services.porting.domain.values import (
    NumberStatus,
    PortCorrections,
    PortStatus,
)
from tests.unit.porting.samples import (
    LONDON_NUMBERS,
    PARTNER,
    PARTNER_USER,
    RULES,
    accepted,
    at,
    draft,
    gb_details,
    only,
    submitted,
)

pytestmark = pytest.mark.unit


class TestDrafting:
    def test_a_draft_is_created_with_its_first_history_entry(self):
        request, events = PortRequest.create_draft(
            port_id="port-0001",
            partner_id=PARTNER,
            country="gb",
            details=gb_details(),
            now=at(2026, 12, 1, 9),
            actor=PARTNER_USER,
            comment="first port for this customer",
        )
        assert request.status is PortStatus.DRAFT
        assert request.country == "GB"
        assert [type(e) for e in events] == [ev.PortDrafted]
        entry = request.history[0]
        assert (entry.actor, entry.action, entry.from_status, entry.to_status) == (
            PARTNER_USER,
            "drafted",
            None,
            PortStatus.DRAFT,
        )
        assert entry.comment == "first port for this customer"

    def test_an_incomplete_draft_can_be_saved_and_completed_later(self):
        request = draft(gb_details(range_holder=None))
        events = request.update_draft(
            at(2026, 12, 1, 10), PARTNER_USER, PortCorrections(range_holder="Example Networks plc")
        )
        assert request.details.range_holder == "Example Networks plc"
        assert only(events, ev.PortDraftUpdated)[0].changed_fields == ("range_holder",)

    def test_a_submitted_request_is_no_longer_a_draft_to_update(self):
        request = submitted()
        with pytest.raises(IllegalTransition):
            request.update_draft(at(2026, 12, 2), PARTNER_USER, PortCorrections(range_holder="X"))


class TestSubmitting:
    def test_a_complete_uk_request_is_submitted_with_its_numbers_requested(self):
        request = draft()
        events = request.submit(at(2026, 12, 1, 9, 30), PARTNER_USER, RULES)
        assert request.status is PortStatus.SUBMITTED
        assert request.revision == 1
        assert [(n.number, n.status) for n in request.numbers] == [
            (n, NumberStatus.REQUESTED) for n in LONDON_NUMBERS
        ]
        assert isinstance(events[0], ev.PortSubmitted)
        assert events[0].numbers == LONDON_NUMBERS
        assert request.awaiting_carrier_since == at(2026, 12, 1, 9, 30)

    @pytest.mark.parametrize(
        "field",
        ["main_billing_number", "registered_address", "losing_provider", "range_holder"],
    )
    def test_a_uk_request_without_a_required_field_is_refused_naming_the_field(self, field):
        request = draft(gb_details(**{field: None}))
        with pytest.raises(ValidationFailed) as refused:
            request.submit(at(2026, 12, 1, 9, 30), PARTNER_USER, RULES)
        assert [(r.code, r.field) for r in refused.value.reasons()] == [
            ("missing_required_field", field)
        ]
        assert request.status is PortStatus.DRAFT
        assert request.numbers == []

    def test_a_uk_request_without_numbers_is_refused(self):
        request = draft(gb_details(numbers=()))
        with pytest.raises(ValidationFailed) as refused:
            request.submit(at(2026, 12, 1, 9, 30), PARTNER_USER, RULES)
        assert refused.value.reason_codes == ("missing_required_field",)

    def test_a_german_request_needs_no_main_billing_number_or_range_holder(self):
        request = submitted(country="DE")
        assert request.status is PortStatus.SUBMITTED

    def test_all_problems_of_a_request_are_reported_at_once(self):
        details = gb_details(
            numbers=("+442079460000", "+493012345678", "12345", "+442079460000"),
            losing_provider="",
        )
        request = draft(details)
        with pytest.raises(ValidationFailed) as refused:
            request.submit(at(2026, 12, 1, 9, 30), PARTNER_USER, RULES)
        assert refused.value.code == "validation_failed"
        assert sorted(refused.value.reason_codes) == [
            "duplicate_number_in_request",
            "invalid_number",
            "missing_required_field",
            "number_not_in_country",
        ]

    def test_submitting_twice_is_an_illegal_transition(self):
        request = submitted()
        with pytest.raises(IllegalTransition) as refused:
            request.submit(at(2026, 12, 2), PARTNER_USER, RULES)
        assert refused.value.code == "illegal_transition"
        assert refused.value.details["status"] == "submitted"


class TestOneActiveRequestPerNumber:
    def test_numbers_held_by_another_active_request_are_refused_and_listed(self):
        first = submitted(gb_details(numbers=("+442079460010",)), port_id="port-0001")
        second = draft(gb_details(numbers=("02079460000-0099",)), port_id="port-0002")
        with pytest.raises(ValidationFailed) as refused:
            second.submit(at(2026, 12, 2), PARTNER_USER, RULES, set(first.held_numbers()))
        assert [(r.code, r.number) for r in refused.value.reasons()] == [
            ("number_already_in_active_port", "+442079460010")
        ]

    @pytest.mark.parametrize(
        ("status", "holds"),
        [
            (PortStatus.DRAFT, False),
            (PortStatus.SUBMITTED, True),
            (PortStatus.REJECTED, True),
            (PortStatus.ACCEPTED, True),
            (PortStatus.COMPLETED, False),
            (PortStatus.WITHDRAWN, False),
        ],
    )
    def test_only_submitted_rejected_and_accepted_requests_hold_their_numbers(self, status, holds):
        assert status.holds_numbers is holds

    def test_a_withdrawn_request_releases_its_numbers(self):
        first = submitted()
        first.withdraw(at(2026, 12, 2), PARTNER_USER, "customer changed their mind")
        assert first.held_numbers() == ()
        second = draft(port_id="port-0002")
        second.submit(at(2026, 12, 3), PARTNER_USER, RULES, set(first.held_numbers()))
        assert second.status is PortStatus.SUBMITTED


class TestCarrierAnswers:
    def test_acceptance_puts_every_number_in_accepted_and_names_them_in_the_event(self):
        request = submitted()
        events = request.accept(at(2026, 12, 14, 10), "CARRIER-REF-1", RULES)
        assert request.status is PortStatus.ACCEPTED
        assert {n.status for n in request.numbers} == {NumberStatus.ACCEPTED}
        event = events[0]
        assert isinstance(event, ev.PortAccepted)
        assert (event.carrier_ref, event.numbers, event.lead_days) == (
            "CARRIER-REF-1",
            LONDON_NUMBERS,
            22,
        )
        assert event.cancellation_cutoff == at(2027, 1, 16, 0)

    def test_a_carrier_port_date_not_after_the_acceptance_day_is_refused(self):
        request = submitted()
        with pytest.raises(InvalidPortDate):
            request.accept(at(2026, 12, 14, 10), "CARRIER-REF-1", RULES, date(2026, 12, 14))
        assert request.status is PortStatus.SUBMITTED

    def test_rejection_marks_the_numbers_the_carrier_names_with_their_reason(self):
        request = submitted()
        reason = Reason("number_not_with_losing_provider", "not ours", number=LONDON_NUMBERS[1])
        other = Reason("address_mismatch", "address does not match records")
        events = request.reject(at(2026, 12, 3), [reason, other], carrier_ref="CARRIER-REF-1")
        assert request.status is PortStatus.REJECTED
        assert [(n.status, n.reason) for n in request.numbers] == [
            (NumberStatus.REQUESTED, None),
            (NumberStatus.REJECTED, reason),
            (NumberStatus.REQUESTED, None),
        ]
        assert isinstance(events[0], ev.PortRejected)
        assert events[0].reasons == (reason, other)
        assert request.rejection_reasons == (reason, other)

    def test_a_rejection_without_reasons_still_records_one(self):
        request = submitted()
        request.reject(at(2026, 12, 3), [])
        assert [r.code for r in request.rejection_reasons] == ["carrier_rejected"]

    def test_completion_makes_every_number_ported(self):
        request = accepted()
        events = request.complete(at(2027, 1, 18, 11))
        assert request.status is PortStatus.COMPLETED
        assert {n.status for n in request.numbers} == {NumberStatus.PORTED}
        assert isinstance(events[0], ev.PortCompleted)
        assert events[0].numbers == LONDON_NUMBERS


class TestResubmitting:
    def test_a_rejected_request_is_corrected_and_resubmitted(self):
        request = submitted()
        request.reject(at(2026, 12, 3), [Reason("wrong_range_holder", "range holder wrong")])
        corrections = PortCorrections(
            range_holder="Example Carrier Services Ltd", numbers=LONDON_NUMBERS[:2]
        )
        events = request.resubmit(at(2026, 12, 4), PARTNER_USER, RULES, corrections)
        assert request.status is PortStatus.SUBMITTED
        assert request.revision == 2
        assert request.details.range_holder == "Example Carrier Services Ltd"
        assert request.number_list() == LONDON_NUMBERS[:2]
        assert {n.status for n in request.numbers} == {NumberStatus.REQUESTED}
        assert request.rejection_reasons == ()
        assert isinstance(events[0], ev.PortResubmitted)
        assert events[0].corrected_fields == ("numbers", "range_holder")

    def test_a_resubmission_with_bad_corrections_is_refused_and_changes_nothing(self):
        request = submitted()
        request.reject(at(2026, 12, 3), [])
        with pytest.raises(ValidationFailed):
            request.resubmit(
                at(2026, 12, 4), PARTNER_USER, RULES, PortCorrections(numbers=("+493012345678",))
            )
        assert request.status is PortStatus.REJECTED
        assert request.number_list() == LONDON_NUMBERS
        assert request.revision == 1

    def test_a_resubmission_may_keep_its_own_numbers(self):
        request = submitted()
        request.reject(at(2026, 12, 3), [])
        # The caller leaves the request itself out of "other active" numbers.
        request.resubmit(at(2026, 12, 4), PARTNER_USER, RULES, PortCorrections(), set())
        assert request.status is PortStatus.SUBMITTED


class TestIllegalTransitions:
    @pytest.mark.parametrize(
        ("make", "act"),
        [
            (submitted, lambda r: r.complete(at(2027, 1, 18))),
            (draft, lambda r: r.accept(at(2026, 12, 14), "REF", RULES)),
            (draft, lambda r: r.reject(at(2026, 12, 14), [])),
            (accepted, lambda r: r.resubmit(at(2027, 1, 4), "u", RULES, PortCorrections())),
            (submitted, lambda r: r.resubmit(at(2027, 1, 4), "u", RULES, PortCorrections())),
            (accepted, lambda r: r.accept(at(2026, 12, 15), "REF", RULES)),
            (accepted, lambda r: r.reject(at(2026, 12, 15), [])),
            (accepted, lambda r: r.withdraw(at(2026, 12, 15), "u")),
            (submitted, lambda r: r.report_cancellation(at(2026, 12, 15), "Example", RULES)),
            (draft, lambda r: r.report_cancellation(at(2026, 12, 15), "Example", RULES)),
        ],
    )
    def test_an_action_outside_its_statuses_is_refused_and_changes_nothing(self, make, act):
        request = make()
        before = (request.status, len(request.history), request.version)
        with pytest.raises(IllegalTransition):
            act(request)
        assert (request.status, len(request.history), request.version) == before

    def test_a_completed_port_cannot_be_cancelled_completed_or_withdrawn(self):
        request = accepted()
        request.complete(at(2027, 1, 18))
        for act in (
            lambda: request.complete(at(2027, 1, 19)),
            lambda: request.report_cancellation(at(2027, 1, 19), "Example", RULES),
            lambda: request.withdraw(at(2027, 1, 19), PARTNER_USER),
        ):
            with pytest.raises(IllegalTransition):
                act()


class TestHistory:
    def test_every_transition_leaves_who_when_what_and_why(self):
        request = submitted()
        request.reject(at(2026, 12, 3), [Reason("address_mismatch", "address does not match")])
        request.add_comment(at(2026, 12, 3, 11), PARTNER_USER, "checking with the customer")
        request.resubmit(at(2026, 12, 4), PARTNER_USER, RULES, PortCorrections(), comment="fixed")
        request.accept(at(2026, 12, 14, 10), "CARRIER-REF-2", RULES)
        request.complete(at(2027, 1, 18, 8))
        assert [(h.action, h.actor, h.from_status, h.to_status) for h in request.history] == [
            ("drafted", PARTNER_USER, None, PortStatus.DRAFT),
            ("submitted", PARTNER_USER, PortStatus.DRAFT, PortStatus.SUBMITTED),
            ("rejected", "carrier", PortStatus.SUBMITTED, PortStatus.REJECTED),
            ("commented", PARTNER_USER, PortStatus.REJECTED, PortStatus.REJECTED),
            ("resubmitted", PARTNER_USER, PortStatus.REJECTED, PortStatus.SUBMITTED),
            ("accepted", "carrier", PortStatus.SUBMITTED, PortStatus.ACCEPTED),
            ("completed", "carrier", PortStatus.ACCEPTED, PortStatus.COMPLETED),
        ]
        assert request.history[2].reason == "address does not match"
        assert request.history[2].at == at(2026, 12, 3)
        assert request.history[3].comment == "checking with the customer"
        assert request.history[4].comment == "fixed"
        assert request.version == len(request.history)

    def test_an_empty_comment_is_refused(self):
        with pytest.raises(MissingRequiredField):
            draft().add_comment(at(2026, 12, 1), PARTNER_USER, "  ")

    def test_events_carry_the_version_after_the_change(self):
        request = draft()
        events = request.submit(at(2026, 12, 1, 9, 30), PARTNER_USER, RULES)
        assert (events[0].port_id, events[0].partner_id, events[0].version) == (
            "port-0001",
            PARTNER,
            2,
        )
        assert events[0].name == "porting.port.submitted"

    def test_a_naive_now_is_refused(self):
        with pytest.raises(ValueError):
            draft().add_comment(datetime(2026, 12, 1, 9), PARTNER_USER, "hello")
