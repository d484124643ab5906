"""Reporting partition and call-recording customer requests, and their outcome (§1.4)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from services.onboarding.domain.errors import (
    Duplicate,
    Forbidden,
    IllegalTransition,
    ValidationFailed,
)
from services.onboarding.domain.provisioning.events import (
    ProvisioningCompleted,
    ProvisioningFailed,
    ProvisioningRequested,
    RecordingLicencesApplied,
    ReportingPartitionSynchronised,
)
from services.onboarding.domain.provisioning.integrations import (
    ANY_PARTITION,
    CallRecordingCustomerRequest,
    ProvisioningKind,
    ProvisioningRequest,
    ProvisioningState,
    ReportingAdminUser,
    ReportingPartitionRequest,
    apply_recording_licences,
)

pytestmark = pytest.mark.unit

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
PARTNER, GROUP = "P-200100", "Acme Widgets"


def reporting_admin(**overrides: object) -> ReportingAdminUser:
    args: dict = {
        "username": "anna.reports",
        "email": "anna.smith@acme.example.com",
        "partition": GROUP,
    }
    args.update(overrides)
    return ReportingAdminUser(**args)


def partition(**overrides: object) -> ReportingPartitionRequest:
    args: dict = {
        "customer_name": "Acme Widgets Ltd",
        "customer_id": "CUST-0042",
        "licence_type": "Supervisor Pack",
        "partner_id": PARTNER,
        "group_id": GROUP,
        "customer_partner_ids": ("P-DIST-9", PARTNER),  # the customer's orders name it
    }
    args.update(overrides)
    return ReportingPartitionRequest.for_customer(**args)


@pytest.mark.parametrize("partners", [("P-OTHER",), None], ids=["another's", "unknown"])
def test_a_partition_is_only_for_a_customer_the_orders_give_to_the_partner(partners):
    with pytest.raises(ValidationFailed) as refused:
        partition(customer_partner_ids=partners)
    assert refused.value.reason_codes == ("customer_not_of_partner",)


def recording_customer(**overrides: object) -> CallRecordingCustomerRequest:
    args: dict = {
        "customer_name": "Acme Widgets Ltd",
        "customer_reference": "REF-7781",
        "group_id": GROUP,
        "partner_id": PARTNER,
        "admin_name": "Anna Smith",
        "admin_email": "anna.smith@acme.example.com",
        "terms_accepted": True,
    }
    args.update(overrides)
    return CallRecordingCustomerRequest.for_customer(**args)


class TestTheReportingPartitionMapping:
    def test_fields_map_exactly_as_the_guide_says(self):
        request = partition(immediate_sync=True)
        assert dataclasses.asdict(request) == {
            "description": "Acme Widgets Ltd",  # customer name
            "billing_tag": "CUST-0042",  # customer ID
            "licence_type": "Supervisor Pack",
            "provider_id": PARTNER,  # partner ID
            "group_id": GROUP,
            "immediate_sync": True,
            "admin_users": (),
            "telephony_server_type": "Service Provider Group",
            "synchronisation": "By Service Pack",
            "maintain_parity": True,
        }

    def test_immediate_sync_is_optional_and_off_by_default(self):
        assert partition().immediate_sync is False

    def test_the_fixed_fields_cannot_be_chosen_by_the_caller(self):
        with pytest.raises(TypeError):
            ReportingPartitionRequest(  # type: ignore[call-arg]
                "Acme", "CUST-1", "Pack", PARTNER, GROUP, maintain_parity=False
            )

    def test_missing_fields_are_refused(self):
        with pytest.raises(ValidationFailed) as refused:
            partition(customer_id=" ", licence_type="")
        assert {r.field for r in refused.value.reasons} == {"billing_tag", "licence_type"}


class TestReportingAdminUsers:
    def test_a_customer_reporting_admin_has_the_guides_settings(self):
        user = reporting_admin()
        assert (user.role, user.reporting_level, user.default_reports) == (
            "Reporting Only User",
            "1000 Supervisor",
            "Standard Reports",
        )
        assert user.password_change_required and user.send_welcome_email and user.enable_mfa

    def test_any_partition_is_refused_for_a_customer_admin(self):
        with pytest.raises(Forbidden) as refused:
            reporting_admin(partition=ANY_PARTITION)
        assert refused.value.code == "any_partition_for_partner_staff_only"

    def test_any_partition_is_allowed_for_partner_staff(self):
        assert reporting_admin(partition=ANY_PARTITION, partner_staff=True).partition == (
            "Any Partition"
        )

    def test_a_customer_admin_is_restricted_to_its_own_partition(self):
        with pytest.raises(Forbidden) as refused:
            partition(admin_users=[reporting_admin(partition="Someone Else")])
        assert refused.value.code == "partition_not_own"

    def test_reporting_usernames_are_unique(self):
        with pytest.raises(Duplicate) as refused:
            partition(admin_users=[reporting_admin(), reporting_admin(username="Anna.Reports")])
        assert refused.value.code == "reporting_username_taken"

    def test_an_invalid_email_is_refused(self):
        with pytest.raises(ValidationFailed):
            reporting_admin(email="not-an-address")


class TestTheCallRecordingCustomer:
    def test_fields_map_exactly_as_the_guide_says(self):
        assert dataclasses.asdict(recording_customer()) == {
            "company_name": "Acme Widgets Ltd",
            "dealer_code": "REF-7781",  # the customer reference number
            "billing_code": "REF-7781",
            "group_id": GROUP,
            "provider_id": PARTNER,
            "admin_name": "Anna Smith",
            "admin_email": "anna.smith@acme.example.com",
            "terms_accepted": True,
            "customer_type": "essential",
            "admin_welcome_email": True,
        }

    def test_without_a_reference_number_the_codes_are_the_customer_name(self):
        request = recording_customer(customer_reference=None)
        assert request.dealer_code == request.billing_code == "Acme Widgets Ltd"

    @pytest.mark.parametrize("customer_type", ["standard", "customer", "Essential", ""])
    def test_only_the_essential_type_is_accepted(self, customer_type):
        with pytest.raises(ValidationFailed) as refused:
            dataclasses.replace(recording_customer(), customer_type=customer_type)
        assert refused.value.code == "customer_type_not_essential"

    def test_the_terms_must_be_accepted(self):
        with pytest.raises(ValidationFailed) as refused:
            recording_customer(terms_accepted=False)
        assert refused.value.code == "terms_not_accepted"


class TestTheProvisioningRequest:
    def test_requesting_emits_the_payload_for_the_external_system(self):
        payload = partition()
        request, events = ProvisioningRequest.request("REQ-1", payload, now=NOW)
        assert request.kind is ProvisioningKind.REPORTING_PARTITION
        assert request.state is ProvisioningState.REQUESTED
        assert events == [
            ProvisioningRequested(
                "REQ-1",
                "reporting_partition",
                PARTNER,
                GROUP,
                dataclasses.asdict(payload),
                attempt=1,
                occurred_at=NOW,
            )
        ]

    def test_it_is_done_once_the_external_system_created_it(self):
        request, _ = ProvisioningRequest.request("REQ-1", partition(), now=NOW)
        events = request.mark_done(external_id="AKX-99", now=NOW)
        assert events == [
            ProvisioningCompleted(
                "REQ-1", "reporting_partition", PARTNER, GROUP, "AKX-99", occurred_at=NOW
            )
        ]
        assert request.mark_done(now=NOW) == []

    def test_a_failure_keeps_its_reason_and_can_be_retried(self):
        request, _ = ProvisioningRequest.request("REQ-2", recording_customer(), now=NOW)
        failed = request.mark_failed("dealer code rejected", now=NOW)
        assert failed == [
            ProvisioningFailed(
                "REQ-2",
                "call_recording_customer",
                PARTNER,
                GROUP,
                "dealer code rejected",
                attempt=1,
                occurred_at=NOW,
            )
        ]
        assert request.failure_reason == "dealer code rejected"
        [retried] = request.retry(now=NOW + timedelta(minutes=5))
        assert isinstance(retried, ProvisioningRequested) and retried.attempt == 2
        assert request.state is ProvisioningState.REQUESTED and request.failure_reason is None

    def test_only_a_failed_request_is_retried(self):
        request, _ = ProvisioningRequest.request("REQ-3", partition(), now=NOW)
        with pytest.raises(IllegalTransition) as refused:
            request.retry(now=NOW)
        assert refused.value.code == "provisioning_not_failed"

    def test_a_failure_needs_a_reason(self):
        request, _ = ProvisioningRequest.request("REQ-3", partition(), now=NOW)
        with pytest.raises(ValidationFailed):
            request.mark_failed(" ", now=NOW)

    def test_a_created_partition_shows_synchronisation_completed_once_synced(self):
        request, _ = ProvisioningRequest.request("REQ-4", partition(), now=NOW)
        with pytest.raises(IllegalTransition) as refused:
            request.mark_synchronised(now=NOW)
        assert refused.value.code == "partition_not_created"
        request.mark_done(now=NOW)
        assert not request.synchronisation_completed
        events = request.mark_synchronised(now=NOW)
        assert events == [ReportingPartitionSynchronised("REQ-4", PARTNER, GROUP, occurred_at=NOW)]
        assert request.synchronisation_completed
        assert request.mark_synchronised(now=NOW) == []

    def test_a_call_recording_customer_has_no_synchronisation(self):
        request, _ = ProvisioningRequest.request("REQ-5", recording_customer(), now=NOW)
        request.mark_done(now=NOW)
        with pytest.raises(IllegalTransition) as refused:
            request.mark_synchronised(now=NOW)
        assert refused.value.code == "not_a_reporting_partition"


class TestRecordingLicences:
    def test_they_are_refused_before_the_call_recording_customer_exists(self):
        with pytest.raises(IllegalTransition) as refused:
            apply_recording_licences(GROUP, ["anna.smith@voice.example.com"], None, now=NOW)
        assert refused.value.code == "recording_customer_missing"

    def test_they_are_refused_while_the_customer_is_only_requested_or_failed(self):
        request, _ = ProvisioningRequest.request("REQ-6", recording_customer(), now=NOW)
        with pytest.raises(IllegalTransition):
            apply_recording_licences(GROUP, ["u1@voice.example.com"], request, now=NOW)
        request.mark_failed("timeout", now=NOW)
        with pytest.raises(IllegalTransition):
            apply_recording_licences(GROUP, ["u1@voice.example.com"], request, now=NOW)

    def test_they_are_refused_with_another_groups_customer_or_a_partition(self):
        other, _ = ProvisioningRequest.request("R7", recording_customer(group_id="Other"), now=NOW)
        reporting, _ = ProvisioningRequest.request("R8", partition(), now=NOW)
        for wrong in (other, reporting):
            wrong.mark_done(now=NOW)
            with pytest.raises(IllegalTransition):
                apply_recording_licences(GROUP, ["u1@voice.example.com"], wrong, now=NOW)

    def test_they_are_applied_once_the_customer_exists(self):
        request, _ = ProvisioningRequest.request("REQ-9", recording_customer(), now=NOW)
        request.mark_done(now=NOW)
        events = apply_recording_licences(
            GROUP, ["u1@voice.example.com", "u2@voice.example.com"], request, now=NOW
        )
        assert events == [
            RecordingLicencesApplied(
                PARTNER, GROUP, ("u1@voice.example.com", "u2@voice.example.com"), occurred_at=NOW
            )
        ]
