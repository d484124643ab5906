"""Running notifications against the real servers, and reading Mailpit's API."""

from __future__ import annotations

import asyncio
import json
import urllib.parse
import urllib.request
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

from services.notifications.entrypoints import NAME, wire
from services.notifications.settings import NotificationsSettings
from shared.events import Envelope
from shared.ids import new_id
from shared.settings import SmtpSettings
from tests.conftest import eventually
from tests.integration.bus import Bus, running_service
from tests.servers import MailCatcher


def _get(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


class Mailpit:
    """What the catcher received, through its HTTP API (`/api/v1`)."""

    def __init__(self, catcher: MailCatcher) -> None:
        self.catcher = catcher

    async def api(self, path: str, **query: str) -> Any:
        suffix = f"?{urllib.parse.urlencode(query)}" if query else ""
        return await asyncio.to_thread(_get, f"{self.catcher.url}/api/v1/{path}{suffix}")

    async def to(self, address: str) -> list[dict[str, Any]]:
        """Summaries of every message to `address`."""
        found = await self.api("search", query=f"to:{address}", limit="200")
        return list(found["messages"])

    async def wait_for(self, address: str, count: int = 1, timeout: float = 40.0) -> list[Any]:
        async def enough() -> list[Any]:
            found = await self.to(address)
            return found if len(found) >= count else []

        return list(await eventually(enough, timeout=timeout))

    async def message(self, summary: dict[str, Any]) -> dict[str, Any]:
        return dict(await self.api(f"message/{summary['ID']}"))

    async def raw_part(self, summary: dict[str, Any], part_id: str) -> bytes:
        """One attachment's bytes."""

        def fetch() -> bytes:
            url = f"{self.catcher.url}/api/v1/message/{summary['ID']}/part/{part_id}"
            with urllib.request.urlopen(url, timeout=10) as response:
                return bytes(response.read())

        return await asyncio.to_thread(fetch)

    async def headers(self, summary: dict[str, Any]) -> dict[str, list[str]]:
        return dict(await self.api(f"message/{summary['ID']}/headers"))


def address(name: str) -> str:
    """A fresh address per test (the catcher is shared by every test and session)."""
    return f"{name}.{new_id()[-10:].lower()}@example.com"


@asynccontextmanager
async def notifications(
    bus: Bus, mongo_url: str, database: str, catcher: MailCatcher, **overrides: Any
) -> AsyncIterator[NotificationsSettings]:
    """One notifications instance on the test's topics, database and mail catcher."""
    smtp = SmtpSettings(host=catcher.smtp_host, port=catcher.smtp_port, timeout_seconds=10)
    async with running_service(
        NAME,
        NotificationsSettings,
        wire,
        bus,
        mongo_url,
        database,
        smtp=smtp,
        **overrides,
    ) as settings:
        assert isinstance(settings, NotificationsSettings)
        yield settings


def event(event_type: str, data: dict[str, Any], at: datetime, subject: str) -> Envelope:
    """Another service's event as it publishes it (structured CloudEvents JSON)."""
    return Envelope(
        id=f"{event_type}:{new_id()}",
        source=f"/{event_type.split('.', 1)[0]}",
        type=event_type,
        time=at,
        subject=subject,
        datacontenttype="application/json",
        data=data,
    )
