"""Where the tests get their real servers from, in this order:

1. servers named by environment variables (`PARTNEROPS_KAFKA__BOOTSTRAP_SERVERS`,
   `PARTNEROPS_MONGO__URL`, `PARTNEROPS_SMTP__HOST` + `PARTNEROPS_SMTP__PORT` +
   `PARTNEROPS_MAILPIT__URL`);
2. testcontainers, when a Docker engine answers a ping;
3. the project's own local servers (`deploy/local/servers.sh start`), built from
   registry artifacts (Apache Kafka and mongo-java-server jars from Maven Central,
   Mailpit from the Go module proxy).

A test that needs a server it cannot get fails with a message saying how to provide one;
it is never skipped.
"""

from __future__ import annotations

import os
import socket
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SERVERS_SH = ROOT / "deploy" / "local" / "servers.sh"
HOW_TO = (
    "Provide {what}: export {var}=..., or run `bash deploy/local/servers.sh start` "
    "(needs OpenJDK 17 + Maven for Kafka and the Mongo-wire server, Go + npm for Mailpit), "
    "or start a Docker engine so "
    "testcontainers can run it."
)


class ServerUnavailable(RuntimeError):
    pass


def reachable(host_port: str, timeout: float = 2.0) -> bool:
    """Whether a TCP connection to `host:port` succeeds."""
    host, _, port = host_port.rpartition(":")
    try:
        with socket.create_connection((host or "127.0.0.1", int(port)), timeout=timeout):
            return True
    except (OSError, ValueError):
        return False


def docker_available() -> bool:
    """A Docker engine that answers (the client binary alone does not count)."""
    try:
        import docker

        client = docker.from_env(timeout=3)
        return bool(client.ping())
    except Exception:
        return False


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def real_time(env: dict[str, str]) -> dict[str, str]:
    """`env` without libfaketime (`FAKETIME*` and its `LD_PRELOAD` entry).

    CI runs a second pass with the test process's clock a year ahead; the servers keep real
    time there, including the private ones a test starts itself (a JVM under libfaketime
    is not what production runs, and it starts slower).
    """
    kept = {key: value for key, value in env.items() if not key.startswith("FAKETIME")}
    preload = [lib for lib in kept.get("LD_PRELOAD", "").split() if "faketime" not in lib]
    if preload:
        kept["LD_PRELOAD"] = " ".join(preload)
    else:
        kept.pop("LD_PRELOAD", None)
    return kept


def servers_sh(action: str, server: str, env: dict[str, str]) -> str:
    """Run `deploy/local/servers.sh ACTION SERVER` with `env` (in real time, see
    `real_time`); its stdout (fails loudly)."""
    done = subprocess.run(
        ["bash", str(SERVERS_SH), action, server],
        env=real_time(env),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, f"servers.sh {action} {server}: {done.stderr[-2000:]}"
    return done.stdout


def _local_env(server: str) -> dict[str, str]:
    if not SERVERS_SH.exists():
        raise ServerUnavailable(f"{SERVERS_SH} is missing")
    started = subprocess.run(
        ["bash", str(SERVERS_SH), "start", server],
        env=real_time(dict(os.environ)),
        capture_output=True,
        text=True,
        check=False,
    )
    if started.returncode != 0:
        raise ServerUnavailable(
            f"local {server} did not start:\n{started.stdout[-2000:]}\n{started.stderr[-2000:]}"
        )
    env = subprocess.run(
        ["bash", str(SERVERS_SH), "env"], capture_output=True, text=True, check=True
    ).stdout
    values: dict[str, str] = {}
    for line in env.splitlines():
        line = line.removeprefix("export ").strip()
        if "=" in line:
            key, _, value = line.partition("=")
            values[key] = value.strip("'\"")
    return values


@contextmanager
def kafka_server() -> Iterator[str]:
    """Bootstrap servers of a real Kafka broker."""
    var = "PARTNEROPS_KAFKA__BOOTSTRAP_SERVERS"
    if os.environ.get(var):
        bootstrap = os.environ[var]
        if not reachable(bootstrap.split(",")[0]):
            raise ServerUnavailable(f"{var}={bootstrap} does not answer. " + _how("Kafka", var))
        yield bootstrap
        return
    if docker_available():
        from testcontainers.kafka import KafkaContainer

        with KafkaContainer("apache/kafka:3.9.1").with_kraft() as container:
            yield container.get_bootstrap_server()
        return
    try:
        yield _local_env("kafka")[var]
    except (ServerUnavailable, KeyError) as error:
        raise ServerUnavailable(f"{error}\n" + _how("Kafka", var)) from error


@contextmanager
def mongo_server() -> Iterator[str]:
    """URL of a real MongoDB-wire server."""
    var = "PARTNEROPS_MONGO__URL"
    if os.environ.get(var):
        yield os.environ[var]
        return
    if docker_available():
        from testcontainers.mongodb import MongoDbContainer

        with MongoDbContainer("mongo:7") as container:
            yield container.get_connection_url()
        return
    try:
        yield _local_env("mongo")[var]
    except (ServerUnavailable, KeyError) as error:
        raise ServerUnavailable(f"{error}\n" + _how("a MongoDB-wire server", var)) from error


@dataclass(frozen=True)
class MailCatcher:
    """A Mailpit: where to send mail (SMTP) and where to read it (`url` + `/api/v1/...`)."""

    smtp_host: str
    smtp_port: int
    url: str


MAIL_VARS = ("PARTNEROPS_SMTP__HOST", "PARTNEROPS_SMTP__PORT", "PARTNEROPS_MAILPIT__URL")


@contextmanager
def mailpit_server() -> Iterator[MailCatcher]:
    """A real Mailpit (SMTP + HTTP API)."""
    given = [os.environ.get(var) for var in MAIL_VARS]
    if any(given):
        if not all(given):
            raise ServerUnavailable(f"set all of {', '.join(MAIL_VARS)} or none of them")
        host, port, url = (value or "" for value in given)
        if not reachable(f"{host}:{port}"):
            raise ServerUnavailable(f"SMTP at {host}:{port} does not answer")
        yield MailCatcher(host, int(port), url.rstrip("/"))
        return
    if docker_available():
        from testcontainers.core.container import DockerContainer
        from testcontainers.core.waiting_utils import wait_for_logs

        image = "axllent/mailpit:v1.33.1"
        with DockerContainer(image).with_exposed_ports(1025, 8025) as container:
            wait_for_logs(container, "accessible via")
            host = container.get_container_host_ip()
            yield MailCatcher(
                host,
                int(container.get_exposed_port(1025)),
                f"http://{host}:{container.get_exposed_port(8025)}",
            )
        return
    try:
        values = _local_env("mailpit")
        yield MailCatcher(
            values[MAIL_VARS[0]], int(values[MAIL_VARS[1]]), values[MAIL_VARS[2]].rstrip("/")
        )
    except (ServerUnavailable, KeyError) as error:
        raise ServerUnavailable(f"{error}\n" + _how("a Mailpit", MAIL_VARS[0])) from error


def _how(what: str, var: str) -> str:
    return HOW_TO.format(what=what, var=var)
