"""Fuzzing every topic each service consumes, against the running service (issue 14).

Per service: hostile records (`tests.fuzz.messages`) on every topic its routing table
(`ROUTES`) consumes, on the real broker and Mongo-wire server. Shown:

* 100 % answered — each record is dead-lettered with machine-readable reasons, or
  answered by an event it caused (a command's rejection or refusal, or its effect), or,
  being a valid fact on an events topic, consumed (a fact needs no answer);
* nothing else changes — the records the binding or the contract refuses (sent first)
  leave the service's database exactly as it was;
* the consumer keeps going — a valid command sent after the batch is answered;
* no secret from the input (`SECRET`, planted in secret-named fields and headers) is in a
  log line, a dead letter or a published event.

`HYPOTHESIS_PROFILE=full` draws 10× more examples per topic (`ci`, the default: 39, 3 of each kind).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.errors import KafkaError
from pydantic import ValidationError

from services.notifications import entrypoints as notifications
from services.notifications.settings import NotificationsSettings
from services.onboarding import entrypoints as onboarding
from services.onboarding.settings import OnboardingSettings
from services.porting import entrypoints as porting
from services.porting.settings import PortingSettings
from services.support import entrypoints as support
from services.support.settings import SupportSettings
from shared.binding import Record, UnreadableEvent, decode
from shared.events import Envelope, Payload
from shared.ids import new_id
from shared.lag import LagMonitor
from shared.settings import ServiceSettings, SmtpSettings
from shared.store import EXISTING
from shared.topics import BY_NAME, TopicKind
from tests.conftest import eventually
from tests.fakes import TEST_DEVICE_KEYS
from tests.fuzz.messages import SECRET, FuzzRecord, generate, render
from tests.integration.bus import Bus, running_service

pytestmark = [pytest.mark.fuzz, pytest.mark.timeout(600)]

PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
ACTOR = {"user_id": "fuzz-user-1", "partner_id": "partner-9301", "roles": ["partner_admin"]}
OPS = {"user_id": "ops@vendor.example.com", "roles": ["vendor_operations"]}


@dataclass(frozen=True)
class Service:
    name: str
    settings: type[ServiceSettings]
    wire: Callable[..., None]
    routes: list[Any]
    sentinel: tuple[str, dict[str, Any]]  # a valid command (type, data) sent after the batch


SERVICES = {
    "porting": Service(
        porting.NAME,
        PortingSettings,
        porting.wire,
        porting.ROUTES,
        (
            "porting.port.precheck",
            {
                "request_id": "fuzz-after",
                "actor": ACTOR,
                "partner_id": "partner-9301",
                "country": "GB",
                "product": "analogue",
                "numbers": ["+442079460930"],
            },
        ),
    ),
    "onboarding": Service(
        onboarding.NAME,
        OnboardingSettings,
        onboarding.wire,
        onboarding.ROUTES,
        (
            "onboarding.partner.register",
            {
                "request_id": "fuzz-after",
                "actor": OPS,
                "partner_id": "partner-9301",
                "kind": "tier1",
                "name": "Fuzz Example Ltd",
                "country": "GB",
                "language": "en",
            },
        ),
    ),
    "support": Service(
        support.NAME,
        SupportSettings,
        support.wire,
        support.ROUTES,
        ("support.tickets.list", {"request_id": "fuzz-after", "actor": ACTOR}),
    ),
    "notifications": Service(
        notifications.NAME,
        NotificationsSettings,
        notifications.wire,
        notifications.ROUTES,
        (
            "notifications.outage.declare",
            {
                "request_id": "fuzz-after",
                "actor": OPS,
                "outage_id": "outage-fuzz-1",
                "regions": ["UK"],
                "services": ["voice"],
                "summary": "Calls fail in one region (fuzz run).",
                "started_at": "2031-03-03T08:00:00Z",
            },
        ),
    ),
}


def models_by_topic(routes: list[Any]) -> dict[str, list[type[Payload]]]:
    by_topic: dict[str, list[type[Payload]]] = {}
    for topic, model, _ in routes:
        if model not in by_topic.setdefault(topic.name, []):
            by_topic[topic.name].append(model)
    return by_topic


def refused_locally(record: FuzzRecord, topic: str, models: dict[str, type[Payload]]) -> bool:
    """Whether the binding or the routed contract refuses the record (the oracle that
    sorts the batch; the service's own answer is what is checked)."""
    try:
        envelope = decode(Record(record.value, record.key, tuple(record.headers)))
    except UnreadableEvent:
        return True
    model = models.get(envelope.type)
    if model is None:
        return BY_NAME[topic].kind is TopicKind.COMMANDS
    try:
        envelope.parse_data(model)
    except ValidationError:
        return True
    return False


async def snapshot(db: Any) -> dict[str, list[Any]]:
    """Every document of every collection (an empty collection is no change: the server
    may create one when it is first read), but refusal records: a refused command naming
    an aggregate that does not exist leaves one (`shared.store.Stored.exists`), the record
    of the answer given, not a change."""
    collections = {
        name: [doc async for doc in db[name].find(EXISTING).sort("_id", 1)]
        for name in sorted(await db.list_collection_names())
    }
    return {name: docs for name, docs in collections.items() if docs}


async def drained(bus: Bus, group: str, topics: list[str]) -> None:
    monitor = LagMonitor(bus.kafka, group, topics)

    async def no_lag() -> bool:
        try:
            return sum((await monitor.measure()).values()) == 0
        except KafkaError:  # a busy broker (stale metadata, a timeout): measure again
            return False

    await eventually(no_lag, timeout=240, interval=0.3)


@pytest.mark.parametrize("service_name", list(SERVICES))
async def test_every_consumed_record_is_answered_and_leaks_no_secret(
    service_name, bus, kafka_bootstrap, mongo_url, mongo_db, mail_catcher, caplog
):
    service = SERVICES[service_name]
    topics = models_by_topic(service.routes)
    started = time.perf_counter()
    # Generate, give ids, sort: what the contract refuses first, then the rest.
    sent: list[tuple[str, FuzzRecord]] = []
    for topic, models in topics.items():
        for group in generate(models, PROFILE):
            event_id = f"fuzz-{new_id()}"
            sent.extend((topic, render(draft, event_id)) for draft in group)
    routed = {t: {m.EVENT_TYPE: m for m in ms} for t, ms in topics.items()}
    drawn = time.perf_counter()
    refused = [(t, r) for t, r in sent if refused_locally(r, t, routed[t])]
    rest = [(t, r) for t, r in sent if not refused_locally(r, t, routed[t])]

    overrides: dict[str, Any] = {"device_secret_keys": TEST_DEVICE_KEYS}
    if service.name == "notifications":
        overrides = {"smtp": SmtpSettings(host=mail_catcher.smtp_host, port=mail_catcher.smtp_port)}
    elif service.name != "onboarding":
        overrides = {}
    logs = io.StringIO()
    group_id = bus.prefix + service.name
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
    await producer.start()
    where: dict[tuple[str, int, int], FuzzRecord] = {}

    async def send(batch: list[tuple[str, FuzzRecord]]) -> None:
        for topic, record in batch:
            meta = await producer.send_and_wait(
                bus.prefix + topic, record.value, key=record.key, headers=record.headers
            )
            where[(topic, meta.partition, meta.offset)] = record

    try:
        with contextlib.redirect_stderr(logs):
            async with running_service(
                service.name,
                service.settings,
                service.wire,
                bus,
                mongo_url,
                mongo_db.name,
                log_format="json",
                **overrides,
            ):
                await drained(bus, group_id, list(topics))
                before = await snapshot(mongo_db)
                await send(refused)
                await drained(bus, group_id, list(topics))
                after = await snapshot(mongo_db)
                await send(rest)
                await drained(bus, group_id, list(topics))
                kind, data = service.sentinel
                sentinel = Envelope(
                    id=f"fuzz-after-{new_id()}",
                    source="/fuzz",
                    type=kind,
                    subject="fuzz",
                    data=data,
                )
                await bus.send_raw(f"{service.name}.commands", "fuzz", sentinel.to_json())
                own_events = f"{service.name}.events"
                after_batch = await eventually(
                    lambda: _caused(bus, own_events, sentinel.id), timeout=60, interval=0.5
                )
    finally:
        await producer.stop()

    handled = time.perf_counter()
    dead = {}
    for topic in topics:
        for dlq in await read_all(bus, f"{topic}.dlq"):
            headers = {k: (v or b"").decode("utf-8", "replace") for k, v in dlq.headers}
            place = (topic, int(headers["x-dlq-partition"]), int(headers["x-dlq-offset"]))
            dead[place] = (dlq, headers)
    published = {f"{service.name}.events", *topics}  # ours among the fuzz records on them
    events = [e for t in published for e in await _all(bus, t) if not e.id.startswith("fuzz")]
    caused = Counter(e.causationid for e in {e.id: e for e in events}.values() if e.causationid)
    credited: Counter[str] = Counter()  # records answered per id (a reused id: one each)

    outcomes: Counter[str] = Counter()
    unanswered = []
    for place, record in where.items():
        topic = place[0]
        if place in dead:
            reasons = json.loads(dead[place][1]["x-dlq-error"])
            if reasons and set(reasons[-1]) == {"omitted"}:  # a long list, cut to fit
                reasons = reasons[:-1]
            assert reasons and all({"field", "code", "message"} <= set(r) for r in reasons)
            outcomes["dead-lettered"] += 1
        elif record.event_id and credited[record.event_id] < caused[record.event_id]:
            credited[record.event_id] += 1
            outcomes["answered by an event"] += 1
        elif BY_NAME[topic].kind is not TopicKind.COMMANDS and not refused_locally(
            record, topic, routed[topic]
        ):
            outcomes["valid fact consumed"] += 1
        else:
            unanswered.append((topic, record.kind, record.value and record.value[:300]))
    kinds = Counter(record.kind for record in where.values())
    print(
        f"\nfuzz {service.name}: {len(where)} records on {len(topics)} topics "
        f"({dict(kinds)}); {dict(outcomes)}; "
        f"answered {100 * (len(where) - len(unanswered)) / len(where):.0f} %; "
        f"drawn in {drawn - started:.0f} s, sent and handled in {handled - drawn:.0f} s"
    )
    assert unanswered == [], unanswered[:5]
    assert f"{service.name}.command.rejected" not in after_batch  # handled, not refused
    assert len(where) == len(sent)
    # Everything the contract refused was dead-lettered, and changed nothing.
    refused_places = [p for p, r in where.items() if any(r is x for _, x in refused)]
    assert all(p in dead for p in refused_places)
    assert after == before
    # No secret in a log line, a dead letter or a published event.
    text = logs.getvalue() + caplog.text
    assert SECRET not in text
    for dlq, headers in dead.values():
        assert SECRET.encode() not in (dlq.value or b"")
        assert SECRET not in json.dumps(headers)
    assert all(SECRET not in e.model_dump_json() for e in events)


async def read_all(bus: Bus, topic: str) -> list[Any]:
    """Every record on `topic` up to its end offsets now (no waiting for stragglers)."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bus.bootstrap, auto_offset_reset="earliest", group_id=None
    )
    await consumer.start()
    try:
        name = bus.prefix + topic  # created by the bus with its partition count
        partitions = [TopicPartition(name, p) for p in range(bus.kafka.topic_partitions)]
        consumer.assign(partitions)
        ends = await consumer.end_offsets(partitions)
        records: list[Any] = []
        while True:
            behind = [tp for tp, end in ends.items() if await consumer.position(tp) < end]
            if not behind:
                return records
            for batch in (await consumer.getmany(*behind, timeout_ms=500)).values():
                records.extend(batch)
    finally:
        await consumer.stop()


async def _all(bus: Bus, topic: str) -> list[Envelope]:
    found = []
    for record in await read_all(bus, topic):
        with contextlib.suppress(ValueError, TypeError):
            found.append(Envelope.from_json(record.value))
    return found


async def _caused(bus: Bus, topic: str, event_id: str) -> list[str]:
    """The types of the events on `topic` that `event_id` caused."""
    return [e.type for e in await _all(bus, topic) if e.causationid == event_id]
