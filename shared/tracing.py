"""OpenTelemetry tracing across services, carried in the CloudEvents themselves.

Every event built while a span is active carries that span's W3C `traceparent` as a
CloudEvents extension attribute (the CloudEvents distributed-tracing extension), so it
survives the outbox: the relay may publish it later, from another process. The dispatcher
continues the trace from an incoming event's `traceparent`, so one flow — an order, the
onboarding facts it causes, the e-mails they trigger — is one trace across services.

Without configuration only the OpenTelemetry API is used (no-op spans, no cost). Setting
`PARTNEROPS_OTEL_EXPORTER=console` prints finished spans (for development); a deployment
installs an exporter of its choice (e.g. OTLP) on the global tracer provider.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from typing import Any

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

_PROPAGATOR = TraceContextTextMapPropagator()
tracer = trace.get_tracer("partnerops")


def current_traceparent() -> str | None:
    """The W3C traceparent of the active span, if one is recording."""
    if trace.get_current_span().get_span_context() == trace.INVALID_SPAN_CONTEXT:
        return None  # nothing to carry (the propagator's own first test, without its carrier)
    carrier: dict[str, str] = {}
    _PROPAGATOR.inject(carrier)
    return carrier.get("traceparent")


@contextlib.contextmanager
def consuming(
    traceparent: str | None, name: str, attributes: Callable[[], dict[str, Any]]
) -> Iterator[None]:
    """A consumer span continuing the trace of the incoming event (if it carries one).

    `attributes` is called only when a tracer provider records spans. Without one (the
    no-op API) the span the API would start *is* the incoming event's context, so that
    context is attached directly: the trace is continued the same (events built inside
    carry the incoming trace) at a fraction of the cost per message."""
    if not recording():
        if not traceparent:
            yield
            return
        token = otel_context.attach(_PROPAGATOR.extract({"traceparent": traceparent}))
        try:
            yield
        finally:
            otel_context.detach(token)
        return
    parent = _PROPAGATOR.extract({"traceparent": traceparent} if traceparent else {})
    token = otel_context.attach(parent)
    try:
        with tracer.start_as_current_span(
            name, kind=trace.SpanKind.CONSUMER, attributes=attributes()
        ):
            yield
    finally:
        otel_context.detach(token)


RECHECK_SECONDS = 1.0
"""How long a "no tracer provider records" answer of `recording` stands (s, monotonic)."""

_recording = False
_checked_at = float("-inf")


def recording() -> bool:
    """Whether a tracer provider that records spans is installed (an SDK's, set by
    `configure_tracing` or by the deployment); False for the API's no-op default.

    Asked once per consumed message: the answer is remembered. OpenTelemetry installs the
    global provider once and never replaces it, so "yes" stands for good; "no" is asked
    again after `RECHECK_SECONDS` (a provider installed later is noticed within that time;
    the API's own check reads the process environment on every call — a few per cent of
    the dispatcher's cost per message in the in-memory benchmark's profile)."""
    global _recording, _checked_at
    if _recording:
        return True
    now = time.monotonic()
    if now - _checked_at < RECHECK_SECONDS:
        return False
    _checked_at = now
    _recording = not isinstance(
        trace.get_tracer_provider(), trace.ProxyTracerProvider | trace.NoOpTracerProvider
    )
    return _recording


def configure_tracing(exporter: str) -> None:
    """Install an SDK tracer provider for `exporter` ("none" keeps the no-op API)."""
    if exporter == "none":
        return
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import ConsoleSpanExporter, SimpleSpanProcessor

    provider = TracerProvider()
    if exporter == "console":
        provider.add_span_processor(SimpleSpanProcessor(ConsoleSpanExporter()))
    trace.set_tracer_provider(provider)
