"""The carrier's answers on the in-memory store: accepted (and a port date refused),
rejected, cancelled in time or late, completed; redeliveries and unknown requests."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from shared.contracts import carrier as gateway
from shared.errors import MessageRejected
from tests.unit.porting.world import NUMBERS, World

pytestmark = pytest.mark.unit

LONDON = ZoneInfo("Europe/London")
ACCEPTED_AT = datetime(2026, 12, 7, 10, 0, tzinfo=LONDON)  # port date Mon 11 Jan 2027


@pytest.fixture
def world() -> World:
    return World()


def accept(port_id: str, port_date: date | None = None) -> gateway.CarrierPortAccepted:
    return gateway.CarrierPortAccepted(
        port_id=port_id, carrier_ref="CR-1", accepted_at=ACCEPTED_AT, port_date=port_date
    )


def cancel(port_id: str, reported_at: datetime) -> gateway.CarrierPortCancelled:
    return gateway.CarrierPortCancelled(
        port_id=port_id,
        carrier_ref="CR-1",
        cancelled_by="Example Telecom Ltd",
        reason="customer stays",
        reported_at=reported_at,
    )


async def accepted(world: World) -> str:
    port_id = await world.submitted()
    world.clock.set(ACCEPTED_AT)
    await world.carrier(accept(port_id))
    return port_id


async def test_an_acceptance_sets_the_port_date_and_puts_the_numbers_in_the_inventory(world):
    port_id = await accepted(world)
    [event] = world.events("porting.port.accepted")
    assert event.data["port_date"] == "2027-01-11" and event.data["lead_days"] == 22
    [numbers] = world.events("porting.numbers.accepted")
    assert numbers.data["numbers"] == NUMBERS and numbers.data["port_date"] == "2027-01-11"
    assert (await world.port(port_id)).status == "accepted"
    assert world.owners() == dict.fromkeys(NUMBERS, port_id)
    assert [t.kind for t in await world.timers(port_id)] == ["reminder"]


async def test_a_redelivered_acceptance_changes_nothing(world):
    port_id = await world.submitted()
    world.clock.set(ACCEPTED_AT)
    env = await world.carrier(accept(port_id))
    version = (await world.store.load(port_id)).version
    await world.carrier(accept(port_id), env)
    assert len(world.events("porting.port.accepted")) == 1
    assert (await world.store.load(port_id)).version == version


async def test_a_carrier_port_date_breaking_the_rules_is_refused_once_and_the_request_waits(
    world,
):
    port_id = await world.submitted()
    world.clock.set(ACCEPTED_AT)
    env = await world.carrier(accept(port_id, date(2026, 12, 9)))
    await world.carrier(accept(port_id, date(2026, 12, 9)), env)  # redelivered
    [refused] = world.events("porting.port.port_date_refused")
    codes = {r["code"] for r in refused.data["reasons"]}
    assert {"port_date_before_lead_time", "cancellation_cutoff_passed"} <= codes
    assert refused.data["earliest_port_date"] == "2027-01-11"
    assert refused.data["carrier_ref"] == "CR-1" and refused.subject == port_id
    assert (await world.port(port_id)).status == "submitted"
    assert world.events("porting.port.accepted") == []


async def test_an_answer_the_state_does_not_allow_is_refused_with_the_status(world):
    port_id = await world.submitted()
    done = gateway.CarrierPortCompleted(port_id=port_id, carrier_ref="CR", completed_at=ACCEPTED_AT)
    env = await world.carrier(done)
    await world.carrier(done, env)  # redelivered: told once
    [refused] = world.events("porting.port.action_refused")
    assert refused.data["code"] == "illegal_transition" and refused.data["status"] == "submitted"
    assert refused.data["port_id"] == port_id and refused.causationid == env.id
    assert (await world.port(port_id)).status == "submitted"


async def test_a_rejection_keeps_the_numbers_from_other_requests(world):
    port_id = await world.submitted()
    no = gateway.CarrierPortRejected(
        port_id=port_id,
        carrier_ref="CR-1",
        rejected_at=ACCEPTED_AT,
        reasons=[gateway.CarrierReason(code="address_mismatch", message="postcode differs")],
    )
    await world.carrier(no)
    [rejected] = world.events("porting.port.rejected")
    assert rejected.data["reasons"][0]["code"] == "address_mismatch"
    assert (await world.port(port_id)).status == "rejected"
    assert world.owners() == dict.fromkeys(NUMBERS, port_id)
    assert await world.timers(port_id) == []  # no carrier answer awaited any more


async def test_a_cancellation_in_time_restarts_porting_and_takes_the_numbers_out(world):
    port_id = await accepted(world)
    await world.carrier(cancel(port_id, datetime(2026, 12, 20, 9, 0, tzinfo=LONDON)))
    [cancelled] = world.events("porting.port.cancelled")
    assert cancelled.data["restarted"] is True
    assert cancelled.data["previous_port_date"] == "2027-01-11"
    [out] = world.events("porting.numbers.cancelled")
    assert out.data["numbers"] == NUMBERS
    assert (await world.port(port_id)).status == "submitted"
    assert world.owners() == dict.fromkeys(NUMBERS, port_id)  # still being ported


async def test_a_late_cancellation_is_recorded_and_escalated_and_the_port_stays(world):
    port_id = await accepted(world)
    await world.carrier(cancel(port_id, datetime(2027, 1, 9, 9, 0, tzinfo=LONDON)))
    [late] = world.events("porting.port.late_cancellation_recorded")
    assert late.data["escalation_level"] == 0 and late.data["port_date"] == "2027-01-11"
    assert world.events("porting.port.cancelled") == []
    assert (await world.port(port_id)).status == "accepted"


async def test_a_completed_port_puts_the_numbers_live_and_gives_up_its_claims(world):
    port_id = await accepted(world)
    completed_at = datetime(2027, 1, 11, 8, 0, tzinfo=LONDON)
    world.clock.set(completed_at)
    done = gateway.CarrierPortCompleted(
        port_id=port_id, carrier_ref="CR", completed_at=completed_at
    )
    await world.carrier(done)
    assert world.events("porting.port.completed")
    [live] = world.events("porting.numbers.completed")
    assert live.data["numbers"] == NUMBERS
    assert (await world.port(port_id)).status == "completed"
    assert world.owners() == {}


async def test_an_answer_about_an_unknown_request_is_rejected_unknown_port(world):
    with pytest.raises(MessageRejected) as rejected:
        await world.carrier(accept("PRT-NOPE"))
    assert rejected.value.code == "unknown_port"
    assert world.events() == []
