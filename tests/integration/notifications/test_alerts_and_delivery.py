"""Maintenance alerts on the platform clock, and delivery through an SMTP outage (real Kafka,
Mongo-wire server and Mailpit)."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any

import icalendar
import pytest

from shared.actor import Actor
from shared.contracts import notifications as c
from shared.topics import NOTIFICATIONS_COMMANDS, NOTIFICATIONS_EVENTS, ONBOARDING_EVENTS
from tests.integration.bus import Bus
from tests.integration.notifications.support import Mailpit, address, event, notifications
from tests.integration.notifications.test_partner_mail import (
    PARTNER,
    accepted,
    partner,
    publish,
)
from tests.servers import free_port

pytestmark = pytest.mark.integration

CLOUD_OPS = Actor(user_id="ops-1", roles=("cloud_operations",))
START = datetime(2031, 3, 18, 21, 0, tzinfo=UTC)  # Tue 18 Mar 2031 22:00 in Berlin (CET)


async def customer(bus: Bus, admin: str) -> None:
    recorded = event(
        "onboarding.customer.recorded",
        {
            "customer_id": "cust-0001",
            "tenant_id": "ten-1",
            "distributor_partner_id": None,
            "reseller_partner_id": PARTNER,
            "tier1_partner_id": None,
            "company_name": "Example Bakery Ltd",
            "country": "DE",
            "subscription_numbers": [],
            "main_contact_name": "Iris Admin",
            "main_contact_email": admin,
            "occurred_at": bus.now.isoformat(),
        },
        bus.now,
        "cust-0001",
    )
    await publish(bus, ONBOARDING_EVENTS.name, recorded)


def announcement() -> c.AnnounceMaintenance:
    return c.AnnounceMaintenance(
        request_id="mnt-req-1",
        actor=CLOUD_OPS,
        maintenance_id="mnt-0001",
        region="EU",
        kind="planned_disruptive",
        start=START,
        end=START + timedelta(hours=3),
        title="Voice cluster software patch",
        description="Patching the call-control cluster.",
        affected_customer_ids=["cust-0001"],
    )


async def test_the_notice_goes_at_once_and_the_reminder_at_72_hours_as_the_clock_ticks(
    bus, mongo_url, mongo_db, mail_catcher
):
    main, admin = address("dora"), address("iris")
    mailpit = Mailpit(mail_catcher)
    async with notifications(bus, mongo_url, mongo_db.name, mail_catcher, demo_clock=True):
        await partner(bus, main, "de")
        await customer(bus, admin)
        await mailpit.wait_for(main)  # the welcome
        await asyncio.sleep(1)  # the customer is recorded before the notice names it
        await bus.send(NOTIFICATIONS_COMMANDS.name, announcement(), subject="mnt-0001")
        [notice] = await mailpit.wait_for(admin)
        await mailpit.wait_for(main, 2)
        await bus.advance_to(START - timedelta(hours=72, minutes=5))
        await asyncio.sleep(3)
        assert len(await mailpit.to(admin)) == 1  # not yet
        await bus.advance_to(START - timedelta(hours=72))
        mails = await mailpit.wait_for(admin, 2)
        reminder_events = await bus.expect(
            NOTIFICATIONS_EVENTS.name, "notifications.maintenance.reminder_due"
        )

    assert reminder_events[0].data["hours_before"] == 72
    reminder = next(m for m in mails if m["ID"] != notice["ID"])
    assert (await mailpit.headers(reminder))["X-Partnerops-Template"] == ["maintenance_reminder"]
    full = await mailpit.message(notice)
    [attachment] = full["Attachments"]
    assert attachment["ContentType"].startswith("text/calendar")
    ics = await mailpit.raw_part(notice, attachment["PartID"])
    vevents: list[Any] = icalendar.Calendar.from_ical(ics).walk("VEVENT")
    [vevent] = vevents
    assert vevent["DTSTART"].dt == START and int(vevent["SEQUENCE"]) == 0


async def test_smtp_down_for_a_while_then_up_delivers_every_mail_once(
    bus, mongo_url, mongo_db, mail_catcher
):
    main = address("emil")
    mailpit = Mailpit(mail_catcher)
    fast = {"demo_clock": True, "retry_first_seconds": 60.0, "retry_max_seconds": 60.0}
    down = dataclasses.replace(mail_catcher, smtp_host="127.0.0.1", smtp_port=free_port())
    async with notifications(bus, mongo_url, mongo_db.name, down, **fast):
        await partner(bus, main, "en")
        await publish(bus, "porting.events", accepted(bus))
        await bus.expect(
            NOTIFICATIONS_EVENTS.name, "notifications.mail.deferred", count=2, timeout=40
        )
    assert await mailpit.to(main) == []
    async with notifications(bus, mongo_url, mongo_db.name, mail_catcher, **fast):
        await bus.advance(timedelta(minutes=5))  # the retries fall due
        await mailpit.wait_for(main, 2)
        await asyncio.sleep(3)
        mails = await mailpit.to(main)
        delivered = await bus.expect(
            NOTIFICATIONS_EVENTS.name, "notifications.mail.delivered", count=2
        )

    assert len(mails) == 2
    assert {d.data["attempts"] for d in delivered} == {2}


async def test_a_malformed_command_is_rejected_with_reasons_and_a_refused_one_is_told(
    bus, mongo_url, mongo_db, mail_catcher
):
    async with notifications(bus, mongo_url, mongo_db.name, mail_catcher, demo_clock=True):
        good = await bus.send(NOTIFICATIONS_COMMANDS.name, announcement(), subject="mnt-0001")
        await bus.expect(NOTIFICATIONS_EVENTS.name, "notifications.maintenance.announced")
        bad = announcement().model_dump(mode="json")
        bad["region"] = "MARS"
        await bus.send_raw(
            NOTIFICATIONS_COMMANDS.name,
            "mnt-0002",
            good.model_copy(update={"id": "cmd-bad", "data": bad}).to_json(),
        )
        [rejected] = await bus.expect(NOTIFICATIONS_EVENTS.name, "notifications.command.rejected")
        parked = await bus.wait_records(NOTIFICATIONS_COMMANDS.dlq, 1)
        late = announcement().model_copy(
            update={
                "request_id": "mnt-req-2",
                "maintenance_id": "mnt-0002",
                "start": bus.now + timedelta(days=2),
                "end": bus.now + timedelta(days=2, hours=2),
            }
        )
        await bus.send(NOTIFICATIONS_COMMANDS.name, late, subject="mnt-0002")
        [refused] = await bus.expect(
            NOTIFICATIONS_EVENTS.name, "notifications.maintenance.action_refused"
        )

    assert rejected.causationid == "cmd-bad"
    assert rejected.data["reasons"][0]["field"] == "region"
    assert len(parked) == 1
    assert refused.data["maintenance_id"] == "mnt-0002"
    assert refused.data["code"] == "validation_failed"
    assert {r["code"] for r in refused.data["reasons"]} >= {"notice_too_short"}
