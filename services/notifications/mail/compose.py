"""A rendered mail as stored content, and that content as a MIME message (RFC 5322).

The content of a delivery is fixed when the delivery is created (`content_of`) and kept
with it, so every attempt sends the same message: the same subject, bodies, invite,
`Date` (the delivery's creation) and `Message-ID` (derived from the delivery id, itself
derived from the event and the recipient's address). A copy that a retry sends again
after a lost SMTP answer is therefore recognisably the same message: mail clients and
servers that deduplicate by Message-ID drop it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any

from services.notifications.domain.header_text import one_line
from services.notifications.domain.recipients import Recipient
from services.notifications.mail.invite import CalendarInvite
from services.notifications.mail.render import RenderedMail


@dataclass(frozen=True)
class Addressing:
    """Who mail comes from, and the domain of its Message-IDs and calendar UIDs."""

    from_address: str = "partner-operations@example.com"
    from_name: str = "Partner Operations"

    @property
    def domain(self) -> str:
        """The sender's domain (Message-IDs are `<delivery id>@<domain>`)."""
        return self.from_address.rpartition("@")[2] or "localhost"


def message_id(delivery_id: str, addressing: Addressing) -> str:
    """The Message-ID of one delivery: the same on every attempt (RFC 5322 §3.6.4)."""
    return f"<{delivery_id}@{addressing.domain}>"


def content_of(
    rendered: RenderedMail,
    recipient: Recipient,
    addressing: Addressing,
    invite: CalendarInvite | None = None,
) -> dict[str, Any]:
    """The stored content of one mail (JSON-compatible): what `mime` turns into bytes."""
    attachments = []
    if invite is not None:
        attachments.append(
            {
                "filename": invite.filename,
                "subtype": "calendar",
                "params": {"method": invite.method},
                "text": invite.data.decode("utf-8"),
            }
        )
    return {
        "from_address": addressing.from_address,
        "from_name": addressing.from_name,
        "to_address": recipient.email,
        "to_name": recipient.name,
        "subject": rendered.subject,
        "text": rendered.text,
        "html": rendered.html,
        "headers": dict(rendered.headers),
        "attachments": attachments,
    }


def mime(
    content: Mapping[str, Any],
    *,
    message_id: str,
    date: datetime,
    extra_headers: Mapping[str, str] | None = None,
) -> EmailMessage:
    """The MIME message of stored content: text and HTML alternatives, then attachments
    (a calendar invite as `text/calendar; method=REQUEST|CANCEL`, RFC 6047).

    Display names, the subject and extra header values are made one line (`one_line`:
    control characters such as CR/LF become spaces), so input can never inject a header
    nor make the message unbuildable. Raises `ValueError`/`TypeError`/`KeyError` only for
    content that is not a message at all (e.g. an address that is no address): the
    caller fails such a delivery for good (`unbuildable_message`)."""
    message = EmailMessage()
    message["From"] = Address(one_line(content["from_name"]), addr_spec=content["from_address"])
    message["To"] = Address(one_line(content["to_name"]), addr_spec=content["to_address"])
    message["Subject"] = one_line(content["subject"])
    message["Date"] = format_datetime(date)
    message["Message-ID"] = message_id
    message.set_content(content["text"])
    message.add_alternative(content["html"], subtype="html")
    for attachment in content.get("attachments", []):
        message.add_attachment(
            attachment["text"],
            subtype=attachment["subtype"],
            filename=attachment["filename"],
            params=dict(attachment.get("params") or {}),
        )
    # After the body: setting the content drops `Content-*` headers set before it.
    for name, value in {**content.get("headers", {}), **(extra_headers or {})}.items():
        message[name] = one_line(value)
    return message
