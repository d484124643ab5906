"""Which holiday region of its country a port request's address lies in.

Domain description section 2: UK working days are England and Wales's "unless the address
is elsewhere". The UK nation is read from the postcode's *area* (the leading letters of
the outward code), using Royal Mail's postcode areas as the ONS Postcode Directory assigns
them to countries:

- Northern Ireland is the whole of area BT;
- Scotland is AB, DD, DG, EH, FK, G, HS, IV, KA, KW, KY, ML, PA, PH, TD and ZE, except
  district TD15 (Berwick-upon-Tweed), which is in England;
- every other area is England or Wales, which share their bank holidays (ENG).

A few districts straddle the border (parts of TD12 and CA6): the request names its
region itself with `calendar_subdivision` (SCT, NIR or ENG), which always wins.
"""

from __future__ import annotations

import re

from services.porting.domain.values import Address

SCOTLAND = "SCT"
NORTHERN_IRELAND = "NIR"
ENGLAND_AND_WALES = "ENG"

SCOTTISH_POSTCODE_AREAS: frozenset[str] = frozenset(
    {"AB", "DD", "DG", "EH", "FK", "G", "HS", "IV", "KA", "KW", "KY", "ML", "PA", "PH", "TD"}
    | {"ZE"}
)
NORTHERN_IRISH_POSTCODE_AREAS: frozenset[str] = frozenset({"BT"})
ENGLISH_DISTRICTS_OF_SCOTTISH_AREAS: frozenset[str] = frozenset({"TD15"})

_UK_POSTCODE = re.compile(r"^(?P<area>[A-Z]{1,2})(?P<rest>\d[A-Z\d]?)(?P<inward>\d[A-Z]{2})?$")


def uk_nation_of_postcode(postcode: str) -> str | None:
    """SCT, NIR or ENG for a UK postcode ("EH1 1YZ", "bt7 1nn", "TD15"); None if unreadable."""
    compact = re.sub(r"\s+", "", postcode).upper()
    match = _UK_POSTCODE.match(compact)
    if match is None:
        return None
    area, district = match["area"], match["area"] + match["rest"]
    if area in NORTHERN_IRISH_POSTCODE_AREAS:
        return NORTHERN_IRELAND
    if area in SCOTTISH_POSTCODE_AREAS and district not in ENGLISH_DISTRICTS_OF_SCOTTISH_AREAS:
        return SCOTLAND
    return ENGLAND_AND_WALES


def subdivision_of_address(country: str, address: Address | None) -> str | None:
    """The holiday subdivision the address lies in, when it can be told (GB only); else None."""
    if address is None or country.upper() != "GB":
        return None
    if address.country.strip() and address.country.upper() != "GB":
        return None
    return uk_nation_of_postcode(address.postal_code)
