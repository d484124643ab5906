"""Every flow between the services (spec/domain.md §5), end to end through Kafka only,
checked on the mails in the catcher (recipient, template, subject, language) as well as
on the events.

§5.1 order → onboarding → partner mailed; §5.2 onboarding/porting/support events → mails
(every test); §5.3 port accepted / completed / cancelled → the partner's inventory;
§5.4 incident, ticket events, response breached → proactive and escalation mails;
§5.5 maintenance announced → notice, reminder, reschedule refused; §5.6 read models
(support opens tickets for a tenant it learnt from onboarding's events; notifications
writes to contacts it learnt from onboarding's).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from services.notifications.domain.policy import MaintenancePolicy
from shared.actor import Actor
from shared.calendars import WindowKind
from shared.contracts import carrier
from shared.contracts import notifications as nc
from shared.contracts import support as sc
from shared.events import Envelope
from shared.topics import (
    CARRIER_EVENTS,
    NOTIFICATIONS_COMMANDS,
    PORTING_COMMANDS,
    SUPPORT_COMMANDS,
)
from tests.conftest import eventually
from tests.e2e import workloads
from tests.e2e.system import Partner, System, settle

pytestmark = pytest.mark.e2e

LONDON = ZoneInfo("Europe/London")
VENDOR = Actor(user_id="engineer.e2e", roles=("vendor_support",))
CLOUD_OPS = Actor(user_id="cloud.ops.e2e", roles=("cloud_operations",))


async def mails_of(system: System, partner: Partner, *templates: str) -> dict[str, list]:
    """Wait until `partner`'s contact holds a mail of every template; each must be there
    exactly once per event, in the partner's language. Returns template → mails."""

    async def arrived() -> dict[str, list]:
        mailed = await system.mailed(partner.email)
        by_template: dict[str, list] = {}
        for mails in mailed.values():
            for mail in mails:
                by_template.setdefault(mail.template, []).append(mail)
        return by_template if set(templates) <= set(by_template) else {}

    await eventually(arrived, timeout=90, interval=1)
    await settle(2)
    mailed = await system.mailed(partner.email)
    copies = {event: len(mails) for event, mails in mailed.items() if len(mails) > 1}
    assert copies == {}, f"mails sent twice: {copies}"
    found = await arrived()
    assert {m.language for mails in found.values() for m in mails} == {partner.language}
    return found


async def test_5_1_an_order_records_the_customer_and_mails_the_partner_in_its_language(
    system: System,
):
    partner = await system.partner("de")
    [customer] = await workloads.place_orders(system, partner, 1)
    of = lambda e: e.subject == customer  # noqa: E731
    await system.driver.expect("onboarding.customer.recorded", of)
    await system.driver.expect("onboarding.relationship.recorded", of)
    await system.driver.expect("onboarding.licences.updated", of)

    mails = await mails_of(system, partner, "partner_registered", "customer_recorded")
    [recorded] = mails["customer_recorded"]
    assert recorded.subject == f"Neuer Kunde erfasst: Example Bakery {customer} Ltd"
    assert Counter({k: len(v) for k, v in mails.items()}) == Counter(
        partner_registered=1, customer_recorded=1
    )


async def test_5_3_port_numbers_enter_the_inventory_go_live_or_leave_and_the_partner_is_mailed(
    system: System,
):
    partner = await system.partner("en")
    kept, dropped = workloads.numbers(2), workloads.numbers(1)
    for request_id, wanted in (("keep", kept), ("drop", dropped)):
        cmd = workloads.submission(partner, f"{partner.partner_id}-{request_id}", wanted)
        await system.send(PORTING_COMMANDS.name, cmd, partner.partner_id)
    submitted = await system.until_count(
        "porting.port.submitted", 2, lambda e: e.data["partner_id"] == partner.partner_id
    )
    by_numbers = {
        tuple(e.data["numbers"]): e.subject
        for e in system.events("porting.port.submitted")
        if e.id in submitted
    }
    keep, drop = by_numbers[tuple(kept)], by_numbers[tuple(dropped)]

    for port_id in (keep, drop):
        await workloads.carrier_accepts(system, port_id)
    for port_id in (keep, drop):  # onboarding: into the partner's inventory as "porting"
        added = await system.driver.expect(
            "onboarding.inventory.ported_numbers_added", about_port(port_id)
        )
        assert added.data["partner_id"] == partner.partner_id
    accepted = await system.driver.expect("porting.port.accepted", lambda e: e.subject == keep)

    await system.send(  # the losing provider cancels the other port: its number leaves
        CARRIER_EVENTS.name,
        carrier.CarrierPortCancelled(
            port_id=drop,
            carrier_ref=f"GC-{drop[-6:]}",
            cancelled_by="Oldline Telecom Ltd",
            reported_at=system.driver.now,
            reason="customer stays with the losing provider",
        ),
        drop,
    )
    await system.driver.expect("porting.port.cancelled", lambda e: e.subject == drop)
    withdrawn = await system.driver.expect(
        "onboarding.inventory.port_numbers_withdrawn", lambda e: e.data["port_id"] == drop
    )
    assert withdrawn.data["partner_id"] == partner.partner_id

    port_date = date.fromisoformat(accepted.data["port_date"])
    await system.driver.advance_to(datetime.combine(port_date, time(9), LONDON))
    await system.send(
        CARRIER_EVENTS.name,
        carrier.CarrierPortCompleted(
            port_id=keep, carrier_ref=f"GC-{keep[-6:]}", completed_at=system.driver.now
        ),
        keep,
    )
    activated = await system.driver.expect(
        "onboarding.inventory.ported_numbers_activated", lambda e: e.data["port_id"] == keep
    )
    assert activated.data["partner_id"] == partner.partner_id

    mails = await mails_of(
        system,
        partner,
        "port_submitted",
        "port_accepted",
        "port_cancelled",
        "port_numbers_withdrawn",
        "port_completed",
    )
    assert len(mails["port_submitted"]) == 2 and len(mails["port_accepted"]) == 2
    assert all(keep in m.subject for m in mails["port_completed"])
    assert all(drop in m.subject for m in mails["port_cancelled"])


async def test_5_4_an_incident_and_a_breached_ticket_reach_the_partner_with_escalations(
    system: System,
):
    partner = await system.partner("nl")
    tenant = await workloads.tenant_of(system, partner)  # §5.6: support's read model
    mark = system.driver.mark()
    await system.send(
        SUPPORT_COMMANDS.name,
        sc.DeclareIncident(
            request_id=f"{partner.partner_id}-incident",
            actor=VENDOR,
            severity="S1",
            title="Calls fail for customers in the Netherlands",
            summary="Calls to and from Dutch numbers fail; engineers are on it.",
            regions=["EU"],
            partner_ids=[partner.partner_id],
        ),
        partner.partner_id,
    )
    await system.driver.expect("support.incident.declared", after=mark)

    request_id = f"{partner.partner_id}-s1"
    ticket = tenant.ticket(
        request_id,
        channel="phone",
        category="service_availability",
        description="No user of the customer can place or receive calls.",
        title=f"No calls at all {request_id}",
        impact="widespread",
        urgency="critical",
    )
    await system.send(SUPPORT_COMMANDS.name, ticket, request_id)
    opened = await system.driver.expect(
        "support.ticket.opened", lambda e: e.data["title"] == ticket.title
    )
    assert opened.data["severity"] == "S1"
    due = datetime.fromisoformat(opened.data["response_due_at"])
    await system.driver.advance_to(due + timedelta(seconds=1))  # nobody acknowledges
    of = lambda e: e.subject == opened.subject  # noqa: E731
    await system.driver.expect("support.ticket.response_breached", of)
    await system.driver.expect("support.ticket.escalated", lambda e: of(e) and e.data["level"] == 1)

    mails = await mails_of(
        system,
        partner,
        "incident_declared",
        "ticket_opened",
        "ticket_response_breached",
        "ticket_escalated",
    )
    [declared] = mails["incident_declared"]
    assert "Calls fail for customers in the Netherlands" in declared.subject
    assert any(opened.data["ticket_number"] in m.subject for m in mails["ticket_escalated"])


async def test_5_5_maintenance_notice_reminder_and_a_refused_reschedule_are_mailed(
    system: System,
):
    partner = await system.partner("de")
    policy = MaintenancePolicy()
    zone = policy.zone("EU")
    earliest = policy.earliest_start_date("EU", system.driver.now)
    window = policy.calendar.next_window(
        "EU", datetime.combine(earliest, time(0), zone), WindowKind.WEEKDAY
    )
    start = window.start.astimezone(UTC)
    maintenance_id = f"MNT-{partner.partner_id}"
    await system.send(
        NOTIFICATIONS_COMMANDS.name,
        nc.AnnounceMaintenance(
            request_id=f"{maintenance_id}-announce",
            actor=CLOUD_OPS,
            maintenance_id=maintenance_id,
            region="EU",
            kind="planned_disruptive",
            start=start,
            end=start + timedelta(hours=2),
            title="Call-control cluster software patch",
            description="Calls in progress may drop once while the cluster fails over.",
        ),
        maintenance_id,
    )
    of = lambda e: e.subject == maintenance_id  # noqa: E731
    await system.driver.expect("notifications.maintenance.announced", of)
    await system.send(  # the partner asks for the same window again: refused
        NOTIFICATIONS_COMMANDS.name,
        nc.RequestMaintenanceReschedule(
            request_id=f"{maintenance_id}-move",
            actor=Actor(user_id=f"desk@{partner.partner_id}", partner_id=partner.partner_id),
            maintenance_id=maintenance_id,
            start=start,
            end=start + timedelta(hours=2),
            reason="Our customers run their month-end close that night.",
        ),
        maintenance_id,
    )
    refused = await system.driver.expect("notifications.maintenance.reschedule_refused", of)
    assert "same_window" in str(refused.data)
    await system.driver.advance_to(start - timedelta(hours=72))
    await system.driver.expect("notifications.maintenance.reminder_due", of)

    mails = await mails_of(
        system,
        partner,
        "maintenance_notice",
        "maintenance_reschedule_refused",
        "maintenance_reminder",
    )
    notices = [
        m
        for template in ("maintenance_notice", "maintenance_reminder")
        for m in mails[template]
        if "Call-control cluster software patch" in m.subject
    ]
    assert len(notices) == 2, [m.subject for mails_ in mails.values() for m in mails_]


def about_port(port_id: str) -> Callable[[Envelope], bool]:
    return lambda e: e.data.get("port_id") == port_id
