"""Number ranges: the one rule for expanding a range of telephone numbers, and its limits,
used by porting (a port request's numbers) and onboarding (numbers added to an inventory).

The caller parses a range's two ends its own way (porting reads national input of the
request's country and checks each end's validity, country and type; onboarding reads
international numbers) and hands them over as `phonenumbers.PhoneNumber`s. Then, the same
in both services:

* the ends bound one range when they share the country code and the length of the
  national significant number (leading zeros kept), and the last is not before the first;
* a range holds at most `MAX_RANGE_SIZE` numbers (the size of an allocation block);
* one command holds at most `MAX_NUMBERS` numbers, counted from the ranges' ends before
  anything is expanded (`count_numbers`), so a request naming millions costs nothing.

Pure: no I/O, no service imports. Errors are `RangeError`s with a `code`; each service
words its own refusal.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from phonenumbers import PhoneNumber, national_significant_number

MAX_RANGE_SIZE = 1000
"""Product decision: at most 1,000 numbers per range, the block in which geographic
numbers are allocated."""

MAX_NUMBERS = 10_000
"""Product decision: at most 10,000 numbers per command (porting: per port request), ten
full blocks. Every event listing them stays near 200 KB, far below the broker's 1 MiB
default message size, and claiming them costs about ten bulk round trips."""

T = TypeVar("T")


class RangeError(ValueError):
    """The two ends do not make an acceptable range."""

    code = "invalid_range"


class NotOneRange(RangeError):
    """The ends differ in country code or in length."""


class RangeBackwards(RangeError):
    """The last number comes before the first."""


class RangeTooLarge(RangeError):
    """The range holds more numbers than allowed (`size` > `limit`)."""

    code = "range_too_large"

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(f"the range holds {size} numbers; at most {limit} allowed")
        self.size = size
        self.limit = limit


def _span(first: PhoneNumber, last: PhoneNumber) -> tuple[str, str]:
    low, high = national_significant_number(first), national_significant_number(last)
    if first.country_code != last.country_code or len(low) != len(high):
        raise NotOneRange(f"{low} and {high} do not bound one range")
    if int(high) < int(low):
        raise RangeBackwards(f"the range ends ({high}) before it starts ({low})")
    return low, high


def range_size(first: PhoneNumber, last: PhoneNumber) -> int:
    """How many numbers `first`..`last` hold, both included (raises `NotOneRange`,
    `RangeBackwards`)."""
    low, high = _span(first, last)
    return int(high) - int(low) + 1


def expand_range(
    first: PhoneNumber, last: PhoneNumber, max_size: int = MAX_RANGE_SIZE
) -> list[str]:
    """Every number of the range in E.164, first to last (raises `NotOneRange`,
    `RangeBackwards`, or `RangeTooLarge` beyond `max_size`)."""
    low, high = _span(first, last)
    size = int(high) - int(low) + 1
    if size > max_size:
        raise RangeTooLarge(size, max_size)
    prefix = f"+{first.country_code}"
    # zfill keeps leading zeros of significant numbers (e.g. Italian fixed lines).
    return [prefix + str(n).zfill(len(low)) for n in range(int(low), int(high) + 1)]


def count_numbers(
    entries: Iterable[T], ends: Callable[[T], tuple[PhoneNumber, PhoneNumber] | None]
) -> int:
    """How many numbers `entries` stand for, without expanding anything: an entry whose
    `ends` bound one range counts its size; anything else (a single number, unreadable
    input, ends that bound no range) counts as one."""
    total = 0
    for entry in entries:
        bounds = ends(entry)
        if bounds is None:
            total += 1
            continue
        try:
            total += range_size(*bounds)
        except RangeError:
            total += 1
    return total
