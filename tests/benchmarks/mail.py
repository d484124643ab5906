"""Benchmark: mails per second into the catcher, and the cost per event, of notifications.

    uv run python -m tests.benchmarks.mail [--events 200]

Against the real servers named by PARTNEROPS_KAFKA__BOOTSTRAP_SERVERS, PARTNEROPS_MONGO__URL
and PARTNEROPS_SMTP__HOST/PORT (the local Mailpit; `bash deploy/local/servers.sh start`).
Two measurements in the same run:

* baseline — the same number of already rendered messages sent straight to the catcher
  with aiosmtplib, 8 at a time, one connection each (the floor cost of SMTP here);
* notifications — the real service handling `porting.port.accepted` events for one
  partner with one contact: each event read from Kafka, its mail rendered (Jinja2, Babel,
  CSS inlined), its delivery claimed in the database, sent over SMTP and recorded; timed
  from the first publish until every `notifications.mail.delivered` is on the topic.

Printed as mails/s, ms per event and the ratio to the baseline of the same run (the
machines are noisy: compare ratios). Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
from datetime import UTC, date, datetime
from email.message import EmailMessage
from typing import Any

import aiosmtplib
from aiokafka import AIOKafkaConsumer
from pymongo import AsyncMongoClient

from services.notifications.entrypoints import NAME, wire
from services.notifications.settings import NotificationsSettings
from shared.contracts.common import Payload
from shared.contracts.onboarding.partners import PartnerContactsChanged, PartnerRegisteredV1
from shared.contracts.porting.events import PortAcceptedV1
from shared.events import Envelope
from shared.ids import new_id
from shared.runtime import run_service
from shared.settings import MongoSettings, SmtpSettings
from shared.topics import NOTIFICATIONS_EVENTS, ONBOARDING_EVENTS, PORTING_EVENTS
from tests.integration.bus import Bus, delete_topics

START = datetime(2031, 3, 3, 8, 0, tzinfo=UTC)


def _smtp() -> tuple[str, int]:
    return os.environ.get("PARTNEROPS_SMTP__HOST", "127.0.0.1"), int(
        os.environ.get("PARTNEROPS_SMTP__PORT", "31025")
    )


async def baseline(n: int) -> float:
    host, port = _smtp()
    gate = asyncio.Semaphore(8)
    run = new_id()[-8:].lower()

    async def one(i: int) -> None:
        message = EmailMessage()
        message["From"] = "partner-operations@example.com"
        message["To"] = f"bench-base-{run}@example.com"
        message["Subject"] = f"Port date confirmed {i}"
        message.set_content("Port date: 14 March 2031.")
        message.add_alternative("<p>Port date: <b>14 March 2031</b>.</p>", subtype="html")
        async with gate:
            await aiosmtplib.send(message, hostname=host, port=port)

    began = time.perf_counter()
    await asyncio.gather(*(one(i) for i in range(n)))
    return time.perf_counter() - began


def _event(payload: Payload, subject: str) -> Envelope:
    """`payload` as its service publishes it (the contract model: a benchmark that wrote
    its events by hand went stale when the contracts grew required fields)."""
    return Envelope(
        id=f"{payload.EVENT_TYPE}:{new_id()}",
        source="/bench",
        type=payload.EVENT_TYPE,
        time=START,
        subject=subject,
        data=payload.model_dump(mode="json"),
    )


async def notifications(bootstrap: str, mongo_url: str, n: int) -> float:
    run = new_id()[-8:].lower()
    bus, database = Bus(bootstrap, f"bench-mail-{run}.", START), f"bench_mail_{run}"
    await bus.start()
    host, port = _smtp()
    settings = NotificationsSettings(
        kafka=bus.kafka,
        mongo=MongoSettings(url=mongo_url),
        database=database,
        smtp=SmtpSettings(host=host, port=port),
        http_port=0,
        outbox_sweep_seconds=0.5,
        timer_poll_seconds=0.5,
    )
    stop = asyncio.Event()
    service = asyncio.create_task(run_service(NAME, settings, wire, stop=stop))
    partner, address = f"ptn-{run}", f"bench-{run}@example.com"
    consumer = AIOKafkaConsumer(
        bus.prefix + NOTIFICATIONS_EVENTS.name,
        bootstrap_servers=bootstrap,
        auto_offset_reset="earliest",
        group_id=None,
    )
    await consumer.start()
    try:
        for event in (
            _event(
                PartnerRegisteredV1(
                    partner_id=partner,
                    kind="reseller",
                    company_name="Bench Reseller",
                    country="GB",
                    language="en",
                    distributor_partner_id=f"dst-{run}",
                    occurred_at=START,
                ),
                partner,
            ),
            _event(
                PartnerContactsChanged(
                    partner_id=partner,
                    contact_emails=[address],
                    helpdesk_email=None,
                    occurred_at=START,
                ),
                partner,
            ),
        ):
            await bus.send_raw(ONBOARDING_EVENTS.name, partner, event.to_json())
        await _delivered(consumer, 1)  # the welcome: the service is up and the contact known
        began = time.perf_counter()
        for i in range(n):
            port_id = f"port-{i:05d}"
            accepted = PortAcceptedV1(
                partner_id=partner,
                port_id=port_id,
                country="GB",
                carrier_ref=f"CR-{i}",
                numbers=["+442079460300"],
                port_date=date(2031, 3, 14),
                lead_days=5,
                cancellation_cutoff=datetime(2031, 3, 12, tzinfo=UTC),
                revision=1,
            )
            event = _event(accepted, port_id)
            await bus.send_raw(PORTING_EVENTS.name, port_id, event.to_json())
        await _delivered(consumer, n)
        return time.perf_counter() - began
    finally:
        await consumer.stop()
        stop.set()
        await asyncio.wait_for(service, 60)
        await bus.stop()
        await delete_topics(bootstrap, [bus.prefix])  # a broker full of topics is slower
        client: AsyncMongoClient[Any] = AsyncMongoClient(mongo_url)
        await client.drop_database(database)
        await client.close()


async def _delivered(consumer: AIOKafkaConsumer, n: int) -> None:
    seen = 0
    async with asyncio.timeout(900):
        while seen < n:
            batch = await consumer.getmany(timeout_ms=500)
            for records in batch.values():
                for record in records:
                    if Envelope.from_json(record.value).type == "notifications.mail.delivered":
                        seen += 1


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=200)
    args = parser.parse_args()
    bootstrap = os.environ.get("PARTNEROPS_KAFKA__BOOTSTRAP_SERVERS", "127.0.0.1:39092")
    mongo_url = os.environ.get("PARTNEROPS_MONGO__URL", "mongodb://127.0.0.1:37017")
    n = args.events
    base = await baseline(n)
    served = await notifications(bootstrap, mongo_url, n)
    print(f"{'measurement':<40} {'mails/s':>9} {'ms/event':>9} {'ratio':>7}")
    for name, seconds in (("baseline (aiosmtplib, 8 at a time)", base), ("notifications", served)):
        print(f"{name:<40} {n / seconds:>9.1f} {seconds / n * 1000:>9.2f} {base / seconds:>7.3f}")


if __name__ == "__main__":
    asyncio.run(main())
