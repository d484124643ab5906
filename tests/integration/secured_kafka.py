"""A private Kafka broker with SASL/SCRAM-SHA-512 over TLS, for one test (no tests here).

Runs the cached Kafka 3.9 jars of `deploy/local/servers.sh` (KRaft, combined broker and
controller) on free ports of its own, in a temporary directory: a CA and a server
certificate for 127.0.0.1/localhost generated here (`cryptography`), handed to Kafka as
PEM (`ssl.keystore.type=PEM`), and SCRAM credentials written at storage-format time
(`kafka-storage format --add-scram`). Stopped (its java process too) when the block ends.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import ipaddress
import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.servers import SERVERS_SH, free_port, real_time

KAFKA_VERSION = "3.9.1"
ADMIN = ("broker-admin", "broker-admin-pw-Tq81")


@dataclass(frozen=True)
class SecuredKafka:
    bootstrap: str
    cafile: str


def java() -> str | None:
    """The java executable (JAVA_HOME first), or None."""
    home = os.environ.get("JAVA_HOME")
    if home and Path(home, "bin", "java").exists():
        return str(Path(home, "bin", "java"))
    return shutil.which("java")


def kafka_libs() -> Path:
    """The cached Kafka jars (fetched by `servers.sh fetch kafka` when missing)."""
    cache = Path(os.environ.get("PARTNEROPS_CACHE", Path.home() / ".cache" / "partnerops"))
    home = cache / f"kafka-{KAFKA_VERSION}"
    if not (home / ".complete").exists():
        subprocess.run(["bash", str(SERVERS_SH), "fetch", "kafka"], check=True)
    return home / "libs"


def write_certificates(directory: Path) -> tuple[Path, Path]:
    """A CA (`ca.pem`) and a server key + chain for 127.0.0.1/localhost (`server.pem`)."""
    # A validity window around today that also holds a year either side: under CI's
    # faketime +365d this process is a year ahead while the broker keeps real time.
    now = dt.datetime.now(dt.UTC)

    def name(common: str) -> x509.Name:
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(name("partnerops test CA"))
        .issuer_name(name("partnerops test CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=400))
        .not_valid_after(now + dt.timedelta(days=400))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        )
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    server = (
        x509.CertificateBuilder()
        .subject_name(name("localhost"))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=400))
        .not_valid_after(now + dt.timedelta(days=400))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.ExtendedKeyUsage([x509.OID_SERVER_AUTH, x509.OID_CLIENT_AUTH]), False)
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    ca_file, server_file = directory / "ca.pem", directory / "server.pem"
    ca_file.write_bytes(ca.public_bytes(pem))
    server_file.write_bytes(
        key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        + server.public_bytes(pem)
        + ca.public_bytes(pem)
    )
    return ca_file, server_file


def _properties(directory: Path, port: int, controller: int, ca: Path, server: Path) -> str:
    user, password = ADMIN
    return f"""process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:{controller}
listeners=SASL_SSL://127.0.0.1:{port},CONTROLLER://127.0.0.1:{controller}
advertised.listeners=SASL_SSL://127.0.0.1:{port}
controller.listener.names=CONTROLLER
listener.security.protocol.map=SASL_SSL:SASL_SSL,CONTROLLER:PLAINTEXT
inter.broker.listener.name=SASL_SSL
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=\\
  org.apache.kafka.common.security.scram.ScramLoginModule required \\
  username="{user}" password="{password}";
ssl.keystore.type=PEM
ssl.keystore.location={server}
ssl.truststore.type=PEM
ssl.truststore.location={ca}
ssl.endpoint.identification.algorithm=https
log.dirs={directory / "data"}
num.partitions=1
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
"""


def _answers(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
        return True
    return False


@contextlib.contextmanager
def secured_kafka(directory: Path, users: dict[str, str]) -> Iterator[SecuredKafka]:
    """Start the private broker with SCRAM-SHA-512 `users` (name → password) besides its
    own inter-broker user; stop it, and its java process, at the end."""
    executable = java()
    assert executable is not None, "java is required (the caller skips without it)"
    libs = kafka_libs()
    ca, server = write_certificates(directory)
    port, controller = free_port(), free_port()
    config = directory / "server.properties"
    config.write_text(_properties(directory, port, controller, ca, server))
    tools_log = directory / "tools-log4j.properties"
    tools_log.write_text(
        "log4j.rootLogger=WARN, stderr\n"
        "log4j.appender.stderr=org.apache.log4j.ConsoleAppender\n"
        "log4j.appender.stderr.layout=org.apache.log4j.PatternLayout\n"
    )
    env = real_time(dict(os.environ))  # the broker keeps real time like the shared servers
    base = [executable, f"-Dlog4j.configuration=file:{tools_log}", "-cp", f"{libs}/*"]
    scram = [
        arg
        for user, password in {ADMIN[0]: ADMIN[1], **users}.items()
        for arg in ("--add-scram", f"SCRAM-SHA-512=[name={user},password={password}]")
    ]
    cluster = subprocess.run(
        [*base, "kafka.tools.StorageTool", "random-uuid"],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    ).stdout.split()[-1]
    subprocess.run(
        [*base, "kafka.tools.StorageTool", "format", "-t", cluster, "-c", str(config), *scram],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    log = (directory / "kafka.log").open("wb")
    process = subprocess.Popen(
        [
            executable,
            "-Xms128m",
            "-Xmx384m",
            f"-Dkafka.logs.dir={directory}",
            f"-Dlog4j.configuration=file:{tools_log}",
            "-cp",
            f"{libs}/*",
            "kafka.Kafka",
            str(config),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        env=env,
    )
    try:
        deadline = time.monotonic() + 90
        while not _answers(port):
            if process.poll() is not None or time.monotonic() > deadline:
                tail = (directory / "kafka.log").read_text()[-3000:]
                raise RuntimeError(f"the private Kafka did not start: {tail}")
            _pause(0.5)
        yield SecuredKafka(f"127.0.0.1:{port}", str(ca))
    finally:
        process.terminate()
        if not _exited(process, 30):
            process.kill()
            _exited(process, 10)
        log.close()


def _pause(seconds: float) -> None:
    """Sleep without `time.sleep` (nor `Popen.wait(timeout)`, which uses it): under CI's
    faketime pass (monotonic clock not faked) libfaketime turns the absolute
    `clock_nanosleep` behind it into EINVAL; a timed wait on an event is unaffected."""
    threading.Event().wait(seconds)


def _exited(process: subprocess.Popen[bytes], seconds: float) -> bool:
    """Whether `process` exits within `seconds` (polled, see `_pause`)."""
    deadline = time.monotonic() + seconds
    while process.poll() is None:
        if time.monotonic() > deadline:
            return False
        _pause(0.1)
    return True
