"""Checks of option and argument values, shared by every verb.

Each check is a click/typer callback that raises `typer.BadParameter`; `cli.app.main`
reports it, like every other usage error (unknown option, missing argument, a number out
of its range), as one JSON object `{"error": "usage_error", "parameter": ...}` with exit
code 2 (`cli.context.usage_failure`). Ranges are typer's `min=`/`max=` (click's
`IntRange`/`FloatRange`); a float option also refuses `nan`, which no range catches.
"""

from __future__ import annotations

import math
import re
from typing import Any

import typer

MAX_SECONDS = 3600.0
"""The longest wait or grace period an option takes (one hour)."""

_HOST_PORT = re.compile(r"^[A-Za-z0-9._\[\]:-]+:\d{1,5}$")
_TOPIC_CHARS = re.compile(r"^[A-Za-z0-9._-]*$")
_DATABASE_FORBIDDEN = set('/\\. "$*<>:|?\0')
MAX_DATABASE_BYTES = 63
"""MongoDB's limit on a database name (64 bytes with the terminating NUL)."""


def non_empty(ctx: Any, param: Any, value: Any) -> Any:
    """A string (or each string of a repeated option) that is not empty or blank."""
    values = value if isinstance(value, list | tuple) else [value]
    for one in values:
        if one is not None and not str(one).strip():
            raise typer.BadParameter("must not be empty", ctx=ctx, param=param)
    return value


def finite(ctx: Any, param: Any, value: float | None) -> float | None:
    """A float option that is a number (`nan` passes click's range checks)."""
    if value is not None and not math.isfinite(value):
        raise typer.BadParameter(f"{value} is not a number of seconds", ctx=ctx, param=param)
    return value


def bootstrap_servers(ctx: Any, param: Any, value: str | None) -> str | None:
    """`host:port[,host:port...]` with ports 1-65535."""
    if value is None:
        return value
    for server in value.split(","):
        server = server.strip()
        if not _HOST_PORT.match(server) or not 1 <= int(server.rsplit(":", 1)[1]) <= 65535:
            raise typer.BadParameter(
                f"{server!r} is not host:port (port 1-65535)", ctx=ctx, param=param
            )
    return value


def mongo_url(ctx: Any, param: Any, value: str | None) -> str | None:
    """A `mongodb://` or `mongodb+srv://` URL."""
    if value is not None and not value.startswith(("mongodb://", "mongodb+srv://")):
        raise typer.BadParameter(
            "must start with mongodb:// or mongodb+srv://", ctx=ctx, param=param
        )
    return value


def topic_prefix(ctx: Any, param: Any, value: str | None) -> str | None:
    """Characters Kafka allows in a topic name (letters, digits, `.`, `_`, `-`); empty is
    no namespace."""
    if value is not None and (not _TOPIC_CHARS.match(value) or len(value) > 200):
        raise typer.BadParameter(
            f"{value!r}: only letters, digits, '.', '_' and '-', at most 200",
            ctx=ctx,
            param=param,
        )
    return value


def database_problem(name: str) -> str | None:
    """Why MongoDB would refuse `name` as a database name (None when it would not)."""
    if not name.strip():
        return "must not be empty"
    bad = sorted(set(name) & _DATABASE_FORBIDDEN)
    if bad:
        return f"must not contain {' '.join(repr(c) for c in bad)}"
    if len(name.encode()) > MAX_DATABASE_BYTES:
        return f"at most {MAX_DATABASE_BYTES} bytes"
    return None


def database(ctx: Any, param: Any, value: str | None) -> str | None:
    """A name MongoDB takes for a database."""
    if value is not None and (problem := database_problem(value)):
        raise typer.BadParameter(f"{value!r} is no database name: {problem}", ctx=ctx, param=param)
    return value


def hint(param: Any) -> str:
    """How the command line names a parameter: its longest option (`--base-port`), or
    an argument's name."""
    opts = [o for o in getattr(param, "opts", None) or [] if o.startswith("-")]
    if opts:
        return max(opts, key=len)
    metavar = getattr(param, "metavar", None)
    return str(metavar or str(getattr(param, "name", "") or "").upper())
