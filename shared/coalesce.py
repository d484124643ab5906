"""Group-asking: what concurrent tasks ask for in one turn of the event loop, fetched at once.

A consumer runs the keys of a fetched batch side by side (`shared.kafka.batching`), so
their first reads, their claims and their "store what I decided" requests reach the same
point in the same turn of the event loop. `Coalescer` collects what is asked for in those
turns and answers it with **one** call (one database round trip instead of one per
message); each asker gets its own answer (or its own error) back. Nothing waits for a
timer: the call goes out as soon as the tasks that were ready have run.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine, Hashable, Iterable, Mapping
from typing import Any, Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

TURNS = 4
"""Turns of the event loop a round waits for askers before its call goes out. Tasks woken
by one answer reach their next question a few turns apart (each `await` on a finished
future, a shield, a task's step is a turn of its own); waiting a few turns — microseconds —
keeps them in one round."""

Fetch = Callable[[list[K]], Awaitable[Mapping[K, V | BaseException]]]
"""`fetch(keys)` → an answer per key: its value, or the exception that key's asker gets.
An exception raised by `fetch` itself goes to every asker of the round."""


class Coalescer(Generic[K, V]):
    """`await coalescer.ask(key)`: the answer for `key`, fetched with the other keys asked
    for in the same turn of the event loop (a key asked twice in one turn is fetched
    once; both askers get its answer)."""

    def __init__(self, fetch: Fetch[K, V]) -> None:
        self._fetch = fetch
        self._waiting: dict[K, asyncio.Future[V]] | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    def ask(self, key: K) -> asyncio.Future[V]:
        loop = asyncio.get_running_loop()
        if self._waiting is None:
            self._waiting = {}
            loop.call_soon(start, self._tasks, self._round())
        if (future := self._waiting.get(key)) is None:
            future = self._waiting[key] = loop.create_future()
        return future

    async def _round(self) -> None:
        for _turn in range(TURNS):  # the askers woken by the same answer, a hop or two apart
            await asyncio.sleep(0)
        waiting, self._waiting = self._waiting or {}, None  # later askers: the next round
        try:
            answers = await self._fetch(list(waiting))
        except BaseException as error:  # every asker has it
            settle(waiting.values(), error)
            if isinstance(error, asyncio.CancelledError):
                raise
            return
        for key, future in waiting.items():
            if future.done():
                continue
            answer = answers[key]
            if isinstance(answer, BaseException):
                settle([future], answer)
            else:
                future.set_result(answer)


def start(tasks: set[asyncio.Task[None]], work: Coroutine[Any, Any, None]) -> None:
    """Run `work` as a task kept in `tasks` until it ends (asyncio keeps only weak ones)."""
    task = asyncio.ensure_future(work)
    tasks.add(task)
    task.add_done_callback(tasks.discard)


def settle(futures: Iterable[asyncio.Future[Any]], error: BaseException) -> None:
    """Fail the futures still waiting with `error` (cancel them for a cancellation), marked
    retrieved: an asker that went away meanwhile leaves no "never retrieved" warning."""
    for future in futures:
        if future.done():
            continue
        if isinstance(error, asyncio.CancelledError):
            future.cancel()
        else:
            future.set_exception(error)
            future.add_done_callback(_retrieved)


def _retrieved(future: asyncio.Future[Any]) -> None:
    if not future.cancelled():
        future.exception()
