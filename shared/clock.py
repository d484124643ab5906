"""One clock that every rule and timer reads.

Production uses the system clock. The demonstration mode uses a `ControllableClock`:
it starts at an instant the scenario chooses (any date, past or future) and moves only
when a `platform.clock.advanced` tick arrives on the shared clock topic, so every service
agrees on "now", days pass in seconds, and nothing depends on today's date. Message
times never move it.
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


class ClockNotStarted(RuntimeError):
    """A controllable clock was read before its first tick (demonstration mode)."""


class SystemClock:
    """Real time."""

    def now(self) -> datetime:
        """The current instant from the operating system."""
        return datetime.now(UTC)


class ControllableClock:
    """Stepped demonstration time: it reads the instant of the latest tick, nothing else.

    It starts at `start` (or, without one, at the first tick; `now()` raises
    `ClockNotStarted` until then), moves only through `advance_to`/`advance_by` and never
    goes backwards, so replayed or reordered ticks are harmless. It does not run by itself
    between ticks. Waiters (the timer loop, handlers waiting for their message's time) are
    woken whenever it moves.
    """

    def __init__(self, start: datetime | None = None) -> None:
        self._at: datetime | None = None if start is None else _aware(start)
        self._waiters: set[asyncio.Future[None]] = set()

    @property
    def started(self) -> bool:
        """Whether the clock has an instant (a start or a first tick)."""
        return self._at is not None

    def now(self) -> datetime:
        """The instant of the latest tick (UTC); raises ClockNotStarted before the first."""
        if self._at is None:
            raise ClockNotStarted("the demonstration clock has not received its first tick")
        return self._at

    def advance_to(self, instant: datetime) -> bool:
        """Move the clock to `instant` if it lies ahead (or starts it); returns whether it moved."""
        target = _aware(instant)
        if self._at is not None and target <= self._at:
            return False
        self._at = target
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
        """Sleep up to `seconds` (real time), returning early when the clock moves."""
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.add(waiter)
        try:
            await asyncio.wait_for(waiter, seconds)
        except TimeoutError:
            return
        finally:
            self._waiters.discard(waiter)

    async def wait_until(self, instant: datetime | None, timeout: float) -> bool:
        """Wait up to `timeout` s (real time) until the clock has started and reads at least
        `instant` (None: only started). Returns whether it got there; it never moves the
        clock itself: only ticks do."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not (self.started and (instant is None or self.now() >= _aware(instant))):
            remaining = deadline - loop.time()
            if remaining <= 0:
                return False
            await self.wait_for_jump(remaining)
        return True


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


async def until_started(clock: Clock, poll_seconds: float = 1.0) -> None:
    """Return once `clock` can be read (a controllable clock waits for its first tick)."""
    while isinstance(clock, ControllableClock) and not clock.started:
        await clock.wait_for_jump(poll_seconds)
