"""One flow is one trace: the trace context travels inside the CloudEvents."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from shared.events import Envelope, Payload, follow_up, new_event
from shared.kafka import Dispatcher
from shared.topics import PORTING_COMMANDS
from shared.tracing import tracer
from tests.unit.test_shared_dispatcher import META, FakePublisher

pytestmark = pytest.mark.unit

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
SPANS = InMemorySpanExporter()
_provider = TracerProvider()
_provider.add_span_processor(SimpleSpanProcessor(SPANS))
trace.set_tracer_provider(_provider)


class Ping(Payload):
    EVENT_TYPE = "porting.port.ping"
    port_id: str


def pinging() -> tuple[Dispatcher, list[Envelope], Envelope]:
    """A dispatcher whose handler follows a ping up, and a ping sent inside a span."""
    SPANS.clear()
    produced: list[Envelope] = []
    dispatcher = Dispatcher("porting", publisher=FakePublisher(), clock=lambda: NOW)

    @dispatcher.on(PORTING_COMMANDS, Ping)
    async def handler(envelope: Envelope, payload: Ping) -> None:
        produced.append(follow_up(envelope, payload, source="/porting", now=NOW))

    with tracer.start_as_current_span("order system publishes"):
        cause = new_event(Ping(port_id="p1"), source="/orders", now=NOW, subject="p1")
    return dispatcher, produced, cause


async def test_a_follow_up_event_continues_the_trace_of_the_message_that_caused_it():
    dispatcher, produced, cause = pinging()
    assert cause.traceparent is not None
    await dispatcher.dispatch(PORTING_COMMANDS.name, cause.to_json(), META)

    [effect] = produced
    trace_of = lambda tp: tp.split("-")[1]  # noqa: E731
    assert effect.traceparent is not None
    assert trace_of(effect.traceparent) == trace_of(cause.traceparent)
    consumer = next(s for s in SPANS.get_finished_spans() if "consume" in s.name)
    assert consumer.attributes is not None
    assert consumer.attributes["cloudevents.event_id"] == cause.id
    assert Envelope.from_json(effect.to_json()).traceparent == effect.traceparent


def test_without_an_active_span_no_trace_context_is_added():
    event = new_event(Ping(port_id="p1"), source="/orders", now=NOW)
    assert event.traceparent is None


async def test_without_a_recording_provider_the_incoming_trace_is_continued_as_it_came(
    monkeypatch,
):
    monkeypatch.setattr("shared.tracing.recording", lambda: False)
    dispatcher, produced, cause = pinging()
    SPANS.clear()
    await dispatcher.dispatch(PORTING_COMMANDS.name, cause.to_json(), META)
    untraced = new_event(Ping(port_id="p2"), source="/orders", now=NOW, subject="p2")
    await dispatcher.dispatch(PORTING_COMMANDS.name, untraced.to_json(), META)

    effect, plain = produced
    # What the no-op API's span would carry: the incoming context itself.
    assert effect.traceparent == cause.traceparent
    assert plain.traceparent is None
    assert not SPANS.get_finished_spans()
