"""The fault run's own Kafka, Mongo-wire server and Mailpit, on ports of their own.

The run restarts servers, so it never uses the shared ones: `deploy/local/servers.sh`
runs a second copy of each beside them, with its own state directory (data, pid files,
logs: `PARTNEROPS_STATE`) and ports. Every server persists to disk — Kafka's log
directory, mongo-java-server's H2 (MVStore) file, which `Launcher.java` commits before
each write is answered, and Mailpit's SQLite file — so a restart keeps what was
acknowledged, as a production restart would.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.servers import free_port, real_time

ROOT = Path(__file__).resolve().parents[2]
SERVERS_SH = ROOT / "deploy" / "local" / "servers.sh"


@dataclass(frozen=True)
class PrivateServers:
    """Ports and state directory of one private set of servers."""

    state: Path
    kafka_port: int
    controller_port: int
    mongo_port: int
    smtp_port: int
    mailpit_http_port: int

    @classmethod
    def allocate(cls, state: Path) -> PrivateServers:
        """Free ports chosen now (never the shared servers' defaults: those are taken)."""
        return cls(state, *(free_port() for _ in range(5)))

    def env(self) -> dict[str, str]:
        """The `servers.sh` settings that select this copy."""
        return {
            **os.environ,
            "PARTNEROPS_STATE": str(self.state),
            "PARTNEROPS_KAFKA_PORT": str(self.kafka_port),
            "PARTNEROPS_KAFKA_CONTROLLER_PORT": str(self.controller_port),
            "PARTNEROPS_MONGO_PORT": str(self.mongo_port),
            "PARTNEROPS_SMTP_PORT": str(self.smtp_port),
            "PARTNEROPS_MAILPIT_HTTP_PORT": str(self.mailpit_http_port),
            "PARTNEROPS_STOP_TIMEOUT": "20",
            "PARTNEROPS_MAILPIT_MAX_MESSAGES": "0",  # keep every mail: the checker counts them
        }

    def service_env(self) -> dict[str, str]:
        """What points a service (or a client) at this copy."""
        return {
            "PARTNEROPS_KAFKA__BOOTSTRAP_SERVERS": self.bootstrap,
            "PARTNEROPS_MONGO__URL": self.mongo_url,
            "PARTNEROPS_SMTP__HOST": "127.0.0.1",
            "PARTNEROPS_SMTP__PORT": str(self.smtp_port),
            "PARTNEROPS_MAILPIT__URL": self.mailpit_url,
        }

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.kafka_port}"

    @property
    def mongo_url(self) -> str:
        return f"mongodb://127.0.0.1:{self.mongo_port}"

    @property
    def mailpit_url(self) -> str:
        return f"http://127.0.0.1:{self.mailpit_http_port}"

    def run(self, command: str, server: str = "all") -> None:
        """`servers.sh COMMAND SERVER` for this copy; raises when it fails."""
        result = subprocess.run(
            ["bash", str(SERVERS_SH), command, server],
            env=real_time(self.env()),
            capture_output=True,
            text=True,
            check=False,
            timeout=240,
        )
        if result.returncode != 0:
            raise RuntimeError(f"servers.sh {command} {server} failed:\n{result.stderr[-3000:]}")

    async def arun(self, command: str, server: str) -> None:
        """`run` off the event loop (a restart takes seconds)."""
        import asyncio

        await asyncio.to_thread(self.run, command, server)


@contextmanager
def private_servers(state: Path) -> Iterator[PrivateServers]:
    """Start a fresh private set in `state` (wiped first); stop all of it afterwards,
    on failure too (`servers.sh stop` ends the java processes with SIGTERM, then SIGKILL).
    """
    shutil.rmtree(state, ignore_errors=True)
    servers = PrivateServers.allocate(state)
    try:
        servers.run("start")
        yield servers
    finally:
        try:
            servers.run("stop")
        except (RuntimeError, subprocess.SubprocessError) as error:
            # the run's own outcome matters more; the pid files stay for a manual stop
            print(f"stopping the private servers failed: {error}")
