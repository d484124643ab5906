"""The producer the services build: its record batch size comes from the settings and never
exceeds the largest message the brokers accept (a batch is one message to the broker)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from shared.kafka.broker import build_broker
from shared.settings import KafkaSettings, ServiceSettings

pytestmark = pytest.mark.unit


def _batch_size(settings: KafkaSettings) -> int:
    broker = build_broker(settings, client_id="tests")
    return int(broker._connection_kwargs["max_batch_size"])  # what aiokafka is given


def test_the_producer_gathers_256_kib_per_partition_by_default():
    assert KafkaSettings().producer_batch_bytes == 262_144
    assert _batch_size(KafkaSettings()) == 262_144


def test_the_batch_size_is_capped_at_the_largest_message_the_brokers_accept():
    settings = KafkaSettings(max_message_bytes=100_000, producer_batch_bytes=1_000_000)
    assert _batch_size(settings) == 100_000


@pytest.mark.parametrize("value", ["abc", "1000", "99999999999"])
def test_a_batch_size_out_of_range_is_refused_at_start(monkeypatch, value):
    monkeypatch.setenv("PARTNEROPS_KAFKA__PRODUCER_BATCH_BYTES", value)
    with pytest.raises(ValidationError) as refused:
        ServiceSettings()
    assert "producer_batch_bytes" in str(refused.value)
