"""Telephone numbers of a port request: parsed, checked and normalised to E.164.

Input is national ("020 7946 0000") or international ("+44 20 7946 0000"); a range is a
`NumberRange` or text such as "02079460000-0099" (the digits after the dash replace the
end of the first number) or "+442079460000 - +442079460099".
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumber, PhoneNumberFormat

from services.porting.domain.errors import (
    DuplicateNumberInRequest,
    InvalidNumber,
    InvalidRange,
    NumberNotInCountry,
    NumberTypeNotPortable,
    PortingError,
    RangeTooLarge,
    Reason,
)
from shared import numbers as ranges


@dataclass(frozen=True)
class NumberRange:
    """A contiguous block of numbers, both ends included."""

    first: str
    last: str

    def __str__(self) -> str:
        return f"{self.first}-{self.last}"


NumberInput = str | NumberRange
"""One entry of a request's numbers: a single number or a range."""

_RANGE_SEPARATOR = re.compile(r"\s*(?:-|–|—|\.\.|\bto\b)\s*")
_DIGITS = re.compile(r"\+?\d+")
_TYPE_NAMES: dict[int, str] = {
    value: name.lower()
    for name, value in vars(phonenumbers.PhoneNumberType).items()
    if name.isupper() and isinstance(value, int)
}


def _parse(raw: str, country: str) -> PhoneNumber:
    """Parse `raw` as a valid number, national input read as `country`'s.

    Remembered for the last `PARSED` inputs (`functools.lru_cache`; a failure is not
    remembered): a submission reads its numbers up to four times (size limit, claims,
    validation, decision) and libphonenumber's parse and validity check are the dearest
    Python steps of porting's submission path. The number returned is shared: read it,
    never change it (no caller does; libphonenumber's functions only read)."""
    return _parsed(raw, country.upper())


PARSED = 4096
"""Inputs whose parse `_parse` remembers."""


@functools.lru_cache(maxsize=PARSED)
def _parsed(raw: str, country: str) -> PhoneNumber:
    try:
        number = phonenumbers.parse(raw, country)
    except NumberParseException as exc:
        raise InvalidNumber(f"{raw!r} is not a telephone number", number=raw) from exc
    if not phonenumbers.is_valid_number(number):
        raise InvalidNumber(f"{raw!r} is not a valid telephone number", number=raw)
    return number


def _e164(number: PhoneNumber) -> str:
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def _in_country(number: PhoneNumber, country: str) -> tuple[str, str]:
    """A parsed valid number's E.164 form and type name (e.g. "fixed_line"), after checking
    it is a number of `country` (raises `NumberNotInCountry`)."""
    e164 = _e164(number)
    if not phonenumbers.is_valid_number_for_region(number, country.upper()):
        region = phonenumbers.region_code_for_number(number)
        raise NumberNotInCountry(
            f"{e164} is a number of {region}, not of {country.upper()}",
            details={"region": region, "country": country.upper()},
            number=e164,
        )
    return e164, _TYPE_NAMES.get(phonenumbers.number_type(number), "unknown")


def _portable(e164: str, kind: str, portable_types: Collection[str] | None) -> str:
    """`e164` when its type `kind` is among `portable_types` (None: any type), else raise
    `NumberTypeNotPortable`."""
    if portable_types is not None and kind not in portable_types:
        raise NumberTypeNotPortable(
            f"{e164} is a {kind.replace('_', ' ')} number, which is not ported here",
            details={"number_type": kind},
            number=e164,
        )
    return e164


def _check(number: PhoneNumber, country: str, portable_types: Collection[str] | None) -> str:
    """Check country and type of a parsed valid number; return its E.164 form."""
    return _portable(*_in_country(number, country), portable_types)


def parse_number(raw: str, country: str, portable_types: Collection[str] | None = None) -> str:
    """Return `raw` in E.164 after checking it is valid, of `country` and of a portable type.

    Raises `InvalidNumber`, `NumberNotInCountry` or `NumberTypeNotPortable`. A number of
    the country is remembered with its E.164 form and type (`PARSED` inputs, like `_parse`),
    whatever types are asked for: a submission reads each of its numbers up to four times,
    once without a type check (counting them for the size limit)."""
    return _portable(*_checked(raw.strip(), country.upper()), portable_types)


@functools.lru_cache(maxsize=PARSED)
def _checked(raw: str, country: str) -> tuple[str, str]:
    return _in_country(_parse(raw, country), country)


def parse_range_text(raw: str, country: str) -> NumberRange | None:
    """Read "first-last" or "first-suffix" as a range; None when `raw` is no range text."""
    text = raw.strip()
    for match in reversed(list(_RANGE_SEPARATOR.finditer(text))):
        left, right = text[: match.start()], text[match.end() :]
        compact = re.sub(r"[\s().-]", "", right)
        if not left or not _DIGITS.fullmatch(compact):
            continue
        try:
            first = _parse(left, country)
        except InvalidNumber:
            continue
        significant = phonenumbers.national_significant_number(first)
        if compact.startswith("+") or len(compact) >= len(significant):
            return NumberRange(first=left.strip(), last=right.strip())
        # Short right-hand side: it replaces the trailing digits ("...0000-0099").
        last = significant[: -len(compact)] + compact
        return NumberRange(first=left.strip(), last=f"+{first.country_code}{last}")
    return None


def expand_range(
    number_range: NumberRange,
    country: str,
    max_size: int,
    portable_types: Collection[str] | None = None,
) -> list[str]:
    """Every number of the range in E.164, first to last, after checking both ends (valid,
    of `country`, of a portable type); the range rule itself is `shared.numbers`'s."""
    first = _parse(number_range.first, country)
    last = _parse(number_range.last, country)
    first_e164 = _check(first, country, portable_types)
    last_e164 = _check(last, country, portable_types)
    try:
        return ranges.expand_range(first, last, max_size)
    except ranges.NotOneRange as error:
        raise InvalidRange(
            f"{first_e164} and {last_e164} do not bound one range (different lengths)",
            number=str(number_range),
        ) from error
    except ranges.RangeBackwards as error:
        raise InvalidRange(
            f"range ends ({last_e164}) before it starts ({first_e164})", number=str(number_range)
        ) from error
    except ranges.RangeTooLarge as error:
        raise RangeTooLarge(
            f"range {first_e164}-{last_e164} holds {error.size} numbers; at most {max_size} "
            "allowed",
            details={"size": error.size, "max_range_size": max_size},
            number=str(number_range),
        ) from error


@dataclass(frozen=True)
class NormalisedNumbers:
    """A request's numbers in E.164 (unique, in input order) and the reasons for refusals."""

    numbers: tuple[str, ...]
    reasons: tuple[Reason, ...]


def normalise_numbers(
    entries: Iterable[NumberInput],
    country: str,
    max_range_size: int,
    portable_types: Collection[str] | None = None,
) -> NormalisedNumbers:
    """Parse, expand and de-duplicate `entries`, collecting a reason for every problem."""
    numbers: dict[str, None] = {}
    duplicates: dict[str, None] = {}
    reasons: list[Reason] = []
    for entry in entries:
        try:
            expanded = _expand_entry(entry, country, max_range_size, portable_types)
        except PortingError as error:
            reasons.extend(error.reasons())
            continue
        for number in expanded:
            if number in numbers:
                duplicates[number] = None
            numbers[number] = None
    for number in duplicates:
        duplicate = DuplicateNumberInRequest(
            f"{number} appears more than once in the request", field="numbers", number=number
        )
        reasons.extend(duplicate.reasons())
    return NormalisedNumbers(numbers=tuple(numbers), reasons=tuple(reasons))


def count_numbers(entries: Iterable[NumberInput], country: str) -> int:
    """How many numbers `entries` stand for, without expanding any range
    (`shared.numbers.count_numbers`): a range counts as its size, read from its two ends,
    so a request naming millions of numbers is measured without building them; anything
    unreadable counts as one entry."""
    return ranges.count_numbers(entries, lambda entry: _ends(entry, country))


def _ends(entry: NumberInput, country: str) -> tuple[PhoneNumber, PhoneNumber] | None:
    number_range = entry if isinstance(entry, NumberRange) else _range_or_none(entry, country)
    if number_range is None:
        return None
    try:
        return _parse(number_range.first, country), _parse(number_range.last, country)
    except PortingError:
        return None


def _range_or_none(raw: str, country: str) -> NumberRange | None:
    try:
        parse_number(raw, country)
        return None  # a single number
    except PortingError:
        return parse_range_text(raw, country)


def _expand_entry(
    entry: NumberInput, country: str, max_range_size: int, portable_types: Collection[str] | None
) -> list[str]:
    if isinstance(entry, NumberRange):
        return expand_range(entry, country, max_range_size, portable_types)
    try:
        return [parse_number(entry, country, portable_types)]
    except InvalidNumber:
        number_range = parse_range_text(entry, country)
        if number_range is None:
            raise
        return expand_range(number_range, country, max_range_size, portable_types)
