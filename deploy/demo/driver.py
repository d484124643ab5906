"""The demonstration driver: talks to the running services only through Kafka.

It publishes what order systems, partners and a carrier gateway would publish, moves the
shared demonstration clock, and watches every events topic, printing what happened.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from deploy.demo.display import EventLines
from shared.console import plain_console
from shared.events import ClockAdvanced, Envelope, Payload, new_event
from shared.ids import new_id
from shared.topics import ALL_TOPICS, PLATFORM_CLOCK, TopicKind

console = plain_console()  # a log file or pipe: whole lines, never hard-wrapped

WATCHED = [t.name for t in ALL_TOPICS if t.kind is TopicKind.EVENTS] + [
    f"{t.name}.dlq" for t in ALL_TOPICS if t.kind in (TopicKind.COMMANDS, TopicKind.EXTERNAL)
]


class Driver:
    """Publishes commands/events, moves the clock, waits for and prints outcomes."""

    def __init__(
        self, bootstrap: str, start: datetime, source: str = "/demo", prefix: str = ""
    ) -> None:
        self.bootstrap = bootstrap
        self.prefix = prefix  # the services' topic namespace (KafkaSettings.topic_prefix)
        self.source = source
        self.seen: list[Envelope] = []
        self._producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
        self._consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None)
        self._arrived = asyncio.Condition()
        self._task: asyncio.Task[None] | None = None
        self.now: datetime = start  # the scenario's own start; only ticks move it
        self.printer: Callable[[Envelope], str | None] = EventLines()

    async def __aenter__(self) -> Driver:
        await self._producer.start()
        await self._consumer.start()
        self._consumer.subscribe([self.prefix + t for t in WATCHED])
        await _wait_assigned(self._consumer)
        for tp in self._consumer.assignment():
            await self._consumer.seek_to_end(tp)
            await self._consumer.position(tp)  # pin the start before anything is published
        self._task = asyncio.create_task(self._watch())
        await self.tick()
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._task:
            self._task.cancel()
        await self._consumer.stop()
        await self._producer.stop()

    async def _watch(self) -> None:
        async for record in self._consumer:
            if record.topic.endswith(".dlq"):
                headers = {k: v.decode() for k, v in record.headers}
                code, error = headers.get("x-dlq-error-code"), headers.get("x-dlq-error", "")
                console.print(
                    f"  [red]✗ dead-lettered on {record.topic}: {escape(f'{code} {error}')}[/red]"
                )
                continue
            try:
                envelope = Envelope.from_json(record.value)
            except ValueError:
                console.print(f"[red]  ! undecodable message on {record.topic}[/red]")
                continue
            async with self._arrived:
                self.seen.append(envelope)
                STEPS.seen(len(self.seen))
                line = self.printer(envelope)
                if line:
                    console.print(line)
                self._arrived.notify_all()

    async def send(
        self,
        topic: str,
        payload: Payload,
        subject: str,
        event_id: str | None = None,
    ) -> Envelope:
        """Publish one CloudEvent (keyed by `subject`) and return it."""
        envelope = new_event(
            payload, source=self.source, now=self.now, subject=subject, event_id=event_id
        )
        await self.send_raw(topic, subject, envelope.to_json())
        return envelope

    async def send_raw(self, topic: str, key: str, body: bytes) -> None:
        await self._producer.send_and_wait(self.prefix + topic, body, key=key.encode())

    async def tick(self, delta: timedelta = timedelta(0)) -> datetime:
        """Move the shared clock forward by `delta` (all services follow)."""
        if delta < timedelta(0):
            raise ValueError("the demonstration clock never goes backwards")
        self.now += delta
        tick = new_event(ClockAdvanced(now=self.now), source=self.source, now=self.now)
        await self.send_raw(PLATFORM_CLOCK.name, "clock", tick.to_json())
        return self.now

    async def advance_to(self, instant: datetime) -> datetime:
        if instant > self.now:
            return await self.tick(instant - self.now)
        return self.now

    async def expect(
        self,
        event_type: str,
        where: Callable[[Envelope], bool] = lambda e: True,
        timeout: float = 60.0,
        after: int = 0,
    ) -> Envelope:
        """Wait for an event of `event_type` matching `where` (seen after index `after`)."""

        def find() -> Envelope | None:
            for e in self.seen[after:]:
                if e.type == event_type and where(e):
                    return e
            return None

        async with asyncio.timeout(timeout), self._arrived:
            while (found := find()) is None:
                await self._arrived.wait()
            return found

    def mark(self) -> int:
        """An index into `seen`, to expect only events that come later."""
        return len(self.seen)


async def _wait_assigned(consumer: AIOKafkaConsumer) -> None:
    """Subscribed consumers get their partitions on the first fetch: wait for that."""
    async with asyncio.timeout(30):
        while not consumer.assignment():  # noqa: ASYNC110 (aiokafka offers no event)
            await asyncio.sleep(0.05)


class Steps:
    """The live status line while the scenarios play (a terminal only; without one, e.g.
    in CI or a test, only the plain lines are printed): a spinner, the scenario's position
    among all, the current step, the time elapsed and how many events were seen."""

    def __init__(self) -> None:
        self.progress = Progress(
            SpinnerColumn(),
            TextColumn("[bold]{task.fields[scenario]}[/bold]"),
            BarColumn(bar_width=20),
            MofNCompleteColumn(),
            TextColumn("{task.description}"),
            TextColumn("[dim]{task.fields[events]} events[/dim]"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
        self.task: TaskID | None = None
        self.steps = 0

    def start(self, scenarios: int) -> None:
        self.task = self.progress.add_task("starting", total=scenarios, scenario="", events=0)
        self.progress.start()

    def scenario(self, name: str) -> None:
        if self.task is not None:
            self.progress.update(self.task, scenario=name, description="")

    def step(self, title: str) -> None:
        self.steps += 1
        if self.task is not None:
            self.progress.update(self.task, description=f"step {self.steps}: {title}")

    def seen(self, count: int) -> None:
        if self.task is not None:
            self.progress.update(self.task, events=count)

    def done(self) -> None:
        if self.task is not None:
            self.progress.advance(self.task)

    def stop(self) -> None:
        self.progress.stop()
        self.task = None


STEPS = Steps()


def step(title: str) -> None:
    console.print(f"\n[bold cyan]▶ {title}[/bold cyan]")
    STEPS.step(title)


def run_id() -> str:
    return new_id()[-6:].lower()


Line = str | Callable[[], str]
"""A summary line, or a function that writes it when the summary is printed (for what
later scenarios still change, e.g. a ticket's escalation level)."""


def resolved(lines: Iterable[Line]) -> list[str]:
    """The summary lines as they stand now."""
    return [line() if callable(line) else line for line in lines]


def summary(lines: Iterable[str]) -> None:
    console.print("\n[bold]Summary[/bold]")
    for line in lines:
        console.print(f"  • {escape(line)}")
