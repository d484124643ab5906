"""`uv run python -m tests.faults --events 10000 --seed 7`: the full fault-injection run.

Prints the figures as a table, writes them as JSON (`--json`, default
`.local/faults/result.json`) and exits 1 on any lost fact, aggregate or mail, or any
duplicated effect; 2 when the run could not be set up.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path

from rich.table import Table

from shared.console import plain_console
from tests.faults.checker import Verdict
from tests.faults.run import Options, run_faults

console = plain_console()


def table(verdict: Verdict, options: Options) -> Table:
    """The run's figures, one row each."""
    out = Table(title=f"fault-injection run: {options.events} events, seed {options.seed}")
    out.add_column("figure")
    out.add_column("value", justify="right")
    kinds: dict[str, int] = {}
    for fault in verdict.faults:
        kinds[fault["kind"]] = kinds.get(fault["kind"], 0) + 1
    rows = [
        ("input events sent", verdict.events_sent),
        ("facts expected", verdict.facts_expected),
        ("aggregates expected", verdict.aggregates_expected),
        ("mails expected (desks)", verdict.mails_expected),
        ("[bold]lost[/bold]", verdict.lost),
        ("  facts lost", len(verdict.facts_lost)),
        ("  aggregates lost", len(verdict.aggregates_lost)),
        ("  mails lost", sum(verdict.mails_lost.values())),
        ("[bold]duplicated effects[/bold]", verdict.duplicated),
        ("  facts under 2+ ids", len(verdict.facts_duplicated)),
        ("  unexplained aggregates", len(verdict.aggregates_unexplained)),
        ("  extra mails (distinct Message-IDs)", sum(verdict.mails_duplicated.values())),
        (
            "events read / redelivered copies",
            f"{verdict.events_read} / {verdict.event_copies_redelivered}",
        ),
        (
            "mails in catcher / resent copies",
            f"{verdict.mails_in_catcher} / {verdict.mail_copies_resent}",
        ),
        ("mail.delivered without its mail", verdict.delivered_events_without_mail),
        ("mails deferred while SMTP was down", verdict.mails_deferred),
        ("dead-lettered", sum(verdict.dead_letters.values())),
        ("ticket openings retried (unknown_tenant)", verdict.ticket_openings_retried),
        ("stalled flows", len(verdict.stalled_flows)),
        ("faults injected", ", ".join(f"{k} ×{n}" for k, n in sorted(kinds.items()))),
    ]
    for name, value in rows:
        out.add_row(name, str(value))
    return out


def fault_table(verdict: Verdict) -> Table:
    out = Table(
        title="faults: seconds down; seconds until the affected part answered again (probe)"
    )
    for column in ("kind", "target", "down_s", "recovered_s"):
        out.add_column(column)
    for fault in verdict.faults:
        out.add_row(*(str(fault[c]) for c in ("kind", "target", "down_s", "recovered_s")))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.faults", description=__doc__)
    parser.add_argument("--events", type=int, default=10_000, help="input events (10000)")
    parser.add_argument("--seed", type=int, default=7, help="chooses workload and faults (7)")
    parser.add_argument("--concurrency", type=int, default=40, help="flows at once (40)")
    parser.add_argument("--state", type=Path, default=Options.state, help="servers, logs")
    parser.add_argument("--json", type=Path, default=None, help="where the figures go")
    args = parser.parse_args(argv)
    # The clients' reconnect warnings during a broker restart are expected: keep them quiet.
    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)
    options = Options(
        events=args.events, seed=args.seed, concurrency=args.concurrency, state=args.state
    )
    try:
        verdict = asyncio.run(run_faults(options, say=console.print))
    except Exception as error:
        console.print(f"[red bold]the run could not be played:[/red bold] {error!r}")
        return 2
    console.print(table(verdict, options))
    console.print(fault_table(verdict))
    for title, items in (
        ("lost facts", verdict.facts_lost),
        ("lost aggregates", verdict.aggregates_lost),
        ("duplicated facts", verdict.facts_duplicated),
        ("unexplained aggregates", verdict.aggregates_unexplained),
        ("stalled flows", verdict.stalled_flows),
    ):
        for item in items[:20]:
            console.print(f"[red]{title}:[/red] {item}")
    if verdict.dead_letters:
        console.print(f"dead letters: {verdict.dead_letters}")
    target = args.json or options.state / "result.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(verdict.to_json())
    console.print(f"figures: {target}")
    return 0 if verdict.ok else 1


if __name__ == "__main__":
    sys.exit(main())
