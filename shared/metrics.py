"""Prometheus metrics shared by every service (exposed on /metrics)."""

from __future__ import annotations

import functools
from typing import Any, TypeVar

from prometheus_client import Counter, Gauge, Histogram
from prometheus_client.metrics import MetricWrapperBase

M = TypeVar("M", bound=MetricWrapperBase)

EVENTS_IN = Counter(
    "partnerops_events_in_total", "Messages consumed, by outcome", ["topic", "type", "outcome"]
)
EVENTS_OUT = Counter("partnerops_events_out_total", "Messages published", ["topic"])
DEAD_LETTERED = Counter(
    "partnerops_dead_lettered_total", "Messages parked in a dead-letter topic", ["topic", "code"]
)
HANDLER_SECONDS = Histogram(
    "partnerops_handler_seconds", "Time to handle one message", ["topic", "type"]
)
OUTBOX_PENDING = Gauge(
    "partnerops_outbox_pending_documents", "Documents with unpublished events", ["collection"]
)
TIMERS_FIRED = Counter("partnerops_timers_fired_total", "Durable timers fired", ["kind"])
CONSUMER_LAG = Gauge(
    "partnerops_consumer_lag", "Messages behind the end of the partition", ["topic", "partition"]
)


@functools.lru_cache(maxsize=4096)
def _child(metric: MetricWrapperBase, labels: tuple[tuple[str, str], ...]) -> Any:
    return metric.labels(**dict(labels))


def labelled(metric: M, **labels: str) -> M:
    """`metric.labels(**labels)`, remembered: prometheus_client checks and locks on every
    call (a tenth of the dispatcher's own cost per message in the in-memory benchmark's
    profile); label values here come from topics, event types and outcome codes, so few
    children exist (at most 4,096 are remembered; others are looked up each time)."""
    child: M = _child(metric, tuple(labels.items()))
    return child
