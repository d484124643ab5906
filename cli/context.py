"""What every verb shares: settings (the services' environment variables, overridable by
the root options), output (rich for people, `--json` for scripts) and machine-readable
failures.

Exit codes: 0 done; 1 a server or service failed or a wait timed out; 2 invalid input
(unreadable JSON, unknown type, schema violation, bad option); 3 not found (unknown port
request, ticket, group, contacts, dead letter); 4 refused (a dead letter already replayed,
a published command answered with a refusal).
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import Coroutine, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, NoReturn, TypeVar

import typer
from pydantic import Field, SecretStr, ValidationError
from rich.console import Console

from shared.settings import ServiceSettings, service_settings_config

T = TypeVar("T")

SERVICES = ("onboarding", "porting", "support", "notifications")
"""The services, in the order they are started."""

EXIT_FAILED = 1
EXIT_INVALID = 2
EXIT_NOT_FOUND = 3
EXIT_REFUSED = 4

console = Console(highlight=False, width=None if sys.stdout.isatty() else 160)
errors = Console(stderr=True, highlight=False)


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


def build(bootstrap_servers: str | None, mongo_url: str | None, topic_prefix: str | None) -> Cli:
    """Settings from the environment, then the root options over them."""
    settings = CliSettings()
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
        super().__init__(message)
        self.code, self.message, self.exit_code = code, message, exit_code
        self.reasons = reasons or []
        self.details = details

    def as_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"error": self.code, "message": self.message}
        if self.reasons:
            body["reasons"] = self.reasons
        body.update(self.details)
        return body


def fail(failure: Failure) -> NoReturn:
    """Report `failure` as one JSON object on stderr (a person sees it in red) and exit."""
    text = json.dumps(failure.as_json(), ensure_ascii=False, default=str)
    if errors.is_terminal:
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
    except (typer.Exit, typer.Abort):
        raise
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


def emit_json(value: Any) -> None:
    """One JSON document on stdout (scripts read it)."""
    print(json.dumps(value, ensure_ascii=False, default=str), flush=True)
