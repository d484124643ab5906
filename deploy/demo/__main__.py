"""`python -m deploy.demo [--keep-running]`: start every service as its own process and
play the scenario.

Without `--keep-running` (or `PARTNEROPS_KEEP_RUNNING=1`) the services are stopped with
SIGTERM at the end; with it they stay up, on the run's topics and databases, for you to
look around (`/metrics`, the Mailpit web UI, more commands on Kafka).

The servers (Kafka, the Mongo-wire server) must be running: `deploy/local/demo.sh` starts
them first. Each service runs in demonstration mode: it reads time from the shared clock
topic, which this driver moves forward so that weeks pass in seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from datetime import datetime
from pathlib import Path

from deploy.demo import processes
from deploy.demo.driver import console, run_id, summary
from deploy.demo.system import DEMO_START, available_services, play
from shared.logging import configure_logging


def cli_environment(run: str) -> list[str]:
    """The shell lines that point `partnerops` at run `run`'s topic namespace and
    databases (`deploy.demo.processes`: `demo-<run>.`, `demo_<run>_<service>`)."""
    databases = " ".join(
        f"{name.upper()}_DATABASE=demo_{run}_{name}" for name in sorted(available_services())
    )
    return [
        'eval "$(bash deploy/local/servers.sh env)"   # the servers\' addresses',
        f"export PARTNEROPS_KAFKA__TOPIC_PREFIX=demo-{run}. {databases}",
        "uv run partnerops services status   # or: tail support.events, show ticket …",
    ]


def mailpit_stays(keep_running: bool) -> bool:
    """Whether Mailpit is still up after this run: `deploy/local/demo.sh` names the servers
    it started and will stop at its end in `PARTNEROPS_DEMO_STOPS_SERVERS` (not with
    `--keep-running`); run directly, this module stops no server."""
    stopped = os.environ.get("PARTNEROPS_DEMO_STOPS_SERVERS", "").split()
    return keep_running or "mailpit" not in stopped


async def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy.demo", description=__doc__)
    parser.add_argument(
        "--keep-running",
        action="store_true",
        default=os.environ.get("PARTNEROPS_KEEP_RUNNING", "0") == "1",
        help="leave the services running after the scenario (default: stop them)",
    )
    args = parser.parse_args(argv)
    # The shared plumbing's own log lines (topic creation) would print local wall-clock
    # stamps among the RFC 3339 ones: warnings only, stamped RFC 3339 in UTC (whole
    # seconds, as every instant the demonstration prints).
    configure_logging("demo", "console", "WARNING", whole_seconds=True)
    bootstrap = os.environ.get("PARTNEROPS_KAFKA__BOOTSTRAP_SERVERS", "127.0.0.1:39092")
    log_dir = Path(os.environ.get("PARTNEROPS_STATE", processes.ROOT / ".local")) / "logs"
    run = run_id()
    start = DEMO_START
    if os.environ.get("PARTNEROPS_DEMO_START"):
        start = datetime.fromisoformat(os.environ["PARTNEROPS_DEMO_START"])
        if start.tzinfo is None:
            console.print("[red]PARTNEROPS_DEMO_START needs an offset, e.g. +00:00[/red]")
            return 2
    stays = mailpit_stays(args.keep_running)
    try:
        lines = await play(
            bootstrap,
            run,
            log_dir,
            # Free ports, not fixed ones: another demonstration or session on this
            # machine would otherwise answer this one's readiness probes.
            {name: processes.free_port() for name in available_services()},
            f"demo-{run}.",
            start,
            keep_running=args.keep_running,
            mailpit_stays=stays,
        )
    except Exception as error:
        console.print(f"[red bold]demonstration failed:[/red bold] {error!r}")
        console.print(f"service logs: {log_dir}")
        return 1
    summary(lines)
    console.print(f"\nservice logs (JSON): {log_dir}")
    if args.keep_running:
        console.print("[bold]The system is left running[/bold] (see the pids above).")
        console.print("To use the operator CLI on this run, set its namespace first:")
        for line in cli_environment(run):
            console.print(f"  {line}", soft_wrap=True)
    else:
        console.print(
            "The services were stopped. Run with --keep-running (PARTNEROPS_KEEP_RUNNING=1) "
            "to leave them up."
        )
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
