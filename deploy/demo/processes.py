"""Starts each service as its own operating-system process, as an operator would."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from dataclasses import dataclass
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
    instance: int | None = None

    @property
    def label(self) -> str:
        """`name` for a single instance, `name#N` for one of several."""
        return self.name if self.instance is None else f"{self.name}#{self.instance}"


async def start_service(
    name: str, port: int, run: str, log_dir: Path, extra_env: dict[str, str] | None = None
) -> ServiceProcess:
    """`python -m services.<name>` in demonstration mode, logging JSON to a file."""
    return await start_instance(name, None, port, run, log_dir, extra_env)


async def start_instance(
    name: str,
    instance: int | None,
    port: int,
    run: str,
    log_dir: Path,
    extra_env: dict[str, str] | None = None,
) -> ServiceProcess:
    """One instance of a service (`instance` numbers it; its log is `<name>-<N>.log`).

    Every instance of a service shares its database and consumer group, as N operator
    processes would; each needs its own HTTP `port`. Appends to the log, so a restarted
    instance keeps its predecessor's lines.
    """
    log_dir.mkdir(parents=True, exist_ok=True)
    log = log_dir / (f"{name}.log" if instance is None else f"{name}-{instance}.log")
    prefix = name.upper()
    env = {
        **os.environ,
        "PARTNEROPS_DEMO_CLOCK": "true",
        "PARTNEROPS_LOG_FORMAT": "json",
        f"{prefix}_HTTP_PORT": str(port),
        f"{prefix}_DATABASE": f"demo_{run}_{name}",
        "PARTNEROPS_TIMER_POLL_SECONDS": "0.5",
        "PARTNEROPS_OUTBOX_SWEEP_SECONDS": "1",
        **(extra_env or {}),
    }
    handle = log.open("ab")
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", f"services.{name}", cwd=ROOT, env=env, stdout=handle, stderr=handle
    )
    return ServiceProcess(name, port, process, log, instance)


async def wait_ready(service: ServiceProcess, timeout: float = 90.0) -> None:
    """Poll /readyz until the service answers 200 (or fail with its log tail)."""
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


async def kill_service(service: ServiceProcess) -> None:
    """SIGKILL (no graceful shutdown: a crash), then reap the process."""
    if service.process.returncode is None:
        service.process.kill()
    await service.process.wait()
