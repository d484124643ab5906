"""Cost of claiming a port request's numbers: round trips and seconds, first and redelivered.

    uv run python -m tests.benchmarks.claims --numbers 10000

Runs porting's submit use case (real adapters, servers from the environment as for the
tests) on one request of `--numbers` numbers (ranges of 1,000), then the same command
again, and prints the commands sent to the claims collection and the elapsed time of each.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
from datetime import UTC, datetime
from typing import Any, cast

from pymongo import AsyncMongoClient, monitoring

from services.porting.adapters.repository import CLAIMS, PORTS
from services.porting.application import submissions
from services.porting.application.deps import Deps
from services.porting.settings import PortingSettings
from shared.actor import Actor
from shared.clock import FixedClock
from shared.contracts import porting as c
from shared.events import Envelope, new_event
from shared.ids import new_id
from shared.runtime import ServiceContext

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


class _Counter(monitoring.CommandListener):
    def __init__(self) -> None:
        self.claims = 0

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        self.claims += event.command.get(event.command_name) == CLAIMS

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass


class _Sink:
    async def publish_written(self, *_: Any) -> None:
        pass

    async def flush(self, *_: Any) -> int:
        return 0

    async def publish(self, *_: Any, **__: Any) -> None:
        pass


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--numbers", type=int, default=10_000)
    args = parser.parse_args()
    counter = _Counter()
    url = os.environ.get("PARTNEROPS_MONGO__URL", "mongodb://127.0.0.1:37017")
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
        url, tz_aware=True, event_listeners=[counter]
    )
    database = f"bench_{new_id().lower()}"
    settings = PortingSettings(database=database)
    rules = settings.rules.model_copy(update={"max_numbers_per_request": args.numbers})
    ctx = ServiceContext(
        name="porting",
        settings=settings,
        clock=FixedClock(NOW),
        db=client[database],
        dispatcher=cast(Any, None),
        publisher=cast(Any, _Sink()),
        instance_id="bench",
    )
    ctx.store(PORTS)
    ctx.relay = cast(Any, _Sink())
    deps = Deps(ctx, rules)
    actor = Actor(user_id="bench-user", partner_id="bench-partner")
    blocks = (args.numbers + 999) // 1000
    cmd = c.SubmitPortRequest(
        request_id="bench",
        actor=actor,
        partner_id="bench-partner",
        country="GB",
        product="analogue",
        numbers=[
            c.NumberRangeIn(first=f"+4420794{b:02d}000", last=f"+4420794{b:02d}999")
            for b in range(10, 10 + blocks)
        ],
        main_billing_number="020 7946 0000",
        registered_address=c.AddressIn(
            lines=["1 Bench Street"], city="London", postal_code="EC1A 9ZZ", country="GB"
        ),
        losing_provider="Example Telecom Ltd",
        range_holder="Example Networks plc",
    )
    envelope: Envelope = new_event(cmd, source="/bench", now=NOW, subject="bench-partner")
    try:
        for label in ("first delivery", "redelivery"):
            before, start = counter.claims, time.perf_counter()
            await submissions.submit(deps, envelope, cmd)
            elapsed = time.perf_counter() - start
            print(
                f"{label:15} {blocks * 1000} numbers: {counter.claims - before} commands on "
                f"the claims, {elapsed:.2f} s"
            )
        print(f"claims stored: {await ctx.db[CLAIMS].count_documents({})}")
    finally:
        await client.drop_database(database)
        await client.close()


if __name__ == "__main__":
    asyncio.run(main())
