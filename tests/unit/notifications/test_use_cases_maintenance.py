"""Maintenance, outage and change-request use cases → facts and mails, on the in-memory store."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import icalendar
import pytest

from shared.calendars import Region
from shared.contracts import notifications as c
from shared.topics import NOTIFICATIONS_COMMANDS, ONBOARDING_EVENTS
from tests.unit.notifications.samples import NOTICE_DAY, local
from tests.unit.notifications.test_use_cases_partner_mail import MAIN, PARTNER, with_partner
from tests.unit.notifications.world import CLOUD_OPS, World, fact

pytestmark = pytest.mark.unit

ADMIN = "it-admin@bakery.example.org"
START = local(Region.EU, 2026, 6, 16, 22)  # Tue 16 Jun 2026 22:00 Berlin


def announce(**changes: object) -> c.AnnounceMaintenance:
    values: dict[str, object] = {
        "request_id": "a1",
        "actor": CLOUD_OPS,
        "maintenance_id": "mnt-0001",
        "region": "EU",
        "kind": "planned_disruptive",
        "start": START,
        "end": START + timedelta(hours=3),
        "title": "Voice cluster software patch",
        "description": "Patching the call-control cluster.",
        "affected_customer_ids": ["cust-0001"],
    }
    values.update(changes)
    return c.AnnounceMaintenance.model_validate(values)


async def world_with_customer() -> World:
    world = World(NOTICE_DAY)
    await with_partner(world)
    await world.deliver(
        ONBOARDING_EVENTS.name,
        fact(
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
                "main_contact_email": ADMIN,
                "occurred_at": NOTICE_DAY.isoformat(),
            },
            NOTICE_DAY,
            "cust-ev-1",
        ),
    )
    return world


def templates(world: World, address: str) -> list[str]:
    return [str(m["X-Partnerops-Template"]) for m in world.sender.to(address)]


def invite_of(message: object) -> icalendar.Calendar:
    for part in message.walk():  # type: ignore[attr-defined]
        if part.get_content_type() == "text/calendar":
            return icalendar.Calendar.from_ical(part.get_content())
    raise AssertionError("no invite")


async def test_the_notice_reaches_the_region_s_partners_and_the_affected_admin_with_an_invite():
    world = await world_with_customer()
    await world.send(NOTIFICATIONS_COMMANDS.name, announce(), subject="mnt-0001")
    assert world.of_type("notifications.maintenance.announced")
    assert "maintenance_notice" in templates(world, MAIN)
    assert templates(world, ADMIN) == ["maintenance_notice"]
    [admin_mail] = world.sender.to(ADMIN)
    assert "partners.partnerops.example.com" not in admin_mail.as_string()
    events: list[Any] = invite_of(admin_mail).walk("VEVENT")
    [event] = events
    assert event["SEQUENCE"] == 0 and str(event["DTSTART"].dt.tzinfo) == "Europe/Berlin"


async def test_reminders_72_and_24_hours_before_then_the_start_as_the_clock_moves():
    world = await world_with_customer()
    await world.send(NOTIFICATIONS_COMMANDS.name, announce(), subject="mnt-0001")
    await world.tick(START - timedelta(hours=72, minutes=1))
    assert "maintenance_reminder" not in templates(world, MAIN)
    await world.tick(START - timedelta(hours=72))
    assert templates(world, MAIN).count("maintenance_reminder") == 1
    await world.tick(START - timedelta(hours=24))
    assert templates(world, MAIN).count("maintenance_reminder") == 2
    await world.tick(START + timedelta(minutes=1))
    assert templates(world, ADMIN).count("maintenance_started") == 1
    hours = [
        e.data["hours_before"] for e in world.of_type("notifications.maintenance.reminder_due")
    ]
    assert hours == [72, 24]


async def test_too_short_a_notice_is_refused_with_the_rule():
    world = await world_with_customer()
    soon = local(Region.EU, 2026, 6, 3, 22)  # two days' notice for disruptive work
    command = announce(start=soon, end=soon + timedelta(hours=2))
    await world.send(NOTIFICATIONS_COMMANDS.name, command, subject="mnt-0001")
    [refused] = world.of_type("notifications.maintenance.action_refused")
    assert refused.data["code"] == "validation_failed"
    assert "notice_too_short" in {r["code"] for r in refused.data["reasons"]}
    assert "maintenance_notice" not in templates(world, MAIN)


async def test_only_cloud_operations_announce():
    world = await world_with_customer()
    command = announce(actor={"user_id": "u1", "partner_id": PARTNER})
    await world.send(NOTIFICATIONS_COMMANDS.name, command, subject="mnt-0001")
    [refused] = world.of_type("notifications.maintenance.action_refused")
    assert refused.data["code"] == "forbidden"


async def test_a_reschedule_moves_the_same_calendar_entry_and_a_cancel_removes_it():
    world = await world_with_customer()
    await world.send(NOTIFICATIONS_COMMANDS.name, announce(), subject="mnt-0001")
    later = START + timedelta(days=1)
    request = c.RequestMaintenanceReschedule(
        request_id="rs1",
        actor={"user_id": "u1", "partner_id": PARTNER},
        maintenance_id="mnt-0001",
        start=later,
        end=later + timedelta(hours=3),
        reason="Our quarterly billing run is that night",
    )
    await world.send(NOTIFICATIONS_COMMANDS.name, request, subject="mnt-0001")
    cancel = c.CancelMaintenance(
        request_id="cx1", actor=CLOUD_OPS, maintenance_id="mnt-0001", reason="Not needed"
    )
    await world.send(NOTIFICATIONS_COMMANDS.name, cancel, subject="mnt-0001")
    mails = world.sender.to(ADMIN)
    assert [m["X-Partnerops-Template"] for m in mails] == [
        "maintenance_notice",
        "maintenance_rescheduled",
        "maintenance_cancelled",
    ]
    events: list[Any] = [next(iter(invite_of(m).walk("VEVENT"))) for m in mails]
    assert len({str(e["UID"]) for e in events}) == 1
    assert [int(e["SEQUENCE"]) for e in events] == [0, 1, 2]
    assert events[1]["DTSTART"].dt == later
    assert invite_of(mails[2])["METHOD"] == "CANCEL"


async def test_an_outage_goes_at_once_to_every_enrolled_contact_of_the_region():
    world = await world_with_customer()
    declare = c.DeclareOutage(
        request_id="o1",
        actor=CLOUD_OPS,
        outage_id="out-1",
        regions=["EU"],
        services=["calling"],
        summary="Calls fail to connect",
        started_at=NOTICE_DAY,
    )
    await world.send(NOTIFICATIONS_COMMANDS.name, declare, subject="out-1")
    resolve = c.ResolveOutage(request_id="o2", actor=CLOUD_OPS, outage_id="out-1")
    await world.send(NOTIFICATIONS_COMMANDS.name, resolve, subject="out-1")
    await world.send(NOTIFICATIONS_COMMANDS.name, resolve, subject="out-1")  # redelivered
    assert templates(world, MAIN)[-2:] == ["outage_declared", "outage_resolved"]
    assert [m["Importance"] for m in world.sender.to(MAIN)[-2:]] == ["high", "high"]
