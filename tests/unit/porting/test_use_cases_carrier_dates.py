"""A carrier's acceptance whose instant or port date is implausible is refused with
`porting.port.port_date_refused` and nothing enters the inventory (issue 7): the
black-box instances pinned at exact instants, and the boundaries of each limit."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from shared.contracts import carrier as gateway
from shared.contracts import porting as c
from shared.errors import MessageRejected
from tests.unit.porting.world import NUMBERS, OTHER, PARTNER, World

pytestmark = pytest.mark.unit

LONDON = ZoneInfo("Europe/London")
HANDLED_AT = datetime(2026, 12, 7, 10, 0, tzinfo=LONDON)  # Mon; lead-time date Mon 11 Jan 2027


@pytest.fixture
def world() -> World:
    return World()


def accept(
    port_id: str, accepted_at: datetime, port_date: date | None = None
) -> gateway.CarrierPortAccepted:
    return gateway.CarrierPortAccepted(
        port_id=port_id, carrier_ref="CR-9", accepted_at=accepted_at, port_date=port_date
    )


async def answered(world: World, accepted_at: datetime, port_date: date | None = None) -> str:
    """Submit (at the world's start), then handle the carrier's acceptance at HANDLED_AT."""
    port_id = await world.submitted()
    world.clock.set(HANDLED_AT)
    await world.carrier(accept(port_id, accepted_at, port_date))
    return port_id


async def assert_refused_and_nothing_scheduled(world: World, port_id: str) -> dict:
    [refused] = world.events("porting.port.port_date_refused")
    assert refused.subject == port_id and refused.data["carrier_ref"] == "CR-9"
    assert world.events("porting.port.accepted") == []
    assert world.events("porting.numbers.accepted") == []  # not in the partner's inventory
    request = await world.port(port_id)
    assert request.status == "submitted" and request.port_date is None
    assert "reminder" not in [t.kind for t in await world.timers(port_id)]
    assert world.owners() == dict.fromkeys(NUMBERS, port_id)  # still claimed, still awaited
    return dict(refused.data)


def by_code(data: dict) -> dict[str, str]:
    return {r["code"]: r["field"] for r in data["reasons"]}


class TestTheInstances:
    async def test_a_stated_port_date_of_9999_12_31_is_beyond_the_horizon(self, world):
        port_id = await answered(world, HANDLED_AT, date(9999, 12, 31))
        data = await assert_refused_and_nothing_scheduled(world, port_id)
        assert by_code(data) == {"port_date_beyond_horizon": "port_date"}
        assert data["port_date"] == "9999-12-31"
        assert data["earliest_port_date"] == "2027-01-11"

    async def test_an_acceptance_of_1999_gets_no_computed_date_of_1999(self, world):
        accepted_at = datetime(1999, 1, 1, tzinfo=UTC)
        port_id = await answered(world, accepted_at)
        data = await assert_refused_and_nothing_scheduled(world, port_id)
        assert by_code(data) == {
            "accepted_at_too_old": "accepted_at",
            "accepted_before_submission": "accepted_at",
            "cancellation_cutoff_passed": "port_date",  # the computed date, same rule
        }
        assert data["port_date"] == "1999-02-03" and data["earliest_port_date"] is None
        assert world.events("porting.port.port_date_reminder_due") == []

    async def test_an_acceptance_of_2099_is_in_the_future(self, world):
        port_id = await answered(world, datetime(2099, 1, 1, tzinfo=UTC))
        data = await assert_refused_and_nothing_scheduled(world, port_id)
        assert by_code(data) == {"accepted_at_in_future": "accepted_at"}
        assert data["port_date"] == "2099-02-03" and data["earliest_port_date"] is None

    async def test_an_acceptance_at_the_end_of_time_is_refused_without_a_date(self, world):
        port_id = await answered(world, datetime(9999, 12, 31, 12, tzinfo=UTC))
        data = await assert_refused_and_nothing_scheduled(world, port_id)
        assert by_code(data) == {"accepted_at_in_future": "accepted_at"}
        assert data["port_date"] is None  # the lead time runs past the calendar

    async def test_the_request_takes_a_good_acceptance_after_a_refusal(self, world):
        port_id = await answered(world, datetime(2099, 1, 1, tzinfo=UTC))
        await world.carrier(accept(port_id, HANDLED_AT))
        [accepted] = world.events("porting.port.accepted")
        assert accepted.data["port_date"] == "2027-01-11"
        assert world.events("porting.numbers.accepted")


class TestTheBoundaries:
    async def test_an_acceptance_within_the_clock_skew_is_taken(self, world):
        await answered(world, HANDLED_AT + timedelta(minutes=5))
        assert world.events("porting.port.accepted")
        assert world.events("porting.port.port_date_refused") == []

    async def test_an_acceptance_just_beyond_the_clock_skew_is_refused(self, world):
        port_id = await answered(world, HANDLED_AT + timedelta(minutes=5, seconds=1))
        data = await assert_refused_and_nothing_scheduled(world, port_id)
        assert by_code(data) == {"accepted_at_in_future": "accepted_at"}

    async def test_a_port_date_a_year_after_acceptance_is_taken(self, world):
        await answered(world, HANDLED_AT, date(2027, 12, 7))  # Tue, 365 days later
        [accepted] = world.events("porting.port.accepted")
        assert accepted.data["port_date"] == "2027-12-07"

    async def test_a_port_date_a_year_and_a_day_after_acceptance_is_refused(self, world):
        port_id = await answered(world, HANDLED_AT, date(2027, 12, 8))
        data = await assert_refused_and_nothing_scheduled(world, port_id)
        assert by_code(data) == {"port_date_beyond_horizon": "port_date"}


async def test_a_forbidden_actor_is_not_told_who_owns_the_port(world):
    port_id = await world.submitted()
    withdrawal = c.WithdrawPortRequest(request_id="w-1", actor=OTHER, port_id=port_id)
    with pytest.raises(MessageRejected) as forbidden:
        await world.withdraw(withdrawal)
    [reason] = forbidden.value.reasons
    assert reason["code"] == "forbidden" and reason["field"] == "actor"
    assert reason["message"] == "user-0002 may not act on this port request"
    assert PARTNER not in str(forbidden.value.reasons)
