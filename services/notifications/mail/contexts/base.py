"""The base of every mail context."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict

from services.notifications.domain.contact_fields import checked_timezone
from services.notifications.domain.errors import NotificationsError


class MailContext(BaseModel):
    """The facts one mail shows. Instants are aware (`AwareDatetime`); text is plain
    (templates escape it in HTML). Unknown fields are refused so a misspelt field fails
    loudly instead of leaving a gap in a mail; instances are validated again when
    rendered, so a model built with `model_copy` cannot slip past the checks."""

    model_config = ConfigDict(extra="forbid", frozen=True, revalidate_instances="always")

    recipient_name: str | None = None


def _known_zone(name: str) -> str:
    try:
        checked_timezone(name)
    except NotificationsError as exc:
        raise ValueError(exc.message) from None  # pydantic reports ValueErrors per field
    return name


IanaZone = Annotated[str, AfterValidator(_known_zone)]
"""An IANA time zone name (e.g. a region's zone), refused when unknown."""
