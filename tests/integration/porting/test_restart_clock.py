"""A restarted porting instance decides at the shared clock's time, not at a replayed tick.

The fault run (seed 7, flow port-2062) lost a carrier's acceptance this way: the instance
that took it had just been restarted, was still replaying the clock topic tick by tick
(16:42 of demonstration time while the others read 17:42), waited its bounded time for the
acceptance's tick, then handled it at 16:42 and refused it as `accepted_at_in_future`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from services.porting.app import NAME, wire
from services.porting.settings import PortingSettings
from shared.actor import Actor
from shared.contracts import carrier
from shared.contracts import porting as c
from shared.demo_clock import latest_tick
from shared.topics import CARRIER_EVENTS, PLATFORM_CLOCK, PORTING_COMMANDS, PORTING_EVENTS
from tests.integration.bus import Bus, running_service

pytestmark = pytest.mark.integration

LONDON = ZoneInfo("Europe/London")
START = datetime(2026, 11, 23, 9, 0, tzinfo=LONDON)
"""A Monday 09:00 in London, pinned (never today's date)."""
PARTNER = "partner-7301"
ACTOR = Actor(user_id="user-7301", partner_id=PARTNER, roles=("partner_admin",))
NUMBERS = ["+442079460300", "+442079460301"]
TICKS = 400
"""One-minute ticks published while the instance is down (the fault run had ~580)."""


@pytest.fixture
async def bus(kafka_bootstrap, unique):
    async with Bus(kafka_bootstrap, unique("t") + ".", start=START) as bus:
        yield bus


def submission() -> c.SubmitPortRequest:
    return c.SubmitPortRequest(
        request_id="req-restart-1",
        actor=ACTOR,
        partner_id=PARTNER,
        country="GB",
        product="analogue",
        numbers=NUMBERS,
        main_billing_number="020 7946 0300",
        registered_address=c.AddressIn(
            lines=["Unit 9, Example Park"], city="London", postal_code="EC1A 9ZZ", country="GB"
        ),
        losing_provider="Example Telecom Ltd",
        range_holder="Example Networks plc",
    )


async def test_latest_tick_is_the_last_instant_on_the_clock_topic(bus, unique):
    for _ in range(50):
        await bus.advance(timedelta(minutes=1))
    topic = bus.kafka.topic(PLATFORM_CLOCK.name)
    assert await latest_tick(bus.kafka, topic) == bus.now
    assert await latest_tick(bus.kafka, unique("absent-clock")) is None


async def test_an_acceptance_taken_right_after_a_restart_is_decided_at_the_clock_time(
    bus, mongo_url, mongo_db
):
    async with running_service(
        NAME, PortingSettings, wire, bus, mongo_url, mongo_db.name, demo_clock=True
    ):
        await bus.send(PORTING_COMMANDS.name, submission(), subject=PARTNER)
        [submitted] = await bus.expect(PORTING_EVENTS.name, "porting.port.submitted")
        port_id = submitted.subject

    # While the instance is down, the shared clock moves on (the others keep working).
    for _ in range(TICKS):
        await bus.advance(timedelta(minutes=1))

    # Restarted (a new clock consumer group: it would replay every tick from the first),
    # with a short wait for a message's tick so a lagging clock shows at once.
    async with running_service(
        NAME,
        PortingSettings,
        wire,
        bus,
        mongo_url,
        mongo_db.name,
        demo_clock=True,
        demo_clock_wait_seconds=0.2,
    ):
        await bus.send(
            CARRIER_EVENTS.name,
            carrier.CarrierPortAccepted(port_id=port_id, carrier_ref="CR-7", accepted_at=bus.now),
            subject=port_id,
        )
        # Before the fix: porting.port.port_date_refused (accepted_at_in_future) instead.
        [accepted] = await bus.expect(
            PORTING_EVENTS.name, "porting.port.accepted", lambda e: e.subject == port_id
        )
        assert accepted.time == bus.now
