"""Cost of claiming a port request's numbers: round trips and seconds, first and redelivered.

    uv run python -m tests.benchmarks.claims --numbers 10000

Runs porting's submit use case on one request of `--numbers` numbers (ranges of 1,000,
rounded up), then the same command again, with the real adapters and servers from the
environment (as for the tests: one porting instance as the claims' integration tests build
it, `tests.integration.porting.test_number_claims.instance`), and prints the commands sent
to the claims collection and the elapsed time of each. Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time

from pymongo import AsyncMongoClient

from services.porting.adapters.claims import CLAIMS
from services.porting.application import submissions
from services.porting.application.porting import Porting
from shared.contracts import porting as c
from shared.events import Envelope, new_event
from shared.ids import new_id
from tests.integration.porting.test_number_claims import NOW, instance, partner


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--numbers", type=int, default=10_000)
    args = parser.parse_args()
    url = os.environ.get("PARTNEROPS_MONGO__URL", "mongodb://127.0.0.1:37017")
    database = f"bench_{new_id().lower()}"
    blocks = (args.numbers + 999) // 1000
    partner_id, actor = partner(1)
    cmd = c.SubmitPortRequest(
        request_id="bench",
        actor=actor,
        partner_id=partner_id,
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
    envelope: Envelope = new_event(cmd, source="/bench", now=NOW, subject=partner_id)
    try:
        async with instance(url, database) as (deps, sink, commands):
            rules = deps.rules.model_copy(update={"max_numbers_per_request": blocks * 1000})
            porting = Porting.of(deps.porting.claims, rules)
            for label in ("first delivery", "redelivery"):
                before, start = commands.on_claims, time.perf_counter()
                await submissions.submit(deps.uc, porting, envelope, cmd)
                elapsed = time.perf_counter() - start
                print(
                    f"{label:15} {blocks * 1000} numbers: {commands.on_claims - before} "
                    f"commands on the claims, {elapsed:.2f} s"
                )
            decided = sink.of_type("porting.port.submitted")
            assert len(decided) == 1, [e.type for e in sink.events]  # submitted, not refused
    finally:
        client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(url)
        print(f"claims stored: {await client[database][CLAIMS].count_documents({})}")
        await client.drop_database(database)
        await client.close()


if __name__ == "__main__":
    asyncio.run(main())
