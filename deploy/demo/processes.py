"""Starts each service as its own operating-system process, as an operator would."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console

ROOT = Path(__file__).resolve().parents[2]
console = Console(highlight=False)


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

    @property
    def label(self) -> str:
        """`porting`, or `porting#2` for a second instance."""
        return self.name if self.instance == 0 else f"{self.name}#{self.instance + 1}"


async def start_service(
    name: str,
    port: int,
    run: str,
    log_dir: Path,
    extra_env: dict[str, str] | None = None,
    instance: int = 0,
) -> ServiceProcess:
    """`python -m services.<name>` in demonstration mode, logging JSON to a file.

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
        sys.executable, "-m", f"services.{name}", cwd=ROOT, env=env, stdout=handle, stderr=handle
    )
    return ServiceProcess(name, port, process, log, instance, run, log_dir, dict(extra_env or {}))


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
    )
