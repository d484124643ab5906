"""Porting's durable timers through `UseCases.fire`: each fires once, keeps the flow,
and a stale one does nothing."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from services.porting.domain.decisions import ESCALATION, REMINDER
from shared.contracts import carrier as gateway
from shared.store import Timer
from tests.unit.porting.world import World

pytestmark = pytest.mark.unit

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def world() -> World:
    return World()


async def test_the_escalation_walks_the_matrix_one_level_per_timer(world):
    port_id = await world.submitted()
    levels = []
    for _ in range(5):
        [timer] = [t for t in await world.timers(port_id) if t.kind == ESCALATION] or [None]
        if timer is None:
            break
        world.clock.set(timer.due_at)
        await world.fire(port_id, timer)
        await world.fire(port_id, timer)  # a second instance fires it too: nothing more
        levels = [e.data["level"] for e in world.events("porting.port.carrier_answer_overdue")]
    assert levels == [0, 1, 2, 3]
    [submitted] = world.events("porting.port.submitted")
    overdue = world.events("porting.port.carrier_answer_overdue")
    assert {e.correlationid for e in overdue} == {submitted.correlationid}  # the port's flow
    assert await world.timers(port_id) == []


async def test_the_port_date_reminder_goes_once_with_the_risk_notice(world):
    port_id = await world.submitted()
    accepted_at = datetime(2026, 12, 7, 10, 0, tzinfo=LONDON)
    world.clock.set(accepted_at)
    await world.carrier(
        gateway.CarrierPortAccepted(port_id=port_id, carrier_ref="CR", accepted_at=accepted_at)
    )
    [timer] = await world.timers(port_id)
    assert timer.kind == REMINDER
    assert timer.due_at == datetime(2027, 1, 6, 9, 0, tzinfo=LONDON)  # 3 working days before
    world.clock.set(timer.due_at)
    await world.fire(port_id, timer)
    await world.fire(port_id, timer)
    [reminder] = world.events("porting.port.reminder_due")
    assert "alarm" in reminder.data["risk_notice"].lower()
    assert await world.timers(port_id) == []


async def test_a_timer_fired_before_it_is_due_does_nothing_and_stays(world):
    port_id = await world.submitted()
    [timer] = await world.timers(port_id)
    published = world.types()
    await world.fire(port_id, timer)
    assert world.types() == published
    assert await world.timers(port_id) == [timer]


async def test_a_stale_timer_of_a_request_that_moved_on_publishes_nothing(world):
    port_id = await world.submitted()
    [timer] = await world.timers(port_id)
    world.clock.set(timer.due_at)
    stale = Timer("reminder:0:None", REMINDER, timer.due_at)
    published = world.types()
    await world.fire(port_id, stale)
    await world.fire("PRT-GONE", stale)  # its request does not exist
    assert world.types() == published
