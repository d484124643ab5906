"""What each partner received by e-mail during a run: read back from the Mailpit catcher.

The run's `notifications.mail.delivered` events name every mail (recipient, partner,
template, language, Message-ID); the subject is read from Mailpit's HTTP API
(`/api/v1/search`), so the summary shows what actually reached the catcher.
"""

from __future__ import annotations

import asyncio
import json
import urllib.parse
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from deploy.demo.display import rfc3339
from shared.events import Envelope


@dataclass(frozen=True)
class MailRow:
    delivered_at: str  # RFC 3339, the demonstration clock's instant
    partner: str
    recipient: str
    language: str
    template: str
    subject: str  # "(not in the catcher)" when Mailpit does not hold it


def _get(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


async def _subjects(mailpit_url: str, recipient: str) -> dict[str, str]:
    """Message-ID (without <>) → subject of every mail to `recipient` in the catcher."""
    query = urllib.parse.urlencode({"query": f"to:{recipient}", "limit": "500"})
    found = await asyncio.to_thread(_get, f"{mailpit_url}/api/v1/search?{query}")
    return {m.get("MessageID", "").strip("<>"): m.get("Subject", "") for m in found["messages"]}


async def mail_rows(seen: Iterable[Envelope], mailpit_url: str) -> list[MailRow]:
    """One row per mail delivered in this run, in the order they were delivered (the
    event's `occurred_at` on the demonstration clock, then the order they were seen)."""
    delivered = [e for e in seen if e.type == "notifications.mail.delivered"]
    order = {id(e): n for n, e in enumerate(delivered)}
    delivered.sort(key=lambda e: (_instant(e.data.get("occurred_at")), order[id(e)]))
    by_recipient: dict[str, dict[str, str]] = {}
    rows: dict[str, MailRow] = {}
    for event in delivered:
        data = event.data
        recipient = data["recipient"]
        if recipient not in by_recipient:
            try:
                by_recipient[recipient] = await _subjects(mailpit_url, recipient)
            except OSError:
                by_recipient[recipient] = {}
        subject = by_recipient[recipient].get(
            str(data["message_id"]).strip("<>"), "(not in the catcher)"
        )
        rows.setdefault(
            data["delivery_id"],
            MailRow(
                _rfc3339(data.get("occurred_at")),
                data.get("partner_id") or "-",
                recipient,
                data["language"],
                data["template"],
                subject,
            ),
        )
    return list(rows.values())


def _instant(value: object) -> datetime:
    """An event's `occurred_at` as an aware datetime (missing or unreadable: the earliest)."""
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        return datetime.min.replace(tzinfo=UTC)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _rfc3339(value: object) -> str:
    instant = _instant(value)
    if instant == datetime.min.replace(tzinfo=UTC):
        return "-"
    return rfc3339(instant)


def mail_lines(rows: list[MailRow], mailpit_url: str, mailpit_stays: bool = True) -> list[str]:
    """The summary's mail section, one line per mail in delivery order. The Mailpit web UI
    is named (once) only when Mailpit stays up after the run; when the run stops it
    (`deploy/local/demo.sh` stops the servers it started, unless `--keep-running`), the
    line says so instead of giving an address nothing will answer on."""
    if mailpit_stays:
        where = f"read them in the Mailpit web UI: {mailpit_url}"
    else:
        where = (
            "Mailpit is stopped at the end of this run (it was started for it); "
            "run with --keep-running to read them in its web UI"
        )
    if not rows:
        return [f"no mail was delivered; {where}"]
    recipients = {r.recipient for r in rows}
    return [
        f"{len(rows)} mail(s) to {len(recipients)} address(es); {where}",
        *(
            f"{r.delivered_at} mail to {r.partner} <{r.recipient}> [{r.language}] {r.subject}"
            for r in rows
        ),
    ]
