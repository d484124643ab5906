"""A tiny service used to prove the shared plumbing on the real servers.

`python -m tests.integration.counter_service BOOTSTRAP MONGO_URL DB TOPIC EVENTS GROUP CRASH_ON`
consumes `Bump` commands; when it handles the message whose id is CRASH_ON it stores the
effect and then dies with `os._exit` before the offset is committed (or the outbox flushed).
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Awaitable, Callable
from typing import Any

from pymongo import AsyncMongoClient

from shared.clock import Clock, SystemClock
from shared.events import Envelope, Payload, follow_up
from shared.kafka import build_broker
from shared.runtime import ServiceContext, build_context
from shared.settings import KafkaSettings, ServiceSettings
from shared.store import Change, Outgoing, Stored, Timer
from shared.timers import timer_message_id
from shared.topics import Topic, TopicKind


class Bump(Payload):
    EVENT_TYPE = "test.counter.bump"
    counter_id: str
    by: int = 1
    remind_in_seconds: float | None = None


class Bumped(Payload):
    EVENT_TYPE = "test.counter.bumped"
    counter_id: str
    value: int


class Reminded(Payload):
    EVENT_TYPE = "test.counter.reminded"
    counter_id: str
    timer_id: str


def wiring(
    topic: str,
    events_topic: str,
    crash_on: str | None = None,
    count_deliveries: bool = True,
    pause: Callable[[Envelope], Awaitable[None]] | None = None,
) -> Any:
    """The wire() function of the counter service (`pause(envelope)`, when given, is awaited
    after each command is decided: a test holds a batch half-way with it)."""

    def wire(ctx: ServiceContext) -> None:
        commands = Topic(topic, TopicKind.EVENTS, "test", "test commands")

        @ctx.dispatcher.on(commands, Bump)
        async def on_bump(envelope: Envelope, cmd: Bump) -> None:
            if count_deliveries:
                # Counted without idempotency, to prove that redelivery happened.
                await ctx.db.deliveries.update_one(
                    {"_id": envelope.id}, {"$inc": {"n": 1}}, upsert=True
                )

            def decide(stored: Stored | None) -> Change:
                value = (stored.state["value"] if stored else 0) + cmd.by
                event = follow_up(
                    envelope,
                    Bumped(counter_id=cmd.counter_id, value=value),
                    source="/test",
                    now=ctx.clock.now(),
                    subject=cmd.counter_id,
                )
                timers = list(stored.timers) if stored else []
                if cmd.remind_in_seconds is not None:
                    from datetime import timedelta

                    timers.append(
                        Timer(
                            id=f"remind-{envelope.id}",
                            kind="remind",
                            due_at=ctx.clock.now() + timedelta(seconds=cmd.remind_in_seconds),
                        )
                    )
                state = {**(stored.state if stored else {}), "value": value}  # keeps "fired"
                return Change(state, [Outgoing(events_topic, event)], timers)

            await ctx.apply("counters", cmd.counter_id, envelope.id, decide)
            if envelope.id == crash_on:
                await ctx.persist()  # the batch's effects so far are stored ...
                os._exit(17)  # ... and the process dies: offset not committed, outbox not sent
            if pause is not None:
                await pause(envelope)

        async def fire(counter_id: str, timer: Timer) -> None:
            def decide(stored: Stored | None) -> Change | None:
                if stored is None:
                    return None
                fired = stored.state.get("fired", [])
                remaining = [t for t in stored.timers if t.id != timer.id]
                event = Reminded(counter_id=counter_id, timer_id=timer.id)
                from shared.events import new_event

                envelope = new_event(event, source="/test", now=ctx.clock.now(), subject=counter_id)
                return Change(
                    {**stored.state, "fired": [*fired, timer.id]},
                    [Outgoing(events_topic, envelope)],
                    remaining,
                )

            await ctx.store("counters").apply(counter_id, timer_message_id(timer), decide)

        ctx.on_timer("counters", fire)

    return wire


def make_context(
    bootstrap: str,
    mongo_url: str,
    db: str,
    wire: Any,
    name: str = "counter",
    clock: Clock | None = None,
) -> tuple[Any, ServiceContext, AsyncMongoClient[Any]]:
    settings = ServiceSettings(database=db, kafka=KafkaSettings(bootstrap_servers=bootstrap))
    client: AsyncMongoClient[Any] = AsyncMongoClient(mongo_url, tz_aware=True)
    broker = build_broker(settings.kafka, client_id=name)
    ctx = build_context(name, settings, broker, client, clock or SystemClock(), wire)
    return broker, ctx, client


async def _main(argv: list[str]) -> None:
    bootstrap, mongo_url, db, topic, events, group, crash_on = argv
    broker, ctx, _client = make_context(bootstrap, mongo_url, db, wiring(topic, events, crash_on))
    ctx.dispatcher.bind(broker, group_id=group)
    await broker.start()
    print("ready", flush=True)
    await asyncio.sleep(120)


if __name__ == "__main__":
    asyncio.run(_main(sys.argv[1:]))
