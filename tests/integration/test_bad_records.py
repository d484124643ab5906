"""Every kind of bad record on the real broker ends in exactly one outcome — handled or
dead-lettered with its error — and the consumer goes on with the next record."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from typing import Any

import aiokafka.producer.message_accumulator as accumulator
import aiokafka.producer.producer as producer_module
import pytest
from aiokafka import AIOKafkaProducer
from aiokafka.record.default_records import _DefaultRecordBatchBuilderPy
from cloudevents.core.bindings import kafka as ce_kafka
from cloudevents.core.v1.event import CloudEvent

from shared.binding import STRUCTURED_CONTENT_TYPE
from shared.lag import LagMonitor
from tests.conftest import eventually
from tests.integration.counter_service import Bump, make_context, wiring
from tests.integration.test_plumbing import _bump, _collect

pytestmark = pytest.mark.integration

KEY = b"c9"
CT = ("content-type", STRUCTURED_CONTENT_TYPE.encode())
HUGE = 1_048_000  # under the producer's and the broker's 1 MiB, over it with DLQ headers


def bump_json(**changes: Any) -> bytes:
    body = json.loads(_bump("c9").to_json())
    body.update(changes)
    return json.dumps({k: v for k, v in body.items() if v is not None}).encode()


class _RawHeaderName(str):
    """A header name whose bytes on the wire are not UTF-8 (aiokafka would refuse to send
    one; its pure-Python record builder calls `encode`, which this overrides)."""

    __slots__ = ()

    def encode(self, *args: Any, **kwargs: Any) -> bytes:
        return b"\xc3\x28"


@contextlib.contextmanager
def python_record_builder() -> Iterator[None]:
    saved = accumulator.DefaultRecordBatchBuilder, producer_module.DefaultRecordBatchBuilder
    accumulator.DefaultRecordBatchBuilder = _DefaultRecordBatchBuilderPy
    producer_module.DefaultRecordBatchBuilder = _DefaultRecordBatchBuilderPy
    try:
        yield
    finally:
        accumulator.DefaultRecordBatchBuilder, producer_module.DefaultRecordBatchBuilder = saved


def binary_bump() -> tuple[bytes, list[tuple[str, bytes]]]:
    event = CloudEvent(
        attributes={"type": Bump.EVENT_TYPE, "source": "/sdk", "id": "sdk-bump-1"},
        data={"counter_id": "c9", "by": 1},
    )
    message = ce_kafka.to_binary_event(event)
    return message.value, list(message.headers.items())


async def test_every_kind_of_bad_record_gets_one_outcome_and_the_consumer_goes_on(
    kafka_bootstrap, kafka_settings, mongo_url, mongo_db, topics, unique
):
    commands, events = topics
    binary_value, binary_headers = binary_bump()
    # (value, key, headers, dead-letter code or None when it is handled)
    records: list[Any] = [
        (bump_json(), KEY, [CT, ("x-trace", b"\xc3\x28")], None),
        (bump_json(), KEY, [CT, ("x-dup", b"1"), ("x-dup", b"2"), ("x-\u00e9", None)], None),
        (binary_value, KEY, binary_headers, None),
        (bump_json(), None, [], None),  # no key, no header
        (None, KEY, [], "invalid_envelope"),  # tombstone
        (b"", KEY, [CT], "invalid_envelope"),
        (b'{"id": "\xc3\x28"}', KEY, [CT], "invalid_envelope"),
        (b"{not json", KEY, [CT], "invalid_envelope"),
        (b"[1, 2]", KEY, [CT], "invalid_envelope"),
        (b"42", KEY, [CT], "invalid_envelope"),
        (bump_json(specversion="0.3"), KEY, [CT], "invalid_envelope"),
        (bump_json(time="2026-03-02T10:00:00"), KEY, [CT], "invalid_envelope"),
        (bump_json(data=[1]), KEY, [CT], "invalid_envelope"),
        (bump_json(type="test.counter.teleport"), KEY, [CT], "unknown_event_type"),
        (bump_json(data={"counter_id": "c9", "by": "many"}), KEY, [CT], "invalid_data"),
        (b"{" + b"x" * HUGE, KEY, [CT], "invalid_envelope"),  # huge, and cut in the DLQ
        (bump_json(), KEY, [(_RawHeaderName("x"), b"v")], "undecodable_record"),
        (bump_json(), KEY, [CT], None),  # the next one is handled
    ]
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
    await producer.start()
    offsets: list[int] = []
    try:
        with python_record_builder():
            for value, key, sent_headers, _ in records:
                sent = await producer.send_and_wait(commands, value, key=key, headers=sent_headers)
                offsets.append(sent.offset)
    finally:
        await producer.stop()

    group = unique("g")
    broker, ctx, client = make_context(
        kafka_bootstrap, mongo_url, mongo_db.name, wiring(commands, events, count_deliveries=False)
    )
    ctx.dispatcher.bind(broker, group_id=group)
    handled = sum(1 for *_, code in records if code is None)
    expected_codes = [code for *_, code in records if code is not None]
    async with broker:
        await broker.start()

        async def counted() -> bool:
            doc = await mongo_db.counters.find_one({"_id": "c9"})
            return doc is not None and doc["state"]["value"] == handled

        await eventually(counted, timeout=60)
        monitor = LagMonitor(kafka_settings, group, [commands])

        async def all_committed() -> bool:
            return sum((await monitor.measure()).values()) == 0

        await eventually(all_committed, timeout=60)
    await client.close()

    parked = await _collect(kafka_bootstrap, f"{commands}.dlq", len(expected_codes))
    parked.sort(key=lambda r: int(dict(r.headers)["x-dlq-offset"]))  # copies of an unknown key
    headers = [{k: v.decode() for k, v in r.headers} for r in parked]  # may be on any partition
    assert [h["x-dlq-error-code"] for h in headers] == expected_codes
    bad_offsets = [offsets[i] for i, (*_, code) in enumerate(records) if code is not None]
    assert [int(h["x-dlq-offset"]) for h in headers] == bad_offsets  # one copy each
    for record, h in zip(parked, headers, strict=True):
        assert json.loads(h["x-dlq-error"])  # machine-readable reasons
        assert len(record.value or b"") + sum(len(v) for _, v in record.headers) < 1_048_576
    [huge] = [h for h in headers if "x-dlq-truncated" in h]
    assert huge["x-dlq-truncated"] == str(HUGE + 1)
    assert parked[0].value == b"" and headers[0]["x-dlq-null-value"] == "true"
