"""Onboarding's partner side on the real Kafka broker and Mongo-wire server, driven via Kafka.

Orders from an order system, the reseller programme, onboarding at the provider and a
tenant activation request through its deadlines (the demonstration clock is moved).
"""

from __future__ import annotations

import functools
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from services.onboarding.app import NAME, wire
from services.onboarding.application.activation.requests import activation_request_id
from services.onboarding.domain.partners.authorisation import Agreement, Webinar
from services.onboarding.domain.partners.partners import Language, PartnerKind
from services.onboarding.settings import OnboardingSettings
from shared.actor import Actor
from shared.contracts import onboarding as c
from shared.contracts.orders import OrderAmended, OrderPlaced
from shared.events import Envelope
from shared.ids import new_id
from shared.topics import ONBOARDING_COMMANDS, ONBOARDING_EVENTS, ORDERS_EVENTS
from tests.integration.bus import Bus, running_service

pytestmark = pytest.mark.integration

BERLIN = ZoneInfo("Europe/Berlin")
EVENTS = ONBOARDING_EVENTS.name
OPS = Actor(user_id="u-ops", roles=("vendor_operations",))
PROVISIONING = Actor(user_id="u-prov", roles=("provisioning",))
CLOUD_OPS = Actor(user_id="u-cloud", roles=("cloud_operations",))
DAM = Actor(user_id="am-dam-1", roles=("account_manager",))
RESELLER = Actor(user_id="u-res", partner_id="P-RES-1", roles=("partner_admin",))
ADMIN_EMAIL = "bea@bakkerij.example.com"


def order(customer_id: str, version: int = 1, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "order_id": f"O-{customer_id}",
        "order_version": version,
        "occurred_at": "2026-04-01T10:00:00+02:00",
        "channel": "classic",
        "customer": {
            "customer_id": customer_id,
            "company_name": f"Kunde {customer_id} Example GmbH",
            "country": "DE",
            "time_zone": "Europe/Berlin",
            "main_contact": {"name": "Kim Example", "email": "kim@kunde.example.com"},
        },
        "distributor_partner_id": "P-DIST-1",
        "reseller_partner_id": "P-RES-1",
        "lines": [{"package": "Enterprise", "licences": 10}],
        "subscription_number": f"SUB-{customer_id}",
        "reseller_terms_accepted": True,
        "vendor_terms_accepted": True,
    }
    data.update(changes)
    return data


def _about(subject: str, envelope: Envelope) -> bool:
    return envelope.subject == subject


async def command(bus: Bus, cmd: Any, subject: str) -> Envelope:
    return await bus.send(ONBOARDING_COMMANDS.name, cmd, subject=subject)


async def register_partners(bus: Bus) -> None:
    dam = c.AccountManagerIn(
        account_manager_id="am-dam-1",
        name="Dana Example",
        email="dam@vendor.example.com",
        role="dam",
    )
    for partner_id, kind, extra in (
        ("P-DIST-1", PartnerKind.DISTRIBUTOR, {"account_manager": dam}),
        ("P-RES-1", PartnerKind.RESELLER, {"preferred_distributor_id": "P-DIST-1"}),
    ):
        cmd = c.RegisterPartner(
            request_id=new_id(),
            actor=OPS,
            partner_id=partner_id,
            kind=kind,
            name=f"{partner_id} Example GmbH",
            country="DE",
            language=Language.DE,
            contacts=[c.ContactIn(name="Alex Example", email="alex@example.com", role="sales")],
            **extra,
        )
        await command(bus, cmd, partner_id)
        # The reseller names a registered distributor: wait for it (another key, another
        # partition, so no order between the two otherwise).
        registered = functools.partial(_about, partner_id)
        await bus.expect(EVENTS, "onboarding.partner.registered", registered)


async def test_orders_record_customers_once_whatever_the_delivery_and_bad_ones_are_parked(
    bus, mongo_url, mongo_db
):
    async with running_service(
        NAME, OnboardingSettings, wire, bus, mongo_url, mongo_db.name, demo_clock=True
    ):
        # A distributor acting as reseller; the order event is delivered twice.
        first = await bus.send(
            ORDERS_EVENTS.name,
            OrderPlaced.model_validate(order("C-1", reseller_partner_id="P-DIST-1")),
            subject="C-1",
        )
        await bus.send_raw(ORDERS_EVENTS.name, "C-1", first.to_json())
        # The amendment overtakes its placement.
        amended = order("C-2", 2, lines=[{"package": "Enterprise", "licences": 4}])
        await bus.send(ORDERS_EVENTS.name, OrderAmended.model_validate(amended), subject="C-2")
        await bus.send(ORDERS_EVENTS.name, OrderPlaced.model_validate(order("C-2")), subject="C-2")
        # A malformed order event, then a good one behind it.
        bad = first.model_copy(update={"id": "bad-1", "data": {"order_id": "O-X"}})
        await bus.send_raw(ORDERS_EVENTS.name, "C-3", bad.to_json())
        await bus.send(ORDERS_EVENTS.name, OrderPlaced.model_validate(order("C-3")), subject="C-3")
        # Behind the duplicate and the stale placement on their partitions: an amendment each.
        for customer in ("C-1", "C-2"):
            later = order(customer, 3, lines=[{"package": "Enterprise", "licences": 12}])
            if customer == "C-1":
                later["reseller_partner_id"] = "P-DIST-1"
            await bus.send(ORDERS_EVENTS.name, OrderAmended.model_validate(later), subject=customer)

        await bus.expect(
            EVENTS, "onboarding.licences.updated", lambda e: e.data["order_id"] == "O-C-1", count=2
        )
        await bus.expect(
            EVENTS, "onboarding.licences.updated", lambda e: e.data["order_id"] == "O-C-2", count=2
        )
        [parked] = await bus.wait_records(ORDERS_EVENTS.dlq, 1)

    assert dict(parked.headers)["x-dlq-error-code"] == b"invalid_data"
    events = await bus.events(EVENTS, 1.0)
    recorded = [e for e in events if e.type == "onboarding.customer.recorded"]
    assert sorted(e.subject for e in recorded) == ["C-1", "C-2", "C-3"]
    [relationship] = [
        e for e in events if e.type == "onboarding.relationship.recorded" and e.subject == "C-1"
    ]
    assert relationship.data["distributor_acts_as_reseller"] is True
    ledger = [e for e in events if e.type == "onboarding.licences.updated" and e.subject == "C-2"]
    assert [e.data["balances"][0]["ordered"] for e in ledger] == [4, 12]
    assert len({e.id for e in events}) == len(events)

    doc = await mongo_db.customers.find_one({"_id": "C-1"})
    assert doc["version"] == 2
    assert doc["state"]["partner_ids"] == ["P-DIST-1"]
    assert doc["state"]["subscription_numbers"] == ["SUB-C-1"]
    [stored_order] = doc["state"]["customer"]["orders"]
    assert stored_order["version"] == 3
    assert stored_order["lines"] == [{"package": "Enterprise", "licences": 12}]


async def test_a_reseller_becomes_ready_to_sell_and_a_late_order_confirmation_is_overdue(
    bus, mongo_url, mongo_db
):
    async with running_service(
        NAME, OnboardingSettings, wire, bus, mongo_url, mongo_db.name, demo_clock=True
    ):
        await register_partners(bus)

        def step(model, who=RESELLER, **fields):
            return model(request_id=new_id(), actor=who, partner_id="P-RES-1", **fields)

        commands = [
            step(
                c.RegisterAsCloudReseller, preferred_distributor_id="P-DIST-1", terms_accepted=True
            ),
            step(c.TakeCertificationTest, OPS, score=14),  # before the training: refused
            *[step(c.CompleteWebinar, OPS, webinar=w) for w in Webinar],
            step(c.TakeCertificationTest, OPS, score=14),
            step(c.SignAgreement, agreement=Agreement.WHOLESALE),
            step(c.SignAgreement, agreement=Agreement.CLOUD_ADDENDUM),
            step(c.PassTermsUrl, terms_url="https://reseller.example.com/terms"),
            step(c.ActivateEStore, products=["Team"], estore_link="https://shop.example.com/r"),
            step(c.ReceiveOnboardingOrder, PROVISIONING, order_reference="OO-1"),
        ]
        for cmd in commands:
            await command(bus, cmd, "P-RES-1")
        [received] = await bus.expect(EVENTS, "onboarding.provider_onboarding.order_received")
        due = datetime.fromisoformat(received.data["confirmation_due_at"])
        assert due == received.time + timedelta(hours=48)

        await bus.advance_to(due + timedelta(seconds=1))
        [overdue] = await bus.expect(EVENTS, "onboarding.provider_onboarding.confirmation_overdue")

    assert due <= overdue.time < due + timedelta(minutes=1)
    events = await bus.events(EVENTS, 1.0)
    assert "onboarding.reseller.ready_to_sell" in [e.type for e in events]
    [refused] = [e for e in events if e.type == "onboarding.partner.action_refused"]
    assert refused.data["reasons"][0]["code"] == "certification_before_training"
    assert refused.data["command_type"] == "onboarding.reseller.take_certification_test"
    doc = await mongo_db.partners.find_one({"_id": "P-RES-1"})
    assert doc["state"]["partner"]["authorisation"]["ready_to_sell_at"] is not None
    assert doc["timers"] == []


# The scenario pins its own start: Monday 1 March 2027, 09:00 in Berlin.
@pytest.mark.parametrize(
    "bus", [{"start": datetime(2027, 3, 1, 9, 0, tzinfo=BERLIN)}], indirect=True
)
async def test_an_activation_request_goes_through_its_deadlines_to_co_administration(
    bus, mongo_url, mongo_db
):
    friday_15 = datetime(2027, 3, 5, 15, 0, tzinfo=BERLIN)
    async with running_service(
        NAME, OnboardingSettings, wire, bus, mongo_url, mongo_db.name, demo_clock=True
    ):
        await register_partners(bus)
        legacy = c.RecordLegacyEmail(
            request_id=new_id(),
            actor=CLOUD_OPS,
            email="old@bakkerij.example.com",
            legacy_tenant_id="L-9",
        )
        await command(bus, legacy, "old@bakkerij.example.com")
        await bus.expect(EVENTS, "onboarding.legacy_email.recorded")
        data = c.EndCustomerIn(
            company_name="Bakkerij Voorbeeld BV",
            street="Voorbeeldstraat 1",
            postal_code="1234 AB",
            city="Voorbeeldstad",
            country="NL",
            admin_first_name="Bea",
            admin_last_name="Bakker",
            admin_email="OLD@bakkerij.example.com",
            business_activity="Bakery",
            end_use="Shop telephony",
        )
        # Submitted and approved by the DAM on Friday 15:00: the invitation is due on Tuesday
        # 15:00. (Keyed by the request id the service derives, so the approval comes after.)
        await bus.advance_to(friday_15)
        for request, address in (("r-legacy", "OLD@bakkerij.example.com"), ("r-1", ADMIN_EMAIL)):
            submit = c.SubmitActivationRequest(
                request_id=request,
                actor=RESELLER,
                partner_id="P-RES-1",
                end_customer=data.model_copy(update={"admin_email": address}),
            )
            await command(bus, submit, activation_request_id("P-RES-1", request))
        request_id = activation_request_id("P-RES-1", "r-1")
        await command(bus, on(c.ApproveActivationRequest, request_id, DAM), request_id)
        [forwarded] = await bus.expect(EVENTS, "onboarding.activation.forwarded")
        due = datetime.fromisoformat(forwarded.data["invitation_due_at"])
        assert due - forwarded.time == timedelta(days=4)
        await bus.advance_to(due - timedelta(minutes=1))
        assert not [e for e in await bus.events(EVENTS, 1.0) if e.type.endswith("_overdue")]
        await bus.advance_to(due + timedelta(seconds=1))
        [overdue] = await bus.expect(EVENTS, "onboarding.activation.invitation_overdue")

        # Sent late; valid 72 hours, then expired; the DAM asks for a resend.
        await command(bus, on(c.SendInvitation, request_id, invitation_id="INV-1"), request_id)
        [sent] = await bus.expect(EVENTS, "onboarding.activation.invitation_sent")
        valid_until = datetime.fromisoformat(sent.data["valid_until"])
        await bus.advance_to(valid_until + timedelta(seconds=1))
        [expired] = await bus.expect(EVENTS, "onboarding.activation.invitation_expired")
        await command(
            bus, on(c.ResendInvitation, request_id, DAM, invitation_id="INV-2"), request_id
        )

        # The admin activates and accepts the terms; the partner becomes co-administrator.
        admin = Actor(user_id=ADMIN_EMAIL, roles=("customer_admin",))
        activate = on(
            c.ActivateTenant,
            request_id,
            admin,
            invitation_id="INV-2",
            tenant_id="T-1",
            terms_accepted=True,
        )
        await command(bus, activate, request_id)
        tenant_admin = Actor(user_id="bea", tenant_id="T-1", roles=("customer_admin",))
        await command(bus, on(c.AddPartnerAsCoAdministrator, request_id, tenant_admin), request_id)
        [co_admin] = await bus.expect(EVENTS, "onboarding.tenant.co_admin_added")

    assert due <= overdue.time < due + timedelta(minutes=1)
    assert sent.data["late"] is True
    assert valid_until <= expired.time < valid_until + timedelta(minutes=1)
    assert (co_admin.data["partner_id"], co_admin.data["distributor_partner_id"]) == (
        "P-RES-1",
        "P-DIST-1",
    )
    events = await bus.events(EVENTS, 1.0)
    [refused] = [e for e in events if e.type == "onboarding.activation.action_refused"]
    assert refused.data["reasons"][0]["code"] == "email_tied_to_legacy_tenant"
    assert [e.type for e in events].count("onboarding.activation.invitation_overdue") == 1
    assert [e.type for e in events].count("onboarding.activation.invitation_resent") == 1
    assert [e.type for e in events].count("onboarding.activation.activated") == 1
    doc = await mongo_db.activation_requests.find_one({"_id": request_id})
    assert doc["state"]["status"] == "activated"
    assert doc["timers"] == []


def on(model, activation_request: str, who: Actor = CLOUD_OPS, **fields):
    return model(request_id=new_id(), actor=who, activation_request_id=activation_request, **fields)
