"""The deferred outbox clear (`shared.outbox_clears`) and the batch path that folds it into
the aggregate's next write (`shared.batch`), on the in-memory store."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from shared.batch import Batch
from shared.memory_store import InMemoryAggregateStore
from shared.outbox_clears import DeferredClears
from tests.unit.test_shared_batch import RecordingRelay, Sent, counting_world, in_batch
from tests.unit.test_shared_usecase import command, world

pytestmark = pytest.mark.unit
__all__ = ["world"]  # the fixture


class Ticks:
    """A monotonic clock moved by hand (s)."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class ClearingStore(InMemoryAggregateStore):
    """Counts the bulk clears it is asked for."""

    def __init__(self, name: str = "counters") -> None:
        super().__init__(name)
        self.clears: list[list[tuple[str, int]]] = []

    async def clear_outboxes(self, written: Any) -> None:
        self.clears.append(list(written))
        await super().clear_outboxes(written)


async def test_a_note_waits_for_its_window_then_one_bulk_clear_per_collection() -> None:
    ticks = Ticks()
    clears = DeferredClears(window_seconds=1.0, monotonic=ticks)
    ports, counters = ClearingStore("ports"), ClearingStore("counters")
    clears.add(ports, "p1", 3, ["e1"])
    ticks.now += 0.4
    clears.add(counters, "c1", 2, ["e2"])
    clears.add(ports, "p2", 1, ["e3"])
    assert await clears.clear_due() == 0 and len(clears) == 3  # nothing 1 s old yet
    ticks.now += 0.7  # p1 is 1.1 s old, the others 0.7 s
    assert await clears.clear_due() == 1
    assert ports.clears == [[("p1", 3)]] and counters.clears == []
    assert clears.pending_at("ports", "p1") is None
    assert await clears.clear_due(everything=True) == 2
    assert ports.clears[-1] == [("p2", 1)] and counters.clears == [[("c1", 2)]]
    assert len(clears) == 0


async def test_a_newer_note_replaces_the_older_and_keeps_its_event_ids() -> None:
    ticks = Ticks()
    clears = DeferredClears(window_seconds=1.0, monotonic=ticks)
    store = ClearingStore()
    clears.add(store, "c1", 1, ["e1"])
    ticks.now += 0.9
    clears.add(store, "c1", 2, ["e2"])  # written and published again: the window restarts
    assert clears.pending_at("counters", "c1") == 2
    assert clears.published_ids("counters", "c1") == {"e1", "e2"}
    ticks.now += 0.5
    assert await clears.clear_due() == 0
    clears.discard("counters", "c1", version=1)  # a note for another version stays
    assert clears.pending_at("counters", "c1") == 2
    clears.discard("counters", "c1")
    assert clears.published_ids("counters", "c1") == frozenset()


async def test_a_failed_clear_keeps_its_notes_for_the_next_try() -> None:
    class Flaky(ClearingStore):
        failures = 1

        async def clear_outboxes(self, written: Any) -> None:
            if self.failures:
                self.failures -= 1
                raise ConnectionError("database away")
            await super().clear_outboxes(written)

    ticks = Ticks()
    clears = DeferredClears(window_seconds=1.0, monotonic=ticks)
    flaky, fine = Flaky("ports"), ClearingStore("counters")
    clears.add(flaky, "p1", 3, ["e1"])
    clears.add(fine, "c1", 2, ["e2"])
    ticks.now += 2
    with pytest.raises(ConnectionError):
        await clears.clear_due()
    assert clears.pending_at("ports", "p1") == 3 and clears.pending_at("counters", "c1") == 2
    clears.add(flaky, "p1", 4, ["e3"])  # written again meanwhile: the newer note stands
    assert await clears.clear_due(everything=True) == 2
    assert flaky.clears == [[("p1", 4)]] and fine.clears == [[("c1", 2)]]
    assert len(clears) == 0


async def test_the_next_write_empties_the_published_outbox_without_a_clear(world) -> None:
    use_cases, store = counting_world(world)
    cleared: list[Any] = []
    original = store.clear_outboxes

    async def counted(written: Any) -> None:
        cleared.append(list(written))
        await original(written)

    store.clear_outboxes = counted  # type: ignore[method-assign]
    ticks = Ticks()
    clears = DeferredClears(window_seconds=1.0, monotonic=ticks)
    cache: dict[Any, Any] = {}
    sent = Sent()
    unit = Batch(sent, cache=cache, clears=clears)
    await in_batch(unit, 0, use_cases, command("c1", "r0"), "c1")
    await unit.write()
    await unit.publish()
    first = [e.id for _, e in sent.records]
    assert [e["id"] for e in store.pending_outbox("c1")] == first  # published, kept a while
    assert clears.pending_at("counters", "c1") == 1 and cleared == []

    ticks.now += 0.5
    unit = Batch(sent, cache=cache, clears=clears)
    await in_batch(unit, 0, use_cases, command("c1", "r1"), "c1")
    await unit.write()
    await unit.publish()
    second = [e.id for _, e in sent.records][1:]
    assert [e["id"] for e in store.pending_outbox("c1")] == second  # replaced, not appended
    assert clears.pending_at("counters", "c1") == 2 and cleared == []
    assert len(store.writes) == 2  # one write per batch, no clear in between

    ticks.now += 1.0  # nobody writes c1 again within the window: one bulk clear empties it
    await Batch(sent, cache=cache, clears=clears).publish()
    assert cleared == []  # started in the background: the batch did not wait for it
    await clears.settled()
    assert cleared == [[("c1", 2)]] and store.pending_outbox("c1") == []
    assert [e.id for _, e in sent.records] == [*first, *second]  # each event once


async def test_a_published_outbox_read_again_is_not_taken_for_stranded_events(world) -> None:
    use_cases, store = counting_world(world)
    clears = DeferredClears(window_seconds=60.0)

    sent, relay = Sent(), RecordingRelay()
    for request in ("r0", "r1"):  # no cache: the second batch reads c1 from the store
        unit = Batch(sent, relay, clears=clears)
        await in_batch(unit, 0, use_cases, command("c1", request), "c1")
        await unit.write()
        await unit.publish()
    assert relay.flushed == [] and relay.noted == []  # not stranded: the batch published it
    assert len(sent.records) == 2 and len({e.id for _, e in sent.records}) == 2
    assert len(store.pending_outbox("c1")) == 1  # the first was replaced by the second write


async def test_an_outbox_another_writer_appended_to_is_stranded_and_left_to_the_relay(
    world,
) -> None:
    use_cases, store = counting_world(world)
    clears = DeferredClears(window_seconds=60.0)
    sent = Sent()
    unit = Batch(sent, clears=clears)
    await in_batch(unit, 0, use_cases, command("c1", "r0"), "c1")
    await unit.write()
    await unit.publish()
    # Another writer (a timer, the per-message path) appends an event it has not published.
    doc = store.documents["c1"]
    doc.version += 1
    doc.outbox.append({"id": "unpublished", "topic": "tests.events", "body": "{}"})

    relay = RecordingRelay()
    unit = Batch(sent, relay, clears=clears)
    await in_batch(unit, 0, use_cases, command("c1", "r1"), "c1")
    await unit.write()
    ids = [e["id"] for e in store.pending_outbox("c1")]
    assert "unpublished" in ids and len(ids) == 3  # appended to, nothing dropped
    await unit.publish()
    assert relay.flushed == ["c1"]  # the relay sends the whole outbox, older events first
    assert clears.pending_at("counters", "c1") == 1  # the old note: its clear will not match
    await clears.clear_due(everything=True)
    assert len(store.pending_outbox("c1")) == 3  # version moved: nothing emptied


async def test_a_batch_whose_deferred_clears_fail_still_counts_as_published(world) -> None:
    use_cases, store = counting_world(world)

    async def away(written: Any) -> None:
        raise ConnectionError("database away")

    store.clear_outboxes = away  # type: ignore[method-assign]
    clears = DeferredClears(window_seconds=0.0)
    sent = Sent()
    unit = Batch(sent, clears=clears)
    await in_batch(unit, 0, use_cases, command("c1", "r0"), "c1")
    await unit.write()
    await unit.publish()  # no raise: the offsets are committed, the clear is tried later
    await clears.settled()  # it failed in the background: logged, the note kept
    assert len(sent.records) == 1 and clears.pending_at("counters", "c1") == 1


class HeldStore(ClearingStore):
    """Its clears wait until `release` is set (a clear in flight)."""

    def __init__(self, name: str = "counters") -> None:
        super().__init__(name)
        self.release = asyncio.Event()
        self.started = asyncio.Event()

    async def clear_outboxes(self, written: Any) -> None:
        self.started.set()
        await self.release.wait()
        await super().clear_outboxes(written)


async def test_a_note_stays_known_while_its_clear_is_in_flight_and_is_carried_once() -> None:
    # Dropped only once its clear has landed: meanwhile a batch reading the document still
    # knows the outbox as published (not stranded) and the relay does not send it again.
    ticks = Ticks()
    clears = DeferredClears(window_seconds=1.0, monotonic=ticks)
    store = HeldStore()
    clears.add(store, "c1", 1, ["e1"])
    clears.add(store, "c2", 4, ["e2"])
    ticks.now += 2
    first = asyncio.create_task(clears.clear_due())
    await store.started.wait()
    assert clears.pending_at("counters", "c1") == 1
    assert clears.published_ids("counters", "c1") == {"e1"}
    assert await clears.clear_due() == 0  # the relay's sweep meanwhile: carried already
    clears.add(store, "c2", 5, ["e3"])  # c2 written and published again meanwhile
    store.release.set()
    assert await first == 2
    assert store.clears == [[("c1", 1), ("c2", 4)]]
    assert clears.pending_at("counters", "c1") is None
    assert clears.pending_at("counters", "c2") == 5  # the newer note stands
    assert clears.published_ids("counters", "c2") == {"e2", "e3"}


async def test_clearing_everything_waits_for_the_clears_already_running() -> None:
    ticks = Ticks()
    clears = DeferredClears(window_seconds=1.0, monotonic=ticks)
    store = HeldStore()
    clears.add(store, "c1", 1, ["e1"])
    ticks.now += 2
    clears.clear_soon()
    clears.clear_soon()  # one at a time: this one does nothing
    await store.started.wait()
    clears.add(store, "c2", 1, ["e2"])  # young: only `everything` takes it
    everything = asyncio.create_task(clears.clear_due(everything=True))
    await asyncio.sleep(0.01)
    assert not everything.done() and store.clears == []  # waits for the one in flight
    store.release.set()
    assert await everything == 1
    assert store.clears == [[("c1", 1)], [("c2", 1)]] and len(clears) == 0
