"""Starts each service as its own operating-system process, as an operator would."""

from __future__ import annotations

import asyncio
import contextlib
import os
import select
import signal
import socket
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from shared.console import plain_console

ROOT = Path(__file__).resolve().parents[2]
console = plain_console()  # a log path is never split across lines


@dataclass
class ServiceProcess:
    name: str
    port: int
    process: asyncio.subprocess.Process
    log: Path
    instance: int = 0
    """0 for a service's only (or first) instance; 1, 2… for more in the same consumer group."""
    run: str = ""
    log_dir: Path | None = None
    extra_env: dict[str, str] = field(default_factory=dict)
    detached: bool = False
    """In a session of its own (`start_new_session`): it outlives its starter's terminal."""

    @property
    def label(self) -> str:
        """`porting`, or `porting#2` for a second instance."""
        return self.name if self.instance == 0 else f"{self.name}#{self.instance + 1}"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now (the OS picks it)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def start_service(
    name: str,
    port: int,
    run: str,
    log_dir: Path,
    extra_env: dict[str, str] | None = None,
    instance: int = 0,
    detached: bool = False,
) -> ServiceProcess:
    """`python -m services.<name>` in demonstration mode, logging JSON to a file.

    `detached` starts it in a session of its own (`start_new_session=True`, stdin from
    /dev/null), as `spawn_detached` does for the CLI: closing the terminal (SIGHUP) or a
    Ctrl-C there does not reach it, for services left running (`--keep-running`).
    Otherwise it shares the starter's session (a test's services die with the test run).

    Every instance of a service shares its database `demo_<run>_<name>` and consumer group;
    instance N > 0 logs to `<name>-<N>.log` and is named `<name>-<N>` (`instance_id`)."""
    log_dir.mkdir(parents=True, exist_ok=True)
    log = log_dir / (f"{name}.log" if instance == 0 else f"{name}-{instance}.log")
    prefix = name.upper()
    named = {f"{prefix}_INSTANCE_ID": f"{name}-{instance}"} if instance else {}
    env = {
        **os.environ,
        "PARTNEROPS_DEMO_CLOCK": "true",
        "PARTNEROPS_LOG_FORMAT": "json",
        f"{prefix}_HTTP_PORT": str(port),
        f"{prefix}_DATABASE": f"demo_{run}_{name}",
        "PARTNEROPS_TIMER_POLL_SECONDS": "0.5",
        "PARTNEROPS_OUTBOX_SWEEP_SECONDS": "1",
        **named,
        **(extra_env or {}),
    }
    handle = log.open("ab")
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        f"services.{name}",
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL if detached else None,
        stdout=handle,
        stderr=handle,
        start_new_session=detached,
    )
    return ServiceProcess(
        name, port, process, log, instance, run, log_dir, dict(extra_env or {}), detached
    )


async def wait_ready(service: ServiceProcess, timeout: float = 180.0) -> None:
    """Poll /readyz until the service answers 200 (or fail with its log tail after
    `timeout` s: a bound, generous because a Python service takes 20–90 s to import and
    join its groups when several start at once on a loaded 2-core machine)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        if service.process.returncode is not None:
            break
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", service.port)
            writer.write(b"GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n")
            await writer.drain()
            status = await reader.readline()
            writer.close()
            if b" 200 " in status:
                console.print(
                    f"  [green]✓[/green] {service.label} ready "
                    f"(pid {service.process.pid}, http :{service.port}, log {service.log})"
                )
                return
        except OSError:
            pass
        await asyncio.sleep(0.5)
    tail = service.log.read_text(errors="replace")[-3000:]
    raise RuntimeError(f"{service.label} did not become ready:\n{tail}")


async def stop_service(service: ServiceProcess) -> int:
    """SIGTERM, then wait for a graceful exit (SIGKILL after 45 s); returns the exit code."""
    if service.process.returncode is None:
        service.process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(service.process.wait(), 45)
        except TimeoutError:
            service.process.kill()
            await service.process.wait()
    return int(service.process.returncode or 0)


def service_env(name: str, port: int, extra_env: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment of one service process outside demonstration mode (the operator
    CLI's `services start`): this one's, JSON logs, its HTTP port (`<NAME>_HTTP_PORT`,
    where /readyz answers), then `extra_env` over it."""
    return {
        **os.environ,
        "PARTNEROPS_LOG_FORMAT": "json",
        f"{name.upper()}_HTTP_PORT": str(port),
        **(extra_env or {}),
    }


def spawn_detached(name: str, env: Mapping[str, str], log: Path) -> tuple[int, int]:
    """Start `python -m services.<name>` in its own session (it outlives the caller and
    a Ctrl-C to it), stdout and stderr appended to `log`; returns its pid and its start
    (`start_ticks`), which together name it for good (record both: a pid is reused)."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as handle:
        process = subprocess.Popen(
            [sys.executable, "-m", f"services.{name}"],
            cwd=ROOT,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=handle,
            stderr=handle,
            start_new_session=True,
        )
    # Not reaped before this read (the Popen object is ours): a child that has already
    # exited is still a zombie with its start time.
    return process.pid, start_ticks(process.pid) or 0


def readiness(port: int, host: str = "127.0.0.1", timeout: float = 2.0) -> str:
    """`ready`, `not ready` (the service answers 503) or `unreachable` (nothing answers)."""
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            sock.settimeout(timeout)
            sock.sendall(b"GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n")
            status = sock.recv(64)
    except OSError:
        return "unreachable"
    return "ready" if b" 200 " in status else "not ready"


def start_ticks(pid: int) -> int | None:
    """When process `pid` started, in clock ticks since boot (`/proc/<pid>/stat`, field
    22), or None when there is no such process. A pid is reused once its process has
    gone (within seconds on a busy machine: `pid_max` is 32,768 by default); the pair
    (pid, start) names one process for as long as the machine runs."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return int(fields[19])  # fields 3… after the command name: field 22 is [19]
    except (OSError, IndexError, ValueError):
        return None


def alive(pid: int, name: str | None = None, started: int | None = None) -> bool:
    """Whether `pid` is a live process (not a zombie) and the very process that started at
    `started` (`start_ticks`) if given — not a later one that was given the same pid.
    Without `started` (a record written before starts were kept), one whose command line
    runs `services.<name>` if named.

    With `started` the command line is not asked: (pid, start) is the process itself, and
    just after its spawn its command line is not yet the service's — the starter, woken
    by `vfork` once the child's `execve` has replaced its memory, can read it before the
    kernel has set the new arguments (empty, or the starter's own)."""
    proc = Path(f"/proc/{pid}")
    try:
        fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
        state, ticks = fields[0], int(fields[19])
        if state in ("Z", "X"):
            return False
        if started is not None:
            return ticks == started
        arguments = (proc / "cmdline").read_bytes().split(b"\0") if name else []
        return name is None or f"services.{name}".encode() in arguments
    except (OSError, IndexError, ValueError):
        return False


def terminate(
    pid: int, name: str | None = None, grace: float = 45.0, started: int | None = None
) -> str:
    """SIGTERM, wait up to `grace` seconds for the exit, then SIGKILL: `stopped`, `killed`
    or `not running` (also when the pid now belongs to another program, or to another
    process than the one that started at `started`, `start_ticks`).

    Every signal goes to the process checked, never to a later owner of its pid: the
    process is held by a pidfd (`os.pidfd_open`, Linux 5.3+) once its start is confirmed,
    signalled through it and waited for by polling it — no sleeping loop, no signal by
    pid after the check."""
    if not alive(pid, name, started):  # without `started`: by the command line
        return "not running"
    ticks = started if started is not None else start_ticks(pid)
    try:
        handle = os.pidfd_open(pid)
    except ProcessLookupError:
        return "not running"
    try:
        if ticks is None or start_ticks(pid) != ticks:  # the pid changed hands meanwhile
            return "not running"
        signal.pidfd_send_signal(handle, signal.SIGTERM)
        outcome = "stopped"
        if not _exits(handle, grace):
            signal.pidfd_send_signal(handle, signal.SIGKILL)
            _exits(handle, 5.0)
            outcome = "killed"
    except ProcessLookupError:  # it exited between the check and a signal
        outcome = "stopped"
    finally:
        os.close(handle)
    _reap(pid)  # our own child (a test's): its exit status collected
    return outcome


def _exits(handle: int, seconds: float) -> bool:
    """Whether the process held by pidfd `handle` exits within `seconds` (a pidfd polls
    readable once its process has exited)."""
    poller = select.poll()
    poller.register(handle, select.POLLIN)
    return bool(poller.poll(max(0, int(seconds * 1000))))


def _reap(pid: int) -> None:
    """Collect our own child's exit status (a no-op for a process we did not start)."""
    with contextlib.suppress(ChildProcessError, OSError):
        os.waitpid(pid, os.WNOHANG)


async def start_instances(
    name: str,
    ports: list[int],
    run: str,
    log_dir: Path,
    extra_env: dict[str, str] | None = None,
) -> list[ServiceProcess]:
    """`len(ports)` instances of one service, each its own process in one consumer group."""
    return [
        await start_service(name, port, run, log_dir, extra_env, instance=i)
        for i, port in enumerate(ports)
    ]


async def kill_service(service: ServiceProcess) -> int:
    """SIGKILL (no graceful shutdown: nothing finishes, nothing is committed); returns the
    exit code (-9)."""
    if service.process.returncode is None:
        service.process.kill()
    return int(await service.process.wait())


async def restart_service(service: ServiceProcess) -> ServiceProcess:
    """Start the same service again (same port, database, log, environment) after it exited."""
    if service.process.returncode is None:
        raise RuntimeError(f"{service.label} is still running (pid {service.process.pid})")
    assert service.log_dir is not None, "only a service started by start_service can restart"
    return await start_service(
        service.name,
        service.port,
        service.run,
        service.log_dir,
        service.extra_env,
        service.instance,
        service.detached,
    )
