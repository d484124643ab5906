"""Ticket numbers in the seed's format: `NA` + 8 digits (spec/domain.md §4, seed 000).

The number is a pure function of a sequence number. Uniqueness across instances comes
from whoever allocates the sequence (a database counter incremented atomically), not
from this module: the ticket aggregate takes the allocated number as input.
"""

from __future__ import annotations

import re

from services.support.domain.errors import TicketNumbersExhausted

PREFIX = "NA"
DIGITS = 8
MAX_SEQUENCE = 10**DIGITS - 1
_PATTERN = re.compile(rf"^{PREFIX}\d{{{DIGITS}}}$")


def ticket_number(sequence: int) -> str:
    """`NA` + the sequence number in 8 digits, e.g. 42 → `NA00000042`.

    Raises `ValueError` for a sequence below 1 (or not a whole number) and
    `TicketNumbersExhausted` above 99,999,999.
    """
    if isinstance(sequence, bool) or not isinstance(sequence, int):
        raise ValueError(f"a ticket sequence number is a whole number, got {sequence!r}")
    if sequence < 1:
        raise ValueError(f"ticket sequence numbers start at 1, got {sequence}")
    if sequence > MAX_SEQUENCE:
        raise TicketNumbersExhausted(
            f"sequence {sequence} does not fit {PREFIX} + {DIGITS} digits",
            details={"sequence": sequence},
        )
    return f"{PREFIX}{sequence:0{DIGITS}d}"


def is_ticket_number(text: str) -> bool:
    """Whether `text` is a ticket number in the seed's format (exactly, upper-case `NA`)."""
    return bool(_PATTERN.match(text)) and text != f"{PREFIX}{0:0{DIGITS}d}"


def sequence_of(number: str) -> int:
    """The sequence number of a ticket number; `ValueError` when it is not one."""
    if not is_ticket_number(number):
        raise ValueError(f"{number!r} is not a ticket number ({PREFIX} + {DIGITS} digits)")
    return int(number[len(PREFIX) :])
