"""Onboarding's and porting's events → the right mail in Mailpit, once (real Kafka, Mongo-wire
server and Mailpit; the service runs in-process with its real `run_service`)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from shared.topics import ONBOARDING_EVENTS, PORTING_EVENTS
from tests.integration.bus import Bus
from tests.integration.notifications.support import Mailpit, address, event, notifications

pytestmark = pytest.mark.integration

PARTNER = "ptn-0001"


async def publish(bus: Bus, topic: str, envelope: Any, partition: int | None = None) -> None:
    await bus._producer.send_and_wait(
        bus.prefix + topic,
        envelope.to_json(),
        key=(envelope.subject or "k").encode(),
        partition=partition,
    )


async def partner(bus: Bus, main: str, language: str) -> None:
    registered = event(
        "onboarding.partner.registered",
        {
            "partner_id": PARTNER,
            "kind": "reseller",
            "company_name": "Reseller One GmbH",
            "country": "DE",
            "language": language,
            "distributor_partner_id": None,
            "occurred_at": bus.now.isoformat(),
        },
        bus.now,
        PARTNER,
    )
    contacts = event(
        "onboarding.partner.contacts_changed",
        {
            "partner_id": PARTNER,
            "contact_emails": [main],
            "helpdesk_email": None,
            "occurred_at": bus.now.isoformat(),
        },
        bus.now,
        PARTNER,
    )
    await publish(bus, ONBOARDING_EVENTS.name, registered)
    await publish(bus, ONBOARDING_EVENTS.name, contacts)


def accepted(bus: Bus, **changes: Any) -> Any:
    data = {
        "partner_id": PARTNER,
        "port_id": "port-0001",
        "country": "DE",
        "carrier_ref": "CR-1234",
        "numbers": ["+493012345670"],
        "port_date": "2031-03-14",
        "lead_days": 5,
        "cancellation_cutoff": "2031-03-12T10:00:00+00:00",
        "revision": 1,
    }
    data.update(changes)
    return event(
        "porting.port.accepted",
        {k: v for k, v in data.items() if v is not None},
        bus.now,
        "port-0001",
    )


async def test_an_onboarding_welcome_and_a_redelivered_port_date_each_arrive_once_in_german(
    bus, mongo_url, mongo_db, mail_catcher
):
    main = address("anna")
    mailpit = Mailpit(mail_catcher)
    async with notifications(bus, mongo_url, mongo_db.name, mail_catcher):
        await partner(bus, main, "de")
        [welcome] = await mailpit.wait_for(main)
        port = accepted(bus)
        await publish(bus, PORTING_EVENTS.name, port)
        await publish(bus, PORTING_EVENTS.name, port)  # redelivered
        await mailpit.wait_for(main, 2)
        await asyncio.sleep(3)  # room for a duplicate to show up (none may)
        mails = await mailpit.to(main)

    assert len(mails) == 2
    headers = await mailpit.headers(welcome)
    assert headers["Content-Language"] == ["de"]
    assert headers["X-Partnerops-Template"] == ["partner_registered"]
    port_mail = next(m for m in mails if m["ID"] != welcome["ID"])
    text = (await mailpit.message(port_mail))["Text"]
    assert "14. März 2031" in text  # the port date, in German
    assert (await mailpit.headers(port_mail))["X-Partnerops-Event-Id"] == [port.id]


async def test_two_instances_meeting_the_same_event_send_it_once(
    bus, mongo_url, mongo_db, mail_catcher
):
    main = address("bert")
    mailpit = Mailpit(mail_catcher)
    async with (
        notifications(bus, mongo_url, mongo_db.name, mail_catcher),
        notifications(bus, mongo_url, mongo_db.name, mail_catcher),
    ):
        await partner(bus, main, "nl")
        await mailpit.wait_for(main)
        port = accepted(bus)
        # The same event on both partitions: each instance owns one and handles it.
        await asyncio.gather(
            publish(bus, PORTING_EVENTS.name, port, partition=0),
            publish(bus, PORTING_EVENTS.name, port, partition=1),
        )
        await mailpit.wait_for(main, 2)
        await asyncio.sleep(3)
        mails = await mailpit.to(main)

    assert len(mails) == 2
    languages = {(await mailpit.headers(m))["Content-Language"][0] for m in mails}
    assert languages == {"nl"}


async def test_an_event_that_does_not_fit_its_contract_is_dead_lettered_with_reasons(
    bus, mongo_url, mongo_db, mail_catcher
):
    main = address("carl")
    mailpit = Mailpit(mail_catcher)
    async with notifications(bus, mongo_url, mongo_db.name, mail_catcher):
        await partner(bus, main, "en")
        await mailpit.wait_for(main)
        await publish(bus, PORTING_EVENTS.name, accepted(bus, port_date=None))
        [parked] = await bus.wait_records(PORTING_EVENTS.dlq, 1)
        good = accepted(bus)
        await publish(bus, PORTING_EVENTS.name, good)  # the next one is still handled
        await mailpit.wait_for(main, 2)

    headers = {k: v.decode() for k, v in parked.headers}
    # read through porting's published model: the contract refuses it before any mail
    assert headers["x-dlq-error-code"] == "invalid_data"
    reasons = json.loads(headers["x-dlq-error"])
    assert any(r.get("field") == "port_date" for r in reasons)
