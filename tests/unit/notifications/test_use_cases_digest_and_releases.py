"""Daily digests, release end of sale and change requests, on the in-memory store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shared.actor import Actor
from shared.contracts import notifications as c
from shared.topics import NOTIFICATIONS_COMMANDS, PORTING_EVENTS
from tests.unit.notifications.samples import NOTICE_DAY
from tests.unit.notifications.test_use_cases_partner_mail import (
    MAIN,
    PARTNER,
    accepted,
    with_partner,
)
from tests.unit.notifications.world import World, fact

pytestmark = pytest.mark.unit

DESK = "porting-desk@reseller-one.example.com"
PARTNER_ACTOR = Actor(user_id="u1", partner_id=PARTNER)


async def with_digest_desk(world: World) -> None:
    await with_partner(world)
    await world.send(
        NOTIFICATIONS_COMMANDS.name,
        c.EnrolContact(
            request_id="desk",
            actor=PARTNER_ACTOR,
            partner_id=PARTNER,
            contact=c.ContactIn(
                contact_id="desk",
                name="Porting Desk",
                email=DESK,
                categories=["porting"],
                language="en",
                timezone="Europe/Berlin",
                digest=["porting"],
                digest_hour=8,
            ),
        ),
        subject=PARTNER,
    )


def templates(world: World, address: str) -> list[str]:
    return [str(m["X-Partnerops-Template"]) for m in world.sender.to(address)]


async def test_low_urgency_mail_waits_for_the_contact_s_daily_digest_at_its_local_hour():
    world = World(NOTICE_DAY)  # Mon 1 Jun 2026, 10:00 Berlin
    await with_digest_desk(world)
    for i in range(2):
        await world.deliver(
            PORTING_EVENTS.name,
            fact("porting.port.accepted", accepted(f"port-000{i}"), NOTICE_DAY, f"p{i}"),
        )
    assert templates(world, DESK) == []  # kept for the digest
    assert templates(world, MAIN).count("port_accepted") == 2  # the main contact: at once
    await world.tick(datetime(2026, 6, 2, 5, 59, tzinfo=UTC))  # 07:59 Berlin
    assert templates(world, DESK) == []
    await world.tick(datetime(2026, 6, 2, 6, 0, tzinfo=UTC))  # 08:00 Berlin
    [digest] = world.sender.to(DESK)
    assert digest["X-Partnerops-Template"] == "daily_digest"
    body = digest.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "port-0000" in body and "port-0001" in body
    await world.later(timedelta(days=2))
    assert len(world.sender.to(DESK)) == 1  # sent once


async def test_a_digest_is_refused_for_maintenance_and_outages():
    world = World(NOTICE_DAY)
    await with_partner(world)
    await world.send(
        NOTIFICATIONS_COMMANDS.name,
        c.SetDigestPreference(
            request_id="dg",
            actor=PARTNER_ACTOR,
            partner_id=PARTNER,
            contact_id=f"{PARTNER}:main",
            digest=["maintenance_and_outages"],
        ),
        subject=PARTNER,
    )
    [refused] = world.of_type("notifications.contacts.action_refused")
    assert "digest_not_allowed" in {r["code"] for r in refused.data["reasons"]}


async def test_end_of_sale_tells_each_partner_which_customers_must_upgrade():
    world = World(NOTICE_DAY)
    await with_partner(world)
    customers = [
        c.CustomerReleaseIn(
            customer_id=f"cust-{i}",
            customer_name=name,
            partner_id=PARTNER,
            region="EU",
            release=release,
        )
        for i, (name, release) in enumerate(
            [("Example Bakery Ltd", "13.0"), ("Sample Shipping BV", "15.0")]
        )
    ]
    command = c.AnnounceEndOfSale(
        request_id="eos",
        actor=Actor(user_id="rm-1", roles=("release_management",)),
        release_id="16.0",
        releases=["13.0", "14.0", "15.0", "16.0"],
        customers=customers,
    )
    await world.send(NOTIFICATIONS_COMMANDS.name, command, subject="16.0")
    [announced] = world.of_type("notifications.release.end_of_sale_announced")
    assert [u["customer_id"] for u in announced.data["upgrades"]] == ["cust-0"]
    [mail] = [
        m for m in world.sender.to(MAIN) if m["X-Partnerops-Template"] == "release_end_of_sale"
    ]
    text = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "Example Bakery Ltd" in text and "Sample Shipping BV" not in text


async def test_a_change_request_goes_to_joint_review_and_its_decline_is_told_with_the_reason():
    world = World(NOTICE_DAY)
    await with_partner(world)
    await world.send(
        NOTIFICATIONS_COMMANDS.name,
        c.SubmitChangeRequest(
            request_id="cr",
            actor=PARTNER_ACTOR,
            change_request_id="cr-1",
            partner_id=PARTNER,
            region="EU",
            summary="Move our tenant to the new media cluster",
        ),
        subject="cr-1",
    )
    pm = Actor(user_id="pm-1", roles=("product_management",))
    decline = c.DeclineChangeRequest(
        request_id="cr-d", actor=pm, change_request_id="cr-1", reason="Cluster full until Q4"
    )
    await world.send(NOTIFICATIONS_COMMANDS.name, decline, subject="cr-1")
    assert templates(world, MAIN)[-2:] == ["change_request_under_review", "change_request_declined"]
    approve = c.ApproveChangeRequest(request_id="cr-a", actor=pm, change_request_id="cr-1")
    await world.send(NOTIFICATIONS_COMMANDS.name, approve, subject="cr-1")
    [refused] = world.of_type("notifications.change_request.action_refused")
    assert refused.data["code"] == "change_request_not_pending"
