"""One group per number across the platform, under concurrency, on the real Mongo-wire server.

Two "instances" (the onboarding use cases over two MongoDB clients) assign the same
numbers, which sit in two partners' inventories, to each partner's group at once; reads
and writes wait a random moment first so that the steps interleave in many orders. The
race a compare-and-swap on the owner alone would lose is also built step by step.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any, cast

import pytest
from pymongo import AsyncMongoClient

from services.onboarding.adapters.admin_group_documents import GROUPS, dump_group
from services.onboarding.adapters.number_claims import (
    NUMBER_GROUP_CLAIMS,
    GroupNumberClaims,
    NumberClaim,
)
from services.onboarding.application.deps import Deps
from services.onboarding.application.groups import groups as admin_groups
from services.onboarding.application.groups import inventory as admin_inventory
from services.onboarding.domain.groups.groups import CustomerGroup
from services.onboarding.settings import OnboardingSettings
from shared.actor import Actor
from shared.clock import FixedClock
from shared.contracts import onboarding as c
from shared.events import Envelope, Payload, new_event
from shared.runtime import ServiceContext
from shared.store import Change
from tests.fakes import TEST_DEVICE_KEYS

pytestmark = pytest.mark.integration

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
PROVISIONING = Actor(user_id="prov@vendor.example.com", roles=("provisioning",))
SIDES = {
    "north": ("P-720001", Actor(user_id="builder@north.example.com", partner_id="P-720001")),
    "south": ("P-720002", Actor(user_id="builder@south.example.com", partner_id="P-720002")),
}


class Sink:
    """Keeps what an instance publishes; also stands in for the outbox relay."""

    def __init__(self) -> None:
        self.events: list[Envelope] = []

    async def publish(self, topic: str, envelope: Envelope, *_: Any, **__: Any) -> None:
        self.events.append(envelope)

    async def publish_written(self, collection: str, doc_id: str, entries: list[Any]) -> None:
        self.events.extend(Envelope.from_json(e["body"]) for e in entries)

    async def flush(self, collection: str, doc_id: str) -> int:
        return 0

    def hold(self, collection: str, doc_id: str) -> None:
        self.holds = getattr(self, "holds", 0) + 1  # open holds (`OutboxRelay.hold`)

    def release(self, collection: str, doc_id: str) -> None:
        self.holds = getattr(self, "holds", 0) - 1

    def note_written(self, collection: str, doc_id: str) -> None:
        pass  # the use cases flush what they write; nothing is left for a retry sweep

    def add(self, collection: Any) -> None:
        """Relays every collection (as the real relay would be told)."""


class Jittery:
    """A database whose collections wait a random moment before each write or point read."""

    def __init__(self, target: Any, rng: random.Random) -> None:
        self._target, self._rng = target, rng

    def __getitem__(self, name: str) -> Any:
        return Jittery(self._target[name], self._rng)

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._target, name)
        if name not in {"insert_one", "insert_many", "update_one", "bulk_write", "find_one"}:
            return attribute

        async def delayed(*args: Any, **kwargs: Any) -> Any:
            await asyncio.sleep(self._rng.random() * 0.01)
            return await attribute(*args, **kwargs)

        return delayed


@asynccontextmanager
async def instance(mongo_url: str, database: str, seed: int) -> AsyncIterator[tuple[Deps, Sink]]:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(mongo_url, tz_aware=True)
    sink = Sink()
    settings = OnboardingSettings(database=database, device_secret_keys=TEST_DEVICE_KEYS)
    ctx = ServiceContext(
        name="onboarding",
        settings=settings,
        clock=FixedClock(NOW),
        db=cast(Any, Jittery(client[database], random.Random(seed))),
        dispatcher=cast(Any, None),
        publisher=cast(Any, sink),
        instance_id=f"test-{seed}",
    )
    ctx.relay = cast(Any, sink)
    try:
        yield Deps.over(ctx, settings), sink
    finally:
        await client.close()


def envelope(payload: Payload) -> Envelope:
    return new_event(payload, source="/tests", now=NOW, subject="x")


async def a_group(deps: Deps, side: str, group_id: str) -> None:
    """A group of the side's partner (stored directly: creation rules are not tested here)."""
    partner_id, _ = SIDES[side]
    group, _ = CustomerGroup.clone(
        group_id=group_id,
        group_name="Example Customer Ltd",
        partner_id=partner_id,
        clone_group_id="CL-1",
        partner_clone_group_ids=["CL-1"],
        default_domain=deps.settings.allowed_domains[0],
        allowed_domains=deps.settings.allowed_domains,
        now=NOW,
        partner_can_create_customers=True,
    )
    state = {"group": dump_group(group), "created_by": "test"}
    await deps.uc.stores(GROUPS).apply(group_id, "create", lambda _: Change(state))


async def in_inventory(deps: Deps, side: str, numbers: list[str]) -> None:
    command = c.AddNumbersToInventory(
        request_id=f"add-{side}", actor=PROVISIONING, partner_id=SIDES[side][0], numbers=numbers
    )
    await admin_inventory.add_numbers(deps, envelope(command), command)


async def assign(deps: Deps, side: str, group_id: str, numbers: list[str], rid: str) -> None:
    command = c.AssignNumbersToGroup(
        request_id=rid, actor=SIDES[side][1], group_id=group_id, numbers=numbers
    )
    await admin_groups.assign_numbers(deps, envelope(command), command)


async def groups_of_each_number(db: Any) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    async for doc in db[GROUPS].find({}):
        for number in doc["state"]["group"]["numbers"]:
            found.setdefault(number, []).append(doc["_id"])
    return found


async def test_two_instances_assigning_the_same_numbers_at_once_put_each_in_one_group(
    mongo_url, mongo_db
):
    numbers = [f"+44161496{n:04d}" for n in range(40)]
    async with (
        instance(mongo_url, mongo_db.name, 1) as (one, sink_one),
        instance(mongo_url, mongo_db.name, 2) as (two, sink_two),
    ):
        await in_inventory(one, "north", numbers)
        await in_inventory(one, "south", numbers)
        for round_ in range(8):
            share = numbers[5 * round_ : 5 * round_ + 5]
            await a_group(one, "north", f"north-{round_}")
            await a_group(one, "south", f"south-{round_}")
            await asyncio.gather(
                assign(one, "north", f"north-{round_}", share, f"n{round_}"),
                assign(two, "south", f"south-{round_}", share, f"s{round_}"),
            )
    placed = await groups_of_each_number(mongo_db)
    assert all(len(groups) == 1 for groups in placed.values()), placed
    assert placed, "at least one assignment went through"
    claims = {d["_id"]: d["group_id"] async for d in mongo_db[NUMBER_GROUP_CLAIMS].find({})}
    assert all(claims[n] == groups[0] for n, groups in placed.items())
    refusals = [
        e for e in sink_one.events + sink_two.events if e.type == "onboarding.group.action_refused"
    ]
    for refusal in refusals:
        assert {r["code"] for r in refusal.data["reasons"]} == {"number_in_another_group"}


async def test_a_taker_that_judged_the_owner_stale_loses_when_the_owner_asserts_again(mongo_db):
    """Taker reads the claim, judges its owner stale; the owner then claims the number
    again before the taker's swap: the swap fails, and the owner is found holding it."""
    claims = GroupNumberClaims(mongo_db[NUMBER_GROUP_CLAIMS])
    number = "+441614960999"

    async def nobody_else(_: list[NumberClaim]) -> set[str]:
        return set()

    assert await claims.claim("north-x", "P-720001", [number], nobody_else) == set()
    judged: list[int] = []

    async def taker_judges(seen: list[NumberClaim]) -> set[str]:
        judged.append(seen[0].epoch)
        if len(judged) == 1:
            # Between the taker's read and its swap, the owner asserts its claim again.
            assert await claims.claim("north-x", "P-720001", [number], nobody_else) == set()
            return set()  # the taker's (now outdated) judgement: stale
        return {number}  # read again: the owner holds it

    assert await claims.claim("south-x", "P-720002", [number], taker_judges) == {number}
    assert judged == [1, 2]
    assert (await claims.claims([number]))[number].group_id == "north-x"
