"""Use cases: registering partners, the reseller programme, onboarding at the provider."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.onboarding.adapters.partners_documents import PARTNERS
from services.onboarding.application.partners import programme as partners_programme
from services.onboarding.application.partners import provider as partners_provider
from services.onboarding.application.partners import registry as partners_registry
from services.onboarding.domain.partners.authorisation import Agreement, Webinar
from services.onboarding.domain.partners.partners import Language, PartnerKind
from shared.contracts import onboarding as c
from shared.kafka import MessageRejected
from tests.unit.onboarding.test_partners_app_fakes import Harness, actor, request_id

pytestmark = pytest.mark.unit

NOW = datetime(2025, 5, 5, 9, 0, tzinfo=UTC)
OPS = actor("u-ops", "vendor_operations")
PROVISIONING = actor("u-prov", "provisioning")
RESELLER = actor("u-res", "partner_admin", partner_id="P-RES-1")
DISTRIBUTOR = actor("u-dist", "partner_admin", partner_id="P-DIST-1")


def registration(partner_id: str, kind: PartnerKind, **changes) -> c.RegisterPartner:
    values = {
        "request_id": request_id(),
        "actor": OPS,
        "partner_id": partner_id,
        "kind": kind,
        "name": f"{partner_id} Example GmbH",
        "country": "DE",
        "language": Language.DE,
        "contacts": [c.ContactIn(name="Alex Example", email="alex@example.com", role="sales")],
        "helpdesk_email": "help@example.com",
    }
    values.update(changes)
    return c.RegisterPartner(**values)


async def send(h: Harness, use_case, cmd) -> None:
    await use_case(h.deps, h.envelope(cmd, subject=getattr(cmd, "partner_id", "x")), cmd)


async def registered(h: Harness) -> None:
    await send(h, partners_registry.register, registration("P-DIST-1", PartnerKind.DISTRIBUTOR))
    reseller = registration("P-RES-1", PartnerKind.RESELLER, preferred_distributor_id="P-DIST-1")
    await send(h, partners_registry.register, reseller)


async def test_vendor_operations_registers_partners():
    h = Harness(NOW)

    await registered(h)

    [distributor, reseller] = h.of_type("onboarding.partner.registered")
    assert distributor.subject == "P-DIST-1"
    assert reseller.data["distributor_partner_id"] == "P-DIST-1"
    assert h.doc(PARTNERS, "P-RES-1")["state"]["partner"]["kind"] == "reseller"


async def test_a_partner_user_may_not_register_partners_and_is_told_so():
    h = Harness(NOW)

    await send(
        h, partners_registry.register, registration("P-X", PartnerKind.TIER1, actor=RESELLER)
    )

    refused = h.one("onboarding.partner.action_refused")
    assert refused.data["code"] == "forbidden"
    assert refused.data["reasons"][0]["code"] == "forbidden"
    assert refused.data["partner_id"] == "P-X"
    # no partner: only the refusal record keeping the command's tracking id
    assert [d["state"] for d in h.docs(PARTNERS).values()] == [None]


async def test_a_reseller_without_distributor_is_refused_with_every_reason():
    h = Harness(NOW)

    cmd = registration("P-RES-9", PartnerKind.RESELLER, country="Germany", helpdesk_email="nope")
    await send(h, partners_registry.register, cmd)

    refused = h.one("onboarding.partner.action_refused")
    assert refused.data["code"] == "validation_failed"
    assert {r["code"] for r in refused.data["reasons"]} == {
        "invalid_country",
        "invalid_email",
        "distributor_required",
    }


async def test_a_partner_id_is_registered_once():
    h = Harness(NOW)
    await registered(h)

    await send(h, partners_registry.register, registration("P-DIST-1", PartnerKind.DISTRIBUTOR))

    refused = h.one("onboarding.partner.action_refused")
    assert refused.data["reasons"][0]["code"] == "partner_already_registered"


async def test_the_partner_changes_its_own_contacts_but_not_anothers():
    h = Harness(NOW)
    await registered(h)
    contacts = [c.ContactIn(name="Sam Example", email="sam@example.com", role="technical")]

    own = c.ChangePartnerContacts(
        request_id=request_id(), actor=RESELLER, partner_id="P-RES-1", contacts=contacts
    )
    other = own.model_copy(update={"partner_id": "P-DIST-1", "request_id": request_id()})
    await send(h, partners_registry.change_contacts, own)
    await send(h, partners_registry.change_contacts, other)

    changed = h.one("onboarding.partner.contacts_changed")
    assert changed.data["contact_emails"] == ["sam@example.com"]
    assert h.one("onboarding.partner.action_refused").data["code"] == "forbidden"


async def test_a_reseller_goes_through_the_programme_to_ready_to_sell():
    h = Harness(NOW)
    await registered(h)

    def cmd(model, who=RESELLER, **fields):
        return model(request_id=request_id(), actor=who, partner_id="P-RES-1", **fields)

    steps = [
        (
            partners_programme.register_as_cloud_reseller,
            cmd(
                c.RegisterAsCloudReseller, preferred_distributor_id="P-DIST-1", terms_accepted=True
            ),
        ),
        *[
            (partners_programme.complete_webinar, cmd(c.CompleteWebinar, OPS, webinar=w))
            for w in Webinar
        ],
        (partners_programme.take_certification_test, cmd(c.TakeCertificationTest, OPS, score=11)),
        (partners_programme.take_certification_test, cmd(c.TakeCertificationTest, OPS, score=13)),
        (
            partners_programme.sign_agreement,
            cmd(c.SignAgreement, DISTRIBUTOR, agreement=Agreement.WHOLESALE),
        ),
        (
            partners_programme.sign_agreement,
            cmd(c.SignAgreement, agreement=Agreement.CLOUD_ADDENDUM),
        ),
        (
            partners_programme.pass_terms_url,
            cmd(c.PassTermsUrl, terms_url="https://r.example.com/t"),
        ),
        (
            partners_programme.activate_estore,
            cmd(c.ActivateEStore, products=["Team"], estore_link="https://shop.example.com/r"),
        ),
    ]
    for use_case, command in steps:
        await send(h, use_case, command)

    assert "onboarding.partner.action_refused" not in h.types()
    attempts = h.of_type("onboarding.reseller.certification_test_taken")
    assert [a.data["passed"] for a in attempts] == [False, True]
    assert h.one("onboarding.reseller.authorised").data["distributor_partner_id"] == "P-DIST-1"
    assert h.types()[-2:] == [
        "onboarding.reseller.estore_linked",
        "onboarding.reseller.ready_to_sell",
    ]


async def test_a_certification_before_the_training_is_refused_with_the_rule_broken():
    h = Harness(NOW)
    await registered(h)
    register = c.RegisterAsCloudReseller(
        request_id=request_id(),
        actor=RESELLER,
        partner_id="P-RES-1",
        preferred_distributor_id="P-DIST-1",
        terms_accepted=True,
    )
    await send(h, partners_programme.register_as_cloud_reseller, register)

    test = c.TakeCertificationTest(
        request_id=request_id(), actor=OPS, partner_id="P-RES-1", score=15
    )
    await send(h, partners_programme.take_certification_test, test)

    refused = h.one("onboarding.partner.action_refused")
    assert refused.data["code"] == "illegal_transition"
    assert refused.data["reasons"][0]["code"] == "certification_before_training"
    assert refused.data["distributor_partner_id"] == "P-DIST-1"


async def test_a_programme_step_for_an_unknown_partner_is_rejected():
    h = Harness(NOW)
    webinar = c.CompleteWebinar(
        request_id="r", actor=OPS, partner_id="P-NOPE", webinar=Webinar.PRODUCT_OVERVIEW
    )

    with pytest.raises(MessageRejected) as rejected:
        await send(h, partners_programme.complete_webinar, webinar)

    assert rejected.value.code == "unknown_partner"


async def test_an_unconfirmed_onboarding_order_is_overdue_48_hours_after_it_arrived():
    h = Harness(NOW)
    await registered(h)
    received = c.ReceiveOnboardingOrder(
        request_id=request_id(), actor=PROVISIONING, partner_id="P-RES-1", order_reference="OO-1"
    )
    await send(h, partners_provider.receive_order, received)

    [timer] = h.timers(PARTNERS, "P-RES-1")
    assert timer.due_at == NOW + timedelta(hours=48)
    h.clock.set(timer.due_at)
    await partners_provider.on_timer(h.deps, "P-RES-1", timer)
    await partners_provider.on_timer(h.deps, "P-RES-1", timer)  # fired twice

    overdue = h.one("onboarding.provider_onboarding.confirmation_overdue")
    assert overdue.data["partner_id"] == "P-RES-1"
    assert h.timers(PARTNERS, "P-RES-1") == []


async def test_platform_access_goes_live_after_every_step_and_a_confirmation_stops_the_timer():
    h = Harness(NOW)
    await registered(h)

    def cmd(model, **fields):
        return model(request_id=request_id(), actor=PROVISIONING, partner_id="P-RES-1", **fields)

    await send(h, partners_provider.make_live, cmd(c.MakePlatformAccessLive))
    assert h.one("onboarding.partner.action_refused").data["reasons"][0]["code"] == (
        "onboarding_not_started"
    )
    await send(
        h, partners_provider.receive_order, cmd(c.ReceiveOnboardingOrder, order_reference="OO")
    )
    await send(h, partners_provider.send_confirmation, cmd(c.SendOnboardingOrderConfirmation))
    assert h.timers(PARTNERS, "P-RES-1") == []
    await send(
        h,
        partners_provider.assign_coordinator,
        cmd(c.AssignProvisioningCoordinator, coordinator_id="co-1"),
    )
    for system in c.PartnerSystem:
        await send(
            h,
            partners_provider.record_account,
            cmd(c.RecordPartnerAccountCreated, system=system, account_reference=f"acc-{system}"),
        )
    await send(
        h,
        partners_provider.arrange_kickoff,
        cmd(
            c.ArrangeKickOffCall, scheduled_for=NOW + timedelta(days=2), trainer_name="Tina Trainer"
        ),
    )
    await send(h, partners_provider.complete_training, cmd(c.CompleteProviderTraining))
    await send(h, partners_provider.make_live, cmd(c.MakePlatformAccessLive))

    assert h.types()[-1] == "onboarding.provider_onboarding.platform_access_went_live"
    assert not h.of_type("onboarding.provider_onboarding.confirmation_overdue")


async def test_a_partner_may_not_record_its_own_provider_onboarding_steps():
    h = Harness(NOW)
    await registered(h)
    cmd = c.ReceiveOnboardingOrder(
        request_id=request_id(), actor=RESELLER, partner_id="P-RES-1", order_reference="OO"
    )

    await send(h, partners_provider.receive_order, cmd)

    assert h.one("onboarding.partner.action_refused").data["code"] == "forbidden"
