"""Database commands per handled message: porting submissions, counted by the driver.

    uv run python -m tests.benchmarks.commands [--submissions 2000] [--warmup 100]

Runs the real porting service in this process on submissions (as `tests.benchmarks.
pipeline` does) with a PyMongo command listener registered, and prints, per command and
collection, how many commands went to the server, how many documents they carried and
their mean duration — the round trips a submission costs, which the batch path's
group-asking (`shared.coalesce`) brings down. Servers from the environment, as for the
tests. Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import asyncio
import os
from collections import Counter

from pymongo import monitoring

QUIET = {"hello", "isMaster", "ismaster", "ping", "endSessions", "buildInfo"}


class Commands(monitoring.CommandListener):
    """Counts commands, documents and time per `<command> <collection>`."""

    def __init__(self) -> None:
        self.count: Counter[str] = Counter()
        self.documents: Counter[str] = Counter()
        self.micros: Counter[str] = Counter()
        self._open: dict[int, str] = {}

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        if event.command_name in QUIET:
            return
        key = f"{event.command_name} {event.command.get(event.command_name)}"
        self.count[key] += 1
        self._open[event.request_id] = key
        for field in ("documents", "updates", "deletes"):
            self.documents[key] += len(event.command.get(field, ()))

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        if (key := self._open.pop(event.request_id, None)) is not None:
            self.micros[key] += event.duration_micros

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        if (key := self._open.pop(event.request_id, None)) is not None:
            self.micros[key] += event.duration_micros


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=2000)
    parser.add_argument("--warmup", type=int, default=100)
    args = parser.parse_args()
    listener = Commands()
    monitoring.register(listener)  # before any client exists
    from tests.benchmarks import pipeline

    bootstrap = os.environ.get("PARTNEROPS_KAFKA__BOOTSTRAP_SERVERS", "127.0.0.1:39092")
    mongo_url = os.environ.get("PARTNEROPS_MONGO__URL", "mongodb://127.0.0.1:37017")

    async def measured() -> float:
        try:
            return await pipeline.porting_pipeline(
                bootstrap, mongo_url, args.warmup, args.submissions
            )
        finally:
            await pipeline.drop_created_topics(bootstrap)  # a broker full of topics is slower

    rate = asyncio.run(measured())
    handled = sum(pipeline.PORTING_OUTCOMES.values())
    print(f"\n{handled} submissions decided, {rate:.0f}/s after the first {args.warmup}")
    print(
        f"{'command collection':32} {'commands':>9} {'per msg':>8} {'documents':>10} {'ms/cmd':>8}"
    )
    for key, count in listener.count.most_common():
        mean = listener.micros[key] / count / 1000
        print(
            f"{key:32} {count:9d} {count / handled:8.2f} {listener.documents[key]:10d} {mean:8.2f}"
        )


if __name__ == "__main__":
    main()
