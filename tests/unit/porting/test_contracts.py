"""Published contracts: event types, strictness, descriptions and the carrier gateway's input."""

from __future__ import annotations

import inspect
from datetime import date

import pytest
from pydantic import ValidationError

from services.porting.domain import events as domain_events
from shared.contracts import carrier
from shared.contracts import porting as contracts
from shared.events import Payload

pytestmark = pytest.mark.unit

MODELS: list[type[Payload]] = [*contracts.COMMANDS, *contracts.EVENTS, *carrier.EVENTS]
COMMANDS = list(contracts.COMMANDS)
CARRIER = [m for m in MODELS if m.EVENT_TYPE.startswith("carrier.")]
ACTOR = {"user_id": "user-0001", "partner_id": "partner-0001", "roles": ["partner_admin"]}


class TestCatalogue:
    def test_every_message_has_a_unique_event_type(self):
        types = [m.EVENT_TYPE for m in MODELS]
        assert len(types) == len(set(types)) == 29

    def test_commands_are_imperative_and_events_past_tense(self):
        assert {m.EVENT_TYPE for m in COMMANDS} == {
            "porting.port.submit",
            "porting.port.resubmit",
            "porting.port.withdraw",
            "porting.port.precheck",
        }
        assert {m.EVENT_TYPE for m in CARRIER} == {
            "carrier.port.accepted",
            "carrier.port.rejected",
            "carrier.port.cancelled",
            "carrier.port.completed",
        }

    def test_every_published_domain_event_has_a_contract(self):
        published = {m.EVENT_TYPE for m in MODELS}
        for _, event in inspect.getmembers(domain_events, inspect.isclass):
            if issubclass(event, domain_events.PortEvent) and event is not domain_events.PortEvent:
                assert event.name in published, event

    def test_onboarding_gets_number_events_for_accepted_completed_and_cancelled_ports(self):
        assert {
            contracts.PortNumbersAccepted.EVENT_TYPE,
            contracts.PortNumbersCompleted.EVENT_TYPE,
            contracts.PortNumbersCancelled.EVENT_TYPE,
        } == {"porting.numbers.accepted", "porting.numbers.completed", "porting.numbers.cancelled"}

    @pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
    def test_every_field_is_described_for_the_asyncapi_document(self, model):
        undescribed = [name for name, f in model.model_fields.items() if not f.description]
        assert undescribed == []
        model.model_json_schema()

    @pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
    def test_our_commands_forbid_unknown_fields_and_others_tolerate_them(self, model):
        expected = "forbid" if model in COMMANDS else "ignore"
        assert model.model_config.get("extra") == expected


class TestCommands:
    def test_a_submission_takes_numbers_and_ranges(self):
        command = contracts.SubmitPortRequest(
            request_id="req-0001",
            actor=ACTOR,
            partner_id="partner-0001",
            country="GB",
            product="analogue",
            numbers=["020 7946 0000", {"first": "+442079460010", "last": "+442079460019"}],
            registered_address={
                "lines": ["Unit 4"],
                "city": "London",
                "postal_code": "EC1A 9ZZ",
                "country": "GB",
            },
        )
        assert isinstance(command.numbers[1], contracts.NumberRangeIn)
        assert command.actor.user_id == "user-0001"

    def test_a_command_with_an_unknown_field_is_refused(self):
        with pytest.raises(ValidationError):
            contracts.WithdrawPortRequest.model_validate(
                {"request_id": "req-0002", "actor": ACTOR, "port_id": "port-0001", "surprise": 1}
            )

    def test_a_lower_case_country_is_refused(self):
        with pytest.raises(ValidationError):
            contracts.PrecheckPortRequest(
                request_id="r",
                actor=ACTOR,
                partner_id="p",
                country="gb",
                product="isdn",
                numbers=[],
            )


class TestCarrierGateway:
    def test_an_acceptance_may_leave_the_port_date_to_us(self):
        answer = carrier.CarrierPortAccepted.model_validate(
            {
                "port_id": "port-0001",
                "carrier_ref": "CARRIER-REF-1",
                "accepted_at": "2026-12-14T10:00:00+00:00",
                "gateway_version": "2.1",
            }
        )
        assert answer.port_date is None

    def test_an_acceptance_with_the_carriers_port_date(self):
        answer = carrier.CarrierPortAccepted(
            port_id="port-0001",
            carrier_ref="CARRIER-REF-1",
            accepted_at="2026-12-14T10:00:00+00:00",
            port_date="2027-01-20",
        )
        assert answer.port_date == date(2027, 1, 20)

    def test_a_naive_time_from_the_gateway_is_refused(self):
        with pytest.raises(ValidationError):
            carrier.CarrierPortCancelled(
                port_id="port-0001",
                carrier_ref="CARRIER-REF-1",
                cancelled_by="Example Telecom Ltd",
                reported_at="2027-01-16T00:00:00",
            )

    def test_a_rejection_needs_at_least_one_reason(self):
        with pytest.raises(ValidationError):
            carrier.CarrierPortRejected(
                port_id="port-0001",
                carrier_ref="CARRIER-REF-1",
                rejected_at="2026-12-03T10:00:00+00:00",
                reasons=[],
            )


class TestPublishedEvents:
    def test_numbers_must_be_e164(self):
        with pytest.raises(ValidationError):
            contracts.PortNumbersAccepted(
                partner_id="partner-0001",
                port_id="port-0001",
                numbers=["020 7946 0000"],
                port_date="2027-01-18",
            )
