"""Text that ends up in a mail header: one line, no control characters (RFC 5322 §2.2).

A display name or subject taken from input (a contact's name, a company name, a
maintenance title) must never carry a CR/LF into a header — that is header injection, and
Python's `email` package refuses such a value outright (`ValueError`), which would make
every mail to that recipient unbuildable. Commands refuse such names (`has_control`);
whatever still reaches a header (onboarding's facts, stored deliveries) is made one line
(`one_line`) when the mail is composed.
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_SPACES = re.compile(r"\s+")


def has_control(text: str) -> bool:
    """True if `text` has a control character (C0, DEL, C1) or a Unicode line separator."""
    return _CONTROL.search(text) is not None


def one_line(text: str | None) -> str:
    """`text` with every control character replaced by a space, runs of white space
    collapsed to one and the ends stripped ("" for None)."""
    if not text:
        return ""
    return _SPACES.sub(" ", _CONTROL.sub(" ", text)).strip()
