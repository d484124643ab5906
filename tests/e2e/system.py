"""The system under e2e test: every service as its own process, driven only through Kafka.

`System` starts the four services (one or more instances each) on their own topic
namespace and databases, moves the shared demonstration clock through a `Driver`, and
reads what came out: events on the `.events` topics (by their deterministic ids) and the
mails in the Mailpit catcher (by recipient and subject).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.coordinator.protocol import ConsumerProtocolMemberAssignment
from prometheus_client.parser import text_string_to_metric_families

from deploy.demo import processes
from deploy.demo.driver import Driver
from deploy.demo.system import available_services
from shared.actor import Actor
from shared.contracts import onboarding as ob
from shared.events import Envelope, Payload
from shared.ids import new_id
from shared.kafka import ensure_topics
from shared.settings import KafkaSettings
from shared.topics import ALL_TOPICS, ONBOARDING_COMMANDS
from tests.conftest import eventually
from tests.integration.bus import delete_topics
from tests.integration.notifications.support import Mailpit
from tests.servers import MailCatcher, free_port

START = datetime(2031, 3, 3, 8, 0, tzinfo=ZoneInfo("Europe/London"))
"""The e2e clock's first instant (a Monday); nothing reads today's date."""
OPS = Actor(user_id="ops.e2e", roles=("vendor_operations",))


@dataclass
class System:
    """The running services (by name, each a list of instances) and how to talk to them."""

    driver: Driver
    mailpit: Mailpit
    run: str
    prefix: str
    services: dict[str, list[processes.ServiceProcess]] = field(default_factory=dict)

    # -- processes ---------------------------------------------------------------------

    async def kill(self, name: str, instance: int = 0) -> int:
        """SIGKILL one instance; its exit code (-9)."""
        return await processes.kill_service(self.services[name][instance])

    async def restart(self, name: str, instance: int = 0) -> None:
        """Start a killed instance again (same database, consumer group, port) until ready."""
        service = await processes.restart_service(self.services[name][instance])
        self.services[name][instance] = service
        await processes.wait_ready(service, timeout=240)

    async def consumed(self, name: str, instance: int, topic: str) -> float:
        """Messages this instance consumed from `topic` (its /metrics, every outcome; the
        dispatcher labels a topic by its name without the namespace prefix)."""
        text = await metrics_text(self.services[name][instance].port)
        return sum(
            sample.value
            for family in text_string_to_metric_families(text)
            if family.name == "partnerops_events_in"
            for sample in family.samples
            if sample.name == "partnerops_events_in_total"
            and sample.labels.get("topic") in (topic, self.prefix + topic)
        )

    async def group_owners(self, name: str, topic: str) -> int:
        """How many members of `name`'s consumer group own partitions of `topic` (0 while
        the group rebalances)."""
        admin = AIOKafkaAdminClient(bootstrap_servers=self.driver.bootstrap)
        await admin.start()
        try:
            [response] = await admin.describe_consumer_groups([self.prefix + name])
        finally:
            await admin.close()
        _error, _group, state, _ptype, _protocol, members, *_ = response.groups[0]
        if state != "Stable":
            return 0
        owners = 0
        for member in members:
            assignment = ConsumerProtocolMemberAssignment.decode(member[4])
            owners += any(t == self.prefix + topic and ps for t, ps in assignment.assignment)
        return owners

    # -- Kafka -------------------------------------------------------------------------

    async def send(self, topic: str, payload: Payload, subject: str) -> Envelope:
        return await self.driver.send(topic, payload, subject=subject)

    def events(self, event_type: str, where: Callable[[Envelope], bool] = lambda e: True) -> list:
        """Every record of `event_type` seen so far (a redelivered id appears twice)."""
        return [e for e in self.driver.seen if e.type == event_type and where(e)]

    def distinct(self, event_type: str, where: Callable[[Envelope], bool] = lambda e: True) -> set:
        """The distinct event ids of `event_type` seen so far."""
        return {e.id for e in self.events(event_type, where)}

    async def until_count(
        self,
        event_type: str,
        count: int,
        where: Callable[[Envelope], bool] = lambda e: True,
        timeout: float = 90.0,
    ) -> set[str]:
        """Wait until `count` distinct ids of `event_type` matching `where` were seen."""

        async def enough() -> set[str]:
            found = self.distinct(event_type, where)
            return found if len(found) >= count else set()

        return set(await eventually(enough, timeout=timeout, interval=0.3))

    # -- partners and their mail -------------------------------------------------------

    async def partner(self, language: str = "en", kind: str = "distributor") -> Partner:
        """A new partner registered with onboarding whose contact notifications knows:
        its welcome mail has reached the catcher."""
        partner_id = f"P-E2E-{new_id()[-8:]}"
        email = f"desk.{partner_id.lower()}@partner.example.com"
        await self.send(
            ONBOARDING_COMMANDS.name,
            ob.RegisterPartner.model_validate(
                {
                    "request_id": f"{partner_id}-register",
                    "actor": OPS,
                    "partner_id": partner_id,
                    "kind": kind,
                    "name": f"Example Telecom {partner_id}",
                    "country": "NL" if language == "nl" else "DE" if language == "de" else "GB",
                    "language": language,
                }
            ),
            partner_id,
        )
        await self.send(
            ONBOARDING_COMMANDS.name,
            ob.ChangePartnerContacts(
                request_id=f"{partner_id}-contacts",
                actor=OPS,
                partner_id=partner_id,
                contacts=[ob.ContactIn(name="Desk Example", email=email, role="technical")],
            ),
            partner_id,
        )
        await self.mailpit.wait_for(email, 1, timeout=90)
        return Partner(partner_id, email, language)

    async def mails(self, address: str) -> Counter[str]:
        """How many mails `address` received, by subject."""
        return Counter(m["Subject"] for m in await self.mailpit.to(address))

    async def until_mails(self, address: str, count: int, timeout: float = 90.0) -> Counter[str]:
        """Wait until `address` holds at least `count` mails; then by subject."""
        await self.mailpit.wait_for(address, count, timeout=timeout)
        return await self.mails(address)

    async def languages(self, address: str) -> dict[str, str]:
        """Subject → `Content-Language` of every mail to `address`."""
        found = {}
        for summary in await self.mailpit.to(address):
            headers = await self.mailpit.headers(summary)
            found[summary["Subject"]] = headers.get("Content-Language", ["?"])[0]
        return found

    async def mailed(self, address: str) -> dict[str, list[Mail]]:
        """Every mail to `address` by the event it tells (`X-Partnerops-Event-Id`)."""
        found: dict[str, list[Mail]] = {}
        for summary in await self.mailpit.to(address):
            headers = await self.mailpit.headers(summary)

            def one(name: str, headers: dict[str, list[str]] = headers) -> str:
                return headers.get(name, ["?"])[0]

            mail = Mail(
                summary["Subject"],
                one("Message-Id"),
                one("X-Partnerops-Template"),
                one("Content-Language"),
            )
            found.setdefault(one("X-Partnerops-Event-Id"), []).append(mail)
        return found

    async def templates(self, address: str) -> Counter[str]:
        """How many mails `address` received, by template (`X-Partnerops-Template`)."""
        found: Counter[str] = Counter()
        for summary in await self.mailpit.to(address):
            headers = await self.mailpit.headers(summary)
            found[headers.get("X-Partnerops-Template", ["?"])[0]] += 1
        return found


@dataclass(frozen=True)
class Mail:
    subject: str
    message_id: str
    template: str
    language: str


@dataclass(frozen=True)
class Partner:
    partner_id: str
    email: str
    language: str


async def metrics_text(port: int) -> str:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
    await writer.drain()
    raw = await reader.read()
    writer.close()
    return raw.partition(b"\r\n\r\n")[2].decode()


@asynccontextmanager
async def running_system(
    bootstrap: str,
    mongo_url: str,
    catcher: MailCatcher,
    log_dir: Path,
    instances: int = 1,
    extra_env: dict[str, str] | None = None,
) -> AsyncIterator[System]:
    """Start `instances` processes of every service on a fresh topic namespace and
    databases, wait until all are ready, yield the system, stop them (SIGTERM)."""
    run = new_id()[-8:].lower()
    prefix = f"e2e-{run}."
    await ensure_topics(
        KafkaSettings(bootstrap_servers=bootstrap, topic_prefix=prefix),
        [t.name for t in ALL_TOPICS],
    )
    env = {
        "PARTNEROPS_KAFKA__BOOTSTRAP_SERVERS": bootstrap,
        "PARTNEROPS_KAFKA__TOPIC_PREFIX": prefix,
        "PARTNEROPS_MONGO__URL": mongo_url,
        "PARTNEROPS_SMTP__HOST": catcher.smtp_host,
        "PARTNEROPS_SMTP__PORT": str(catcher.smtp_port),
        "PARTNEROPS_MAILPIT__URL": catcher.url,
        "PARTNEROPS_DEMO_CLOCK_START": START.isoformat(),
        "PARTNEROPS_LAG_INTERVAL_SECONDS": "5",
        # Small batches: a SIGKILL must be able to fall between two batches of the 20
        # messages a test sends (one fetch of 500 would take them all at once).
        "PARTNEROPS_BATCH_MAX_RECORDS": "3",
        **(extra_env or {}),
    }
    services: dict[str, list[processes.ServiceProcess]] = {}
    for name in available_services():
        ports = [free_port() for _ in range(instances)]
        services[name] = await processes.start_instances(name, ports, run, log_dir, env)
    try:
        await asyncio.gather(
            *(processes.wait_ready(s, timeout=240) for group in services.values() for s in group)
        )
        async with Driver(bootstrap, START, source="/e2e", prefix=prefix) as driver:
            driver.printer = lambda e: None
            yield System(driver, Mailpit(catcher), run, prefix, services)
    finally:
        await asyncio.gather(
            *(processes.stop_service(s) for group in services.values() for s in group)
        )
        await delete_topics(bootstrap, [prefix])


async def settle(seconds: float = 2.0) -> None:
    """Room for a duplicate to show up (none may): a bound, not an assertion on time."""
    await asyncio.sleep(seconds)


def first(items: Any) -> Any:
    return next(iter(items))
