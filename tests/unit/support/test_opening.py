"""Opening a ticket on behalf of a customer: every check, reasons, the opened event (§4)."""

from __future__ import annotations

from datetime import datetime

import pytest

from services.support.domain import events as ev
from services.support.domain.errors import ValidationFailed
from services.support.domain.severity import Impact, ImpactShare, Severity, Urgency
from services.support.domain.ticket import Ticket
from services.support.domain.validation import ContactInput, check_opening
from services.support.domain.values import ContactKind, PartnerContact, TriageCategory
from tests.unit.support.samples import (
    CONTRACT,
    GB_TENANT,
    OTHER_PARTNER,
    PARTNER,
    PARTNER_PLACE,
    POLICY,
    USER,
    request,
    tenant,
    utc,
)

pytestmark = pytest.mark.unit

NOW = utc(2027, 3, 8, 10)


def refused(**changes) -> tuple[str, ...]:
    with pytest.raises(ValidationFailed) as failure:
        check_opening(request(**changes), PARTNER, GB_TENANT, NOW)
    return failure.value.reason_codes


class TestChecks:
    def test_a_complete_request_passes(self):
        checked = check_opening(request(), PARTNER, GB_TENANT, NOW)
        assert checked.tenant_id == "tenant-gb-01"
        assert checked.contract_number == CONTRACT
        assert checked.assessment.severity is Severity.S3
        assert checked.contact == PartnerContact(
            ContactKind.REPRESENTATIVE,
            "Alex Example",
            "+442079460123",
            "Alex.Example@partner.example.com",
        )
        assert checked.notices == ()

    def test_another_partners_tenant_is_refused_like_an_unknown_one(self):
        others = tenant("tenant-gb-01", partner=OTHER_PARTNER)
        with pytest.raises(ValidationFailed) as failure:
            check_opening(request(), PARTNER, others, NOW)
        with pytest.raises(ValidationFailed) as unknown:
            check_opening(request(), PARTNER, None, NOW)
        assert failure.value.reason_codes == unknown.value.reason_codes == ("unknown_tenant",)
        assert failure.value.reasons() == unknown.value.reasons()

    def test_a_record_of_another_tenant_is_refused(self):
        with pytest.raises(ValidationFailed) as failure:
            check_opening(request(tenant_id="tenant-gb-99"), PARTNER, GB_TENANT, NOW)
        assert failure.value.reason_codes == ("unknown_tenant",)

    def test_the_distributor_of_a_resellers_customer_cannot_open_its_tickets(self):
        with pytest.raises(ValidationFailed) as failure:
            check_opening(request(), "partner-0900", GB_TENANT, NOW)
        assert failure.value.reason_codes == ("unknown_tenant",)

    def test_the_contract_number_must_be_one_of_the_customers(self):
        assert refused(contract_number="SC-999") == ("unknown_contract_number",)
        assert refused(contract_number="  ") == ("contract_number_missing",)
        check_opening(request(contract_number=f"  {CONTRACT} "), PARTNER, GB_TENANT, NOW)

    @pytest.mark.parametrize(
        ("contact", "codes"),
        [
            (ContactInput("", "+442079460123", "a@partner.example.com"), ("invalid_name",)),
            (ContactInput("Alex", "12", "a@partner.example.com"), ("invalid_phone",)),
            (ContactInput("Alex", "+442079460123", "not-an-address"), ("invalid_email",)),
            (
                ContactInput("Alex", "+442079460123", "a@x.example.com", "boss"),
                ("unknown_contact_kind",),
            ),
            (None, ("contact_missing",)),
        ],
    )
    def test_the_contact_is_checked(self, contact, codes):
        assert refused(contact=contact) == codes

    def test_a_national_phone_number_uses_the_customers_country(self):
        contact = ContactInput("Alex Example", "020 7946 0123", "alex@partner.example.com")
        checked = check_opening(request(contact=contact), PARTNER, GB_TENANT, NOW)
        assert checked.contact.phone == "+442079460123"

    def test_the_partners_escalation_team_stands_in_when_no_contact_is_named(self):
        team = PartnerContact(
            ContactKind.ESCALATION_TEAM,
            "Escalation desk",
            "+442079460999",
            "desk@partner.example.com",
        )
        checked = check_opening(request(contact=None), PARTNER, GB_TENANT, NOW, team)
        assert checked.contact == team

    def test_every_problem_is_reported_at_once(self):
        codes = refused(
            contract_number="SC-404",
            contact=ContactInput("", "x", "y"),
            channel="fax",
            category="gossip",
            description=" ",
            occurred_at=utc(2027, 3, 9),
            impact=ImpactShare(5, 4),
            urgency="whenever",
        )
        assert codes == (
            "unknown_contract_number",
            "invalid_name",
            "invalid_phone",
            "invalid_email",
            "unknown_channel",
            "unknown_category",
            "affected_exceeds_total",
            "unknown_urgency",
            "invalid_description",
            "occurred_in_future",
        )

    def test_reasons_name_their_fields(self):
        with pytest.raises(ValidationFailed) as failure:
            check_opening(request(channel="fax", urgency="soon"), PARTNER, GB_TENANT, NOW)
        assert [r.field for r in failure.value.reasons()] == ["channel", "urgency"]

    @pytest.mark.parametrize("category", list(TriageCategory))
    def test_each_triage_category_of_the_seed_is_accepted(self, category):
        subkind = {"common_fault": "voicemail", "client_setup": "dial_plan"}.get(category)
        checked = check_opening(
            request(category=str(category), subkind=subkind), PARTNER, GB_TENANT, NOW
        )
        assert checked.triage.category is category

    def test_a_common_fault_names_its_kind_and_others_take_none_of_it(self):
        assert refused(category="common_fault", subkind=None) == ("subkind_missing",)
        assert refused(category="common_fault", subkind="dial_plan") == ("unknown_subkind",)
        assert refused(category="user_question", subkind="no_audio") == ("unknown_subkind",)

    def test_occurred_at_must_be_aware(self):
        assert refused(occurred_at=datetime(2027, 3, 8, 9)) == ("naive_datetime",)

    def test_an_impact_share_uses_the_tenants_users_when_no_total_is_given(self):
        checked = check_opening(
            request(impact=ImpactShare(150), urgency=Urgency.CRITICAL), PARTNER, GB_TENANT, NOW
        )
        # 150 of the tenant's 200 users = 3/4: Large; Critical × Large = S1.
        assert checked.assessment.impact is Impact.LARGE
        assert checked.assessment.severity is Severity.S1
        assert (checked.assessment.affected_users, checked.assessment.total_users) == (150, 200)


class TestChannelNotice:
    def test_s1_opened_online_is_accepted_with_the_phone_notice(self):
        checked = check_opening(
            request(impact=Impact.WIDESPREAD, urgency=Urgency.CRITICAL), PARTNER, GB_TENANT, NOW
        )
        assert [n.code for n in checked.notices] == ["phone_recommended"]

    def test_s2_by_phone_has_no_notice(self):
        checked = check_opening(
            request(impact=Impact.LOCALIZED, urgency=Urgency.HIGH, channel="phone"),
            PARTNER,
            GB_TENANT,
            NOW,
        )
        assert checked.assessment.severity is Severity.S2 and checked.notices == ()


class TestOpened:
    def test_the_opened_event_carries_what_a_partner_email_needs(self):
        checked = check_opening(
            request(impact=Impact.WIDESPREAD, urgency=Urgency.CRITICAL), PARTNER, GB_TENANT, NOW
        )
        ticket, events = Ticket.open(
            ticket_id="ticket-9",
            ticket_number="NA00000009",
            partner_id=PARTNER,
            opened_by=USER,
            checked=checked,
            partner_location=PARTNER_PLACE,
            policy=POLICY,
            now=NOW,
        )
        (opened,) = events
        assert isinstance(opened, ev.TicketOpened)
        assert opened.name == "support.ticket.opened"
        assert (opened.ticket_number, opened.partner_id, opened.tenant_id) == (
            "NA00000009",
            PARTNER,
            "tenant-gb-01",
        )
        assert opened.customer_name == "Fictional Widgets Ltd"
        assert opened.severity is Severity.S1
        assert opened.response_due_at == utc(2027, 3, 8, 10, 15)
        assert opened.response_due_local.isoformat() == "2027-03-08T10:15:00+00:00"
        assert opened.time_zone == "Europe/London"
        assert opened.response_objective == "15 minutes"
        assert [n.code for n in opened.notices] == ["phone_recommended"]
        assert opened.version == ticket.version == 1

    def test_a_ticket_number_outside_the_format_is_an_error(self):
        checked = check_opening(request(), PARTNER, GB_TENANT, NOW)
        with pytest.raises(ValueError):
            Ticket.open(
                ticket_id="t",
                ticket_number="12345",
                partner_id=PARTNER,
                opened_by=USER,
                checked=checked,
                partner_location=PARTNER_PLACE,
                policy=POLICY,
                now=NOW,
            )
