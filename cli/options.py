"""Checks of option and argument values, shared by every verb.

Each check is a click/typer callback that raises `typer.BadParameter`; `cli.app.main`
reports it, like every other usage error (unknown option, missing argument, a number out
of its range), as one JSON object `{"error": "usage_error", "parameter": ...}` with exit
code 2 (`cli.context.usage_failure`). Integer ranges are typer's `min=`/`max=`; a float
option of seconds is checked by `seconds(low, high)`, which refuses `nan`, `inf` and
`-inf` as not finite before it checks the range. Text is UTF-8 without control
characters, an id at most `MAX_ID` characters; a refused value is echoed cut to
`ECHO_CHARS` characters (`shown`). The root options' checks (`*_problem`) also apply to
the environment variables they fall back to (`cli.context.build`).
"""

from __future__ import annotations

import math
import re
from typing import Any

import typer

from cli.context import ECHO_CHARS
from shared.settings import (
    bootstrap_servers_problem,
    database_name_problem,
    mongo_url_problem,
)
from shared.settings import topic_prefix_problem as shared_topic_prefix_problem

MAX_SECONDS = 3600.0
"""The longest wait or grace period an option takes (one hour)."""

_TOPIC_CHARS = re.compile(r"^[A-Za-z0-9._-]*$")


MAX_ID = 200
"""The longest id an option or argument takes: the contracts' bound on an id
(`shared.contracts.support.RequestResponseReport.partner_id`, a command's `request_id`,
`ticket_id`: at most 200 characters; a unit test holds it to the contract)."""

MAX_TOPIC = 249
"""Kafka's longest topic name."""

MAX_PATTERN = 400
"""The longest `--type` glob pattern (a CloudEvents type is far shorter)."""


def shown(value: str, limit: int = ECHO_CHARS) -> str:
    """`value` quoted as a message may repeat it: bytes that were not UTF-8 as `\\xNN`,
    cut to `limit` characters plus "…"."""
    text = value.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return f"'{text}'" if len(text) <= limit else f"'{text[:limit]}…'"


def text_problem(value: str, max_chars: int | None = None) -> str | None:
    """Why a text option or argument is refused (None when it is not): empty or blank,
    bytes that are not UTF-8 (the shell passes them as lone surrogates), control
    characters, or more than `max_chars` characters."""
    if not value.strip():
        return "must not be empty"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return f"{shown(value)} is not UTF-8 text"
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        return f"{shown(value)} contains control characters"
    if max_chars is not None and len(value) > max_chars:
        return f"{shown(value)} is too long: {len(value)} characters, at most {max_chars}"
    return None


def _texts(max_chars: int | None) -> Any:
    def check(ctx: Any, param: Any, value: Any) -> Any:
        values = value if isinstance(value, list | tuple) else [value]
        for one in values:
            if one is not None and (problem := text_problem(str(one), max_chars)):
                raise typer.BadParameter(problem, ctx=ctx, param=param)
        return value

    return check


non_empty = _texts(None)
"""A text (or each text of a repeated option): not empty or blank, UTF-8, no control
characters."""

identifier = _texts(MAX_ID)
"""An id (`--partner`, `--subject`, `show`'s ids): a text of at most `MAX_ID` characters."""

pattern = _texts(MAX_PATTERN)
"""A `--type` glob pattern: a text of at most `MAX_PATTERN` characters."""


def path(ctx: Any, param: Any, value: str | None) -> str | None:
    """A file name: not empty (any bytes a file name may hold are taken)."""
    if value is not None and (not value.strip() or "\0" in value):
        raise typer.BadParameter("must be a file name, or - for stdin", ctx=ctx, param=param)
    return value


def topic(ctx: Any, param: Any, value: str | None) -> str | None:
    """A logical topic name: Kafka's topic characters (letters, digits, `.`, `_`, `-`), at
    most 249 characters."""
    if value is None:
        return value
    problem = text_problem(value, MAX_TOPIC)
    if problem is None and not _TOPIC_CHARS.match(value):
        problem = f"{shown(value)}: a topic has only letters, digits, '.', '_' and '-'"
    if problem:
        raise typer.BadParameter(problem, ctx=ctx, param=param)
    return value


def seconds(low: float, high: float) -> Any:
    """A callback for a float option of seconds in [`low`, `high`]: `nan`, `inf` and
    `-inf` are refused as not finite numbers (before the range, which they would pass or
    fail with a misleading message). Use it instead of typer's `min=`/`max=`."""

    def check(ctx: Any, param: Any, value: float | None) -> float | None:
        if value is None:
            return value
        if not math.isfinite(value):
            raise typer.BadParameter(
                f"{value} is not a finite number of seconds ({low:g}-{high:g})",
                ctx=ctx,
                param=param,
            )
        if not low <= value <= high:
            raise typer.BadParameter(
                f"{value:g} is not between {low:g} and {high:g} seconds", ctx=ctx, param=param
            )
        return value

    return check


def _checked(problem_of: Any) -> Any:
    """A callback refusing what `problem_of(value)` finds a problem with."""

    def check(ctx: Any, param: Any, value: str | None) -> str | None:
        if value is not None and (problem := problem_of(value)):
            raise typer.BadParameter(problem, ctx=ctx, param=param)
        return value

    return check


def bootstrap_problem(value: str) -> str | None:
    """Why `value` is no `host:port[,host:port...]` list with ports 1-65535 (or None):
    `shared.settings.bootstrap_servers_problem`, the services' check."""
    return text_problem(value, 2_000) or bootstrap_servers_problem(value)


def topic_prefix_problem(value: str) -> str | None:
    """Why `value` is no topic namespace (or None): Kafka's topic characters (letters,
    digits, `.`, `_`, `-`), at most 200; empty is no namespace
    (`shared.settings.topic_prefix_problem`, the services' check)."""
    if problem := shared_topic_prefix_problem(value):
        return f"{shown(value)}: {problem}"
    return None


bootstrap_servers = _checked(bootstrap_problem)
"""`--bootstrap-servers`: `host:port[,host:port...]` with ports 1-65535."""
mongo_url = _checked(lambda value: mongo_url_problem(value, parse=False))
"""`--mongo-url`: a `mongodb://` URL (parsed by pymongo after the command line is read,
for the verbs that use Mongo: `cli.context.root_problems`)."""
topic_prefix = _checked(topic_prefix_problem)
"""`--topic-prefix`: Kafka's topic characters, at most 200."""


def database_problem(name: str) -> str | None:
    """Why MongoDB would refuse `name` as a database name (None when it would not):
    `shared.settings.database_name_problem`, the services' check."""
    return text_problem(name) or database_name_problem(name)


def database(ctx: Any, param: Any, value: str | None) -> str | None:
    """A name MongoDB takes for a database."""
    if value is not None and (problem := database_problem(value)):
        raise typer.BadParameter(
            f"{shown(value)} is no database name: {problem}", ctx=ctx, param=param
        )
    return value


def hint(param: Any) -> str:
    """How the command line names a parameter: its longest option (`--base-port`), or
    an argument's name."""
    opts = [o for o in getattr(param, "opts", None) or [] if o.startswith("-")]
    if opts:
        return max(opts, key=len)
    metavar = getattr(param, "metavar", None)
    return str(metavar or str(getattr(param, "name", "") or "").upper())
