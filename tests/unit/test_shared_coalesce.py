"""Group-asking (`shared.coalesce`): one fetch per turn of the event loop."""

from __future__ import annotations

import asyncio

import pytest

from shared.coalesce import Coalescer

pytestmark = pytest.mark.unit


class Fetches:
    def __init__(self, fail: dict[str, BaseException] | None = None) -> None:
        self.calls: list[list[str]] = []
        self.fail = fail or {}

    async def __call__(self, keys: list[str]) -> dict[str, str | BaseException]:
        self.calls.append(keys)
        await asyncio.sleep(0)
        return {k: self.fail.get(k) or k.upper() for k in keys}


async def test_keys_asked_for_in_one_turn_are_fetched_with_one_call():
    fetch = Fetches()
    coalescer = Coalescer(fetch)
    answers = await asyncio.gather(*(coalescer.ask(k) for k in ("a", "b", "a", "c")))
    assert answers == ["A", "B", "A", "C"]
    assert fetch.calls == [["a", "b", "c"]]  # "a" asked twice, fetched once


async def test_keys_asked_for_while_a_fetch_runs_go_out_in_the_next_call():
    fetch = Fetches()
    coalescer = Coalescer(fetch)

    async def one_after_the_other(key: str) -> list[str]:
        first = await coalescer.ask(key)
        return [first, await coalescer.ask(key + "2")]

    assert await asyncio.gather(one_after_the_other("a"), one_after_the_other("b")) == [
        ["A", "A2"],
        ["B", "B2"],
    ]
    assert fetch.calls == [["a", "b"], ["a2", "b2"]]


async def test_each_asker_gets_its_own_error_and_the_others_their_answers():
    coalescer = Coalescer(Fetches(fail={"b": KeyError("b is gone")}))
    a, b = await asyncio.gather(coalescer.ask("a"), coalescer.ask("b"), return_exceptions=True)
    assert a == "A"
    assert isinstance(b, KeyError)


async def test_a_failed_fetch_fails_every_asker_of_its_round_and_the_next_round_works():
    calls = 0

    async def flaky(keys: list[str]) -> dict[str, str | BaseException]:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise ConnectionError("database away")
        return {k: k for k in keys}

    coalescer = Coalescer(flaky)
    failed = await asyncio.gather(coalescer.ask("a"), coalescer.ask("b"), return_exceptions=True)
    assert all(isinstance(f, ConnectionError) for f in failed)
    assert await coalescer.ask("a") == "a"


async def test_an_asker_that_went_away_leaves_the_others_their_answers():
    gate = asyncio.Event()

    async def slow(keys: list[str]) -> dict[str, str | BaseException]:
        await gate.wait()
        return {k: k for k in keys}

    coalescer = Coalescer(slow)
    leaving = asyncio.ensure_future(coalescer.ask("a"))
    staying = asyncio.ensure_future(coalescer.ask("b"))
    await asyncio.sleep(0)
    leaving.cancel()
    gate.set()
    assert await staying == "b"
