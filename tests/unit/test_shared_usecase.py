"""The use-case core on the in-memory store: one shape for every service's use cases."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from shared.clock import FixedClock
from shared.contracts.common import ActionRefused, PartnerCommand
from shared.errors import MessageRejected
from shared.events import Envelope, Payload, new_event
from shared.memory_store import InMemoryAggregateStore, InMemoryOutbox
from shared.refusals import Reason, Refused
from shared.store import Timer
from shared.usecase import Decision, Outcome, Repository, UseCases, tracking_id

pytestmark = pytest.mark.unit

AT = datetime(2031, 3, 3, 8, 0, tzinfo=UTC)


# -- a toy domain: a counter that refuses to go above its limit ------------------------


@dataclass(frozen=True)
class Counter:
    counter_id: str
    value: int = 0
    limit: int = 3
    remind_at: datetime | None = None


@dataclass(frozen=True)
class Bumped:
    counter_id: str
    value: int


@dataclass(frozen=True)
class Reminded:
    counter_id: str


class OverLimit(Refused):
    code = "over_limit"


class BumpedV1(Payload):
    EVENT_TYPE = "tests.counter.bumped"
    counter_id: str
    value: int


class RemindedV1(Payload):
    EVENT_TYPE = "tests.counter.reminded"
    counter_id: str


class CounterRefused(ActionRefused):
    EVENT_TYPE = "tests.counter.action_refused"
    counter_id: str


class Bump(PartnerCommand):
    EVENT_TYPE = "tests.counter.bump"
    counter_id: str


def bump(counter: Counter | None, now: datetime, counter_id: str) -> Decision[Counter]:
    current = counter or Counter(counter_id)
    if current.value >= current.limit:
        raise OverLimit(
            "the counter is at its limit",
            reasons=[Reason("over_limit", f"limit {current.limit}", field="counter_id")],
        )
    bumped = replace(current, value=current.value + 1, remind_at=now + timedelta(hours=1))
    return Decision(bumped, [Bumped(counter_id, bumped.value)])


def payloads(event: Any) -> list[Payload]:
    if isinstance(event, Bumped):
        return [BumpedV1(counter_id=event.counter_id, value=event.value)]
    return [RemindedV1(counter_id=event.counter_id)]


COUNTERS = Repository[Counter](
    collection="counters",
    entity="counter",
    id_field="counter_id",
    load=lambda doc: Counter(doc["counter_id"], doc["value"], doc["limit"], doc.get("remind_at")),
    dump=lambda c: {
        "counter_id": c.counter_id,
        "value": c.value,
        "limit": c.limit,
        "remind_at": c.remind_at,
    },
    refused=CounterRefused,
    timers=lambda c: (
        [] if c.remind_at is None else [Timer(f"remind:{c.value}", "remind", c.remind_at)]
    ),
    about=lambda c: {"status": f"at {c.value}"},
)


@pytest.fixture
def world() -> tuple[UseCases, InMemoryAggregateStore, InMemoryOutbox, list[Envelope]]:
    store = InMemoryAggregateStore("counters")
    outbox = InMemoryOutbox({"counters": store})
    direct: list[Envelope] = []

    async def publish(topic: str, envelope: Envelope) -> None:
        direct.append(envelope)

    use_cases = UseCases(
        service="tests",
        events_topic="tests.events",
        clock=FixedClock(AT),
        stores=lambda name: store,
        outbox=outbox,
        publish=publish,
        payloads=payloads,
    )
    return use_cases, store, outbox, direct


def command(counter_id: str, request_id: str = "r1", partner: str = "P1") -> Envelope:
    return new_event(
        Bump(
            request_id=request_id,
            actor={"user_id": "u1", "partner_id": partner},
            counter_id=counter_id,
        ),
        source="/t",
        now=AT,
        subject=counter_id,
    )


def run(use_cases: UseCases, cause: Envelope, counter_id: str):
    return use_cases.handle(COUNTERS, counter_id, cause, lambda c, now: bump(c, now, counter_id))


async def test_a_command_creates_the_aggregate_and_publishes_its_event(world):
    use_cases, store, outbox, _ = world
    cause = command("c1")
    assert await run(use_cases, cause, "c1") is Outcome.APPLIED
    assert (await use_cases.load(COUNTERS, "c1")).value == 1
    [published] = [Envelope.from_json(e["body"]) for e in outbox.published]
    assert published.type == "tests.counter.bumped" and published.subject == "c1"
    assert published.causationid == cause.id and published.correlationid == cause.correlation
    assert store.pending_outbox("c1") == []


async def test_the_same_request_sent_twice_counts_once(world):
    use_cases, _, outbox, _ = world
    assert await run(use_cases, command("c1"), "c1") is Outcome.APPLIED
    resent = command("c1")  # a new envelope id, the same request id and sender
    assert await run(use_cases, resent, "c1") is Outcome.UNCHANGED
    assert (await use_cases.load(COUNTERS, "c1")).value == 1
    assert len(outbox.published) == 1


def test_tracking_ids_follow_one_rule():
    cause = command("c1", "r7", "P9")
    assert tracking_id(cause) == "tests.counter.bump:P9:r7"
    event = new_event(BumpedV1(counter_id="c", value=1), source="/t", now=AT, subject="c")
    assert tracking_id(event) == event.id


async def test_event_ids_are_derived_so_a_retried_decision_publishes_the_same_ids(world):
    use_cases, _, outbox, _ = world
    await run(use_cases, command("c1"), "c1")
    other_store = InMemoryAggregateStore("counters")
    other_outbox = InMemoryOutbox({"counters": other_store})
    again = replace(use_cases, stores=lambda name: other_store, outbox=other_outbox)
    await run(again, command("c1"), "c1")
    assert outbox.published[0]["id"] == other_outbox.published[0]["id"]


async def test_a_refusal_of_an_existing_aggregate_is_stored_with_it_and_told_once(world):
    use_cases, _, outbox, direct = world
    for i in range(3):
        await run(use_cases, command("c1", f"r{i}"), "c1")
    over = command("c1", "r-over")
    assert await run(use_cases, over, "c1") is Outcome.REFUSED
    assert await run(use_cases, over, "c1") is Outcome.REFUSED  # redelivered: it stands
    refusals = [
        Envelope.from_json(e["body"])
        for e in outbox.published
        if e["body"].find("action_refused") >= 0
    ]
    assert len(refusals) == 1 and direct == []
    data = refusals[0].data
    assert data["code"] == "over_limit" and data["counter_id"] == "c1"
    assert data["reasons"] == [
        {"code": "over_limit", "message": "limit 3", "field": "counter_id", "number": None}
    ]
    assert data["status"] == "at 3" and data["request_id"] == "r-over"
    assert (await use_cases.load(COUNTERS, "c1")).value == 3


@pytest.mark.parametrize(
    ("code", "told"), [("forbidden", None), ("over_limit", "P-OWNER")], ids=["access", "rule"]
)
async def test_an_access_refusal_does_not_name_the_partner_the_aggregate_belongs_to(
    world, code, told
):
    """README *Security*: a forbidden actor is told the rule, never whose aggregate it is."""
    use_cases, _, outbox, _ = world
    owned = replace(COUNTERS, about=lambda c: {"status": f"at {c.value}", "partner_id": "P-OWNER"})
    await use_cases.handle(owned, "c1", command("c1"), lambda c, now: bump(c, now, "c1"))

    def refuse(counter: Counter | None, now: datetime) -> Decision[Counter]:
        raise Refused("not for you", code=code)

    assert await use_cases.handle(owned, "c1", command("c1", "r2"), refuse) is Outcome.REFUSED
    [refusal] = [
        Envelope.from_json(e["body"]).data
        for e in outbox.published
        if "action_refused" in e["body"]
    ]
    assert (refusal["code"], refusal["partner_id"], refusal["status"]) == (code, told, "at 1")


async def test_a_refusal_with_no_aggregate_is_recorded_and_told_once(world):
    use_cases, store, outbox, direct = world

    def refuse(counter: Counter | None, now: datetime) -> Decision[Counter]:
        raise OverLimit("no", reasons=[Reason("over_limit", "no")])

    def create(counter: Counter | None, now: datetime) -> Decision[Counter]:
        return Decision(Counter("c2", 1), [Bumped("c2", 1)])

    cause = command("c2")
    assert await use_cases.handle(COUNTERS, "c2", cause, refuse) is Outcome.REFUSED
    # the same message again, when it would now be allowed: the refusal stands
    assert await use_cases.handle(COUNTERS, "c2", cause, create) is Outcome.REFUSED
    refusals = [e for e in outbox.published if "action_refused" in e["body"]]
    assert len(refusals) == 1 and not direct
    assert await use_cases.load(COUNTERS, "c2") is None
    record = await store.load("c2")
    assert record is not None and not record.exists
    # another command may still create it
    assert await use_cases.handle(COUNTERS, "c2", command("c2", "r2"), create) is Outcome.APPLIED
    assert await use_cases.load(COUNTERS, "c2") == Counter("c2", 1)


async def test_a_message_naming_an_unknown_aggregate_is_rejected(world):
    use_cases, _, _, _ = world
    with pytest.raises(MessageRejected) as rejected:
        await use_cases.require(COUNTERS, "nope")
    assert rejected.value.code == "unknown_counter"


async def test_a_timer_fires_once_keeps_the_flow_and_is_dropped(world):
    use_cases, store, outbox, _ = world
    cause = command("c1")
    await run(use_cases, cause, "c1")
    [timer] = (await store.load("c1")).timers
    use_cases.clock.set(timer.due_at)

    def remind(counter: Counter | None, now: datetime) -> Decision[Counter]:
        assert counter is not None
        return Decision(replace(counter, remind_at=None), [Reminded(counter.counter_id)])

    assert await use_cases.fire(COUNTERS, "c1", timer, remind) is Outcome.APPLIED
    assert await use_cases.fire(COUNTERS, "c1", timer, remind) is Outcome.UNCHANGED
    reminded = Envelope.from_json(outbox.published[-1]["body"])
    assert reminded.type == "tests.counter.reminded"
    assert reminded.correlationid == cause.correlation  # the flow the aggregate belongs to
    assert (await store.load("c1")).timers == []


async def test_a_timer_the_state_no_longer_wants_is_dropped_without_events(world):
    use_cases, store, outbox, _ = world
    await run(use_cases, command("c1"), "c1")
    [timer] = (await store.load("c1")).timers
    use_cases.clock.set(timer.due_at)

    def stale(counter: Counter | None, now: datetime) -> Decision[Counter]:
        raise OverLimit("nothing to remind")

    published = len(outbox.published)
    await use_cases.fire(COUNTERS, "c1", Timer("old", "remind", timer.due_at), stale)
    assert len(outbox.published) == published


async def test_a_timer_fired_early_is_kept_for_later(world):
    use_cases, store, _, _ = world
    await run(use_cases, command("c1"), "c1")
    [timer] = (await store.load("c1")).timers
    await use_cases.fire(COUNTERS, "c1", timer, lambda counter, now: None)
    assert (await store.load("c1")).timers == [timer]  # the clock is not there yet


async def test_a_query_is_answered_under_an_id_derived_from_it(world):
    use_cases, _, _, direct = world
    cause = command("c1")
    await use_cases.answer(cause, BumpedV1(counter_id="c1", value=0), "c1")
    await use_cases.answer(cause, BumpedV1(counter_id="c1", value=0), "c1")
    assert direct[0].id == direct[1].id and direct[0].causationid == cause.id


async def test_a_different_command_reusing_a_request_id_is_refused_not_taken_for_a_duplicate(
    world,
):
    from shared.store import CommandIdReused

    use_cases, _, _, _ = world
    await run(use_cases, command("c1", "r1"), "c1")
    other = new_event(
        Bump(request_id="r1", actor={"user_id": "u2", "partner_id": "P1"}, counter_id="c1"),
        source="/t",
        now=AT,
        subject="c1",
    )
    with pytest.raises(CommandIdReused):
        await run(use_cases, other, "c1")


async def test_seen_tells_a_handled_message_and_refuses_a_different_one_under_its_id(world):
    from shared.store import CommandIdReused

    use_cases, _, _, _ = world
    first = command("c1", "r1")
    assert await use_cases.seen(COUNTERS, "c1", first) is False  # nothing stored yet
    await run(use_cases, first, "c1")
    assert await use_cases.seen(COUNTERS, "c1", command("c1", "r1")) is True  # resent
    assert await use_cases.seen(COUNTERS, "c1", command("c1", "r2")) is False
    assert await use_cases.seen(COUNTERS, "c1", first, "step:other") is False
    other = new_event(
        Bump(request_id="r1", actor={"user_id": "u2", "partner_id": "P1"}, counter_id="c1"),
        source="/t",
        now=AT,
        subject="c1",
    )
    with pytest.raises(CommandIdReused):
        await use_cases.seen(COUNTERS, "c1", other)


async def test_a_decision_that_lost_to_a_concurrent_writer_of_the_same_message_is_unchanged():
    """Another instance handles the same message between our load and our save: our save
    conflicts, the retry finds the message handled, and we must not report APPLIED (a
    caller acting on "I made this change", e.g. sending a mail, would act twice)."""
    store = InMemoryAggregateStore("counters")
    rival = InMemoryAggregateStore("counters")
    rival.documents = store.documents  # the same collection, another instance
    cause = command("c1")

    class Raced(InMemoryAggregateStore):
        raced = False

        async def save(self, aggregate_id, change, **kw):
            if not self.raced:
                self.raced = True
                await rival_uc.handle(COUNTERS, "c1", cause, lambda c, now: bump(c, now, "c1"))
            return await store.save(aggregate_id, change, **kw)

    raced = Raced("counters")
    raced.documents = store.documents

    def use_cases(on: InMemoryAggregateStore) -> UseCases:
        async def publish(topic: str, envelope: Envelope) -> None:
            return None

        return UseCases(
            service="tests",
            events_topic="tests.events",
            clock=FixedClock(AT),
            stores=lambda name: on,
            outbox=InMemoryOutbox({"counters": on}),
            publish=publish,
            payloads=payloads,
        )

    rival_uc = use_cases(rival)
    outcome = await use_cases(raced).handle(
        COUNTERS, "c1", cause, lambda c, now: bump(c, now, "c1")
    )
    assert outcome is Outcome.UNCHANGED
    assert (await rival_uc.load(COUNTERS, "c1")).value == 1  # type: ignore[union-attr]
