"""Issue 13 on the Mongo store against the real Mongo-wire server: the use-case core
answers a resent command (new CloudEvents id, same request) from the receipt stored with
its tracking id — per message and on the batch path, the same answer from both (the
database keeps milliseconds) — and a redelivery stays silent."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from shared import batch
from shared.batch import Batch
from shared.clock import FixedClock
from shared.events import Envelope
from shared.repository import Unswept
from shared.store import AggregateStore
from shared.usecase import Outcome, UseCases
from tests.unit.test_shared_batch import Sent
from tests.unit.test_shared_resends import ANSWER, resend
from tests.unit.test_shared_usecase import AT, command, payloads, run

pytestmark = pytest.mark.integration


class Relay(Unswept):
    """The outbox port, publishing into a list (the relay's own tests are elsewhere)."""

    def __init__(self) -> None:
        self.published: list[dict[str, Any]] = []

    async def publish_written(self, collection: str, doc_id: str, entries: list[Any]) -> None:
        self.published.extend(entries)

    async def flush(self, collection: str, doc_id: str) -> int:
        return 0


def use_cases(store: AggregateStore, direct: list[Envelope]) -> UseCases:
    async def publish(topic: str, envelope: Envelope) -> None:
        direct.append(envelope)

    return UseCases(
        service="tests",
        events_topic="tests.events",
        clock=FixedClock(AT + timedelta(microseconds=654_321)),
        stores=lambda name: store,
        outbox=Relay(),
        publish=publish,
        payloads=payloads,
    )


async def test_a_resend_is_answered_from_the_stored_receipt_on_both_paths(mongo_db):
    store = AggregateStore(mongo_db["counters"])
    direct: list[Envelope] = []
    uc = use_cases(store, direct)
    first = command("c1")
    assert await run(uc, first, "c1") is Outcome.APPLIED
    assert await run(uc, first, "c1") is Outcome.UNCHANGED  # redelivered: silent
    assert direct == []
    stored = await store.load("c1")
    assert stored is not None
    [receipt] = stored.receipts.values()
    assert receipt.message == first.id and receipt.outcome == "applied"

    again = resend(first)
    assert await run(uc, again, "c1") is Outcome.UNCHANGED  # per message
    sent = Sent()
    unit = Batch(sent)
    with batch.running(unit, 0):  # the same resend redelivered, on the batch path
        assert await run(uc, again, "c1") is Outcome.UNCHANGED
    await unit.write()
    await unit.publish()

    [per_message] = direct
    [(_, in_batch)] = sent.records
    assert per_message.type == ANSWER and per_message.causationid == again.id
    assert in_batch.id == per_message.id and in_batch.data == per_message.data
    assert per_message.data["handled_at"] == "2031-03-03T08:00:00.654000Z"
    after = await store.load("c1")
    assert after is not None and after.version == stored.version  # nothing changed
