"""The one way the project makes a rich `Console` (the demonstration, the operator CLI,
the fault-injection run).

On a terminal rich fits the output to the window. Without one — a log file, a pipe, CI —
rich would hard-wrap every line at 80 columns (or `COLUMNS`), splitting a log path or an
event line in two. There a `PlainConsole` prints text (a `str` or a `Text`) soft-wrapped:
each printed line stays one line, however long. Tables and panels are still laid out
`width` columns wide and wrap inside their cells (soft wrap would crop a panel's text).
"""

from __future__ import annotations

import sys
from typing import IO, Any

from rich.console import Console
from rich.text import Text

LAYOUT_WIDTH = 140
"""Columns for tables and panels when the output is not a terminal."""


class PlainConsole(Console):
    """A console that never hard-wraps text when its output is not a terminal."""

    def print(self, *objects: Any, soft_wrap: bool | None = None, **options: Any) -> None:
        if soft_wrap is None and not self.is_terminal:
            soft_wrap = all(isinstance(o, str | Text) for o in objects)
        super().print(*objects, soft_wrap=soft_wrap, **options)


def plain_console(
    *, stderr: bool = False, width: int = LAYOUT_WIDTH, file: IO[str] | None = None
) -> PlainConsole:
    """A `PlainConsole` on stdout (or stderr, or `file`): the window's width on a
    terminal, else `width` for layout (see the module)."""
    stream = file or (sys.stderr if stderr else sys.stdout)
    return PlainConsole(
        file=file,
        stderr=stderr,
        highlight=False,
        width=None if stream.isatty() else width,
    )
