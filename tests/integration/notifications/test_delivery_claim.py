"""A mail is sent once while its sender is alive, whatever the clock does meanwhile (real
Kafka, Mongo-wire server and Mailpit, through an SMTP relay that can hold the server's
answer).

The defect this pins down: the shared clock jumped past a delivery's claim while the mail
was in flight (accepted by the SMTP server, answer not yet recorded); the claim's expiry
took the live sender for a stopped one and sent the mail again, same Message-ID — the
duplicate `incident_declared` of the e2e flow 5.4, with no process killed.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from shared.topics import NOTIFICATIONS_EVENTS, PORTING_EVENTS
from tests.integration.notifications.support import Mailpit, address, notifications
from tests.integration.notifications.test_partner_mail import accepted, partner, publish
from tests.servers import MailCatcher

pytestmark = pytest.mark.integration


class HoldingRelay:
    """A TCP relay in front of the catcher's SMTP port that, while `holding`, keeps the
    server's answer to the end of a message's DATA until `release()`: the server has
    accepted the mail, the sender does not know it yet."""

    def __init__(self, upstream: MailCatcher) -> None:
        self.upstream = upstream
        self.holding = False
        self.held = 0
        self._release = asyncio.Event()
        self._server: asyncio.Server | None = None

    @property
    def port(self) -> int:
        assert self._server is not None
        return int(self._server.sockets[0].getsockname()[1])

    def release(self) -> None:
        self.holding = False
        self._release.set()

    async def _pipe(
        self, source: asyncio.StreamReader, sink: asyncio.StreamWriter, data_end: asyncio.Event
    ) -> None:
        tail = b""
        while chunk := await source.read(65536):
            if self.holding and (tail + chunk).find(b"\r\n.\r\n") >= 0:
                data_end.set()
            tail = (tail + chunk)[-4:]
            sink.write(chunk)
            await sink.drain()
        sink.close()

    async def _answers(
        self, source: asyncio.StreamReader, sink: asyncio.StreamWriter, data_end: asyncio.Event
    ) -> None:
        while chunk := await source.read(65536):
            if data_end.is_set():  # this is the answer to the message's DATA: hold it
                data_end.clear()
                self.held += 1
                await self._release.wait()
            sink.write(chunk)
            await sink.drain()
        sink.close()

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection(
            self.upstream.smtp_host, self.upstream.smtp_port
        )
        data_end = asyncio.Event()
        with contextlib.suppress(ConnectionError):
            await asyncio.gather(
                self._pipe(reader, up_writer, data_end), self._answers(up_reader, writer, data_end)
            )

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[MailCatcher]:
        self._server = await asyncio.start_server(self._client, "127.0.0.1", 0)
        try:
            yield dataclasses.replace(self.upstream, smtp_host="127.0.0.1", smtp_port=self.port)
        finally:
            self.release()
            self._server.close()


async def test_the_clock_passing_a_claim_while_the_mail_is_in_flight_sends_it_once(
    bus, mongo_url, mongo_db, mail_catcher
):
    main = address("carla")
    mailpit = Mailpit(mail_catcher)
    relay = HoldingRelay(mail_catcher)
    async with (
        relay.running() as held_catcher,
        notifications(bus, mongo_url, mongo_db.name, held_catcher, demo_clock=True),
    ):
        await partner(bus, main, "en")
        await mailpit.wait_for(main)  # the welcome mail, answered at once
        relay.holding = True
        await publish(bus, PORTING_EVENTS.name, accepted(bus))
        await mailpit.wait_for(main, 2)  # accepted by the server; its answer held
        await bus.advance(timedelta(minutes=30))  # far past the claim (5 min)
        await asyncio.sleep(5)  # the claim's timer falls due and is fired meanwhile
        relay.release()
        await bus.expect(NOTIFICATIONS_EVENTS.name, "notifications.mail.delivered", count=2)
        await asyncio.sleep(3)  # room for a second copy to show up (none may)
        mails = await mailpit.to(main)

    message_ids = [m["MessageID"] for m in mails]
    assert len(message_ids) == len(set(message_ids)) == 2, message_ids
