"""Partner registration and who is responsible for a partner (CAM / DAM routing)."""

from __future__ import annotations

import re

import pytest

from services.onboarding.domain import errors
from services.onboarding.domain.errors import NoResponsibleAccountManager, ValidationFailed
from services.onboarding.domain.partners.events import PartnerContactsChanged, PartnerRegistered
from services.onboarding.domain.partners.partners import (
    AccountManagerRole,
    Contact,
    Language,
    Partner,
    PartnerKind,
    route_to_account_manager,
)
from tests.unit.onboarding import (
    CAM,
    DAM,
    REGISTERED_AT,
    sample_distributor,
    sample_reseller,
    sample_tier1,
)

pytestmark = pytest.mark.unit


def test_registering_a_partner_records_it_with_its_partner_id() -> None:
    partner, events = Partner.register(
        partner_id="P-RES-9",
        kind=PartnerKind.RESELLER,
        name="Neue Telefonie Example GmbH",
        country="DE",
        language=Language.DE,
        now=REGISTERED_AT,
        preferred_distributor_id="P-DIST-1",
    )

    assert partner.partner_id == "P-RES-9"
    assert partner.is_tier2
    assert events == [
        PartnerRegistered(
            partner_id="P-RES-9",
            kind="reseller",
            company_name="Neue Telefonie Example GmbH",
            country="DE",
            language="de",
            distributor_partner_id="P-DIST-1",
            occurred_at=REGISTERED_AT,
        )
    ]


def test_a_reseller_without_a_distributor_is_refused() -> None:
    with pytest.raises(ValidationFailed) as refused:
        Partner.register(
            partner_id="P-RES-9",
            kind=PartnerKind.RESELLER,
            name="Alleingang Example GmbH",
            country="DE",
            language=Language.DE,
            now=REGISTERED_AT,
        )

    assert refused.value.reason_codes == ("distributor_required",)


def test_registration_reports_every_invalid_field_at_once() -> None:
    with pytest.raises(ValidationFailed) as refused:
        Partner.register(
            partner_id=" ",
            kind=PartnerKind.TIER1,
            name="",
            country="Germany",
            language=Language.EN,
            now=REGISTERED_AT,
            contacts=[Contact("Ann Example", "not-an-address", "commercial")],
            helpdesk_email="helpdesk@",
            account_manager=DAM,
        )

    assert {(r.code, r.field) for r in refused.value.reasons} == {
        ("missing", "partner_id"),
        ("missing", "name"),
        ("invalid_country", "country"),
        ("invalid_email", "contacts[0].email"),
        ("invalid_email", "helpdesk_email"),
        ("account_manager_role_mismatch", "account_manager"),
    }
    assert refused.value.code == "validation_failed"
    assert refused.value.details["reasons"][0]["code"] == "missing"


def test_changing_contacts_is_reported_and_an_unchanged_list_is_not() -> None:
    partner = sample_reseller()
    contacts = [Contact("Nina Neu", "nina@reseller.example.com", "billing")]

    events = partner.change_contacts(contacts, "support@reseller.example.com", REGISTERED_AT)
    again = partner.change_contacts(contacts, "support@reseller.example.com", REGISTERED_AT)

    assert events == [
        PartnerContactsChanged(
            partner_id="P-RES-1",
            contact_emails=("nina@reseller.example.com",),
            helpdesk_email="support@reseller.example.com",
            occurred_at=REGISTERED_AT,
        )
    ]
    assert again == []


def test_a_tier1_partner_is_routed_to_its_cam() -> None:
    routing = route_to_account_manager(sample_tier1())

    assert routing.account_manager == CAM
    assert routing.account_manager.role is AccountManagerRole.CAM
    assert routing.via_distributor_partner_id is None


def test_a_tier2_partner_is_routed_through_its_distributor_to_the_dam() -> None:
    routing = route_to_account_manager(sample_reseller(), sample_distributor())

    assert routing.account_manager == DAM
    assert routing.via_distributor_partner_id == "P-DIST-1"


def test_a_distributor_acting_as_reseller_is_routed_to_its_own_dam() -> None:
    routing = route_to_account_manager(sample_distributor())

    assert routing.account_manager == DAM
    assert routing.via_distributor_partner_id == "P-DIST-1"


def test_a_tier2_partner_is_not_routed_without_or_past_its_own_distributor() -> None:
    with pytest.raises(NoResponsibleAccountManager):
        route_to_account_manager(sample_reseller())
    with pytest.raises(NoResponsibleAccountManager) as refused:
        route_to_account_manager(sample_reseller(), sample_distributor("P-DIST-OTHER"))

    assert refused.value.code == "no_responsible_account_manager"


def test_a_partner_without_an_account_manager_cannot_be_routed() -> None:
    with pytest.raises(NoResponsibleAccountManager):
        route_to_account_manager(sample_tier1(account_manager=None))
    with pytest.raises(NoResponsibleAccountManager):
        route_to_account_manager(sample_reseller(), sample_distributor(account_manager=None))


# -- errors: a machine-readable code for every rule --------------------------------------


def test_every_onboarding_error_has_its_own_snake_case_code() -> None:
    rules = [
        obj
        for obj in vars(errors).values()
        if isinstance(obj, type) and issubclass(obj, errors.OnboardingError)
    ]

    codes = [rule.code for rule in rules]
    assert all(re.fullmatch(r"[a-z]+(_[a-z0-9]+)*", code) for code in codes)
    assert len(set(codes)) == len(codes)


def test_an_error_carries_its_code_message_and_details() -> None:
    error = errors.NotFound("no partner P-X", details={"partner_id": "P-X"})

    assert (error.code, error.message, error.details) == (
        "not_found",
        "no partner P-X",
        {"partner_id": "P-X"},
    )
    assert errors.OnboardingError("x", code="custom_code").code == "custom_code"
