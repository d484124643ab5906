"""Prometheus metrics shared by every service (exposed on /metrics)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

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
