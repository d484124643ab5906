"""Support's events → the partner's mail in Mailpit, once (real Kafka, Mongo-wire server and
Mailpit; the service runs in-process with its real `run_service`)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from shared.contracts import support
from shared.topics import SUPPORT_EVENTS
from tests.integration.bus import Bus
from tests.integration.notifications.support import Mailpit, address, event, notifications
from tests.integration.notifications.test_partner_mail import PARTNER, partner, publish

pytestmark = pytest.mark.integration


def escalated(bus: Bus) -> support.TicketEscalatedV1:
    """A response breach escalated to its first level, as support publishes it."""
    return support.TicketEscalatedV1(
        ticket_id="tkt-0001",
        ticket_number="NA00001234",
        partner_id=PARTNER,
        tenant_id="ten-0001",
        customer_name="Example Bakery Ltd",
        title="Calls to mobiles fail",
        severity="S2",
        time_zone="Europe/Berlin",
        occurred_at=bus.now,
        version=4,
        cause="response_breached",
        round=1,
        level=1,
        level_name="Duty manager",
        contacts=[
            support.EscalationContactOut(
                role="Duty manager", name="Dana Duty", email="duty@vendor.example.net"
            )
        ],
        reached_at=bus.now,
        next_level_at=bus.now + timedelta(hours=1),
        next_level_local=bus.now + timedelta(hours=1),
    )


async def test_an_escalated_support_ticket_reaches_the_partner_s_contact_once(
    bus, mongo_url, mongo_db, mail_catcher
):
    main = address("erik")
    mailpit = Mailpit(mail_catcher)
    async with notifications(bus, mongo_url, mongo_db.name, mail_catcher):
        await partner(bus, main, "en")
        [welcome] = await mailpit.wait_for(main)
        fact = escalated(bus)
        ticket_event = event(fact.EVENT_TYPE, fact.model_dump(mode="json"), bus.now, fact.ticket_id)
        await publish(bus, SUPPORT_EVENTS.name, ticket_event)
        await publish(bus, SUPPORT_EVENTS.name, ticket_event)  # redelivered
        await mailpit.wait_for(main, 2)
        await asyncio.sleep(3)  # room for a duplicate to show up (none may)
        mails = await mailpit.to(main)

    assert len(mails) == 2
    [mail] = [m for m in mails if m["ID"] != welcome["ID"]]
    headers = await mailpit.headers(mail)
    assert headers["X-Partnerops-Template"] == ["ticket_escalated"]
    assert headers["X-Partnerops-Event-Id"] == [ticket_event.id]
    assert headers["Importance"] == ["high"]
    assert "NA00001234" in mail["Subject"] and "1" in mail["Subject"]
    text = (await mailpit.message(mail))["Text"]
    assert "Duty manager" in text and "Example Bakery Ltd" in text
