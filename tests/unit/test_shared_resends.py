"""Issue 13: a handled command sent again under a new CloudEvents id (same sender and
request id: a client retrying after a timeout) is answered with
`<service>.command.already_handled` — per message and on the batch path — while a plain
redelivery (the same id) stays silent and nothing is done again."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from shared import batch
from shared.batch import Batch
from shared.events import Envelope, new_event
from shared.refusals import Reason
from shared.store import CommandIdReused
from shared.usecase import Decision, Outcome
from tests.unit.test_shared_batch import Sent, counting_world
from tests.unit.test_shared_usecase import (
    AT,
    COUNTERS,
    Bump,
    Counter,
    OverLimit,
    command,
    run,
    world,
)

pytestmark = pytest.mark.unit
__all__ = ["world"]

ANSWER = "tests.command.already_handled"


def resend(original: Envelope) -> Envelope:
    """The same command in a new envelope (new id), as a client retrying sends it."""
    again = new_event(
        Bump.model_validate(original.data), source="/t", now=AT, subject=original.subject
    )
    assert again.id != original.id and again.data == original.data
    return again


def published(outbox) -> list[Envelope]:
    return [Envelope.from_json(e["body"]) for e in outbox.published]


async def test_a_resend_of_an_applied_command_is_answered_with_its_events_and_changes_nothing(
    world,
):
    use_cases, store, outbox, direct = world
    first = command("c1", "r1", "P7")
    assert await run(use_cases, first, "c1") is Outcome.APPLIED
    [bumped] = published(outbox)
    before = await store.load("c1")
    use_cases.clock.set(AT + timedelta(minutes=5))  # the client waited, then tried again
    again = resend(first)
    assert await run(use_cases, again, "c1") is Outcome.UNCHANGED
    after = await store.load("c1")
    assert (after.version, after.state, after.handled) == (
        before.version,
        before.state,
        before.handled,
    )
    assert len(outbox.published) == 1  # the original effect is not produced again
    [answer] = direct
    assert answer.type == ANSWER and answer.subject == "c1"
    assert answer.causationid == again.id and answer.correlationid == again.correlation
    assert answer.data == {
        "command_type": "tests.counter.bump",
        "command_id": again.id,
        "request_id": "r1",
        "partner_id": "P7",
        "entity": "counter",
        "aggregate_id": "c1",
        "original_command_id": first.id,
        "outcome": "applied",
        "handled_at": "2031-03-03T08:00:00Z",
        "events": [{"id": bumped.id, "type": "tests.counter.bumped"}],
        "events_total": 1,
        "code": None,
        "reasons": [],
        "reasons_total": 0,
    }


async def test_a_redelivery_stays_silent_and_a_redelivered_resend_repeats_its_one_answer(world):
    use_cases, _, outbox, direct = world
    first = command("c1")
    await run(use_cases, first, "c1")
    assert await run(use_cases, first, "c1") is Outcome.UNCHANGED  # redelivered: same id
    assert direct == [] and len(outbox.published) == 1
    again = resend(first)
    await run(use_cases, again, "c1")
    use_cases.clock.set(AT + timedelta(hours=1))
    await run(use_cases, again, "c1")  # the resend redelivered, later
    assert len(direct) == 2 and direct[0].id == direct[1].id
    assert direct[0].data == direct[1].data  # the same answer, not a second one
    third = resend(first)  # another resend: an answer of its own
    await run(use_cases, third, "c1")
    assert direct[2].id != direct[0].id and direct[2].causationid == third.id


async def test_a_resend_of_a_refused_command_is_answered_with_the_refusal(world):
    use_cases, _, outbox, direct = world
    for i in range(3):
        await run(use_cases, command("c1", f"r{i}"), "c1")
    over = command("c1", "r-over")
    assert await run(use_cases, over, "c1") is Outcome.REFUSED
    refusal = published(outbox)[-1]
    assert refusal.type == "tests.counter.action_refused"
    assert await run(use_cases, resend(over), "c1") is Outcome.REFUSED  # as it was
    [answer] = direct
    data = answer.data
    assert (data["outcome"], data["code"], data["original_command_id"]) == (
        "refused",
        "over_limit",
        over.id,
    )
    assert data["events"] == [{"id": refusal.id, "type": "tests.counter.action_refused"}]
    assert data["reasons"] == refusal.data["reasons"] and data["reasons_total"] == 1
    assert len(outbox.published) == 4  # the refusal was told once; the answer is new
    assert (await use_cases.load(COUNTERS, "c1")).value == 3


async def test_a_resend_of_a_command_refused_before_the_aggregate_existed_is_answered(world):
    use_cases, _, _, direct = world
    reasons = [Reason("over_limit", f"reason {i}") for i in range(12)]

    def refuse(counter: Counter | None, now: datetime) -> Decision[Counter]:
        raise OverLimit("no", reasons=reasons)

    first = command("c9")
    assert await use_cases.handle(COUNTERS, "c9", first, refuse) is Outcome.REFUSED

    def create(counter: Counter | None, now: datetime) -> Decision[Counter]:
        return Decision(Counter("c9", 1))

    again = resend(first)  # would now be allowed: the refusal stands, and is told
    assert await use_cases.handle(COUNTERS, "c9", again, create) is Outcome.REFUSED
    assert await use_cases.load(COUNTERS, "c9") is None
    [answer] = direct
    assert answer.data["outcome"] == "refused"
    assert len(answer.data["reasons"]) == 10 and answer.data["reasons_total"] == 12


async def test_a_different_command_under_a_recorded_request_id_is_still_refused(world):
    use_cases, _, _, direct = world
    await run(use_cases, command("c1", "r1"), "c1")
    other = new_event(
        Bump(request_id="r1", actor={"user_id": "u2", "partner_id": "P1"}, counter_id="c1"),
        source="/t",
        now=AT,
        subject="c1",
    )
    with pytest.raises(CommandIdReused):
        await run(use_cases, other, "c1")
    assert direct == []


async def test_a_step_without_a_receipt_is_not_answered(world):
    use_cases, _, _, direct = world
    first = command("c1")

    def step(counter: Counter | None, now: datetime) -> Decision[Counter]:
        return Decision(Counter("c1"))

    await use_cases.handle(COUNTERS, "c1", first, step, message_id="draft:x", receipt=False)
    await use_cases.handle(COUNTERS, "c1", resend(first), step, message_id="draft:x", receipt=False)
    assert direct == []


async def test_a_message_tracked_by_its_own_id_keeps_no_receipt(world):
    use_cases, store, _, direct = world
    first = command("c1")
    await use_cases.handle(
        COUNTERS, "c1", first, lambda c, now: Decision(Counter("c1")), message_id=first.id
    )
    assert (await store.load("c1")).receipts == {}  # a resend could never match it
    assert direct == []


async def test_a_long_cloudevents_id_is_answered_without_naming_it(world):
    use_cases, _, _, direct = world
    first = command("c1").model_copy(update={"id": "L" * 300})
    await run(use_cases, first, "c1")
    await run(use_cases, first, "c1")  # redelivered: recognised by its digest
    assert direct == []
    await run(use_cases, resend(first), "c1")
    assert direct[0].data["original_command_id"] is None


# -- the batch path ----------------------------------------------------------------------


async def in_batch(unit: Batch, position: int, use_cases, cause: Envelope, cid: str):
    with batch.running(unit, position):
        return await run(use_cases, cause, cid)


async def test_a_resend_in_a_later_batch_is_answered_after_the_writes(world):
    use_cases, store = counting_world(world)
    first = command("c1")
    sent = Sent()
    unit = Batch(sent)
    await in_batch(unit, 0, use_cases, first, "c1")
    await unit.write()
    await unit.publish()
    [(_, bumped)] = sent.records
    again = resend(first)
    later = Batch(sent)
    assert await in_batch(later, 0, use_cases, again, "c1") is Outcome.UNCHANGED
    assert await later.write() == set()
    assert len(store.writes) == 1  # nothing stored for the resend
    await later.publish()
    answer = sent.records[-1][1]
    assert answer.type == ANSWER and answer.causationid == again.id
    assert answer.data["events"] == [{"id": bumped.id, "type": bumped.type}]
    assert store.documents["c1"].version == 1


async def test_original_and_resend_in_one_batch_give_one_effect_and_one_answer(world):
    use_cases, store = counting_world(world)
    first = command("c1")
    again = resend(first)
    sent = Sent()
    unit = Batch(sent)
    assert await in_batch(unit, 0, use_cases, first, "c1") is Outcome.APPLIED
    assert await in_batch(unit, 1, use_cases, again, "c1") is Outcome.UNCHANGED
    assert await in_batch(unit, 2, use_cases, first, "c1") is Outcome.UNCHANGED  # redelivered
    await unit.write()
    await unit.publish()
    kinds = [e.type for _, e in sent.records]
    assert kinds == ["tests.counter.bumped", ANSWER]  # the effect first, then the answer
    assert sent.records[1][1].data["events"][0]["id"] == sent.records[0][1].id
    assert store.documents["c1"].state["value"] == 1


async def test_a_resend_run_again_after_a_conflict_answers_once(world):
    use_cases, _ = counting_world(world)
    first = command("c1")
    await run(use_cases, first, "c1")  # stored before the batch
    again = resend(first)
    sent = Sent()
    unit = Batch(sent)
    await in_batch(unit, 0, use_cases, again, "c1")
    await in_batch(unit, 0, use_cases, again, "c1")  # run again (a conflict elsewhere)
    await unit.write()
    await unit.publish()
    assert [e.type for _, e in sent.records] == [ANSWER]


async def test_a_resend_answered_from_memory_equals_the_answer_read_from_the_store(world):
    """The batch keeps aggregates between batches; the database keeps milliseconds: an
    answer must not differ with where the receipt was read from."""
    use_cases, _ = counting_world(world)
    precise = AT + timedelta(microseconds=123_456)
    world[0].clock.set(precise)  # the same clock
    first = command("c1")
    cache: dict = {}
    sent = Sent()
    unit = Batch(sent, cache=cache)
    await in_batch(unit, 0, use_cases, first, "c1")
    await unit.write()
    await unit.publish()
    again = resend(first)
    from_memory = Batch(sent, cache=cache)
    await in_batch(from_memory, 0, use_cases, again, "c1")
    await from_memory.write()
    await from_memory.publish()
    fresh = replace(use_cases)
    await run(fresh, again, "c1")  # per message: read from the store
    answers = [e for _, e in sent.records if e.type == ANSWER]
    assert answers[0].data["handled_at"] == "2031-03-03T08:00:00.123000Z"
    _, _, _, direct = world
    assert direct[-1].id == answers[0].id and direct[-1].data == answers[0].data


async def test_facts_and_ids_made_from_the_cloudevents_id_keep_no_receipt(world):
    """A fact names no actor (it is nobody's command to resend); a tracking id made from
    the CloudEvents id (`<id>:number-claims`) cannot be met by a resend's new id."""
    from tests.unit.test_shared_usecase import BumpedV1

    use_cases, store, _, direct = world
    fact = new_event(
        BumpedV1(counter_id="c1", value=1), source="/t", now=AT, subject="c1"
    ).model_copy(update={"data": {"counter_id": "c1", "value": 1, "request_id": "r1"}})

    def create(counter: Counter | None, now: datetime) -> Decision[Counter]:
        return Decision(Counter("c1"))

    await use_cases.handle(COUNTERS, "c1", fact, create)  # tracked by type and request id
    first = command("c2")
    await use_cases.handle(COUNTERS, "c2", first, create, message_id=f"{first.id}:step")
    assert (await store.load("c1")).receipts == {} and (await store.load("c2")).receipts == {}
    await use_cases.handle(COUNTERS, "c1", fact.model_copy(update={"id": "other"}), create)
    assert direct == []


async def test_a_command_handled_before_tells_its_use_case_whether_it_was_refused(world):
    """So a use case goes on as it did then: no next step after a refusal."""
    use_cases, _, _, _ = world
    for i in range(3):
        await run(use_cases, command("c1", f"r{i}"), "c1")
    over = command("c1", "r-over")
    assert await run(use_cases, over, "c1") is Outcome.REFUSED
    assert await run(use_cases, over, "c1") is Outcome.REFUSED  # redelivered
    assert await run(use_cases, resend(over), "c1") is Outcome.REFUSED  # resent
    assert await run(use_cases, command("c1", "r0"), "c1") is Outcome.UNCHANGED  # applied
