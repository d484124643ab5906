"""Partner-facing events of onboarding and porting → mails, on the in-memory store."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pydantic import ValidationError

from services.notifications.adapters.inbound import CONSUMED
from services.notifications.domain.delivery import SendOutcome
from services.notifications.mail.registry import EVENT_TEMPLATES
from shared.contracts import notifications as c
from shared.events import validation_reasons
from shared.topics import NOTIFICATIONS_COMMANDS, ONBOARDING_EVENTS, PORTING_EVENTS
from tests.unit.notifications.samples import NOTICE_DAY
from tests.unit.notifications.world import World, fact, subjects

pytestmark = pytest.mark.unit

PARTNER = "ptn-0001"
MAIN = "anna.muster@reseller-one.example.com"


def registered(event_id: str = "ev-reg-1", language: str = "de") -> dict[str, object]:
    return {
        "partner_id": PARTNER,
        "kind": "reseller",
        "company_name": "Reseller One GmbH",
        "country": "DE",
        "language": language,
        "distributor_partner_id": None,
        "occurred_at": NOTICE_DAY.isoformat(),
    }


def accepted(port_id: str = "port-0001") -> dict[str, object]:
    return {
        "partner_id": PARTNER,
        "port_id": port_id,
        "country": "DE",
        "carrier_ref": "CR-1234",
        "numbers": ["+493012345670", "+493012345671"],
        "port_date": "2026-06-19",
        "lead_days": 5,
        "cancellation_cutoff": "2026-06-17T10:00:00+00:00",
        "revision": 1,
    }


async def with_partner(world: World, language: str = "de") -> None:
    await world.deliver(
        ONBOARDING_EVENTS.name,
        fact("onboarding.partner.registered", registered(language=language), NOTICE_DAY, "e1"),
    )
    await world.deliver(
        ONBOARDING_EVENTS.name,
        fact(
            "onboarding.partner.contacts_changed",
            {
                "partner_id": PARTNER,
                "contact_emails": [MAIN],
                "helpdesk_email": None,
                "occurred_at": NOTICE_DAY.isoformat(),
            },
            NOTICE_DAY,
            "e2",
        ),
    )


async def test_the_welcome_waits_for_a_contact_then_goes_once_in_the_partner_s_language():
    world = World(NOTICE_DAY)
    await world.deliver(
        ONBOARDING_EVENTS.name,
        fact("onboarding.partner.registered", registered(), NOTICE_DAY, "e1"),
    )
    assert world.sender.sent == []  # no address known yet: held, not lost
    await with_partner(world)
    [welcome] = world.sender.to(MAIN)
    assert welcome["Content-Language"] == "de"
    assert "Reseller One GmbH" in welcome.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    # onboarding sends its contacts again: nothing is mailed twice
    await with_partner(world)
    assert len(world.sender.to(MAIN)) == 1


async def test_a_port_accepted_is_mailed_once_even_when_redelivered():
    world = World(NOTICE_DAY)
    await with_partner(world, language="nl")
    event = fact("porting.port.accepted", accepted(), NOTICE_DAY, "port-ev-1")
    await world.deliver(PORTING_EVENTS.name, event)
    await world.deliver(PORTING_EVENTS.name, event)
    mails = [m for m in world.sender.to(MAIN) if m["X-Partnerops-Template"] == "port_accepted"]
    assert len(mails) == 1
    assert mails[0]["Content-Language"] == "nl"
    assert mails[0]["Message-ID"].endswith("@example.com>")
    text = mails[0].get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "12:00" in text  # the cut-off (10:00 UTC) in the partner's country's zone (Berlin)
    [delivered] = [
        e for e in world.of_type("notifications.mail.delivered") if e.data["event_id"] == event.id
    ]
    assert delivered.data["recipient"] == MAIN and delivered.data["attempts"] == 1


async def test_an_event_that_does_not_fit_its_contract_is_rejected_with_reasons():
    """Events are read through the published model: one missing a field is refused by the
    contract (the dispatcher dead-letters it as `invalid_data`, one reason per field)
    before any mail is built; `context_invalid` is left for a mail a valid event cannot
    fill (tests/unit/notifications/test_inbound_mapping.py)."""
    world = World(NOTICE_DAY)
    await with_partner(world)
    bad = accepted()
    del bad["port_date"]
    with pytest.raises(ValidationError) as caught:
        await world.deliver(
            PORTING_EVENTS.name, fact("porting.port.accepted", bad, NOTICE_DAY, "bad-1")
        )
    assert [r["field"] for r in validation_reasons(caught.value)] == ["port_date"]
    assert not [m for m in world.sender.to(MAIN) if "port" in m["X-Partnerops-Template"]]


async def test_smtp_down_then_up_delivers_once_with_the_same_message_id():
    world = World(NOTICE_DAY)
    await with_partner(world)
    down = SendOutcome.unreachable("ConnectionRefusedError")
    world.sender.outcomes = [down, SendOutcome.from_reply(451, "try later")]
    event = fact("porting.port.accepted", accepted(), NOTICE_DAY, "port-ev-2")
    await world.deliver(PORTING_EVENTS.name, event)
    assert [e.data["code"] for e in world.of_type("notifications.mail.deferred")] == [
        "smtp_unavailable"
    ]
    await world.later(timedelta(hours=2))
    mails = [m for m in world.sender.to(MAIN) if m["X-Partnerops-Template"] == "port_accepted"]
    assert len(mails) == 1 and world.sender.attempts >= 3
    [delivered] = [
        e for e in world.of_type("notifications.mail.delivered") if e.data["event_id"] == event.id
    ]
    assert delivered.data["attempts"] == 3


async def test_a_5xx_answer_gives_up_with_the_reason():
    world = World(NOTICE_DAY)
    await with_partner(world)
    world.sender.outcomes = [SendOutcome.from_reply(550, "mailbox unavailable")]
    await world.deliver(
        PORTING_EVENTS.name, fact("porting.port.accepted", accepted(), NOTICE_DAY, "p3")
    )
    [failed] = world.of_type("notifications.mail.failed")
    assert failed.data["code"] == "smtp_550" and "mailbox" in failed.data["reason"]
    await world.later(timedelta(days=3))
    assert world.sender.attempts == 2  # the welcome, and the one refused attempt


async def test_enrolling_an_invalid_address_is_refused_with_every_reason():
    world = World(NOTICE_DAY)
    await with_partner(world)
    command = c.EnrolContact(
        request_id="r1",
        actor={"user_id": "u1", "partner_id": PARTNER},
        partner_id=PARTNER,
        contact=c.ContactIn(
            contact_id="ops",
            name="Ops Desk",
            email="not-an-address",
            categories=["maintenance_and_outages"],
            digest=["maintenance_and_outages"],
        ),
    )
    await world.send(NOTIFICATIONS_COMMANDS.name, command, subject=PARTNER)
    [refused] = world.of_type("notifications.contacts.action_refused")
    assert refused.data["code"] == "validation_failed"
    assert {r["code"] for r in refused.data["reasons"]} == {"invalid_email", "digest_not_allowed"}


async def test_another_partner_may_not_edit_the_contacts():
    world = World(NOTICE_DAY)
    await with_partner(world)
    command = c.RemoveContact(
        request_id="r2",
        actor={"user_id": "intruder", "partner_id": "ptn-9999"},
        partner_id=PARTNER,
        contact_id=f"{PARTNER}:main",
    )
    await world.send(NOTIFICATIONS_COMMANDS.name, command, subject=PARTNER)
    [refused] = world.of_type("notifications.contacts.action_refused")
    assert refused.data["code"] == "forbidden"


async def test_a_contact_enrolled_for_porting_only_gets_no_onboarding_mail():
    world = World(NOTICE_DAY)
    await with_partner(world)
    command = c.EnrolContact(
        request_id="r3",
        actor={"user_id": "u1", "partner_id": PARTNER},
        partner_id=PARTNER,
        contact=c.ContactIn(
            contact_id="porting-desk",
            name="Porting Desk",
            email="porting@reseller-one.example.com",
            categories=["porting"],
            language="en",
        ),
    )
    await world.send(NOTIFICATIONS_COMMANDS.name, command, subject=PARTNER)
    await world.deliver(
        PORTING_EVENTS.name, fact("porting.port.accepted", accepted(), NOTICE_DAY, "p4")
    )
    await world.deliver(
        ONBOARDING_EVENTS.name,
        fact(
            "onboarding.reseller.authorised",
            {
                "partner_id": PARTNER,
                "distributor_partner_id": "ptn-dist",
                "occurred_at": NOTICE_DAY.isoformat(),
            },
            NOTICE_DAY,
            "o5",
        ),
    )
    desk = world.sender.to("porting@reseller-one.example.com")
    assert [m["X-Partnerops-Template"] for m in desk] == ["port_accepted"]
    assert desk[0]["Content-Language"] == "en"
    assert "reseller_authorised" in [m["X-Partnerops-Template"] for m in world.sender.to(MAIN)]
    assert subjects(desk)


def test_every_partner_facing_event_of_onboarding_porting_and_support_is_consumed():
    inbound = {
        t for t in EVENT_TEMPLATES if t.split(".", 1)[0] in ("onboarding", "porting", "support")
    }
    assert set(CONSUMED) == inbound
