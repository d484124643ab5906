"""The batch path of the use-case core (`shared.batch`) on the in-memory store."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

import pytest

from shared import batch
from shared.batch import Batch, RedoLater
from shared.errors import EventTooLarge, UnstorableValue
from shared.events import Envelope
from shared.memory_store import InMemoryAggregateStore
from shared.refusals import Reason
from shared.store import Change, Write
from shared.usecase import Decision, Outcome, UseCases
from tests.unit.test_shared_usecase import (
    COUNTERS,
    Bumped,
    BumpedV1,
    Counter,
    OverLimit,
    command,
    run,
    world,
)

pytestmark = pytest.mark.unit
__all__ = ["world"]  # the fixture, shared with the per-message tests


class Sent:
    """A publisher that acknowledges at once and keeps what it was given, in order."""

    def __init__(self, fail_topic: str | None = None) -> None:
        self.records: list[tuple[str, Any]] = []
        self.fail_topic = fail_topic

    async def enqueue_raw(self, topic: str, key: Any, body: bytes) -> asyncio.Future[Any]:
        done: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        if topic == self.fail_topic:
            done.set_exception(ConnectionError("broker away"))
        else:
            self.records.append((topic, Envelope.from_json(body)))
            done.set_result(None)
        return done

    async def enqueue(self, topic: str, envelope: Envelope) -> asyncio.Future[Any]:
        return await self.enqueue_raw(topic, envelope.subject, envelope.to_json())


class RecordingRelay:
    """The outbox relay a batch talks to, keeping what it was told; `waiting` holds the
    aggregate ids it has older events of (`pending`)."""

    def __init__(self, waiting: frozenset[str] = frozenset()) -> None:
        self.noted: list[str] = []
        self.forgotten: list[str] = []
        self.flushed: list[str] = []
        self.waiting = waiting

    def hold(self, collection: str, doc_id: str) -> None:
        self.holds = getattr(self, "holds", 0) + 1  # open holds (`OutboxRelay.hold`)

    def release(self, collection: str, doc_id: str) -> None:
        self.holds = getattr(self, "holds", 0) - 1

    def note_written(self, collection: str, doc_id: str) -> None:
        self.noted.append(doc_id)

    def forget(self, collection: str, doc_id: str) -> None:
        self.forgotten.append(doc_id)

    def pending(self, collection: str, doc_id: str) -> bool:
        return doc_id in self.waiting

    async def flush(self, collection: str, doc_id: str) -> int:
        self.flushed.append(doc_id)
        return 0


async def in_batch(unit: Batch, position: int, use_cases: UseCases, cause: Envelope, cid: str):
    with batch.running(unit, position):
        return await run(use_cases, cause, cid)


class CountingStore(InMemoryAggregateStore):
    def __init__(self) -> None:
        super().__init__("counters")
        self.loads = 0
        self.writes: list[list[Write]] = []

    async def load_for_batch(self, aggregate_id: str):
        self.loads += 1
        return await super().load_for_batch(aggregate_id)

    async def write_batch(self, writes):
        self.writes.append(list(writes))
        return await super().write_batch(writes)


def counting_world(world) -> tuple[UseCases, CountingStore]:
    use_cases, _, outbox, _ = world
    store = CountingStore()
    outbox._stores = {"counters": store}
    use_cases.stores = lambda name: store
    return use_cases, store


async def test_messages_of_one_aggregate_are_decided_in_memory_and_written_once(world):
    use_cases, store = counting_world(world)
    sent = Sent()
    unit = Batch(sent)
    outcomes = [await in_batch(unit, i, use_cases, command("c1", f"r{i}"), "c1") for i in range(3)]
    assert outcomes == [Outcome.APPLIED] * 3
    assert store.documents == {}  # nothing stored before the batch writes
    assert await unit.write() == set()
    await unit.publish()
    assert store.loads == 1 and len(store.writes) == 1 and len(store.writes[0]) == 1
    doc = store.documents["c1"]
    assert doc.version == 3 and doc.state["value"] == 3 and len(doc.handled) == 3
    assert doc.outbox == []  # published, then cleared
    values = [e.parse_data(BumpedV1).value for _, e in sent.records]
    assert values == [1, 2, 3]  # in order, with the ids the per-message path would give
    assert len({e.id for _, e in sent.records}) == 3


async def test_a_request_repeated_inside_the_batch_counts_once(world):
    use_cases, store = counting_world(world)
    unit = Batch(Sent())
    first = await in_batch(unit, 0, use_cases, command("c1", "same"), "c1")
    again = await in_batch(unit, 1, use_cases, command("c1", "same"), "c1")
    assert (first, again) == (Outcome.APPLIED, Outcome.UNCHANGED)
    await unit.write()
    assert store.documents["c1"].state["value"] == 1


async def test_a_conflict_drops_only_its_aggregate_and_names_the_messages_to_run_again(world):
    use_cases, store = counting_world(world)
    unit = Batch(Sent())
    await in_batch(unit, 0, use_cases, command("c1", "a"), "c1")
    await in_batch(unit, 1, use_cases, command("c2", "b"), "c2")
    await in_batch(unit, 2, use_cases, command("c1", "c"), "c1")
    # Another writer (a timer, another instance) stores c1 meanwhile.
    await store.save(
        "c1",
        Change({"counter_id": "c1", "value": 1, "limit": 9}),
        expected_version=0,
        handled_id="x",
    )
    assert await unit.write() == {0, 2}
    assert store.documents["c2"].state["value"] == 1  # written all the same
    assert store.documents["c1"].handled == ["x"]  # nothing of the batch's c1 stored
    unit.redo.clear()
    for position, request in ((0, "a"), (2, "c")):  # the dispatcher runs them again in order
        await in_batch(unit, position, use_cases, command("c1", request), "c1")
    assert await unit.write() == set()
    assert store.documents["c1"].state["value"] == 3
    assert store.documents["c1"].handled == ["x", *(f"tests.counter.bump:P1:{r}" for r in "ac")]


async def test_persist_stores_what_was_decided_so_far(world):
    use_cases, store = counting_world(world)
    unit = Batch(Sent())
    with batch.running(unit, 0):
        await run(use_cases, command("c1"), "c1")
        await use_cases.persist()
    assert store.documents["c1"].state["value"] == 1


async def test_a_query_of_a_collection_with_changes_waiting_stores_them_first(world):
    # What a read model's query sees on the batch path is what the per-message path
    # would have stored before it: the batch's decisions in the collections it reads.
    use_cases, store = counting_world(world)
    unit = Batch(Sent())
    with batch.running(unit, 0):
        await run(use_cases, command("c1"), "c1")
        await batch.persist_before_query("tenants", "partners")  # not ours: nothing written
        assert store.writes == [] and store.documents == {}
        await batch.persist_before_query("partners", "counters")
    assert [[w.stored.id for w in ws] for ws in store.writes] == [["c1"]]
    assert store.documents["c1"].state["value"] == 1
    with batch.running(unit, 1):
        await batch.persist_before_query("counters")  # stored already: nothing again
    assert len(store.writes) == 1
    await batch.persist_before_query("counters")  # outside a batch: a no-op
    assert len(store.writes) == 1


async def test_persist_that_loses_a_conflict_asks_for_the_message_to_run_again(world):
    use_cases, store = counting_world(world)
    unit = Batch(Sent())
    with batch.running(unit, 0):
        await run(use_cases, command("c1"), "c1")
        await store.save(
            "c1",
            Change({"counter_id": "c1", "value": 5, "limit": 9}),
            expected_version=0,
            handled_id="x",
        )
        with pytest.raises(RedoLater):
            await use_cases.persist()
    assert unit.redo == {0}


async def test_an_event_over_the_limit_is_refused_at_decision_time_and_nothing_is_kept(world):
    use_cases, store = counting_world(world)
    store.max_event_bytes = 10
    unit = Batch(Sent())
    with pytest.raises(EventTooLarge):
        await in_batch(unit, 0, use_cases, command("c1"), "c1")
    assert await unit.write() == set() and store.documents == {}


async def test_a_value_the_database_cannot_hold_is_refused_alone_and_the_batch_goes_on(world):
    use_cases, store = counting_world(world)
    unit = Batch(Sent())

    def huge(counter: Counter | None, now: datetime) -> Any:
        return Decision(Counter("c2", 2**70), [Bumped("c2", 2**70)])

    with batch.running(unit, 0), pytest.raises(UnstorableValue):
        await use_cases.handle(COUNTERS, "c2", command("c2"), huge)
    await in_batch(unit, 1, use_cases, command("c1"), "c1")
    assert await unit.write() == set()
    assert list(store.documents) == ["c1"]


async def test_an_answer_goes_out_after_the_writes_and_reads_see_the_batch(world):
    use_cases, _store = counting_world(world)
    sent = Sent()
    unit = Batch(sent)
    with batch.running(unit, 0):
        await run(use_cases, command("c1"), "c1")
        seen = await use_cases.load(COUNTERS, "c1")
        assert seen is not None and seen.value == 1  # unwritten, yet seen
        await use_cases.answer(command("c1", "q"), BumpedV1(counter_id="c1", value=1), "c1")
    assert sent.records == []
    await unit.write()
    await unit.publish()
    assert [e.type for _, e in sent.records] == ["tests.counter.bumped"] * 2


async def test_an_event_the_broker_did_not_take_stays_in_the_outbox(world):
    use_cases, store = counting_world(world)

    relay = RecordingRelay()
    unit = Batch(Sent(fail_topic="tests.events"), relay)
    await in_batch(unit, 0, use_cases, command("c1"), "c1")
    await unit.write()
    await unit.publish()  # no raise: the relay publishes it within seconds
    assert len(store.documents["c1"].outbox) == 1 and relay.forgotten == []
    assert relay.noted == ["c1"]  # the relay publishes it on its next sweep


async def test_the_relay_is_held_off_what_the_batch_writes_until_it_is_published(world):
    """From before its write until its publish, a full sweep must not take the batch's
    documents for stranded (`OutboxRelay.hold`): it would publish their events twice."""
    use_cases, store = counting_world(world)
    relay = RecordingRelay()
    unit = Batch(Sent(), relay)
    await in_batch(unit, 0, use_cases, command("c1"), "c1")
    await in_batch(unit, 1, use_cases, command("c2"), "c2")
    assert not hasattr(relay, "holds")  # decided in memory: nothing written, nothing held
    await unit.write()
    assert relay.holds == 2 and len(store.documents["c1"].outbox) == 1
    await unit.publish()
    assert relay.holds == 0


async def test_an_abandoned_batch_releases_its_holds_and_hands_its_events_over(world):
    use_cases, _store = counting_world(world)
    relay = RecordingRelay()
    unit = Batch(Sent(), relay)
    await in_batch(unit, 0, use_cases, command("c1"), "c1")
    await unit.write()
    await unit.abandon()
    assert relay.holds == 0 and relay.noted == ["c1"]


async def test_the_next_batch_starts_from_memory_and_forgets_what_others_wrote(world):
    use_cases, store = counting_world(world)
    cache: dict[Any, Any] = {}
    store.on_other_write(lambda aggregate_id: cache.pop(("counters", aggregate_id), None))
    for request in ("a", "b"):
        unit = Batch(Sent(), cache=cache)
        await in_batch(unit, 0, use_cases, command("c1", request), "c1")
        await unit.write()
    assert store.loads == 1  # the second batch did not read c1 again
    # A timer (outside any batch) stores c1: the cache forgets it, the next batch reads it.
    current = await store.load("c1")
    assert current is not None
    await store.save(
        "c1",
        Change({**current.state, "value": 5, "limit": 9}),
        expected_version=current.version,
        handled_id="timer:t",
        previous=current,
    )
    unit = Batch(Sent(), cache=cache)
    await in_batch(unit, 0, use_cases, command("c1", "c"), "c1")
    await unit.write()
    assert store.loads == 2 and store.documents["c1"].state["value"] == 6


async def test_a_refused_creation_is_recorded_in_the_batch_and_told_once(world):
    use_cases, store = counting_world(world)
    sent = Sent()

    def refuse(counter: Counter | None, now: datetime) -> Any:
        raise OverLimit("no", reasons=[Reason("over_limit", "no")])

    def create(counter: Counter | None, now: datetime) -> Any:
        return Decision(Counter("c9", 1), [Bumped("c9", 1)])

    cause = command("c9")
    for decide in (refuse, create):
        unit = Batch(sent)  # a redelivery comes in a later batch: its refusal stands
        with batch.running(unit, 0):
            assert await use_cases.handle(COUNTERS, "c9", cause, decide) is Outcome.REFUSED
        assert await unit.write() == set()
        await unit.publish()
    assert [e.type for _, e in sent.records] == ["tests.counter.action_refused"]
    assert not store.documents["c9"].exists
    assert await use_cases.load(COUNTERS, "c9") is None


class BulkCountingStore(CountingStore):
    def __init__(self) -> None:
        super().__init__()
        self.bulk_loads: list[list[str]] = []

    async def load_many_for_batch(self, aggregate_ids):
        self.bulk_loads.append(list(aggregate_ids))
        return await super().load_many_for_batch(aggregate_ids)


def bulk_world(world) -> tuple[UseCases, BulkCountingStore, Batch]:
    use_cases, _, outbox, _ = world
    store = BulkCountingStore()
    outbox._stores = {"counters": store}
    use_cases.stores = lambda name: store
    return use_cases, store, Batch(Sent())


async def test_keys_side_by_side_read_together_and_store_together_when_they_persist(world):
    use_cases, store, unit = bulk_world(world)

    async def key(position: int, cid: str) -> None:
        with batch.running(unit, position):
            await run(use_cases, command(cid, "r"), cid)
            await use_cases.persist()
            assert store.documents[cid].state["value"] == 1  # stored when persist returns

    await asyncio.gather(*(key(i, f"c{i}") for i in range(3)))
    assert store.bulk_loads == [["c0", "c1", "c2"]]  # one read for the three
    assert [len(w) for w in store.writes] == [3]  # one write for the three
    await unit.write()
    await unit.publish()
    assert len(store.writes) == 1  # nothing left to write


async def test_a_persist_that_conflicts_sends_only_its_own_message_again(world):
    use_cases, store, unit = bulk_world(world)
    seed = Change({"counter_id": "c1", "value": 0, "limit": 9})
    await store.save("c1", seed, expected_version=0, handled_id="seed")

    async def key(position: int, cid: str) -> str:
        with batch.running(unit, position):
            await run(use_cases, command(cid, "r"), cid)
            if cid == "c1":  # another writer changes c1 after the batch read it
                other = Change({"counter_id": "c1", "value": 5, "limit": 9})
                await store.save("c1", other, expected_version=1, handled_id="other")
            try:
                await use_cases.persist()
            except RedoLater:
                return "again"
            return "stored"

    assert await asyncio.gather(key(0, "c0"), key(1, "c1")) == ["stored", "again"]
    assert unit.redo == {1}
    assert store.documents["c0"].state["value"] == 1
    assert store.documents["c1"].state["value"] == 5  # the other writer's, nothing of ours


async def test_an_abandoned_batch_lets_its_write_in_flight_finish_and_hands_it_to_the_relay(
    world,
):
    use_cases, store = counting_world(world)
    release = asyncio.Event()
    original = store.write_batch

    async def slow(writes):
        await release.wait()
        return await original(writes)

    store.write_batch = slow  # type: ignore[method-assign]

    relay = RecordingRelay()
    unit = Batch(Sent(), relay)

    async def decide_then_persist() -> None:
        await in_batch(unit, 0, use_cases, command("c1"), "c1")
        with batch.running(unit, 0):
            await unit.persist()  # its write is now in flight ...

    asker = asyncio.create_task(decide_then_persist())
    for _ in range(10):
        await asyncio.sleep(0)
    asker.cancel()  # ... when another key's failure cancels this key's task
    await asyncio.gather(asker, return_exceptions=True)
    abandoning = asyncio.create_task(unit.abandon())
    await asyncio.sleep(0)
    assert not abandoning.done()  # it waits for the write
    release.set()
    await abandoning
    assert store.documents["c1"].version == 1  # the write went through ...
    assert relay.noted == ["c1"]  # ... and its event is the relay's at once


async def test_a_message_deciding_across_a_write_is_run_again_after_a_later_conflict(world):
    use_cases, store = counting_world(world)
    unit = Batch(Sent())
    await in_batch(unit, 0, use_cases, command("c1", "r0"), "c1")  # done
    go_on = asyncio.Event()

    async def decide(stored: Any) -> Change:
        await go_on.wait()  # still deciding when a persist writes c1
        return Change({**stored.state, "value": stored.state["value"] + 10})

    async def message_1() -> None:
        with batch.running(unit, 1):
            await unit.apply(store, "c1", "m1", decide)

    deciding = asyncio.create_task(message_1())
    await asyncio.sleep(0)
    assert await unit.write() == set()  # stores message 0's change
    go_on.set()
    await deciding  # message 1's change is in memory only
    store.documents["c1"].version += 1  # another writer (a timer) moves c1 meanwhile
    assert await unit.write() == {1}  # message 1 runs again; message 0 does not
    assert store.documents["c1"].state["value"] == 1


async def test_an_aggregate_with_an_event_waiting_for_the_relay_leaves_its_new_ones_to_it(
    world,
):
    use_cases, store = counting_world(world)

    sent = Sent()
    relay = RecordingRelay(waiting=frozenset({"c1"}))  # an older publish of c1 failed
    unit = Batch(sent, relay)
    await in_batch(unit, 0, use_cases, command("c1", "r1"), "c1")
    await in_batch(unit, 1, use_cases, command("c2", "r2"), "c2")
    await unit.write()
    await unit.publish()
    assert [e.subject for _, e in sent.records] == ["c2"]  # c1's goes after its older one
    assert relay.flushed == ["c1"] and len(store.pending_outbox("c1")) == 1
