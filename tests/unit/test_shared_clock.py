from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from shared.clock import ClockNotStarted, ControllableClock, FixedClock

pytestmark = pytest.mark.unit

START = datetime(2019, 6, 3, 9, 0, tzinfo=UTC)  # any date, past or future


def test_the_demo_clock_starts_where_the_scenario_says_even_in_the_past():
    clock = ControllableClock(START)
    assert clock.now() == START


def test_the_demo_clock_moves_only_by_ticks_never_by_itself():
    clock = ControllableClock(START)
    assert clock.now() == START
    assert clock.now() == START  # stepped: real time passing does not move it
    assert clock.advance_to(START + timedelta(days=3))
    assert clock.now() == START + timedelta(days=3)


def test_the_demo_clock_moves_forward_and_never_back():
    clock = ControllableClock(START)
    target = START + timedelta(days=3)
    assert clock.advance_to(target)
    assert not clock.advance_to(target - timedelta(days=1))  # a replayed tick is harmless
    assert clock.now() == target
    with pytest.raises(ValueError):
        clock.advance_by(timedelta(seconds=-1))


def test_without_a_start_the_demo_clock_is_unreadable_until_its_first_tick():
    clock = ControllableClock()
    assert not clock.started
    with pytest.raises(ClockNotStarted):
        clock.now()
    assert clock.advance_to(START)
    assert clock.started and clock.now() == START


async def test_waiters_wake_when_the_demo_clock_jumps():
    clock = ControllableClock(START)
    waiters = [asyncio.create_task(clock.wait_for_jump(30)) for _ in range(3)]
    await asyncio.sleep(0)
    clock.advance_by(timedelta(hours=1))
    await asyncio.wait_for(asyncio.gather(*waiters), 5)


async def test_waiting_until_an_instant_returns_when_a_tick_gets_there_and_moves_nothing():
    clock = ControllableClock()
    later = START + timedelta(hours=5)
    waiting = asyncio.create_task(clock.wait_until(later, 30))
    await asyncio.sleep(0)
    clock.advance_to(START)
    await asyncio.sleep(0)
    assert not waiting.done()  # started, but not yet at the message's time
    clock.advance_to(later)
    assert await asyncio.wait_for(waiting, 5)
    assert clock.now() == later
    assert not await clock.wait_until(later + timedelta(seconds=1), 0.01)
    assert clock.now() == later  # waiting never moved it


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        FixedClock(datetime(2026, 1, 1))
    with pytest.raises(ValueError):
        ControllableClock(datetime(2026, 1, 1))
    clock = FixedClock(datetime(2026, 1, 1, tzinfo=UTC))
    assert clock.advance(timedelta(hours=2)) == datetime(2026, 1, 1, 2, tzinfo=UTC)
