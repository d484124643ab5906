"""The base of every mail context."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class MailContext(BaseModel):
    """The facts one mail shows. Instants are aware (`AwareDatetime`); text is plain
    (templates escape it in HTML). Unknown fields are refused so a misspelt field fails
    loudly instead of leaving a gap in a mail."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    recipient_name: str | None = None
