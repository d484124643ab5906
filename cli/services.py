"""`partnerops services start|stop|status`: each service as its own OS process, N
instances each, detached, recorded in the run directory.

Every instance is `python -m services.<name>` (`deploy.demo.processes`) with its own HTTP
port (`<NAME>_HTTP_PORT`, where `/readyz` answers) and instance id; the instances of one
service share its consumer group and database, so they share the work. One JSON record
per instance, `<run dir>/<name>-<n>.json` (pid, port, log, instance id, start time), logs
in `<run dir>/logs/`. The run directory is `--run-dir`, else `$PARTNEROPS_RUN_DIR`, else
`~/.local/state/partnerops`. Stop = SIGTERM, then SIGKILL after `--grace` seconds.
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from cli.context import (
    EXIT_FAILED,
    EXIT_INVALID,
    SERVICES,
    Cli,
    Failure,
    cli_of,
    console,
    emit_json,
    reported,
    rfc3339,
    rfc3339_text,
)
from cli.options import MAX_SECONDS, seconds
from deploy.demo import processes

app = typer.Typer(
    help="Start, stop and inspect service processes (N instances each).", no_args_is_help=True
)

EXAMPLE_START = """Examples:

  partnerops services start --instances 2

  partnerops services start support porting --base-port 18080 --json
"""
EXAMPLE_STOP = """Examples:

  partnerops services stop

  partnerops services stop notifications --grace 10
"""
EXAMPLE_STATUS = """Examples:

  partnerops services status

  partnerops services status support --json
"""


@dataclass
class Instance:
    """One started service process as recorded in the run directory."""

    name: str
    number: int
    pid: int
    port: int
    log: str
    instance_id: str
    started_at: str
    start_ticks: int | None = None
    """The process's start (`processes.start_ticks`): with the pid, it names the process
    for good — a record whose pid now belongs to a later process is not that instance.
    None in a record written before it was kept (then the command line alone decides)."""

    @property
    def key(self) -> str:
        return f"{self.name}-{self.number}"


def run_dir(cli: Cli, given: Path | None, create: bool = False) -> Path:
    """The run directory: `--run-dir`, else `PARTNEROPS_RUN_DIR` (`CliSettings.run_dir`).
    One that is not a directory (a file), or that cannot be created with `create`, is
    `invalid_run_dir` (exit 2) naming where it came from — not an unexpected error."""
    source = "--run-dir" if given else "PARTNEROPS_RUN_DIR"
    directory = (given or cli.settings.run_dir).expanduser().resolve()
    problem = None
    if directory.exists() and not directory.is_dir():
        problem = "is not a directory"
    elif create:
        try:
            (directory / "logs").mkdir(parents=True, exist_ok=True)
        except OSError as error:
            problem = f"cannot be created: {error.strerror}"
    if problem:
        message = f"{directory} ({source}) {problem}"
        raise Failure(
            "invalid_run_dir",
            message,
            [{"field": source, "code": "invalid_run_dir", "message": problem}],
            EXIT_INVALID,
            parameter=source,
        )
    return directory


def recorded(directory: Path, names: Sequence[str]) -> list[Instance]:
    """The recorded instances of `names`, by service and number."""
    found: list[Instance] = []
    for path in sorted(directory.glob("*-*.json")):
        try:
            instance = Instance(**json.loads(path.read_text()))
        except (OSError, ValueError, TypeError):
            continue
        if not all(isinstance(v, int) for v in (instance.pid, instance.port, instance.number)):
            continue  # not a record this command wrote
        if not isinstance(instance.start_ticks, int | None):
            continue
        if instance.name in names:
            found.append(instance)
    return sorted(found, key=lambda i: (i.name, i.number))


def record_path(directory: Path, name: str, number: int) -> Path:
    return directory / f"{name}-{number}.json"


def chosen(names: list[str] | None) -> list[str]:
    unknown = sorted(set(names or ()) - set(SERVICES))
    if unknown:
        raise Failure(
            "unknown_service",
            f"no service {', '.join(unknown)}; services: {', '.join(SERVICES)}",
            exit_code=EXIT_INVALID,
        )
    return list(names or SERVICES)


def child_env(cli: Cli) -> dict[str, str]:
    """What the root options change for the services (the rest is inherited)."""
    kafka, mongo = cli.settings.kafka, cli.settings.mongo
    return {
        "PARTNEROPS_KAFKA__BOOTSTRAP_SERVERS": kafka.bootstrap_servers,
        "PARTNEROPS_KAFKA__TOPIC_PREFIX": kafka.topic_prefix,
        "PARTNEROPS_MONGO__URL": mongo.url.get_secret_value(),
    }


def state_of(instance: Instance) -> str:
    if not processes.alive(instance.pid, instance.name, instance.start_ticks):
        return "exited"
    return processes.readiness(instance.port)


def table(rows: list[dict[str, object]]) -> Table:
    view = Table(title="partnerops services")
    for column in ("service", "instance", "pid", "port", "state", "log"):
        view.add_column(column)
    colours = {
        "ready": "green",
        "not ready": "yellow",
        "unreachable": "yellow",
        "exited": "red",
        "stopped": "dim",
        "killed": "red",
        "not running": "dim",
        "already running": "green",
    }
    for row in rows:
        state = str(row["state"])
        view.add_row(
            str(row["service"]),
            str(row["instance"]),
            str(row["pid"]),
            str(row["port"]),
            f"[{colours.get(state, 'white')}]{state}[/]",
            str(row["log"]),
        )
    return view


def row(instance: Instance, state: str) -> dict[str, object]:
    return {
        "service": instance.name,
        "instance": instance.number,
        "pid": instance.pid,
        "port": instance.port,
        "state": state,
        "log": instance.log,
        "instance_id": instance.instance_id,
        "started_at": rfc3339_text(instance.started_at),
    }


def show(rows: list[dict[str, object]], as_json: bool) -> None:
    if as_json:
        emit_json({"services": rows})
    else:
        console.print(table(rows))


def _names(ctx: typer.Context, param: Any, value: list[str] | None) -> Any:
    unknown = sorted(set(value or ()) - set(SERVICES))
    if unknown:
        raise typer.BadParameter(
            f"no service {', '.join(unknown)}; services: {', '.join(SERVICES)}",
            ctx=ctx,
            param=param,
        )
    return value


NamesArg = Annotated[
    list[str] | None,
    typer.Argument(help="Services (default: all four)", callback=_names),
]
RunDirOpt = Annotated[
    Path | None,
    typer.Option("--run-dir", help="Run directory", file_okay=False, dir_okay=True),
]


@app.command(epilog=EXAMPLE_START)
def start(
    ctx: typer.Context,
    names: NamesArg = None,
    instances: Annotated[int, typer.Option(min=1, max=16, help="Instances per service")] = 1,
    base_port: Annotated[
        int | None,
        typer.Option(
            min=1024,
            max=65535,
            help="HTTP port of the first instance, then +1 each (1024-65535; default: free "
            "ports); every port must be free",
        ),
    ] = None,
    run_dir_option: RunDirOpt = None,
    wait: Annotated[bool, typer.Option(help="Wait until every instance is ready")] = True,
    timeout: Annotated[
        float,
        typer.Option(callback=seconds(0.1, MAX_SECONDS), help="Seconds to wait for readiness"),
    ] = 120.0,
    as_json: Annotated[bool, typer.Option("--json", help="JSON output")] = False,
) -> None:
    """Start services as detached processes, N instances each (a running one is kept)."""
    cli = cli_of(ctx)
    with reported():
        directory = run_dir(cli, run_dir_option, create=True)
        existing = {i.key: i for i in recorded(directory, SERVICES)}
        started: list[Instance] = []
        kept: list[Instance] = []
        wanted: list[tuple[str, int]] = []
        for name in chosen(names):
            for number in range(1, instances + 1):
                old = existing.get(f"{name}-{number}")
                if old is not None and processes.alive(old.pid, name, old.start_ticks):
                    kept.append(old)
                else:
                    wanted.append((name, number))
        ports = planned_ports(len(wanted), base_port)
        for (name, number), port in zip(wanted, ports, strict=True):
            instance_id = f"{name}-{number}-{socket.gethostname()}"
            log = directory / "logs" / f"{name}-{number}.log"
            env = processes.service_env(
                name, port, {**child_env(cli), f"{name.upper()}_INSTANCE_ID": instance_id}
            )
            pid, ticks = processes.spawn_detached(name, env, log)
            instance = Instance(
                name, number, pid, port, str(log), instance_id, rfc3339(datetime.now(UTC)), ticks
            )
            record_path(directory, name, number).write_text(json.dumps(asdict(instance)))
            started.append(instance)
        states = {i.key: "started" for i in started}
        if wait:
            states = await_ready(started, timeout)
        rows = [row(i, "already running") for i in kept] + [row(i, states[i.key]) for i in started]
        show(sorted(rows, key=lambda r: (str(r["service"]), int(str(r["instance"])))), as_json)
        failed = [k for k, s in states.items() if s not in ("ready", "started")]
        if failed:
            raise Failure(
                "not_ready",
                f"not ready within {timeout:g} s: {', '.join(failed)} (see their logs)",
                exit_code=EXIT_FAILED,
                instances=failed,
            )


def port_taken(port: int, host: str = "127.0.0.1") -> bool:
    """Whether something already listens on `host:port`: binding it fails (with
    SO_REUSEADDR, as the services bind, so a closed connection's TIME_WAIT is no owner)."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return True
    return False


def planned_ports(count: int, base_port: int | None) -> list[int]:
    """The HTTP ports of `count` new instances: `base_port`, +1 each, every one free
    (raises a `port_in_use` / `invalid_value` `Failure`, exit 2, naming the port: a port
    another process answers on would make its /readyz look like ours); else free ports
    the OS picks."""
    if base_port is None:
        return [processes.free_port() for _ in range(count)]
    ports = list(range(base_port, base_port + count))
    if ports and ports[-1] > 65535:
        raise Failure(
            "usage_error",
            f"--base-port {base_port} + {count} instance(s) runs past port 65535",
            [{"field": "--base-port", "code": "invalid_value", "message": "ports past 65535"}],
            EXIT_INVALID,
            parameter="--base-port",
        )
    taken = [p for p in ports if port_taken(p)]
    if taken:
        raise Failure(
            "port_in_use",
            f"port {', '.join(map(str, taken))} is already in use by another process "
            f"(--base-port {base_port} needs {ports[0]}-{ports[-1]} free); nothing was started",
            [
                {"field": "--base-port", "code": "port_in_use", "message": f"port {p} is in use"}
                for p in taken
            ],
            EXIT_INVALID,
            parameter="--base-port",
            ports=taken,
        )
    return ports


def await_ready(instances: list[Instance], timeout: float) -> dict[str, str]:
    """Poll every instance's /readyz until all are ready, one exited, or `timeout`."""
    deadline = time.monotonic() + timeout
    states = {i.key: "starting" for i in instances}
    while True:
        for instance in instances:
            if states[instance.key] != "ready":
                states[instance.key] = state_of(instance)
        if all(s in ("ready", "exited") for s in states.values()) or time.monotonic() > deadline:
            return states
        time.sleep(0.3)


@app.command(epilog=EXAMPLE_STOP)
def stop(
    ctx: typer.Context,
    names: NamesArg = None,
    grace: Annotated[
        float,
        typer.Option(
            callback=seconds(0, MAX_SECONDS),
            help="Seconds between SIGTERM and SIGKILL (0-3600)",
        ),
    ] = 45.0,
    run_dir_option: RunDirOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON output")] = False,
) -> None:
    """Stop recorded instances: SIGTERM, wait, SIGKILL after the grace period."""
    cli = cli_of(ctx)
    with reported():
        directory = run_dir(cli, run_dir_option)
        rows = []
        for instance in recorded(directory, chosen(names)):
            outcome = processes.terminate(instance.pid, instance.name, grace, instance.start_ticks)
            record_path(directory, instance.name, instance.number).unlink(missing_ok=True)
            rows.append(row(instance, outcome))
        show(rows, as_json)


@app.command(epilog=EXAMPLE_STATUS)
def status(
    ctx: typer.Context,
    names: NamesArg = None,
    run_dir_option: RunDirOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON output")] = False,
) -> None:
    """Each recorded instance: pid, HTTP port, readiness (/readyz), log file; exit 1 when
    one is not ready."""
    cli = cli_of(ctx)
    with reported():
        directory = run_dir(cli, run_dir_option)
        rows = [row(i, state_of(i)) for i in recorded(directory, chosen(names))]
        show(rows, as_json)
        if any(r["state"] != "ready" for r in rows):
            raise typer.Exit(EXIT_FAILED)
