"""Waiting at start for the servers a service needs: Kafka and the Mongo-wire server.

A service started before its servers answer (a deployment bringing everything up at once, a
broker restarting) waits for them instead of failing at its first connection: each is
probed — Kafka by bootstrapping an admin client (`shared.kafka.access.start_client`, which
names refused credentials and untrusted certificates), the database by a `ping` — and a
probe that fails is tried again with exponential back-off and jitter (0.5 s doubling to
10 s, the last sleep cut to the time left; `tenacity`) until `startup_wait_seconds` (s)
have passed since the first try. Each failed try is logged (`waiting for a dependency`,
with the attempt and the error; for Kafka with the reason aiokafka gives for the failed
connection, which it would otherwise log as an error line of its own).

What cannot be waited for out is raised as `DependencyUnavailable`, every failing server
at once, and `shared.runtime.main` turns it into one JSON line on stderr and exit code 3:

    {"error": "dependency_unavailable", "service": "porting", "waited_seconds": 60.0,
     "dependencies": [{"name": "kafka", "code": "unreachable", "servers":
     "broker-1:9092", "message": "KafkaConnectionError: Unable to bootstrap from ..."}]}

`code` is `unreachable` (no answer in time) or `access_refused` (the server answered and
refused this client: SASL credentials, TLS trust, Mongo authentication) — refused access
is not retried: waiting would not change it. No secret is echoed: Kafka is named by its
bootstrap list, the database by its hosts (never the URL, which may hold a password).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaConnectionError
from pymongo.errors import OperationFailure
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    wait_exponential_jitter,
)
from tenacity.stop import stop_base

from shared.kafka.access import KafkaAccessRefused, start_client
from shared.kafka.broker import security_options
from shared.logging import get_logger
from shared.mongo import create_client
from shared.settings import KafkaSettings, MongoSettings

log = get_logger("shared.startup")

PROBE_TIMEOUT_SECONDS = 10.0
SHORTEST_PROBE_SECONDS = 1.0
"""How long (s) one probe waits for an answer before it counts as failed: at most 10 s,
at most the time left of the wait, at least 1 s."""

FIRST_WAIT_SECONDS = 0.5
LONGEST_WAIT_SECONDS = 10.0
"""Back-off between probes of one server (s): 0.5, 1, 2, 4, 8, 10, 10, ... each plus a
random jitter of up to 0.5 s (instances started together do not ask in step)."""

MONGO_REFUSED_CODES = frozenset({13, 18})
"""Mongo error codes of a refused client: Unauthorized, AuthenticationFailed."""

Failure = dict[str, str]


class DependencyUnavailable(RuntimeError):
    """Servers that did not answer (or refused) within the start-up wait.

    `failures`: `[{name: "kafka" | "mongo", code: "unreachable" | "access_refused",
    servers, message}]`; `waited_seconds`: how long the service waited (s)."""

    def __init__(self, failures: list[Failure], waited_seconds: float) -> None:
        super().__init__("; ".join(f"{f['name']}: {f['message']}" for f in failures))
        self.failures = failures
        self.waited_seconds = waited_seconds

    def report(self, service: str) -> dict[str, Any]:
        """The JSON object `shared.runtime.main` prints."""
        return {
            "error": "dependency_unavailable",
            "service": service,
            "waited_seconds": round(self.waited_seconds, 1),
            "dependencies": self.failures,
        }


async def wait_for_dependencies(
    kafka: KafkaSettings,
    mongo: MongoSettings,
    wait_seconds: float,
    app_name: str,
    stop: asyncio.Event | None = None,
) -> None:
    """Return once Kafka and the database both answer; raise `DependencyUnavailable`
    naming each that did not within `wait_seconds` (s; 0: one try each) or that refused
    this client. The two are probed side by side; each try is bounded by
    `PROBE_TIMEOUT_SECONDS` or the time left (at least `SHORTEST_PROBE_SECONDS`), and each
    back-off sleep is cut to the time left, so the last try is at the end of the wait and
    it ends within about a second after `wait_seconds` (a server refusing connections at
    once is asked until then, not only until the next back-off would pass the end).
    `stop` set (a SIGTERM while waiting) ends the wait after the probes in flight: no try
    is started after it (cancel the wait as well, which ends the back-off sleeps at once;
    pymongo finishes a server selection it is in before it sees a cancel).
    """
    started = time.monotonic()
    deadline = started + wait_seconds
    told = _ConnectErrors()

    def bounded(probe: Callable[[float], Awaitable[None]]) -> Callable[[], Awaitable[None]]:
        async def attempt() -> None:
            left = deadline - time.monotonic()
            timeout = max(SHORTEST_PROBE_SECONDS, min(PROBE_TIMEOUT_SECONDS, left))
            try:
                await asyncio.wait_for(probe(timeout), timeout)
            except TimeoutError:
                raise TimeoutError(f"no answer within {timeout:.3g} s") from None

        return attempt

    aiokafka_log = logging.getLogger("aiokafka")
    aiokafka_log.addFilter(told)
    try:
        outcomes = await asyncio.gather(
            _waited(
                "kafka",
                kafka.bootstrap_servers,
                bounded(lambda timeout: _kafka_answers(kafka, timeout, told)),
                deadline,
                stop,
            ),
            _waited(
                "mongo",
                _mongo_hosts(mongo),
                bounded(lambda timeout: _mongo_answers(mongo, timeout, app_name)),
                deadline,
                stop,
            ),
        )
    finally:
        aiokafka_log.removeFilter(told)
    failures = [f for f in outcomes if f is not None]
    if failures:
        raise DependencyUnavailable(failures, time.monotonic() - started)


async def _waited(
    name: str,
    servers: str,
    probe: Callable[[], Awaitable[None]],
    deadline: float,
    stop: asyncio.Event | None,
) -> Failure | None:
    def log_retry(state: RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome is not None else None
        log.warning(
            "waiting for a dependency",
            dependency=name,
            servers=servers,
            attempt=state.attempt_number,
            error=_described(error),
        )

    backoff = wait_exponential_jitter(
        multiplier=FIRST_WAIT_SECONDS, max=LONGEST_WAIT_SECONDS, jitter=FIRST_WAIT_SECONDS
    )

    def until_deadline(state: RetryCallState) -> float:
        """The back-off, cut to the time left: the last try is at the end of the wait."""
        return max(0.0, min(backoff(state), deadline - time.monotonic()))

    try:
        async for attempt in AsyncRetrying(
            # a try at the end of the wait is the last; none once the service is stopping
            stop=_PastDeadline(deadline) | _StopSet(stop),
            wait=until_deadline,
            retry=retry_if_exception(lambda error: not _refused(error)),
            before_sleep=log_retry,
            reraise=True,
        ):
            with attempt:
                await probe()
    except Exception as error:
        code = "access_refused" if _refused(error) else "unreachable"
        return {"name": name, "code": code, "servers": servers, "message": _described(error)}
    return None


class _PastDeadline(stop_base):
    """Stop retrying once the wait is over (`tenacity.stop_after_delay`, measured from
    the start of the whole wait rather than from this server's first try)."""

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline

    def __call__(self, retry_state: RetryCallState) -> bool:
        return time.monotonic() >= self.deadline


class _ConnectErrors(logging.Filter):
    """aiokafka's error line per failed connection, kept instead of logged while the wait
    probes Kafka: it is the only place aiokafka says why (refused, unknown host, reset),
    and the probe's own `waiting for a dependency` line then carries it (one line per try
    instead of two)."""

    def __init__(self) -> None:
        super().__init__()
        self.last: str | None = None

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.ERROR:
            return True
        self.last = record.getMessage()
        return False


class _StopSet(stop_base):
    """Stop retrying once the service is stopping (`tenacity.stop_when_event_set` for an
    asyncio event)."""

    def __init__(self, event: asyncio.Event | None) -> None:
        self.event = event

    def __call__(self, retry_state: RetryCallState) -> bool:
        return self.event is not None and self.event.is_set()


async def _kafka_answers(settings: KafkaSettings, timeout: float, told: _ConnectErrors) -> None:
    """Bootstrap an admin client (raises `KafkaAccessRefused`, or aiokafka's
    `KafkaConnectionError` with the reason aiokafka logged for the failed connection)."""
    admin = AIOKafkaAdminClient(
        bootstrap_servers=settings.bootstrap_servers,
        request_timeout_ms=int(timeout * 1000),
        **security_options(settings),
    )
    told.last = None
    try:
        await start_client(admin.start, settings)
    except KafkaConnectionError as error:
        if told.last is None:
            raise
        said = error.args[0] if error.args else "Unable to bootstrap"
        raise KafkaConnectionError(f"{said}: {told.last}") from error
    finally:
        await admin.close()


async def _mongo_answers(settings: MongoSettings, timeout: float, app_name: str) -> None:
    """A `ping` through a client of its own that gives up selecting a server after
    `timeout` (s), so the error says why (refused connection, unknown host, ...)."""
    bounded = settings.model_copy(update={"server_selection_timeout_ms": int(timeout * 1000)})
    client = create_client(bounded, app_name=app_name)
    try:
        await client.admin.command("ping")
    finally:
        await client.close()


def _refused(error: BaseException) -> bool:
    if isinstance(error, KafkaAccessRefused):
        return True
    return isinstance(error, OperationFailure) and error.code in MONGO_REFUSED_CODES


def _mongo_hosts(settings: MongoSettings) -> str:
    """The hosts of the Mongo URL as written (no user, no password, no database, no
    options; a `mongodb+srv` name is not resolved)."""
    url = settings.url.get_secret_value()
    authority = url.split("://", 1)[-1].split("/", 1)[0].split("?", 1)[0]
    return authority.rsplit("@", 1)[-1]


def _described(error: BaseException | None) -> str:
    """A short, secret-free account of a failed probe."""
    if error is None:
        return "no answer"
    if isinstance(error, TimeoutError):
        return str(error) or "no answer"
    # pymongo appends its own timeouts and the whole topology
    text = str(error).split(", Timeout:")[0].split(" (configured timeouts:")[0]
    kind = type(error).__name__
    return (text if text.startswith(kind) else f"{kind}: {text}")[:300]
