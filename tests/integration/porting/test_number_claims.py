"""One active port request per number, under concurrency, on the real Mongo-wire server.

Each "instance" here is the porting use cases over its own MongoDB client (its own
connection pool), as two service processes would run them; events are kept in memory.
Submissions race with `asyncio.gather`, and the interleavings the issue reported are
also built step by step.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any, cast

import pytest
from pymongo import AsyncMongoClient, monitoring

from services.porting.adapters.repository import CLAIMS, PORTS, NumberClaims
from services.porting.application import carrier, submissions, timers
from services.porting.application.deps import Deps
from services.porting.application.outcomes import ABANDON, change
from services.porting.domain.model import PortRequest
from services.porting.settings import PortingSettings
from shared.actor import Actor
from shared.clock import FixedClock
from shared.contracts import carrier as gateway
from shared.contracts import porting as c
from shared.events import Envelope, Payload, new_event
from shared.outbox import OutboxRelay
from shared.runtime import ServiceContext
from shared.store import AggregateStore

pytestmark = pytest.mark.integration

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


class Sink:
    """Keeps what an instance publishes (stands in for Kafka: claims are the subject)."""

    def __init__(self) -> None:
        self.events: list[Envelope] = []

    async def publish_raw(self, topic: str, key: Any, value: bytes, *_: Any, **__: Any) -> None:
        self.events.append(Envelope.from_json(value))

    async def publish(self, topic: str, envelope: Envelope, *_: Any, **__: Any) -> None:
        self.events.append(envelope)

    def of_type(self, event_type: str) -> list[Envelope]:
        return [e for e in self.events if e.type == event_type]


class Commands(monitoring.CommandListener):
    """Counts the commands an instance sends to the claims collection (round trips)."""

    def __init__(self) -> None:
        self.on_claims = 0

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        if event.command.get(event.command_name) == CLAIMS:
            self.on_claims += 1

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass


class Jittery:
    """A collection whose writes and reads wait a random moment first, so that two
    instances' steps interleave in many orders (a schedule fuzzer, seeded per test)."""

    def __init__(self, collection: Any, rng: random.Random) -> None:
        self._collection = collection
        self._rng = rng

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._collection, name)
        if name not in {"insert_one", "insert_many", "update_one", "update_many", "find_one"}:
            return attribute

        async def delayed(*args: Any, **kwargs: Any) -> Any:
            await asyncio.sleep(self._rng.random() * 0.01)
            return await attribute(*args, **kwargs)

        return delayed


class JitteryDeps(Deps):
    rng: random.Random = random.Random(7)

    @property
    def claims(self) -> NumberClaims:
        return NumberClaims(cast(Any, Jittery(self.ctx.db[CLAIMS], self.rng)))


@asynccontextmanager
async def instance(
    mongo_url: str, database: str, jitter: random.Random | None = None
) -> AsyncIterator[tuple[Deps, Sink, Commands]]:
    commands = Commands()
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
        mongo_url, tz_aware=True, event_listeners=[commands]
    )
    sink = Sink()
    settings = PortingSettings(database=database)
    ctx = ServiceContext(
        name="porting",
        settings=settings,
        clock=FixedClock(NOW),
        db=client[database],
        dispatcher=cast(Any, None),
        publisher=cast(Any, sink),
        instance_id=f"test-{id(sink)}",
    )
    store = ctx.store(PORTS)
    ctx.relay = OutboxRelay([store.collection], cast(Any, sink), ctx.clock)
    deps = Deps(ctx, settings.rules)
    if jitter is not None:
        ctx.stores[PORTS] = AggregateStore(cast(Any, Jittery(store.collection, jitter)))
        deps = JitteryDeps(ctx, settings.rules)
        deps.rng = jitter
    try:
        yield deps, sink, commands
    finally:
        await client.close()


def partner(n: int) -> tuple[str, Actor]:
    partner_id = f"partner-88{n:02d}"
    return partner_id, Actor(user_id=f"user-88{n:02d}", partner_id=partner_id)


def block(first: int, count: int) -> list[str]:
    """`count` consecutive London numbers from +44 20 7946 <first>."""
    return [f"+44207946{n:04d}" for n in range(first, first + count)]


def submission(n: int, request_id: str, numbers: list[Any]) -> c.SubmitPortRequest:
    partner_id, actor = partner(n)
    return c.SubmitPortRequest(
        request_id=request_id,
        actor=actor,
        partner_id=partner_id,
        country="GB",
        product="analogue",
        numbers=numbers,
        main_billing_number="020 7946 0000",
        registered_address=c.AddressIn(
            lines=["Unit 8, Example Park"], city="London", postal_code="EC1A 9ZZ", country="GB"
        ),
        losing_provider="Example Telecom Ltd",
        range_holder="Example Networks plc",
    )


def envelope(payload: Payload, subject: str) -> Envelope:
    return new_event(payload, source="/tests", now=NOW, subject=subject)


async def send_submit(deps: Deps, cmd: c.SubmitPortRequest) -> Envelope:
    env = envelope(cmd, cmd.partner_id)
    await submissions.submit(deps, env, cmd)
    return env


async def holders(db: Any) -> dict[str, list[str]]:
    """Every number → the requests that hold it (submitted, rejected or accepted)."""
    held: dict[str, list[str]] = {}
    async for doc in db[PORTS].find({}):
        port = doc["state"]["port"]
        if port["status"] in {"submitted", "rejected", "accepted"}:
            for entry in port["numbers"]:
                held.setdefault(entry["number"], []).append(doc["_id"])
    return held


async def test_two_instances_submitting_the_same_100_numbers_at_once_give_them_to_one(
    mongo_url, mongo_db
):
    async with (
        instance(mongo_url, mongo_db.name, random.Random(1)) as (one, sink_one, _),
        instance(mongo_url, mongo_db.name, random.Random(2)) as (two, sink_two, _),
    ):
        for round_ in range(8):
            numbers = block(100 * round_, 100)
            await asyncio.gather(
                send_submit(one, submission(1, f"r{round_}", numbers)),
                send_submit(two, submission(2, f"r{round_}", numbers)),
            )
    events = sink_one.events + sink_two.events
    held = await holders(mongo_db)
    assert len(held) == 800
    assert all(len(ports) == 1 for ports in held.values()), {
        n: p for n, p in held.items() if len(p) > 1
    }
    submitted = [e for e in events if e.type == "porting.port.submitted"]
    refused = [e for e in events if e.type == "porting.port.submission_rejected"]
    assert len(submitted) == len(refused) == 8  # one winner per round, never both or none
    for rejection in refused:
        assert {r["code"] for r in rejection.data["reasons"]} == {"number_already_in_active_port"}
    claims = [doc async for doc in mongo_db[CLAIMS].find({})]
    assert {d["port_id"] for d in claims} == {e.subject for e in submitted}


async def test_overlapping_requests_racing_leave_every_number_in_at_most_one(mongo_url, mongo_db):
    async with (
        instance(mongo_url, mongo_db.name, random.Random(3)) as (one, _, _),
        instance(mongo_url, mongo_db.name, random.Random(4)) as (two, _, _),
    ):
        for round_ in range(6):
            base = 1000 + 200 * round_
            await asyncio.gather(
                send_submit(one, submission(1, f"o{round_}", block(base, 100))),
                send_submit(two, submission(2, f"o{round_}", block(base + 50, 100))),
                send_submit(one, submission(3, f"o{round_}", block(base + 90, 20))),
            )
    held = await holders(mongo_db)
    assert held and all(len(ports) == 1 for ports in held.values())


async def test_a_claim_of_a_request_still_being_submitted_is_never_taken_over(mongo_url, mongo_db):
    """The reported interleaving: A has claimed but not yet decided; B comes in between."""
    numbers = block(3000, 100)
    async with (
        instance(mongo_url, mongo_db.name) as (one, sink_one, _),
        instance(mongo_url, mongo_db.name) as (two, sink_two, _),
    ):
        first = submission(1, "a", numbers)
        port_a = submissions.port_id_for(first.partner_id, first.request_id)
        # A's first two steps: its draft is stored pending, then its numbers are claimed.
        draft, _ = PortRequest.create_draft(
            port_id=port_a,
            partner_id=first.partner_id,
            country="GB",
            details=submissions.details_of(first),
            now=NOW,
            actor="user-8801",
            submitting=True,
        )
        await one.ctx.apply(PORTS, port_a, "draft:a", lambda _: change(draft, one.rules, [], None))
        assert await one.claim(draft, numbers) == set()
        # B submits the same numbers before A decides: refused, A's claims untouched.
        await send_submit(two, submission(2, "b", numbers))
        [refused] = sink_two.of_type("porting.port.submission_rejected")
        assert len(refused.data["reasons"]) == 100
        # A's command goes on (as its redelivery would) and wins every number.
        await send_submit(one, first)
        [submitted] = sink_one.of_type("porting.port.submitted")
        assert submitted.subject == port_a and len(submitted.data["numbers"]) == 100
    assert all(ports == [port_a] for ports in (await holders(mongo_db)).values())


@pytest.mark.parametrize("how_a_ends", ["withdrawn", "completed", "refused", "never_stored"])
async def test_a_claim_whose_owner_can_no_longer_hold_it_is_taken_over(
    mongo_url, mongo_db, how_a_ends
):
    numbers = block(4000, 10)
    async with instance(mongo_url, mongo_db.name) as (deps, sink, _):
        port_a = "PRT-NEVER-STORED"
        if how_a_ends == "refused":
            await send_submit(deps, submission(1, "a", [*numbers, "+493012345678"]))
            assert sink.of_type("porting.port.submission_rejected")
            port_a = submissions.port_id_for(partner(1)[0], "a")
        elif how_a_ends != "never_stored":
            env = await send_submit(deps, submission(1, "a", numbers))
            port_a = submissions.port_id_for(partner(1)[0], "a")
            if how_a_ends == "withdrawn":
                await submissions.withdraw(
                    deps,
                    env,
                    c.WithdrawPortRequest(request_id="w", actor=partner(1)[1], port_id=port_a),
                )
            else:
                accept = gateway.CarrierPortAccepted(
                    port_id=port_a, carrier_ref="CR", accepted_at=NOW
                )
                await carrier.accepted(deps, envelope(accept, port_a), accept)
                done = gateway.CarrierPortCompleted(
                    port_id=port_a, carrier_ref="CR", completed_at=NOW
                )
                await carrier.completed(deps, envelope(done, port_a), done)
        # Stale claims left behind (as a crash before the release would leave them).
        await mongo_db[CLAIMS].insert_many(
            [{"_id": n, "port_id": port_a, "partner_id": "x"} for n in numbers[:3]]
        )
        await send_submit(deps, submission(2, "b", numbers))
    port_b = submissions.port_id_for(partner(2)[0], "b")
    assert port_b in {e.subject for e in sink.of_type("porting.port.submitted")}
    owners = {d["port_id"] async for d in mongo_db[CLAIMS].find({"_id": {"$in": numbers}})}
    assert owners == {port_b}


async def test_a_rejected_request_keeps_its_numbers_from_others(mongo_url, mongo_db):
    numbers = block(5000, 5)
    async with instance(mongo_url, mongo_db.name) as (deps, sink, _):
        await send_submit(deps, submission(1, "a", numbers))
        port_a = submissions.port_id_for(partner(1)[0], "a")
        no = gateway.CarrierPortRejected(
            port_id=port_a,
            carrier_ref="CR",
            rejected_at=NOW,
            reasons=[gateway.CarrierReason(code="x", message="postcode differs")],
        )
        await carrier.rejected(deps, envelope(no, port_a), no)
        await send_submit(deps, submission(2, "b", numbers))
        [refused] = sink.of_type("porting.port.submission_rejected")
    assert {r["number"] for r in refused.data["reasons"]} == set(numbers)


async def test_a_request_of_70_000_numbers_is_refused_before_anything_is_stored(
    mongo_url, mongo_db
):
    ranges = [
        c.NumberRangeIn(first=f"+4420794{b:02d}000", last=f"+4420794{b:02d}999")
        for b in range(10, 80)
    ]
    async with instance(mongo_url, mongo_db.name) as (deps, sink, commands):
        await send_submit(deps, submission(1, "big", ranges))
        [refused] = sink.of_type("porting.port.submission_rejected")
    assert [r["code"] for r in refused.data["reasons"]] == ["too_many_numbers"]
    assert "70000" in refused.data["reasons"][0]["message"]
    assert refused.data["port_id"] is None
    assert await mongo_db[PORTS].count_documents({}) == 0
    assert await mongo_db[CLAIMS].count_documents({}) == 0
    assert commands.on_claims == 0


async def test_10_000_numbers_are_claimed_in_bulk_also_when_the_command_is_redelivered(
    mongo_url, mongo_db
):
    ranges = [
        c.NumberRangeIn(first=f"+4420794{b:02d}000", last=f"+4420794{b:02d}999")
        for b in range(10, 20)
    ]
    async with instance(mongo_url, mongo_db.name) as (deps, sink, commands):
        cmd = submission(1, "ten-thousand", ranges)
        env = await send_submit(deps, cmd)
        first_run = commands.on_claims
        await submissions.submit(deps, env, cmd)  # redelivered
        redelivery = commands.on_claims - first_run
        [submitted] = sink.of_type("porting.port.submitted")
    assert len(submitted.data["numbers"]) == 10_000
    assert await mongo_db[CLAIMS].count_documents({}) == 10_000
    # Round trips on the claims, not one per number: ten chunked inserts at first, and
    # nothing at all for the redelivery (the request is decided, nothing is re-claimed).
    assert first_run <= 12
    assert redelivery == 0


async def test_a_submission_that_never_decides_is_abandoned_and_frees_its_numbers(
    mongo_url, mongo_db
):
    numbers = block(6000, 5)
    async with instance(mongo_url, mongo_db.name) as (deps, sink, _):
        first = submission(1, "a", numbers)
        port_a = submissions.port_id_for(first.partner_id, first.request_id)
        draft, _ = PortRequest.create_draft(
            port_id=port_a,
            partner_id=first.partner_id,
            country="GB",
            details=submissions.details_of(first),
            now=NOW,
            actor="user-8801",
            submitting=True,
        )
        await deps.ctx.apply(
            PORTS, port_a, "draft:a", lambda _: change(draft, deps.rules, [], None)
        )
        await deps.claim(draft, numbers)  # ... and then its command failed for good
        await send_submit(deps, submission(2, "b", numbers))
        assert sink.of_type("porting.port.submission_rejected")
        stored = await deps.store.load(port_a)
        assert stored is not None
        [timer] = [t for t in stored.timers if t.kind == ABANDON]
        assert timer.due_at == NOW + deps.rules.pending_submission_timeout
        cast(FixedClock, deps.ctx.clock).set(timer.due_at)
        await timers.fire(deps, port_a, timer)
        [abandoned] = sink.of_type("porting.port.submission_abandoned")
        assert abandoned.subject == port_a
        await send_submit(deps, submission(2, "c", numbers))
        [submitted] = sink.of_type("porting.port.submitted")
        # A's command coming back after all changes nothing: the draft was given up.
        await send_submit(deps, first)
        assert len(sink.of_type("porting.port.submitted")) == 1
    assert submitted.subject == submissions.port_id_for(partner(2)[0], "c")
