"""`partnerops servers start|stop|status`: the local Kafka, Mongo-wire server and Mailpit
(`deploy/local/servers.sh`, whose environment variables — ports, `PARTNEROPS_STATE` —
apply unchanged)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from cli.context import EXIT_FAILED, Failure, console, emit_json, reported

SERVERS_SH = Path(__file__).resolve().parents[1] / "deploy" / "local" / "servers.sh"
SERVERS = ("kafka", "mongo", "mailpit")
_LINE = re.compile(r"^(kafka|mongo|mailpit): (running|stopped)(?: \((.*)\))?$")

app = typer.Typer(
    help="The local servers (Kafka, Mongo-wire server, Mailpit).", no_args_is_help=True
)

EXAMPLE = """Examples:

  partnerops servers {verb}

  partnerops servers {verb} kafka{json}
"""


def servers_sh(action: str, server: str, capture: bool) -> subprocess.CompletedProcess[str]:
    if not SERVERS_SH.exists():
        raise Failure("servers_script_missing", f"{SERVERS_SH} is missing (run from a checkout)")
    return subprocess.run(
        ["bash", str(SERVERS_SH), action, server], capture_output=capture, text=True, check=False
    )


def parse_status(text: str) -> list[dict[str, str]]:
    """`servers.sh status` lines as rows: server, state, details."""
    rows = []
    for line in text.splitlines():
        found = _LINE.match(line.strip())
        if found:
            rows.append({"server": found[1], "state": found[2], "details": found[3] or ""})
    return rows


def status_rows(server: str) -> list[dict[str, str]]:
    done = servers_sh("status", server, capture=True)
    rows = parse_status(done.stdout)
    if not rows:
        raise Failure("servers_status_failed", (done.stderr or done.stdout)[-500:])
    return rows


def render(rows: list[dict[str, str]], as_json: bool) -> None:
    if as_json:
        emit_json({"servers": rows})
        return
    view = Table(title="partnerops local servers")
    for column in ("server", "state", "details"):
        view.add_column(column)
    for r in rows:
        colour = "green" if r["state"] == "running" else "red"
        view.add_row(r["server"], f"[{colour}]{r['state']}[/]", r["details"])
    console.print(view)


def _server(value: str) -> str:
    if value not in (*SERVERS, "all"):
        raise typer.BadParameter(f"one of {', '.join(SERVERS)}, all")
    return value


ServerArg = Annotated[str, typer.Argument(help="kafka, mongo, mailpit or all", callback=_server)]
JsonOpt = Annotated[bool, typer.Option("--json", help="JSON output")]


def _act(action: str, server: str, as_json: bool) -> None:
    with reported():
        done = servers_sh(action, server, capture=as_json)
        rows = status_rows(server)
        render(rows, as_json)
        if done.returncode != 0:
            raise Failure(
                f"servers_{action}_failed",
                f"servers.sh {action} {server} exited {done.returncode}",
                output=(done.stderr or "")[-2000:] if as_json else None,
            )
        wanted = "running" if action == "start" else "stopped"
        if any(r["state"] != wanted for r in rows):
            raise typer.Exit(EXIT_FAILED)


@app.command(epilog=EXAMPLE.format(verb="start", json=" --json"))
def start(server: ServerArg = "all", as_json: JsonOpt = False) -> None:
    """Fetch what is missing, start, wait until the server answers (a second start is
    harmless); then the status."""
    _act("start", server, as_json)


@app.command(epilog=EXAMPLE.format(verb="stop", json=""))
def stop(server: ServerArg = "all", as_json: JsonOpt = False) -> None:
    """SIGTERM, wait, SIGKILL (harmless when not running); then the status."""
    _act("stop", server, as_json)


@app.command(epilog=EXAMPLE.format(verb="status", json=" --json"))
def status(server: ServerArg = "all", as_json: JsonOpt = False) -> None:
    """Each server running or stopped, with pid and addresses; exit 1 when one is stopped."""
    with reported():
        rows = status_rows(server)
        render(rows, as_json)
        if any(r["state"] != "running" for r in rows):
            raise typer.Exit(EXIT_FAILED)
