"""Sending one message over SMTP with `aiosmtplib`, and reading the server's answer.

Every way an exchange can end becomes a `SendOutcome` (nothing raises): 2xx accepted;
4xx, a refused or dropped connection, a timeout, or a server/credential problem on our
side (authentication refused, an extension we rely on missing) "try again later"; a 5xx
about the message or its recipient "never". The whole exchange is bounded by
`SmtpSettings.timeout_seconds`, far below the delivery's claim (`RetryPolicy.claim_for`),
so a live sender always records its answer before anyone may take the delivery over.
"""

from __future__ import annotations

import asyncio
from email.message import EmailMessage
from typing import Protocol

import aiosmtplib

from services.notifications.domain.delivery import SendOutcome, SendResult
from shared.logging import get_logger
from shared.settings import SmtpSettings

log = get_logger("notifications.smtp")


class MailSender(Protocol):
    """Sends one message to one recipient and says how the SMTP server answered."""

    async def send(self, message: EmailMessage, sender: str, recipient: str) -> SendOutcome:
        """Never raises: every failure is an outcome."""
        ...


class SmtpSender:
    """The real sender: one SMTP connection per message (see module doc)."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings

    async def send(self, message: EmailMessage, sender: str, recipient: str) -> SendOutcome:
        settings = self.settings
        password = settings.password.get_secret_value() if settings.password else None
        try:
            async with asyncio.timeout(settings.timeout_seconds):
                _, answer = await aiosmtplib.send(
                    message,
                    sender=sender,
                    recipients=[recipient],
                    hostname=settings.host,
                    port=settings.port,
                    username=settings.username,
                    password=password,
                    use_tls=settings.use_tls,
                    start_tls=settings.start_tls,
                    validate_certs=settings.validate_certs,
                    timeout=settings.timeout_seconds,
                )
        except aiosmtplib.SMTPRecipientsRefused as refused:
            first = refused.recipients[0]
            return SendOutcome.from_reply(first.code, first.message)
        except (aiosmtplib.SMTPAuthenticationError, aiosmtplib.SMTPNotSupported) as ours:
            # Our credentials or the relay's configuration, not the message: an operator
            # can fix it, so keep the mail until the retry budget runs out.
            log.error("SMTP relay refuses our session", error=repr(ours))
            return SendOutcome(SendResult.TRANSIENT, getattr(ours, "code", 0), str(ours))
        except aiosmtplib.SMTPResponseException as answer_error:
            return SendOutcome.from_reply(answer_error.code, answer_error.message)
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as unreachable:
            return SendOutcome.unreachable(f"{type(unreachable).__name__}: {unreachable}")
        return SendOutcome.from_reply(250, answer)
