"""Settings base: environment variables with a per-service prefix over a common one.

A value is looked up first under the service's prefix (e.g. `PORTING_KAFKA__BOOTSTRAP_SERVERS`),
then under the common prefix `PARTNEROPS_` (e.g. `PARTNEROPS_KAFKA__BOOTSTRAP_SERVERS`), so an
operator sets shared infrastructure once and overrides per service where needed.
Nested settings use `__` as the delimiter.
"""

from __future__ import annotations

import json
import os
import re
import ssl
import warnings
from collections.abc import Sequence
from typing import Annotated, Any, ClassVar, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, SecretStr, ValidationError
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    SettingsError,
)

from shared.events import validation_reasons

COMMON_PREFIX = "PARTNEROPS_"

Port = Annotated[int, Field(ge=0, le=65_535)]
"""A TCP port (0: any free one); refused with the settings, not when the socket opens."""


class KafkaSettings(BaseModel):
    """How to reach Kafka, including SASL and TLS."""

    model_config = ConfigDict(allow_inf_nan=False)  # no infinite timeout or interval

    bootstrap_servers: str = "127.0.0.1:39092"
    security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = "PLAINTEXT"
    sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] = "PLAIN"
    sasl_username: str | None = None
    sasl_password: SecretStr | None = None
    ssl_cafile: str | None = None
    ssl_certfile: str | None = None
    ssl_keyfile: str | None = None
    topic_partitions: int = Field(default=6, ge=1)
    topic_replication: int = Field(default=1, ge=1)
    create_topics: bool = True
    topic_prefix: str = Field(
        default="",
        description="Namespace prepended to every topic name (e.g. one per environment)",
    )
    heartbeat_interval_ms: int = Field(
        default=1_000,
        ge=50,
        le=3_000,
        description="How often (ms) each consumer tells its group's coordinator it is alive. "
        "A member joining or leaving (an instance started, stopped or scaled) stops the "
        "whole consumer group until every member has rejoined, which each does at its next "
        "heartbeat (an instance is one member, subscribed to all its topics), so a start "
        "or stop holds the group for about this interval. Kafka's default is 3,000 (a "
        "third of the 10 s session timeout, the most allowed)",
    )
    max_message_bytes: int = Field(
        default=1_048_576,
        ge=16_384,
        description="Largest record the broker accepts (Kafka's default 1 MiB; set it to "
        "the brokers' message.max.bytes): no event over it is stored or published",
    )
    producer_batch_bytes: int = Field(
        default=262_144,
        ge=16_384,
        le=16_777_216,
        description="Bytes the producer gathers per partition into one record batch (aiokafka "
        "max_batch_size; its default is 16 KiB). The batch path hands a whole batch's events "
        "over at once: with 16 KiB a send waits for every 16 KiB to reach the broker. A "
        "batch is sent as soon as the connection is free, so a larger one adds no delay",
    )

    @property
    def record_batch_bytes(self) -> int:
        """The producer's record batch size in bytes: `producer_batch_bytes`, capped at
        `max_message_bytes` (a batch is one message to the broker)."""
        return min(self.producer_batch_bytes, self.max_message_bytes)

    def topic(self, name: str) -> str:
        """The physical topic of a logical topic name."""
        return f"{self.topic_prefix}{name}"

    def ssl_context(self) -> ssl.SSLContext | None:
        """A TLS context when the protocol needs one."""
        if self.security_protocol not in ("SSL", "SASL_SSL"):
            return None
        context = ssl.create_default_context(cafile=self.ssl_cafile)
        if self.ssl_certfile:
            context.load_cert_chain(self.ssl_certfile, self.ssl_keyfile)
        return context

    def security_options(self) -> dict[str, Any]:
        """aiokafka client options for SASL/TLS (`security_protocol`, `ssl_context`,
        `sasl_mechanism`, `sasl_plain_username`, `sasl_plain_password`), for the clients
        FastStream does not build. Raises `OSError` / `ssl.SSLError` for TLS material that
        cannot be read (`ssl_context`)."""
        return {
            "security_protocol": self.security_protocol,
            "ssl_context": self.ssl_context(),
            "sasl_mechanism": self.sasl_mechanism,
            "sasl_plain_username": self.sasl_username,
            "sasl_plain_password": (
                self.sasl_password.get_secret_value() if self.sasl_password else None
            ),
        }


class MongoSettings(BaseModel):
    """How to reach the MongoDB(-wire) server; the database is chosen by each service."""

    model_config = ConfigDict(allow_inf_nan=False)  # no infinite timeout or interval

    url: SecretStr = SecretStr("mongodb://127.0.0.1:37017")
    tls: bool = False
    tls_ca_file: str | None = None
    server_selection_timeout_ms: int = 10_000


class SmtpSettings(BaseModel):
    """Outgoing mail (the defaults are the local Mailpit of `deploy/local/servers.sh`)."""

    model_config = ConfigDict(allow_inf_nan=False)  # no infinite timeout or interval

    host: str = "127.0.0.1"
    port: Port = 31025
    username: str | None = None
    password: SecretStr | None = None
    start_tls: bool = False
    use_tls: bool = Field(default=False, description="Implicit TLS from the first byte (465)")
    validate_certs: bool = True
    timeout_seconds: float = Field(
        default=30.0, gt=0, description="Bound on one whole SMTP exchange (connect to QUIT)"
    )
    sender: str = "partner-operations@example.com"


class ServiceSettings(BaseSettings):
    """What every service reads; subclasses set `SERVICE` and their own prefix."""

    SERVICE: ClassVar[str] = "service"

    model_config = SettingsConfigDict(
        env_nested_delimiter="__", extra="ignore", allow_inf_nan=False
    )  # a duration of inf or nan would wait forever or never

    kafka: KafkaSettings = Field(default_factory=KafkaSettings)
    mongo: MongoSettings = Field(default_factory=MongoSettings)
    database: str | None = Field(default=None, description="Mongo database; default = service")
    log_format: Literal["auto", "json", "console"] = "auto"
    log_level: str = "INFO"
    otel_exporter: Literal["none", "console"] = Field(
        default="none", description="OpenTelemetry span exporter installed at start-up"
    )
    http_host: str = "127.0.0.1"
    http_port: Port = 0
    demo_clock: bool = Field(
        default=False,
        description="Demonstration only: read time from the shared clock topic",
    )
    demo_clock_start: AwareDatetime | None = Field(
        default=None,
        description="Demonstration only: the clock's first instant (RFC 3339 with offset); "
        "without it the clock starts at the first tick on the clock topic",
    )
    demo_clock_wait_seconds: float = Field(
        default=10.0,
        gt=0,
        description="Demonstration only: how long a message stamped after the latest tick "
        "waits for the tick that brings the clock to its time",
    )
    instance_id: str | None = None
    consumer_workers: int = Field(
        default=1,
        ge=1,
        description="Consumers in this process, each subscribed to every consumed topic "
        "and owning whole partitions, so one aggregate's messages stay in order. Scale out "
        "with more "
        "processes first: with more than one, FastStream 0.7's concurrent subscriber "
        "sometimes holds a SIGTERM for its whole graceful timeout",
    )
    batch_max_records: int = Field(
        default=500,
        ge=0,
        description="Records a consumer fetches and handles as one batch (one write per "
        "aggregate, one flush, one commit; see shared.batch); 0: one record at a time",
    )
    batch_cache_aggregates: int = Field(
        default=20_000,
        ge=0,
        description="Aggregates kept in memory between batches (dropped on a rebalance)",
    )
    bulk_write_chunk: int = Field(
        default=500, ge=1, description="Updates per bulk write of a batch (and outbox clear)"
    )
    lag_interval_seconds: float = Field(
        default=15.0, gt=0, description="How often consumer lag is measured for /metrics"
    )
    startup_wait_seconds: float = Field(
        default=60.0,
        ge=0,
        description="How long (s) a service waits at start for Kafka and the Mongo-wire "
        "server to answer, trying again with back-off, before it exits with code 3 "
        "(shared.startup); 0: one try",
    )
    gc_young_threshold: int = Field(
        default=20_000,
        ge=0,
        le=2**31 - 1,  # gc.set_threshold takes a C int
        description="Allocations between two collections of the garbage collector's youngest "
        "generation (`gc.set_threshold`; Python's default is 700), set once the service is "
        "wired, after what start-up built is frozen (`gc.freeze`) out of every later "
        "collection (shared.runtime.tune_garbage_collector); 0 leaves Python's settings",
    )
    outbox_sweep_seconds: float = Field(
        default=2.0,
        gt=0,
        description="How often events the fast path could not publish are retried (s)",
    )
    outbox_clear_window_seconds: float = Field(
        default=1.0,
        ge=0,
        description="How long (s) a published outbox waits to be emptied by its aggregate's "
        "next write before one bulk clear empties it (shared.outbox_clears); 0: at once",
    )
    outbox_full_sweep_seconds: float = Field(
        default=60.0,
        gt=0,
        description="How often (s, and at start) every aggregate "
        "document flagged with unpublished events is looked for: what a crash stranded",
    )
    timer_poll_seconds: float = Field(default=1.0, gt=0, description="Due-timer poll (s)")
    timer_lease_seconds: float = Field(
        default=30.0,
        gt=0,
        description="How long (s) an instance holds a document whose "
        "timers it fires; another takes over after it",
    )
    timer_reload_seconds: float = Field(
        default=60.0,
        gt=0,
        description="How often (s, and at start) every pending timer "
        "is read into memory: picks up timers other instances wrote",
    )

    @property
    def database_name(self) -> str:
        """The service's own database."""
        return self.database or self.SERVICE

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        common = EnvSettingsSource(
            settings_cls, env_prefix=COMMON_PREFIX, env_nested_delimiter="__"
        )
        return init_settings, env_settings, common, dotenv_settings, file_secret_settings


def service_settings_config(prefix: str) -> SettingsConfigDict:
    """The model config of a service's settings class (its own env prefix)."""
    return SettingsConfigDict(
        env_prefix=prefix, env_nested_delimiter="__", extra="ignore", allow_inf_nan=False
    )


def setting_variable(settings_cls: type[BaseSettings], path: Sequence[str | int]) -> str | None:
    """The environment variable the setting at `path` (`("kafka", "producer_batch_bytes")`)
    was read from: the longest part of the path set under the class's own prefix, then
    under `PARTNEROPS_` (`PORTING_KAFKA__PRODUCER_BATCH_BYTES`,
    `PARTNEROPS_KAFKA__PRODUCER_BATCH_BYTES`, or `PARTNEROPS_KAFKA` holding JSON); names
    are matched regardless of case, as pydantic-settings reads them. None when no variable
    of the path is set (a default, or a check of the whole settings); for a check of a
    whole group (`policy`) set one variable at a time, the first of them."""
    present = {name.upper(): name for name in os.environ}
    own = str(settings_cls.model_config.get("env_prefix") or "").upper()
    names = [str(part).upper() for part in path]
    prefixes = dict.fromkeys((own, COMMON_PREFIX))
    for depth in range(len(names), 0, -1):
        for prefix in prefixes:
            if (name := f"{prefix}{'__'.join(names[:depth])}") in present:
                return present[name]
    for prefix in prefixes:  # a check of a whole group: the first of its variables set
        inside = sorted(n for n in present if n.startswith(f"{prefix}{'__'.join(names)}__"))
        if names and inside:
            return present[inside[0]]
    return None


def settings_reasons(
    error: ValidationError | SettingsError, settings_cls: type[BaseSettings]
) -> list[dict[str, str | None]]:
    """Why the environment's settings were refused, one reason per bad setting:
    `{"field": "kafka.producer_batch_bytes", "code": "int_parsing", "message": ...,
    "variable": "PARTNEROPS_KAFKA__PRODUCER_BATCH_BYTES"}` (`variable` None when no
    variable names it). The fields, codes and messages are `shared.events.validation_reasons`
    (never the value given: a setting may be a password or a URL with credentials); a
    variable that is no JSON where JSON is read (`SettingsError`) is code `json_invalid`."""
    if isinstance(error, ValidationError):
        reasons: list[dict[str, str | None]] = [dict(r) for r in validation_reasons(error)]
    else:
        named = re.search(r'field "([^"]+)"', str(error))
        cause = error.__cause__
        reasons = [
            {
                "field": named[1] if named else "$",
                "code": "json_invalid",
                "message": f"is not valid JSON: {cause}"
                if isinstance(cause, json.JSONDecodeError)
                else "could not be read",
            }
        ]
    for reason in reasons:
        field = str(reason["field"])
        reason["variable"] = (
            None if field == "$" else setting_variable(settings_cls, field.split("."))
        )
    return reasons


def mongo_url_problem(value: str, parse: bool = True) -> str | None:
    """Why `value` is no Mongo URL pymongo takes (or None): `mongodb://` or
    `mongodb+srv://`, hosts, ports, options — with `parse`, checked by pymongo's own
    parser (importing pymongo takes most of a second: the CLI parses only for the verbs
    that use Mongo, `cli.context.MONGO_VERBS`; a service at start,
    `shared.runtime.settings_or_exit`), without resolving a `mongodb+srv://` name. An unknown URL
    option or a bad option value (`tls=maybe`), which pymongo's client only warns of and
    ignores, is refused too: a typing error must not silently drop a setting such as TLS.
    The URL is not echoed (it may hold a password)."""
    if not value.strip():
        return "must not be empty"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "is not UTF-8 text"
    if not value.startswith(("mongodb://", "mongodb+srv://")):
        return "must start with mongodb:// or mongodb+srv://"
    if not parse:
        return None
    from pymongo.uri_parser_shared import _validate_uri

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # what pymongo only warns of (a compressor)
            _validate_uri(value, warn=False)  # an unknown or bad URL option is refused
    except Exception as error:  # whatever the parser raises is a refusal
        # pymongo's own message repeats parts of the URL (a password, an option's value).
        return (
            f"is no Mongo URL pymongo takes ({type(error).__name__}; its message is not "
            "repeated: it quotes the URL, which may hold a password)"
        )
    return None


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
"""The log levels a service takes (`log_level`, any letter case)."""

_HOST_PORT = re.compile(r"^[A-Za-z0-9._\[\]:-]+:\d{1,5}$")
_TOPIC_CHARS = re.compile(r"^[A-Za-z0-9._-]*$")
DATABASE_FORBIDDEN = frozenset('/\\. "$*<>:|?\0')
"""Characters MongoDB refuses in a database name."""
MAX_DATABASE_BYTES = 63
"""MongoDB's limit on a database name (64 bytes with the terminating NUL)."""
MAX_TOPIC_PREFIX = 200
"""The longest topic prefix (Kafka's topic names end at 249 characters)."""


def bootstrap_servers_problem(value: str) -> str | None:
    """Why `value` is no `host:port[,host:port...]` list with ports 1-65535 (or None); the
    entry is named by its position, not repeated."""
    entries = value.split(",")
    for position, server in enumerate(entries, 1):
        server = server.strip()
        if not _HOST_PORT.match(server) or not 1 <= int(server.rsplit(":", 1)[1]) <= 65535:
            return f"entry {position} of {len(entries)} is not host:port (port 1-65535)"
    return None


def database_name_problem(name: str) -> str | None:
    """Why MongoDB would refuse `name` as a database name (None when it would not)."""
    if not name.strip():
        return "must not be empty"
    if bad := sorted(set(name) & DATABASE_FORBIDDEN):
        return f"must not contain {' '.join(repr(c) for c in bad)}"
    if len(name.encode("utf-8", "surrogatepass")) > MAX_DATABASE_BYTES:
        return f"at most {MAX_DATABASE_BYTES} bytes"
    return None


def topic_prefix_problem(value: str) -> str | None:
    """Why Kafka would refuse topics named with prefix `value` (or None)."""
    if not _TOPIC_CHARS.match(value) or len(value) > MAX_TOPIC_PREFIX:
        return f"only letters, digits, '.', '_' and '-', at most {MAX_TOPIC_PREFIX} characters"
    return None


def readable_file_problem(path: str) -> str | None:
    """Why the file at `path` cannot be read (or None); the path is not repeated."""
    if not os.path.isfile(path):
        return "no file at that path"
    if not os.access(path, os.R_OK):
        return "the file cannot be read"
    return None


def service_setting_problems(
    settings: ServiceSettings, addresses: bool = True
) -> list[tuple[tuple[str, ...], str]]:
    """`(setting path, problem)` for each setting a service would fail on while it wires
    itself (after pydantic's own checks passed): the Kafka bootstrap list, the topic
    prefix, SASL without a username or password, TLS files that cannot be read, the
    database name, the log level, the Mongo URL (pymongo's parser). Values are never
    repeated. Without `addresses`, the bootstrap list, topic prefix and Mongo URL are left
    out: the operator CLI checks those as its root options (`cli.options`), since an
    option given on its command line replaces the environment's value."""
    kafka, mongo = settings.kafka, settings.mongo
    found: list[tuple[tuple[str, ...], str]] = []
    level = None if settings.log_level.upper() in LOG_LEVELS else f"one of {', '.join(LOG_LEVELS)}"
    checks: list[tuple[tuple[str, ...], str | None]] = [(("log_level",), level)]
    if addresses:
        checks += [
            (("kafka", "bootstrap_servers"), bootstrap_servers_problem(kafka.bootstrap_servers)),
            (("kafka", "topic_prefix"), topic_prefix_problem(kafka.topic_prefix)),
            (("mongo", "url"), mongo_url_problem(mongo.url.get_secret_value())),
        ]
    if settings.database is not None:
        checks.append((("database",), database_name_problem(settings.database)))
    if kafka.security_protocol.startswith("SASL") and not (
        kafka.sasl_username and kafka.sasl_password and kafka.sasl_password.get_secret_value()
    ):
        which = "sasl_username" if not kafka.sasl_username else "sasl_password"
        needed = f"needed with security_protocol {kafka.security_protocol}"
        checks.append((("kafka", which), needed))
    files = {
        ("kafka", "ssl_cafile"): kafka.ssl_cafile,
        ("kafka", "ssl_certfile"): kafka.ssl_certfile,
        ("kafka", "ssl_keyfile"): kafka.ssl_keyfile,
        ("mongo", "tls_ca_file"): mongo.tls_ca_file,
    }
    checks.extend((path, readable_file_problem(file)) for path, file in files.items() if file)
    found.extend((path, problem) for path, problem in checks if problem)
    return found
