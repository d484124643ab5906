"""Two instances of each service in one consumer group share the work, and every effect
happens once.

The session's system gets a second process of every service (module fixture). For each
service a batch of messages spread over the input topic's partitions (one key per
aggregate) is sent once both instances own partitions of it; then both instances' `/metrics`
(`partnerops_events_in_total` for that topic) show they consumed, each outcome event is
published once per aggregate (distinct deterministic ids), and each mail reaches the
catcher once.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from deploy.demo import processes
from shared.topics import ORDERS_EVENTS, PORTING_COMMANDS, PORTING_EVENTS, SUPPORT_COMMANDS
from tests.conftest import eventually
from tests.e2e import workloads
from tests.e2e.system import System, free_port, settle

pytestmark = pytest.mark.e2e

BATCH = 12
INPUT = {  # the topic whose partitions the two instances share in each case
    "onboarding": ORDERS_EVENTS.name,
    "porting": PORTING_COMMANDS.name,
    "support": SUPPORT_COMMANDS.name,
    "notifications": PORTING_EVENTS.name,
}


@pytest.fixture(scope="module")
async def pair(system: System) -> AsyncIterator[System]:
    """The session's system with a second instance of every service in the same consumer
    group (same database, environment and log directory); the extras stop afterwards."""
    extras = []
    for name, instances in system.services.items():
        first = instances[0]
        assert first.log_dir is not None
        extra = await processes.start_service(
            name, free_port(), first.run, first.log_dir, first.extra_env, instance=1
        )
        instances.append(extra)
        extras.append(extra)
    try:
        await asyncio.gather(*(processes.wait_ready(e, timeout=240) for e in extras))
        yield system
    finally:
        for extra in extras:
            await processes.stop_service(extra)
            system.services[extra.name].remove(extra)


@pytest.mark.parametrize("service", list(INPUT))
async def test_two_instances_of_a_service_share_the_work_and_produce_each_effect_once(
    pair: System, service: str
):
    system, topic = pair, INPUT[service]

    async def both_own_partitions() -> bool:
        return await system.group_owners(service, topic) == 2

    await eventually(both_own_partitions, timeout=60, interval=0.5)
    partner = await system.partner("nl")
    tenant = await workloads.tenant_of(system, partner) if service == "support" else None
    before = [await system.consumed(service, i, topic) for i in (0, 1)]

    if service == "onboarding":
        customers = set(await workloads.place_orders(system, partner, BATCH))
        outcome, of = "onboarding.customer.recorded", lambda e: e.subject in customers
    elif service == "support":
        assert tenant is not None
        titles = await workloads.open_tickets(system, tenant, BATCH)
        wanted = {f"Call forwarding question {t}" for t in titles}
        outcome, of = "support.ticket.opened", lambda e: e.data.get("title") in wanted
    else:  # porting handles the submissions; notifications mails what porting tells
        await workloads.submit_ports(system, partner, BATCH)
        outcome = "porting.port.submitted"
        of = lambda e: e.data.get("partner_id") == partner.partner_id  # noqa: E731

    outcomes = await system.until_count(outcome, BATCH, of)

    async def all_mailed() -> dict:
        mailed = await system.mailed(partner.email)
        return mailed if outcomes <= set(mailed) else {}

    await eventually(all_mailed, timeout=90, interval=1)
    await settle(3)
    consumed = [await system.consumed(service, i, topic) - before[i] for i in (0, 1)]
    assert all(n > 0 for n in consumed), f"each instance consumed {consumed} of {topic}"
    assert sum(consumed) >= BATCH

    records = system.events(outcome, of)
    assert len(outcomes) == BATCH and len({e.subject for e in records}) == BATCH
    mailed = await system.mailed(partner.email)
    copies = {event: len(mails) for event, mails in mailed.items() if len(mails) != 1}
    assert copies == {}, f"mails sent more than once: {copies}"
    delivered = system.distinct(
        "notifications.mail.delivered", lambda e: e.data.get("recipient") == partner.email
    )
    assert len(delivered) == len(mailed)
    assert {m.language for mails in mailed.values() for m in mails} == {"nl"}
