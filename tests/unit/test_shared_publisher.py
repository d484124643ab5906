"""What the batch path awaits for a record handed to the producer (`Publisher._settled`):
the broker's acknowledgement, a size refusal as `EventTooLarge`, any other error as it is."""

from __future__ import annotations

import asyncio
from typing import Any, cast

import pytest
from aiokafka.errors import KafkaTimeoutError, MessageSizeTooLargeError, RecordTooLargeError

from shared.errors import EventTooLarge
from shared.kafka.publisher import Publisher

pytestmark = pytest.mark.unit


def publisher() -> Publisher:
    return Publisher(cast(Any, object()), prefix="t.", max_message_bytes=1000)


async def test_the_acknowledgement_is_the_producers():
    delivered: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
    acknowledged = publisher()._settled("a.events", 10, delivered)
    assert not acknowledged.done()
    delivered.set_result("metadata")
    assert await acknowledged == "metadata"


@pytest.mark.parametrize("refusal", [MessageSizeTooLargeError, RecordTooLargeError])
async def test_a_size_refusal_of_the_broker_is_event_too_large(refusal: type[Exception]):
    delivered: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
    acknowledged = publisher()._settled("a.events", 1200, delivered)
    delivered.set_exception(refusal())
    with pytest.raises(EventTooLarge) as refused:
        await acknowledged
    assert refused.value.code == "event_too_large"
    assert isinstance(refused.value.__cause__, refusal)


async def test_another_error_and_a_cancellation_are_passed_on_as_they_are():
    loop = asyncio.get_running_loop()
    failing: asyncio.Future[Any] = loop.create_future()
    failed = publisher()._settled("a.events", 10, failing)
    failing.set_exception(KafkaTimeoutError())
    with pytest.raises(KafkaTimeoutError):
        await failed
    cancelling: asyncio.Future[Any] = loop.create_future()
    cancelled = publisher()._settled("a.events", 10, cancelling)
    cancelling.cancel()
    await asyncio.sleep(0)
    assert cancelled.cancelled()
