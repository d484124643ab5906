"""Invented sample data for porting unit tests: Ofcom drama numbers, example.com, no people."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from services.porting.domain.events import PortEvent
from services.porting.domain.model import PortRequest
from services.porting.domain.policy import PortingRules
from services.porting.domain.values import Address, PortDetails

E = TypeVar("E", bound=PortEvent)

LONDON = ZoneInfo("Europe/London")
BERLIN = ZoneInfo("Europe/Berlin")
RULES = PortingRules()
PARTNER = "partner-0001"
PARTNER_USER = "user-0001"

# Ofcom's drama ranges: 020 7946 0000-0999 (London) and 0161 496 0000-0999 (Manchester).
LONDON_NUMBERS = ("+442079460000", "+442079460001", "+442079460002")
MANCHESTER_NUMBER = "+441614960000"
BERLIN_NUMBER = "+493012345678"  # invented


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0, tz: ZoneInfo = LONDON):
    """A local instant (London by default)."""
    return datetime(year, month, day, hour, minute, tzinfo=tz)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def gb_details(**changes: Any) -> PortDetails:
    """A complete UK request, with `changes`."""
    values: dict[str, Any] = {
        "product": "analogue",
        "numbers": LONDON_NUMBERS,
        "main_billing_number": "020 7946 0000",
        "registered_address": Address(
            lines=("Unit 4, Example Trading Estate",),
            city="London",
            postal_code="EC1A 9ZZ",
            country="GB",
        ),
        "losing_provider": "Example Telecom Ltd",
        "range_holder": "Example Networks plc",
    }
    values.update(changes)
    return PortDetails(**values)


def de_details(**changes: Any) -> PortDetails:
    """A complete German request (no main billing number or range holder needed)."""
    values: dict[str, Any] = {
        "product": "analogue",
        "numbers": (BERLIN_NUMBER,),
        "registered_address": Address(
            lines=("Beispielstrasse 1",), city="Berlin", postal_code="10115", country="DE"
        ),
        "losing_provider": "Beispiel Telefon GmbH",
    }
    values.update(changes)
    return PortDetails(**values)


def draft(
    details: PortDetails | None = None,
    country: str = "GB",
    port_id: str = "port-0001",
    now: datetime | None = None,
) -> PortRequest:
    request, _ = PortRequest.create_draft(
        port_id=port_id,
        partner_id=PARTNER,
        country=country,
        details=details or (gb_details() if country == "GB" else de_details()),
        now=now or at(2026, 12, 1, 9),
        actor=PARTNER_USER,
    )
    return request


def submitted(
    details: PortDetails | None = None,
    country: str = "GB",
    port_id: str = "port-0001",
    now: datetime | None = None,
) -> PortRequest:
    request = draft(details, country, port_id, now)
    request.submit(now or at(2026, 12, 1, 9, 30), PARTNER_USER, RULES)
    return request


def accepted(
    accepted_at: datetime | None = None, port_date: date | None = None, country: str = "GB"
) -> PortRequest:
    """A GB request accepted on Mon 14 Dec 2026 (port date Mon 18 Jan 2027) by default."""
    request = submitted(country=country)
    request.accept(accepted_at or at(2026, 12, 14, 10), "CARRIER-REF-1", RULES, port_date)
    return request


def only(events: list[PortEvent], kind: type[E]) -> list[E]:
    """`events`, after checking they are all of `kind` (typed for the assertions after)."""
    assert all(isinstance(e, kind) for e in events), events
    return [e for e in events if isinstance(e, kind)]
