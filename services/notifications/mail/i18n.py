"""Translations and locale-aware formatting for mail (domain.md §3: English, German, Dutch).

Message catalogs are gettext `.po` files under `locale/<lang>/LC_MESSAGES/messages.po`,
extracted from the templates and kept up to date with Babel's own tools:

    uv run pybabel extract -F services/notifications/mail/babel.cfg --no-location \
        --sort-output --project=partnerops --copyright-holder=partnerops \
        -o services/notifications/mail/locale/messages.pot \
        services/notifications/mail/templates
    uv run pybabel update -i services/notifications/mail/locale/messages.pot \
        -d services/notifications/mail/locale --ignore-obsolete

They are compiled in memory with Babel (`read_po` → `write_mo`) when first used, so no
binary `.mo` file is kept in the repository and a compiled catalog can never be stale.
Dates and times are formatted with `babel.dates` for the recipient's locale and zone.
"""

from __future__ import annotations

import functools
import io
from datetime import date, datetime, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo

import phonenumbers
from babel import Locale
from babel.dates import format_date, format_datetime, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from services.notifications.domain.contact_fields import checked_language

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"
SOURCE_LANGUAGE = "en"


def catalog_path(language: str) -> Path:
    """The `.po` file of ``language`` (English is the source language and has none)."""
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@functools.lru_cache(maxsize=8)
def translations(language: str) -> NullTranslations:
    """The gettext translations of ``language`` (en, de or nl), compiled from its `.po` file."""
    language = checked_language(language) or SOURCE_LANGUAGE
    if language == SOURCE_LANGUAGE:
        return NullTranslations()
    with catalog_path(language).open("rb") as po:
        catalog = read_po(po, locale=language, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


@functools.lru_cache(maxsize=64)
def babel_locale(language: str) -> Locale:
    """The Babel locale of a language tag (`de`, `de_AT`, `nl-BE`, `en_GB`...)."""
    return Locale.parse(language.strip().replace("-", "_"))


def zone(tz: str | tzinfo) -> tzinfo:
    """An IANA zone from its name (or a tzinfo unchanged)."""
    return ZoneInfo(tz) if isinstance(tz, str) else tz


def _datetime_pattern(locale: Locale) -> str:
    # The locale's own "full" date with its short time, joined the locale's way, plus the
    # zone's long name: "Tuesday, 16 June 2026, 22:00 Central European Summer Time".
    combined = str(locale.datetime_formats["full"])
    date_pattern = locale.date_formats["full"].pattern
    time_pattern = locale.time_formats["short"].pattern
    return combined.replace("{1}", date_pattern).replace("{0}", time_pattern) + " zzzz"


def format_instant(value: datetime, language: str, tz: str | tzinfo) -> str:
    """An aware instant as date, time and zone name on the recipient's wall clock."""
    locale = babel_locale(language)
    return format_datetime(value, _datetime_pattern(locale), tzinfo=zone(tz), locale=locale)


def format_day(value: date | datetime, language: str, tz: str | tzinfo) -> str:
    """A calendar date in full (an instant is first placed on the recipient's wall clock)."""
    if isinstance(value, datetime):
        value = value.astimezone(zone(tz)).date()
    return format_date(value, "full", locale=babel_locale(language))


def format_clock(value: datetime, language: str, tz: str | tzinfo) -> str:
    """The wall-clock time of an instant with its zone's short name."""
    return format_time(value, "short", tzinfo=zone(tz), locale=babel_locale(language))


def format_phone(number: str) -> str:
    """An E.164 number in international format (`+44 20 7946 0000`); other text unchanged."""
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return number
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
