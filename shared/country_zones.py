"""The IANA time zone of a country, from IANA's own table (never a list of ours)."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from importlib import resources
from types import MappingProxyType

__all__ = ["ZONE_TABLE", "country_timezone", "country_timezones"]

ZONE_TABLE = "zone.tab"
"""IANA's table of zones per country, read from the `tzdata` package (kept current on PyPI)."""


@functools.cache
def _zones_by_country() -> Mapping[str, tuple[str, ...]]:
    """Every ISO 3166-1 country's IANA zones, in the order zone.tab lists them."""
    zones: dict[str, list[str]] = {}
    text = resources.files("tzdata.zoneinfo").joinpath(ZONE_TABLE).read_text(encoding="utf-8")
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        # Columns: country code, coordinates, zone name, optional comment (tab-separated).
        country, _coordinates, zone, *_ = line.split("\t")
        zones.setdefault(country, []).append(zone)
    return MappingProxyType({country: tuple(names) for country, names in zones.items()})


def country_timezones(country: str) -> tuple[str, ...]:
    """The IANA zones of `country` (ISO 3166-1 alpha-2), main zone first; () when unknown."""
    return _zones_by_country().get(country.upper(), ())


def country_timezone(country: str) -> str:
    """The IANA zone a calendar of `country` uses unless told otherwise.

    Source: IANA's ``zone.tab`` as shipped by the ``tzdata`` package, never a list of our
    own. A country with one zone gets it. For a country with several, zone.tab lists
    them "most populous first" within geographic order, and the first one is taken: for
    every country the platform serves (EU/EEA, Switzerland, the UK) that is the capital's
    zone, e.g. Europe/Madrid rather than Atlantic/Canary, Europe/Lisbon rather than
    Atlantic/Azores, Europe/Berlin rather than Europe/Busingen, Asia/Nicosia rather than
    Asia/Famagusta (pinned per served country by a test). Countries spanning several UTC
    offsets list a remote zone first in some cases (Australia: Lord Howe Island), so a
    caller serving one of those passes its zone explicitly. Raises ValueError for a code
    that has no zone (not a country, or a typo).
    """
    zones = country_timezones(country)
    if not zones:
        raise ValueError(f"no IANA time zone is known for country {country!r}")
    return zones[0]
