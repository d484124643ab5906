"""Identifiers a sender chooses (partner, customer, user, tenant, order ids): bounded and
free of control characters, so one can neither bloat every document and event that repeats
it nor hide terminal escapes from the people who read it."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

MAX_ID_LENGTH = 200
"""Most characters of an identifier a sender chooses (as of `request_id`)."""

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _no_control_characters(value: str) -> str:
    if _CONTROL.search(value):
        raise PydanticCustomError(
            "control_characters",
            "an identifier holds no control characters (C0, DEL or C1)",
        )
    return value


Identifier = Annotated[
    str, Field(min_length=1, max_length=MAX_ID_LENGTH), AfterValidator(_no_control_characters)
]
"""An identifier a sender chooses: 1 to `MAX_ID_LENGTH` characters, none of them a control
character (refused as invalid data: `string_too_long`, `control_characters`), so it can
neither bloat every document and event that repeats it nor hide terminal escapes from the
people who read it."""
