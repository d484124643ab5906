"""`python -m deploy.demo`: start every service as its own process and play the scenario.

The servers (Kafka, the Mongo-wire server) must be running: `deploy/local/demo.sh` starts
them first. Each service runs in demonstration mode: it reads time from the shared clock
topic, which this driver moves forward so that weeks pass in seconds.
"""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import datetime
from pathlib import Path

from deploy.demo import processes
from deploy.demo.driver import console, run_id, summary
from deploy.demo.system import DEFAULT_PORTS, DEMO_START, play


async def main() -> int:
    bootstrap = os.environ.get("PARTNEROPS_KAFKA__BOOTSTRAP_SERVERS", "127.0.0.1:39092")
    log_dir = Path(os.environ.get("PARTNEROPS_STATE", processes.ROOT / ".local")) / "logs"
    run = run_id()
    start = DEMO_START
    if os.environ.get("PARTNEROPS_DEMO_START"):
        start = datetime.fromisoformat(os.environ["PARTNEROPS_DEMO_START"])
        if start.tzinfo is None:
            console.print("[red]PARTNEROPS_DEMO_START needs an offset, e.g. +00:00[/red]")
            return 2
    try:
        lines = await play(bootstrap, run, log_dir, DEFAULT_PORTS, f"demo-{run}.", start)
    except Exception as error:
        console.print(f"[red bold]demonstration failed:[/red bold] {error!r}")
        console.print(f"service logs: {log_dir}")
        return 1
    summary(lines)
    console.print(f"\nservice logs (JSON): {log_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
