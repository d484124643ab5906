"""Notifications: the partner's mail, and a maintenance notice with its reminder.

The porting scenario's partner has no contact with notifications yet, so its port mails
are held. Vendor operations enrol its operations desk (German): every held mail goes
out. Cloud operations then announce disruptive work in the EU with the ten business
days' notice; the notice (with its calendar invite) goes at once and the 72-hour
reminder when the shared clock gets there. The mails are in the local Mailpit.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, time, timedelta

from deploy.demo.display import rfc3339
from deploy.demo.driver import Driver, step
from services.notifications.domain.policy import MaintenancePolicy
from shared.actor import Actor
from shared.calendars import WindowKind
from shared.contracts import notifications as c
from shared.topics import NOTIFICATIONS_COMMANDS

VENDOR_OPS = Actor(user_id="vendor.ops@partnerops.example.com", roles=("vendor_operations",))
CLOUD_OPS = Actor(user_id="cloud.ops@partnerops.example.com", roles=("cloud_operations",))


async def run(driver: Driver, run_id: str) -> list[str]:
    partner = f"P-BRIGHTLINE-{run_id}"  # the porting scenario's partner
    desk = f"ops-desk-{run_id}@brightline.example.com"
    mark = driver.mark()

    step("Notifications: vendor operations enrol the partner's operations desk (German)")
    await driver.send(
        NOTIFICATIONS_COMMANDS.name,
        c.EnrolContact(
            request_id=f"{run_id}-desk",
            actor=VENDOR_OPS,
            partner_id=partner,
            contact=c.ContactIn(
                contact_id="ops-desk",
                name="Operations Desk",
                email=desk,
                categories=["maintenance_and_outages", "porting", "onboarding"],
                regions=["EU", "UK"],
                language="de",
                timezone="Europe/Berlin",
            ),
        ),
        subject=partner,
    )
    await driver.expect("notifications.contacts.changed", lambda e: e.subject == partner)
    await driver.expect("notifications.mail.delivered", lambda e: e.data["recipient"] == desk)

    step("Cloud operations announce disruptive work in the EU, ten business days ahead")
    policy = MaintenancePolicy()
    zone = policy.zone("EU")
    earliest = policy.earliest_start_date("EU", driver.now)
    window = policy.calendar.next_window(
        "EU", datetime.combine(earliest, time(0), zone), WindowKind.WEEKDAY
    )
    start = window.start.astimezone(UTC)
    maintenance_id = f"MNT-{run_id}"
    await driver.send(
        NOTIFICATIONS_COMMANDS.name,
        c.AnnounceMaintenance(
            request_id=f"{run_id}-mnt",
            actor=CLOUD_OPS,
            maintenance_id=maintenance_id,
            region="EU",
            kind="planned_disruptive",
            start=start,
            end=start + timedelta(hours=2),
            title="Call-control cluster software patch",
            description="Calls in progress may drop once while the cluster fails over.",
        ),
        subject=maintenance_id,
    )
    of = lambda e: e.subject == maintenance_id  # noqa: E731
    await driver.expect("notifications.maintenance.announced", of)

    step("Time passes: the 72-hour reminder reaches the desk")
    await driver.advance_to(start - timedelta(hours=72))
    await driver.expect("notifications.maintenance.reminder_due", of)
    await driver.expect(
        "notifications.mail.delivered",
        lambda e: e.data["template"] == "maintenance_reminder" and e.data["recipient"] == desk,
        after=mark,
    )

    received: dict[str, list[str]] = defaultdict(list)
    for e in driver.seen[mark:]:
        if e.type == "notifications.mail.delivered":
            received[e.data["recipient"]].append(e.data["template"])
    return [
        f"{address} received {len(templates)} mail(s): {', '.join(templates)}"
        for address, templates in sorted(received.items())
    ] + [
        f"maintenance {maintenance_id}: starts {rfc3339(start)}, "
        "notice at once, reminder 72 h before",
    ]  # the mail section that ends the summary names the Mailpit web UI
