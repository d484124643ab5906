"""What every verb shares: settings (the services' environment variables, overridable by
the root options), output (rich for people, `--json` for scripts) and machine-readable
failures.

Exit codes: 0 done; 1 a server or service failed or a wait timed out; 2 invalid input
(unreadable JSON, unknown type, schema violation, bad option, bad setting in the
environment); 3 not found (unknown port request, ticket, group, contacts, dead letter);
4 refused (a dead letter already replayed, a published command answered with a refusal).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import socket
import sys
import warnings
from collections.abc import Coroutine, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, ClassVar, NoReturn, TypeVar

import typer
from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import SettingsError

from shared.console import plain_console
from shared.settings import (
    COMMON_PREFIX,
    ServiceSettings,
    service_setting_problems,
    service_settings_config,
    setting_variable,
    settings_reasons,
)

ECHO_CHARS = 80
"""How much of a refused value a message repeats (then "…"): a 100,000-character id is
not echoed back in full (`tidy`, `cli.options.shown`)."""

try:  # typer >= 0.22 carries its own copy of click
    from typer._click import exceptions as click
except ImportError:  # pragma: no cover - older typer on click itself
    from click import exceptions as click  # type: ignore[no-redef]

T = TypeVar("T")

SERVICES = ("onboarding", "porting", "support", "notifications")
"""The services, in the order they are started."""

EXIT_FAILED = 1
EXIT_INVALID = 2
EXIT_NOT_FOUND = 3
EXIT_REFUSED = 4

console = plain_console(width=160)

_UNSHOWN = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def escape(text: str) -> str:
    """`text` safe to print for an operator: rich markup escaped (`rich.markup.escape`) and
    every control character — escape sequences, bells, C1 controls — and every invisible
    or direction-changing format character (zero-width, bidi overrides) shown as its
    `\\xNN` / `\\uNNNN` code, so data read from Kafka or Mongo cannot drive the terminal
    or disguise itself (newcomer: a `request_id` with `ESC[31m` coloured the tail)."""
    from rich.markup import escape as markup_escaped

    shown = _UNSHOWN.sub(
        lambda m: f"\\x{ord(m[0]):02x}" if ord(m[0]) < 0x100 else f"\\u{ord(m[0]):04x}", text
    )
    return markup_escaped(shown)


errors = plain_console(stderr=True, width=160)
JSON_ONLY = {"on": False}
"""Set under `--json` (`quiet_libraries`): nothing but JSON is printed, not even the red
line a failure gets on a terminal."""


class CliSettings(ServiceSettings):
    """The services' settings (`PARTNEROPS_KAFKA__BOOTSTRAP_SERVERS`, `PARTNEROPS_MONGO__URL`,
    `PARTNEROPS_KAFKA__TOPIC_PREFIX`, SASL/TLS...) plus the CLI's own, under
    `PARTNEROPS_CLI_` (then `PARTNEROPS_`)."""

    SERVICE: ClassVar[str] = "partnerops_cli"
    model_config = service_settings_config("PARTNEROPS_CLI_")

    run_dir: Path = Field(
        default_factory=lambda: Path(
            os.environ.get("PARTNEROPS_RUN_DIR") or Path.home() / ".local" / "state" / "partnerops"
        ),
        description="Where `services start` records pid, port and log of each instance",
    )
    source: str = Field(
        default="/partnerops-cli", description="CloudEvents source of what the CLI publishes"
    )
    operator: str = Field(
        default_factory=lambda: f"operator:{os.environ.get('USER', 'unknown')}",
        description="The user id the CLI acts as in the commands it builds (report sla)",
    )


@dataclass
class Cli:
    """The settings every verb reads (after the root options) and the output mode."""

    settings: CliSettings = field(default_factory=CliSettings)

    @property
    def prefix(self) -> str:
        return self.settings.kafka.topic_prefix

    def physical(self, topic: str) -> str:
        """The topic on the broker for a logical name."""
        return self.settings.kafka.topic(topic)

    def logical(self, topic: str) -> str:
        """The logical name of a physical topic (the prefix removed)."""
        return topic.removeprefix(self.prefix) if self.prefix else topic


def variable_of(*path: str) -> str:
    """The environment variable a setting was read from (`kafka`, `bootstrap_servers` →
    `PARTNEROPS_CLI_KAFKA__BOOTSTRAP_SERVERS` when that is set, else
    `PARTNEROPS_KAFKA__BOOTSTRAP_SERVERS`)."""
    found = setting_variable(CliSettings, path)
    return found or f"{COMMON_PREFIX}{'__'.join(p.upper() for p in path)}"


def invalid_setting(variable: str, problem: str) -> Failure:
    """A setting from the environment the CLI cannot use: `invalid_setting`, exit 2,
    naming the variable (nothing was done)."""
    return Failure(
        "invalid_setting",
        f"environment variable {variable}: {problem}",
        [{"field": variable, "code": "invalid_setting", "message": problem}],
        EXIT_INVALID,
        parameter=variable,
    )


def setting(cli: Cli, name: str, max_chars: int | None = None) -> str:
    """One of the CLI's own text settings (`operator`, `source`), checked as an option's
    text is (`cli.options.text_problem`): a bad one raises `invalid_setting` naming its
    variable (`PARTNEROPS_CLI_OPERATOR`, ...) before anything is published."""
    from cli.options import text_problem

    value = str(getattr(cli.settings, name))
    if problem := text_problem(value, max_chars):
        raise invalid_setting(variable_of(name), problem)
    return value


MAX_KAFKA_MESSAGE_BYTES = 2**31 - 1
"""Kafka's `message.max.bytes` is a 32-bit integer."""


def settings_from_environment() -> CliSettings:
    """`CliSettings()`; a variable pydantic refuses (`PARTNEROPS_KAFKA__MAX_MESSAGE_BYTES=abc`,
    `PARTNEROPS_LOG_FORMAT=xml`, `PARTNEROPS_KAFKA=notjson`), or one the libraries would
    refuse on first use (a server selection timeout pymongo does not take, a largest
    message over Kafka's 32-bit bound, what the services refuse at start other than the
    root options: `shared.settings.service_setting_problems` without `addresses`), raises
    `invalid_setting` naming it, not a schema or unexpected error."""
    try:
        settings = CliSettings()
    except (ValidationError, SettingsError) as error:
        first = settings_reasons(error, CliSettings)[0]
        variable = first["variable"] or variable_of(*str(first["field"]).split("."))
        raise invalid_setting(variable, str(first["message"])) from None
    timeout = settings.mongo.server_selection_timeout_ms
    if not 0 < timeout < 1_000_000_000:  # pymongo's own bounds, refused on first use
        variable = variable_of("mongo", "server_selection_timeout_ms")
        raise invalid_setting(variable, f"{timeout} is not 1-999999999 milliseconds")
    for path, problem in service_setting_problems(settings, addresses=False):
        raise invalid_setting(variable_of(*path), problem)  # the services' wiring checks
    largest = settings.kafka.max_message_bytes
    if largest > MAX_KAFKA_MESSAGE_BYTES:
        variable = variable_of("kafka", "max_message_bytes")
        raise invalid_setting(
            variable, f"{largest} is more than Kafka takes ({MAX_KAFKA_MESSAGE_BYTES} bytes)"
        )
    return settings


def build(bootstrap_servers: str | None, mongo_url: str | None, topic_prefix: str | None) -> Cli:
    """Settings from the environment, then the root options over them (the options are
    checked by their callbacks; what the environment gives for them by `root_problems`)."""
    settings = settings_from_environment()
    kafka = settings.kafka.model_copy(
        update={
            k: v
            for k, v in (("bootstrap_servers", bootstrap_servers), ("topic_prefix", topic_prefix))
            if v is not None
        }
    )
    mongo = settings.mongo
    if mongo_url is not None:
        mongo = mongo.model_copy(update={"url": SecretStr(mongo_url)})
    return Cli(settings.model_copy(update={"kafka": kafka, "mongo": mongo}))


ROOT_SETTINGS = {
    "bootstrap_servers": ("kafka", "bootstrap_servers"),
    "mongo_url": ("mongo", "url"),
    "topic_prefix": ("kafka", "topic_prefix"),
}
"""Each root option and the setting (environment variable) it falls back to."""


MONGO_VERBS = frozenset({"show", "dlq", "services"})
"""The verbs that use the Mongo URL (`services` hands it to the services it starts): only
for them is it parsed by pymongo (`shared.settings.mongo_url_problem`)."""


def root_problems(
    cli: Cli, given: dict[str, str | None], verb: str | None
) -> Iterator[tuple[str, str | None, str]]:
    """`(option name, variable, problem)` for each root option not given on the command
    line whose value from the environment fails the option's own check
    (`cli.options.*_problem`); and, for a verb that uses Mongo (`MONGO_VERBS`), a
    `--mongo-url` given on the command line that pymongo's parser refuses (variable
    None)."""
    from cli import options

    parse = verb in MONGO_VERBS
    mongo_given = given.get("mongo_url")
    if parse and mongo_given is not None and (problem := options.mongo_url_problem(mongo_given)):
        yield "mongo_url", None, problem

    values = {
        "bootstrap_servers": cli.settings.kafka.bootstrap_servers,
        "mongo_url": cli.settings.mongo.url.get_secret_value(),
        "topic_prefix": cli.settings.kafka.topic_prefix,
    }
    checks = {
        "bootstrap_servers": options.bootstrap_problem,
        "mongo_url": lambda value: options.mongo_url_problem(value, parse),
        "topic_prefix": options.topic_prefix_problem,
    }
    for name, path in ROOT_SETTINGS.items():
        if given.get(name) is None and (problem := checks[name](values[name])):
            yield name, variable_of(*path), problem


class FromEnvironment(click.BadParameter):
    """A root option's value refused after the command line was read (`root_problems`):
    from its environment variable, a usage error naming the option and the variable
    (`environment_variable`); given on the command line (`variable` None), the option."""

    def __init__(self, message: str, variable: str | None, ctx: Any, param: Any) -> None:
        if variable is not None:
            message = f"{message} (from the environment variable {variable})"
        super().__init__(message, ctx, param)
        self.variable = variable


def cli_of(ctx: typer.Context) -> Cli:
    """The `Cli` the root callback stored (or one from the environment)."""
    root = ctx.find_root()
    if not isinstance(root.obj, Cli):
        root.obj = build(None, None, None)
    return root.obj


class Failure(Exception):
    """A failure to report machine-readably: `code`, a message, reasons, an exit code."""

    def __init__(
        self,
        code: str,
        message: str,
        reasons: list[dict[str, Any]] | None = None,
        exit_code: int = EXIT_FAILED,
        **details: Any,
    ) -> None:
        message = tidy(message)  # echoed input cut, bytes that are not UTF-8 escaped
        super().__init__(message)
        self.code, self.message, self.exit_code = code, message, exit_code
        self.reasons = reasons or []
        # Echoed values in the details too (a 100,000-character database name from the
        # environment; a variable's bytes that are not UTF-8).
        self.details = {k: tidy(v) if isinstance(v, str) else v for k, v in details.items()}

    def as_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"error": self.code, "message": self.message}
        if self.reasons:
            body["reasons"] = self.reasons
        body.update(self.details)
        return body


def fail(failure: Failure) -> NoReturn:
    """Report `failure` as one JSON object on stderr (a person sees it in red) and exit."""
    text = to_json(failure.as_json())
    if errors.is_terminal and not JSON_ONLY["on"]:
        errors.print(f"[red]error[/red] {failure.code}: {failure.message}")
    print(text, file=sys.stderr, flush=True)
    raise typer.Exit(failure.exit_code)


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run an async verb; a `Failure` is reported and sets the exit code."""
    with reported():
        return asyncio.run(coroutine)
    raise AssertionError("unreachable")  # pragma: no cover


@contextmanager
def reported() -> Iterator[None]:
    """Report a `Failure` raised inside (and exit with its code); Ctrl-C exits 130."""
    try:
        yield
    except Failure as failure:
        fail(failure)
    except KeyboardInterrupt:
        raise typer.Exit(130) from None
    except (typer.Exit, typer.Abort, click.ClickException):
        raise  # a usage error is told by `cli.app.main` (`usage_failure`)
    except Exception as error:
        fail(as_failure(error))


def as_failure(error: Exception) -> Failure:
    """An unexpected error as a machine-readable `Failure`: input the contracts refuse is
    `invalid_input` (exit 2, with the fields), a message the broker refuses for its size
    `message_too_large` (exit 2), anything else `unexpected_error` (exit 1)."""
    if isinstance(error, ValidationError):
        reasons = [
            {"field": ".".join(str(p) for p in e["loc"]), "code": e["type"], "message": e["msg"]}
            for e in error.errors()[:20]
        ]
        return Failure(
            "invalid_input", "the input does not match its schema", reasons, EXIT_INVALID
        )
    name = type(error).__name__
    if name == "MessageSizeTooLargeError":
        return Failure(
            "message_too_large", f"the broker refuses it: {error}", exit_code=EXIT_INVALID
        )
    return Failure("unexpected_error", f"{name}: {error}"[:500], exit_code=EXIT_FAILED)


def listening(addresses: Iterable[str], timeout_s: float = 1.0) -> list[str]:
    """Those of `addresses` (`host:port`) where something accepts a TCP connection within
    `timeout_s` seconds. After a server "did not answer": something listening there is
    another kind of server (a wrong port), nothing listening a server that is down."""
    found = []
    for address in addresses:
        host, _, port = address.rpartition(":")
        try:
            with socket.create_connection((host.strip("[]") or "127.0.0.1", int(port)), timeout_s):
                found.append(address)
        except (OSError, ValueError):
            continue
    return found


def not_answering(what: str, addresses: Sequence[str], error: Exception) -> tuple[str, list[str]]:
    """The message of an `<x>_unreachable` failure for `what` ("Kafka", "the Mongo-wire
    server") at `addresses`, and those of them where something else listens (see
    `listening`): "does not answer", or "does not answer as <what> though … accepts
    connections (another server's port?)"."""
    others = listening(addresses)
    where = ", ".join(addresses)
    if not others:
        return f"{what} at {where} does not answer: {error}", []
    return (
        f"{what} at {where} does not answer as {what}, though {', '.join(others)} accepts "
        f"connections (another server's port?): {error}",
        others,
    )


def mongo_failure(error: Exception, database: str, field: str, url: str | None = None) -> Failure:
    """A pymongo error as a `Failure`: a database name the server (or pymongo) refuses
    is `invalid_database` (exit 2, naming `field`: `--database` or the environment
    variable it came from), anything else `mongo_unreachable` (exit 1). With the server's
    `url`, a server that does not answer is told apart from another kind of server on its
    port (`not_answering`; `listening` names those addresses)."""
    from pymongo.errors import ConnectionFailure, InvalidName, OperationFailure

    refused = isinstance(error, InvalidName) or (
        isinstance(error, OperationFailure) and error.code == 73  # InvalidNamespace
    )
    if refused:
        message = f"{database!r} is no database name the server takes: {error}"[:300]
        return Failure(
            "invalid_database",
            message,
            [{"field": field, "code": "invalid_database", "message": message}],
            EXIT_INVALID,
            database=database,
            parameter=field,
        )
    if url is not None and isinstance(error, ConnectionFailure):
        nodes = _mongo_nodes(url)
        if nodes:
            message, others = not_answering("the Mongo-wire server", nodes, error)
            return Failure("mongo_unreachable", message[:400], database=database, listening=others)
    return Failure("mongo_unreachable", f"{error}"[:300], database=database)


def _mongo_nodes(url: str) -> list[str]:
    """The `host:port` addresses of a `mongodb://` URL (none for `mongodb+srv://`: they
    come from DNS), parsed by pymongo."""
    from pymongo.errors import ConfigurationError, InvalidURI
    from pymongo.uri_parser import parse_uri

    if not url.startswith("mongodb://"):
        return []
    try:
        return [f"{host}:{port}" for host, port in parse_uri(url)["nodelist"]]
    except (ConfigurationError, InvalidURI, ValueError):
        return []


def rfc3339(instant: datetime) -> str:
    """An instant as RFC 3339 in UTC, `2030-12-02T08:00:00Z` (fractions only when there
    are any, as pydantic writes them); a naive datetime is taken as UTC (Mongo's)."""
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    return instant.astimezone(UTC).isoformat().replace("+00:00", "Z")


def rfc3339_text(text: str | None) -> str | None:
    """An ISO 8601 timestamp a header carries (`2030-12-02T08:00:00+00:00`) as RFC 3339
    in UTC; text that is not one is returned unchanged."""
    if not text:
        return text
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return text
    return rfc3339(parsed) if parsed.tzinfo is not None else text


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return rfc3339(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def to_json(value: Any) -> str:
    """JSON text as the CLI prints it: instants in RFC 3339 (`…Z`), anything else not
    JSON as its text. Text that is not Unicode (a lone surrogate a dead letter's JSON
    held, `"\\ud800"`) is written escaped, so printing it cannot fail."""
    text = json.dumps(value, ensure_ascii=False, default=_json_default)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(value, ensure_ascii=True, default=_json_default)
    return text


def emit_json(value: Any) -> None:
    """One JSON document on stdout (scripts read it)."""
    print(to_json(value), flush=True)


def json_requested(args: Sequence[str]) -> bool:
    """Whether the command line asks for JSON output: `--json` in any form (`--json`,
    `--json=yes`, `--json=` — a flag given a value is a usage error, told as JSON too)
    before any `--`. Arguments that are not text (bytes) are skipped."""
    for arg in args:
        if not isinstance(arg, str):
            continue
        if arg == "--":
            return False
        if arg == "--json" or arg.startswith("--json="):
            return True
    return False


def quiet_libraries() -> None:
    """Under `--json` nothing but the JSON document(s) may be printed: the libraries'
    logging (aiokafka's "Unable connect to …" before a `kafka_unreachable`, pymongo's)
    and Python's warnings are silenced. The failure itself is the JSON error object."""
    JSON_ONLY["on"] = True
    logging.disable(logging.CRITICAL)
    warnings.simplefilter("ignore")


_LONG_WORD = re.compile(rf"\S{{{ECHO_CHARS + 1},}}")


def tidy(message: str) -> str:
    """A message as printed: bytes that were not UTF-8 as `\\xNN`, every run of more than
    `ECHO_CHARS` non-blank characters (echoed input: an id, an extra argument) cut to
    `ECHO_CHARS` plus "…"."""
    text = message.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return _LONG_WORD.sub(lambda m: m[0][:ECHO_CHARS] + "…", text)


USAGE_CODES: dict[type[click.ClickException], str] = {
    click.NoSuchOption: "no_such_option",
    click.MissingParameter: "missing_parameter",
    click.BadParameter: "invalid_value",
    click.BadOptionUsage: "bad_option_usage",
    click.BadArgumentUsage: "bad_argument_usage",
}


def usage_failure(error: click.ClickException) -> Failure:
    """A typer/click usage error (unknown option, a value out of range or refused by a
    check of `cli.options`, a missing argument, an unknown command) as the one JSON error
    object: `{"error": "usage_error", "message", "parameter", "reasons": [{field, code,
    message}], "command"}`, exit code 2 (nothing was done)."""
    from cli.options import hint

    code = next((c for kind, c in USAGE_CODES.items() if isinstance(error, kind)), "usage_error")
    parameter: str | None = None
    if isinstance(error, click.NoSuchOption | click.BadOptionUsage):
        parameter = error.option_name
    elif isinstance(error, click.BadParameter):
        given = hint(error.param) if error.param is not None else error.param_hint
        parameter = given if isinstance(given, str | None) else " / ".join(given)
    message = error.format_message()
    if parameter is None and message.startswith("No such command"):
        code, parameter = "no_such_command", "command"
    context = getattr(error, "ctx", None)
    extra: dict[str, Any] = {}
    if isinstance(error, FromEnvironment) and error.variable is not None:
        extra["environment_variable"] = error.variable
    return Failure(
        "usage_error",
        message,
        [{"field": parameter or "$", "code": code, "message": message}],
        EXIT_INVALID,
        parameter=parameter,
        command=context.command_path if context is not None else None,
        **extra,
    )
