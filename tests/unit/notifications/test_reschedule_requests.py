"""Who may ask to move a maintenance, and that asking for the same window changes nothing.

Black-box findings: any partner (even an unknown one) could reschedule any maintenance,
and a reschedule to the identical window was accepted (a second mail round, SEQUENCE 2).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from services.notifications.domain import events as ev
from services.notifications.domain.contacts import PartnerContacts
from services.notifications.domain.recipients import partner_affected
from shared.calendars import Region
from shared.contracts import notifications as c
from shared.topics import NOTIFICATIONS_COMMANDS, ONBOARDING_EVENTS
from tests.unit.notifications.samples import NOTICE_DAY, POLICY, announced, local
from tests.unit.notifications.test_use_cases_maintenance import (
    ADMIN,
    START,
    announce,
    templates,
    world_with_customer,
)
from tests.unit.notifications.test_use_cases_partner_mail import MAIN, PARTNER
from tests.unit.notifications.world import CLOUD_OPS, World, fact

pytestmark = pytest.mark.unit

LATER = START + timedelta(days=1)


def reschedule(
    actor: dict[str, Any] | Any, start: datetime = LATER, hours: float = 3
) -> c.RequestMaintenanceReschedule:
    return c.RequestMaintenanceReschedule(
        request_id="rs1",
        actor=actor,
        maintenance_id="mnt-0001",
        start=start,
        end=start + timedelta(hours=hours),
        reason="Our quarterly billing run is that night",
    )


async def customer_of(world: World, customer_id: str, partner_id: str) -> None:
    data: dict[str, Any] = {
        "customer_id": customer_id,
        "tenant_id": f"ten-{customer_id}",
        "distributor_partner_id": None,
        "reseller_partner_id": partner_id,
        "tier1_partner_id": None,
        "company_name": "Example Florist Ltd",
        "country": "DE",
        "subscription_numbers": [],
        "main_contact_name": "Olga Admin",
        "main_contact_email": f"admin@{customer_id}.example.org",
        "occurred_at": NOTICE_DAY.isoformat(),
    }
    await world.deliver(
        ONBOARDING_EVENTS.name,
        fact("onboarding.customer.recorded", data, NOTICE_DAY, f"ev-{customer_id}"),
    )


@pytest.mark.parametrize("partner_id", ["P-ZZZ", "ptn-0002"], ids=["unknown", "unrelated"])
async def test_a_partner_the_work_does_not_concern_may_not_move_it(partner_id: str):
    world = await world_with_customer()
    await customer_of(world, "cust-0002", "ptn-0002")  # a customer outside this work
    await world.send(NOTIFICATIONS_COMMANDS.name, announce(), subject="mnt-0001")
    request = reschedule({"user_id": "u9", "partner_id": partner_id, "roles": []})
    await world.send(NOTIFICATIONS_COMMANDS.name, request, subject="mnt-0001")
    [refused] = world.of_type("notifications.maintenance.action_refused")
    assert refused.data["code"] == "forbidden"
    assert world.of_type("notifications.maintenance.rescheduled") == []
    assert "maintenance_rescheduled" not in templates(world, MAIN)
    assert "maintenance_rescheduled" not in templates(world, ADMIN)


async def test_a_partner_named_for_an_affected_customer_may_move_it_without_contacts():
    world = await world_with_customer()
    await customer_of(world, "cust-0002", "ptn-0002")
    command = announce(affected_customer_ids=["cust-0001", "cust-0002"])
    await world.send(NOTIFICATIONS_COMMANDS.name, command, subject="mnt-0001")
    request = reschedule({"user_id": "u2", "partner_id": "ptn-0002"})
    await world.send(NOTIFICATIONS_COMMANDS.name, request, subject="mnt-0001")
    assert world.of_type("notifications.maintenance.action_refused") == []
    [moved] = world.of_type("notifications.maintenance.rescheduled")
    assert moved.data["requested_by"] == "ptn-0002"


async def test_an_enrolled_partner_and_cloud_operations_may_move_it():
    world = await world_with_customer()
    await world.send(NOTIFICATIONS_COMMANDS.name, announce(), subject="mnt-0001")
    await world.send(
        NOTIFICATIONS_COMMANDS.name,
        reschedule({"user_id": "u1", "partner_id": PARTNER}),
        subject="mnt-0001",
    )
    await world.send(NOTIFICATIONS_COMMANDS.name, reschedule(CLOUD_OPS, LATER + timedelta(days=1)))
    assert len(world.of_type("notifications.maintenance.rescheduled")) == 2


def test_affected_means_enrolled_in_the_region_or_named_for_an_affected_customer():
    partner, _ = PartnerContacts.seed(
        PARTNER,
        main_contact_name="Anna",
        main_contact_email=MAIN,
        language="de",
        timezone=None,
        now=NOTICE_DAY,
    )
    assert partner_affected(PARTNER, partner, Region.EU, [])
    assert not partner_affected("P-ZZZ", None, Region.EU, [("ptn-0001",)])
    assert partner_affected("ptn-0002", None, Region.EU, [("ptn-0001", "ptn-0002")])
    assert not partner_affected(PARTNER, PartnerContacts(PARTNER), Region.EU, [])


def test_a_reschedule_to_the_same_window_is_refused_as_a_no_op():
    m = announced()
    start, end = m.plan.start, m.plan.end
    [event] = m.request_reschedule(
        start=start,
        end=end,
        reason="Again",
        requested_by=PARTNER,
        now=local(Region.EU, 2026, 6, 3, 9),
        policy=POLICY,
    )
    assert isinstance(event, ev.MaintenanceRescheduleRefused)
    assert [r.code for r in event.reasons] == ["same_window"]
    assert m.sequence == 0


async def test_asking_twice_for_the_same_new_window_moves_it_once_and_mails_once():
    world = await world_with_customer()
    await world.send(NOTIFICATIONS_COMMANDS.name, announce(), subject="mnt-0001")
    request = reschedule({"user_id": "u1", "partner_id": PARTNER})
    await world.send(NOTIFICATIONS_COMMANDS.name, request, subject="mnt-0001")
    again = request.model_copy(update={"request_id": "rs2"})
    await world.send(NOTIFICATIONS_COMMANDS.name, again, subject="mnt-0001")
    assert len(world.of_type("notifications.maintenance.rescheduled")) == 1
    [refused] = world.of_type("notifications.maintenance.reschedule_refused")
    assert [r["code"] for r in refused.data["reasons"]] == ["same_window"]
    assert templates(world, ADMIN).count("maintenance_rescheduled") == 1
