"""The mail catcher: a mail sent over SMTP with aiosmtplib is read back through Mailpit's API."""

from __future__ import annotations

import asyncio
import json
import urllib.parse
import urllib.request
from email.message import EmailMessage
from typing import Any

import aiosmtplib
import pytest

from tests.conftest import eventually
from tests.servers import MailCatcher

pytestmark = pytest.mark.integration


def _get(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


async def _api(catcher: MailCatcher, path: str, **query: str) -> Any:
    suffix = f"?{urllib.parse.urlencode(query)}" if query else ""
    return await asyncio.to_thread(_get, f"{catcher.url}/api/v1/{path}{suffix}")


async def test_a_mail_sent_over_smtp_is_read_back_through_the_mailpit_api(
    mail_catcher: MailCatcher, unique
):
    subject = unique("Port date confirmed")
    mail = EmailMessage()
    mail["From"] = "partner-operations@example.com"
    mail["To"] = "Ada Example <ada@reseller.example.net>"
    mail["Subject"] = subject
    mail.set_content("Portierungsdatum: 4. März 2031, 06:00 Uhr (Europe/Berlin).")
    errors, answer = await aiosmtplib.send(
        mail, hostname=mail_catcher.smtp_host, port=mail_catcher.smtp_port
    )
    assert errors == {} and answer.startswith("2.0.0 Ok")

    async def delivered() -> list[Any]:
        found = await _api(mail_catcher, "search", query=f'subject:"{subject}"')
        return list(found["messages"])

    [summary] = await eventually(delivered)
    assert summary["From"]["Address"] == "partner-operations@example.com"
    assert [(t["Name"], t["Address"]) for t in summary["To"]] == [
        ("Ada Example", "ada@reseller.example.net")
    ]
    message = await _api(mail_catcher, f"message/{summary['ID']}")
    assert message["Subject"] == subject
    assert message["Text"].strip() == "Portierungsdatum: 4. März 2031, 06:00 Uhr (Europe/Berlin)."
    listed = await _api(mail_catcher, "messages")
    assert summary["ID"] in [m["ID"] for m in listed["messages"]]
