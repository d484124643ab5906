"""Each mail is sent once while its sender lives (the claim on a delivery), on the
in-memory store: the same event handled twice at once, and the clock passing a claim
while its mail is in the SMTP exchange (domain.md §3; the duplicate of e2e flow 5.4)."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from email.message import EmailMessage

import pytest

from services.notifications.domain.delivery import (
    Delivery,
    DeliveryStatus,
    RetryPolicy,
    SendOutcome,
)
from shared.topics import PORTING_EVENTS
from tests.unit.notifications.samples import NOTICE_DAY
from tests.unit.notifications.test_use_cases_partner_mail import MAIN, accepted, with_partner
from tests.unit.notifications.world import World, fact

pytestmark = pytest.mark.unit


def port_mails(world: World) -> list[EmailMessage]:
    return [m for m in world.sender.to(MAIN) if m["X-Partnerops-Template"] == "port_accepted"]


async def test_the_same_event_handled_twice_at_once_is_mailed_once():
    world = World(NOTICE_DAY)
    await with_partner(world, language="en")
    event = fact("porting.port.accepted", accepted(), NOTICE_DAY, "port-ev-twice")
    await asyncio.gather(
        world.deliver(PORTING_EVENTS.name, event), world.deliver(PORTING_EVENTS.name, event)
    )
    assert len(port_mails(world)) == 1


async def test_the_clock_passing_the_claim_during_the_smtp_exchange_sends_once():
    world = World(NOTICE_DAY)
    await with_partner(world, language="en")
    answer = world.sender.send

    async def slow_answer(message: EmailMessage, sender: str, recipient: str) -> SendOutcome:
        outcome = await answer(message, sender, recipient)  # the server has accepted it
        if message["X-Partnerops-Template"] == "port_accepted" and len(port_mails(world)) == 1:
            await world.later(timedelta(minutes=30))  # the claim (5 min) expires meanwhile
        return outcome

    world.sender.send = slow_answer  # type: ignore[method-assign]
    event = fact("porting.port.accepted", accepted(), NOTICE_DAY, "port-ev-jump")
    await world.deliver(PORTING_EVENTS.name, event)
    await world.later(timedelta(hours=1))  # whatever the claim's timers would do, they did

    assert len(port_mails(world)) == 1
    [delivered] = [
        e for e in world.of_type("notifications.mail.delivered") if e.data["event_id"] == event.id
    ]
    assert delivered.data["attempts"] == 1


def sending(now: datetime = NOTICE_DAY) -> Delivery:
    return Delivery.claim_new(
        now=now,
        policy=RetryPolicy(),
        delivery_id="d-1",
        event_id="ev-1",
        event_type="porting.port.accepted",
        template="port_accepted",
        recipient=MAIN,
        audience="partner",
        language="en",
        partner_id="ptn-0001",
        message_id="m-1@example.com",
        content={},
    )


def test_an_extended_claim_moves_its_expiry_and_keeps_the_attempt():
    policy = RetryPolicy(claim_for=timedelta(minutes=5))
    later = NOTICE_DAY + timedelta(minutes=30)
    held = sending().extend_claim(1, later, policy)
    assert held is not None
    assert (held.status, held.attempt, held.claim_until) == (
        DeliveryStatus.SENDING,
        1,
        later + timedelta(minutes=5),
    )
    assert [t.id for t in held.pending_timers()] == ["recover:1.1"]  # a new timer id


def test_a_claim_not_in_that_attempt_any_more_is_not_extended():
    policy = RetryPolicy()
    answered = sending().record(1, SendOutcome.from_reply(250, "Ok"), NOTICE_DAY, policy)
    assert answered is not None
    assert answered[0].extend_claim(1, NOTICE_DAY, policy) is None
    assert sending().extend_claim(2, NOTICE_DAY, policy) is None
