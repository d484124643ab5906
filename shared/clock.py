"""One clock that every rule and timer reads.

Production uses the system clock. The demonstration mode uses a `ControllableClock`
whose time is moved forward by `platform.clock.advanced` events on a shared topic, so
all services agree on "now" and days pass in seconds.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Source of the current instant (always timezone-aware UTC)."""

    def now(self) -> datetime:
        """The current instant."""
        ...


class SystemClock:
    """Real time."""

    def now(self) -> datetime:
        """The current instant from the operating system."""
        return datetime.now(UTC)


class ControllableClock:
    """Time that runs at real speed from an offset that can only move forward.

    Advancing never goes backwards, so replayed or reordered clock events are harmless.
    Waiters (e.g. the timer loop) are woken whenever the clock jumps.
    """

    def __init__(self, start: datetime | None = None) -> None:
        self._offset = timedelta(0)
        if start is not None:
            self._offset = _aware(start) - datetime.now(UTC)
        self._waiters: set[asyncio.Future[None]] = set()

    def now(self) -> datetime:
        """Real time shifted by the accumulated offset."""
        return datetime.now(UTC) + self._offset

    def advance_to(self, instant: datetime) -> bool:
        """Move the clock to `instant` if it lies ahead; returns whether it moved."""
        target = _aware(instant)
        current = self.now()
        if target <= current:
            return False
        self._offset += target - current
        for waiter in self._waiters:
            if not waiter.done():
                waiter.set_result(None)
        return True

    def advance_by(self, delta: timedelta) -> datetime:
        """Move the clock forward by `delta` and return the new instant."""
        if delta < timedelta(0):
            raise ValueError("the clock never goes backwards")
        self.advance_to(self.now() + delta)
        return self.now()

    async def wait_for_jump(self, seconds: float) -> None:
        """Sleep up to `seconds`, returning early when the clock jumps."""
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.add(waiter)
        try:
            await asyncio.wait_for(waiter, seconds)
        except TimeoutError:
            return
        finally:
            self._waiters.discard(waiter)


class FixedClock:
    """A clock that stands still until moved: for unit tests at exact instants."""

    def __init__(self, at: datetime) -> None:
        self._at = _aware(at)

    def now(self) -> datetime:
        """The fixed instant."""
        return self._at

    def set(self, at: datetime) -> None:
        """Move to `at` (any direction: tests may need it)."""
        self._at = _aware(at)

    def advance(self, delta: timedelta) -> datetime:
        """Move forward by `delta`."""
        self._at += delta
        return self._at


def _aware(at: datetime) -> datetime:
    if at.tzinfo is None:
        raise ValueError("naive datetimes are refused: give a timezone")
    return at.astimezone(UTC)


async def sleep_or_jump(clock: Clock, seconds: float) -> None:
    """Sleep `seconds`, waking early if a controllable clock jumps."""
    if isinstance(clock, ControllableClock):
        await clock.wait_for_jump(seconds)
    else:
        await asyncio.sleep(seconds)
