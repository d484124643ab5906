from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from shared.clock import ControllableClock, FixedClock

pytestmark = pytest.mark.unit


def test_the_demo_clock_moves_forward_and_never_back():
    clock = ControllableClock()
    target = clock.now() + timedelta(days=3)
    assert clock.advance_to(target)
    assert clock.now() >= target
    assert not clock.advance_to(target - timedelta(days=1))  # a replayed tick is harmless
    assert clock.now() >= target
    with pytest.raises(ValueError):
        clock.advance_by(timedelta(seconds=-1))


async def test_waiters_wake_when_the_demo_clock_jumps():
    clock = ControllableClock()
    waiters = [asyncio.create_task(clock.wait_for_jump(30)) for _ in range(3)]
    await asyncio.sleep(0)
    clock.advance_by(timedelta(hours=1))
    await asyncio.wait_for(asyncio.gather(*waiters), 5)


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        FixedClock(datetime(2026, 1, 1))
    clock = FixedClock(datetime(2026, 1, 1, tzinfo=UTC))
    assert clock.advance(timedelta(hours=2)) == datetime(2026, 1, 1, 2, tzinfo=UTC)
