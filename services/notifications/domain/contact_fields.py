"""Checked contact fields: e-mail address, language and time zone (domain.md §3).

Addresses are checked and normalised with `email-validator` (syntax only: no DNS lookup, so
the check stays pure); time zones are IANA names (`zoneinfo`). Each check raises the named
`NotificationsError` with the offending field, or returns the normalised value.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from email_validator import EmailNotValidError, validate_email

from services.notifications.domain.errors import (
    InvalidEmailAddress,
    UnknownTimeZone,
    UnsupportedLanguage,
)

SUPPORTED_LANGUAGES = ("en", "de", "nl")
"""§3 product decision: mail is written in English, German and Dutch."""
DEFAULT_LANGUAGE = "en"


def normalise_email(address: str, field_name: str = "email") -> str:
    """The normalised address (domain lower-cased, Unicode NFC); raises InvalidEmailAddress."""
    try:
        return validate_email(address.strip(), check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise InvalidEmailAddress(f"{address!r}: {exc}", field=field_name) from None


def address_key(address: str) -> str:
    """The form under which two addresses are the same recipient (§3: case-insensitive)."""
    return address.strip().casefold()


def checked_language(language: str | None, field_name: str = "language") -> str | None:
    """``language`` lower-cased if supported (None stays None); raises UnsupportedLanguage."""
    if language is None:
        return None
    code = language.strip().replace("-", "_").split("_")[0].lower()
    if code not in SUPPORTED_LANGUAGES:
        raise UnsupportedLanguage(
            f"{language!r} is not one of {', '.join(SUPPORTED_LANGUAGES)}", field=field_name
        )
    return code


def checked_timezone(name: str | None, field_name: str = "timezone") -> str | None:
    """``name`` if it is an IANA zone (None stays None); raises UnknownTimeZone."""
    if name is None:
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise UnknownTimeZone(f"{name!r} is not an IANA time zone", field=field_name) from None
    return name
