"""Submit and pre-check on the in-memory store: the three steps, every refusal, redelivery,
reused command ids and claim conflicts."""

from __future__ import annotations

from datetime import timedelta

import pytest

from services.porting.adapters.repository import dump_port
from services.porting.application.porting import details_of
from services.porting.application.submissions import port_id_for
from services.porting.domain.decisions import ABANDON
from services.porting.domain.model import PortRequest
from services.porting.domain.policy import PortingRules
from shared.contracts import porting as c
from shared.errors import MessageRejected
from shared.store import Change, CommandIdReused
from tests.unit.porting.world import (
    ACTOR,
    NUMBERS,
    OTHER,
    OTHER_PARTNER,
    PARTNER,
    START,
    World,
    submission,
)

pytestmark = pytest.mark.unit


@pytest.fixture
def world() -> World:
    return World()


async def test_a_valid_submission_is_drafted_submitted_and_claims_its_numbers(world):
    await world.submit(submission("req-1"))
    port_id = port_id_for(PARTNER, "req-1")
    assert world.types() == ["porting.port.drafted", "porting.port.submitted"]
    [submitted] = world.events("porting.port.submitted")
    assert submitted.subject == port_id and submitted.data["numbers"] == NUMBERS
    assert submitted.data["revision"] == 1
    request = await world.port(port_id)
    assert request.status == "submitted" and not request.submission_pending
    assert world.owners() == dict.fromkeys(NUMBERS, port_id)
    assert [t.kind for t in await world.timers(port_id)] == ["escalation"]  # carrier answer


async def test_the_events_of_one_decision_have_ids_derived_from_the_aggregate(world):
    await world.submit(submission("req-1"))
    again = World()
    await again.submit(submission("req-1"))
    assert [e.id for e in world.events()] == [e.id for e in again.events()]


async def test_a_redelivered_submission_changes_nothing_and_claims_nothing(world):
    env = await world.submit(submission("req-1"))
    stored = await world.store.load(port_id_for(PARTNER, "req-1"))
    await world.submit(submission("req-1"), env)
    assert world.types() == ["porting.port.drafted", "porting.port.submitted"]
    resent = await world.submit(submission("req-1"))  # a new envelope, the same request id
    # told it was handled (issue 13): once, by the decision, not by the draft step
    assert world.types() == [
        "porting.port.drafted",
        "porting.port.submitted",
        "porting.command.already_handled",
    ]
    [answer] = world.events("porting.command.already_handled")
    assert answer.causationid == resent.id and answer.subject == stored.id
    assert (answer.data["outcome"], answer.data["original_command_id"]) == ("applied", env.id)
    told = world.events()[:2]  # the decision publishes the draft and its submission
    assert answer.data["events"] == [{"id": e.id, "type": e.type} for e in told]
    assert (await world.store.load(port_id_for(PARTNER, "req-1"))).version == stored.version


async def test_a_different_submission_reusing_a_request_id_is_rejected_before_claiming(world):
    await world.submit(submission("req-1"))
    with pytest.raises(CommandIdReused) as reused:
        await world.submit(submission("req-1", ["+442079460300"]))
    assert reused.value.code == "command_id_reused"
    told = reused.value.for_message(world.envelope(submission("req-1", ["+442079460300"]), PARTNER))
    assert (told.code, [r["field"] for r in told.reasons]) == ("request_id_reused", ["request_id"])
    assert "+442079460300" not in world.owners()
    assert len(world.events("porting.port.submitted")) == 1


async def test_a_submission_failing_our_checks_stays_a_draft_says_why_and_frees_its_claims(world):
    await world.submit(submission("req-bad", [*NUMBERS, "+493012345678"]))
    port_id = port_id_for(PARTNER, "req-bad")
    assert world.types() == ["porting.port.drafted", "porting.port.submission_rejected"]
    [rejected] = world.events("porting.port.submission_rejected")
    assert rejected.data["port_id"] == port_id and rejected.data["request_id"] == "req-bad"
    assert {r["code"] for r in rejected.data["reasons"]} == {"number_not_in_country"}
    request = await world.port(port_id)
    assert request.status == "draft" and not request.submission_pending
    assert request.history[-1].action == "submission_refused"
    assert world.owners() == {} and await world.timers(port_id) == []


async def test_numbers_in_another_active_request_are_refused_one_reason_each(world):
    first = await world.submitted("req-1")
    await world.submit(submission("req-2", NUMBERS[:1]))
    [rejected] = world.events("porting.port.submission_rejected")
    assert [(r["code"], r["number"]) for r in rejected.data["reasons"]] == [
        ("number_already_in_active_port", NUMBERS[0])
    ]
    assert world.owners() == dict.fromkeys(NUMBERS, first)  # the first keeps them


async def test_overlapping_requests_stop_at_the_first_conflict_and_release_what_they_got(world):
    first = await world.submitted("req-1", numbers=[NUMBERS[1]])
    await world.submit(submission("req-2", NUMBERS))  # claims NUMBERS[0], then meets [1]
    assert world.events("porting.port.submission_rejected")
    assert world.owners() == {NUMBERS[1]: first}


async def test_a_claim_of_a_submission_still_pending_is_never_taken_over(world):
    pending_id = port_id_for(OTHER_PARTNER, "a")
    draft, _ = PortRequest.create_draft(
        port_id=pending_id,
        partner_id=OTHER_PARTNER,
        country="GB",
        details=details_of(submission("a", actor=OTHER)),
        now=START,
        actor=OTHER.user_id,
        submitting=True,
    )
    await world.store.apply(pending_id, "draft:a", lambda _: Change(dump_port(draft)))
    assert await world.claims.claim(pending_id, OTHER_PARTNER, NUMBERS) == set()
    await world.submit(submission("req-1"))
    assert world.events("porting.port.submission_rejected")
    assert world.owners() == dict.fromkeys(NUMBERS, pending_id)


async def test_a_stale_claim_of_a_withdrawn_request_is_taken_over(world):
    first = await world.submitted("req-1")
    await world.withdraw(c.WithdrawPortRequest(request_id="w-1", actor=ACTOR, port_id=first))
    world.claims.claims[NUMBERS[0]] = (first, PARTNER)  # left behind, as by a crash
    second = await world.submitted("req-2", numbers=NUMBERS[:1])
    assert world.owners() == {NUMBERS[0]: second}


async def test_a_request_with_too_many_numbers_is_refused_before_anything_is_stored(world):
    world = World(rules=PortingRules(max_numbers_per_request=1))
    env = await world.submit(submission("req-big"))
    [rejected] = world.direct
    assert rejected.type == "porting.port.submission_rejected" and rejected.subject == PARTNER
    assert rejected.data["port_id"] is None
    assert [r["code"] for r in rejected.data["reasons"]] == ["too_many_numbers"]
    assert rejected.causationid == env.id
    assert world.store.documents == {} and world.owners() == {}
    await world.submit(submission("req-big"), env)  # redelivered: the same answer, same id
    assert world.direct[1].id == rejected.id


async def test_a_decision_whose_events_would_not_fit_the_broker_is_refused_event_too_large():
    world = World(max_event_bytes=2_400)
    numbers = [f"+44207946{n:04d}" for n in range(200, 400)]
    await world.submit(submission("req-1", numbers))
    port_id = port_id_for(PARTNER, "req-1")
    assert world.types() == ["porting.port.submission_rejected"]
    [rejected] = world.events()
    assert [r["code"] for r in rejected.data["reasons"]] == ["event_too_large"]
    assert (await world.port(port_id)).status == "draft"
    assert world.owners() == {}  # the draft freed its numbers at once


async def test_an_actor_of_another_partner_is_rejected_as_forbidden(world):
    with pytest.raises(MessageRejected) as rejected:
        await world.submit(submission("req-1", actor=OTHER, partner_id=PARTNER))
    assert rejected.value.code == "forbidden"
    assert world.store.documents == {}


async def test_the_provisioning_team_may_submit_for_any_partner(world):
    team = ACTOR.model_copy(update={"partner_id": None, "roles": ("provisioning",)})
    await world.submit(submission("req-1", actor=team, partner_id=PARTNER))
    assert world.events("porting.port.submitted")


async def test_a_submission_that_never_decides_is_abandoned_once_and_frees_its_claims(world):
    pending_id = port_id_for(PARTNER, "a")
    draft, _ = PortRequest.create_draft(
        port_id=pending_id,
        partner_id=PARTNER,
        country="GB",
        details=details_of(submission("a")),
        now=START,
        actor=ACTOR.user_id,
        submitting=True,
    )
    timers = world.porting.ports.timers(draft)
    await world.store.apply(pending_id, "draft:a", lambda _: Change(dump_port(draft), [], timers))
    await world.claims.claim(pending_id, PARTNER, NUMBERS)
    [timer] = await world.timers(pending_id)
    assert timer.kind == ABANDON and timer.due_at == START + timedelta(hours=1)
    world.clock.set(timer.due_at)
    await world.fire(pending_id, timer)
    await world.fire(pending_id, timer)  # fired again (another instance): nothing more
    [abandoned] = world.events("porting.port.submission_abandoned")
    assert abandoned.subject == pending_id
    assert world.owners() == {} and await world.timers(pending_id) == []
    await world.submit(submission("a"))  # its command comes back after all: nothing
    assert world.events("porting.port.submitted") == []


class TestPrecheck:
    def command(self, request_id: str, numbers: list[str]) -> c.PrecheckPortRequest:
        values = submission(request_id, numbers).model_dump(exclude={"comment"})
        return c.PrecheckPortRequest.model_validate(values)

    async def test_a_portable_request_is_answered_portable_and_nothing_is_stored(self, world):
        env = await world.precheck(self.command("pre-1", NUMBERS))
        [answer] = world.direct
        assert answer.type == "porting.port.prechecked" and answer.causationid == env.id
        assert answer.data["portable"] is True and answer.data["numbers"] == NUMBERS
        assert world.store.documents == {} and world.owners() == {}

    async def test_numbers_held_by_an_active_request_make_it_not_portable(self, world):
        await world.submitted("req-1")
        await world.precheck(self.command("pre-1", NUMBERS[:1]))
        [answer] = world.direct
        assert answer.data["portable"] is False
        assert [r["code"] for r in answer.data["reasons"]] == ["number_already_in_active_port"]

    async def test_two_different_prechecks_under_one_request_id_get_two_answers(self, world):
        await world.precheck(self.command("pre-1", NUMBERS))
        await world.precheck(self.command("pre-1", ["+493012345678"]))
        assert len({a.id for a in world.direct}) == 2
        assert sorted(a.data["portable"] for a in world.direct) == [False, True]
