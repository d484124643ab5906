"""The fault-injection run: private servers, 2 instances of each service, the workload,
the chaos driver and the checker, in one coroutine (`run_faults`).

Everything it starts it stops, on failure too: the service processes (SIGTERM, then
SIGKILL) and the private servers (`servers.sh stop`, which ends their java processes).
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError

from deploy.demo import processes
from deploy.demo.system import DEMO_START
from shared.events import ClockAdvanced, Payload, new_event
from shared.ids import derived_id
from shared.kafka import ensure_topics
from shared.lag import LagMonitor
from shared.settings import KafkaSettings
from shared.topics import ALL_TOPICS, PLATFORM_CLOCK
from tests.faults import checker
from tests.faults.chaos import Chaos
from tests.faults.eventlog import EventLog
from tests.faults.generator import Flows, plan
from tests.faults.probes import Prober
from tests.faults.servers import PrivateServers, private_servers
from tests.servers import free_port

SERVICES = ("onboarding", "porting", "support", "notifications")
INSTANCES = 2
SOURCE = "/faults"
Say = Callable[[str], object]


@dataclass(frozen=True)
class Options:
    events: int = 10_000
    seed: int = 7
    concurrency: int = 40
    state: Path = processes.ROOT / ".local" / "faults"
    wait: float = 300.0  # longest wait for one expected fact
    settle: float = 15.0  # quiet seconds that end the run
    smtp_down: float = 20.0
    kill_every: tuple[float, float] = (6.0, 15.0)
    tick_every: float = 2.0  # real seconds per clock tick
    tick: timedelta = timedelta(minutes=1)  # demonstration time per tick


class Publisher:
    """Publishes CloudEvents to the run's namespace, retrying across a broker restart."""

    def __init__(self, bootstrap: str, prefix: str, start: datetime) -> None:
        self.prefix = prefix
        self.now = start
        self._producer = AIOKafkaProducer(
            bootstrap_servers=bootstrap, acks="all", request_timeout_ms=10_000
        )
        self._count = 0

    async def start(self) -> None:
        await self._producer.start()

    async def stop(self) -> None:
        await self._producer.stop()

    async def send(self, topic: str, payload: Payload, key: str, copies: int = 1) -> None:
        self._count += 1
        envelope = new_event(
            payload,
            source=SOURCE,
            now=self.now,
            subject=key,
            event_id=derived_id("faults", self.prefix, str(self._count)),
        )
        for _ in range(copies):
            await self.send_raw(topic, key, envelope.to_json())

    async def send_raw(self, topic: str, key: str, body: bytes) -> None:
        """At least once: a send the broker did not confirm is sent again (a copy the
        broker did take is a duplicate the consumers drop by its id)."""
        while True:
            try:
                await self._producer.send_and_wait(self.prefix + topic, body, key=key.encode())
                return
            except KafkaError:
                await asyncio.sleep(1)

    async def tick(self, delta: timedelta) -> None:
        self.now += delta
        tick = new_event(ClockAdvanced(now=self.now), source=SOURCE, now=self.now)
        await self.send_raw(PLATFORM_CLOCK.name, "clock", tick.to_json())


async def run_faults(options: Options, say: Say = print) -> checker.Verdict:
    """Play the whole run; returns the checker's verdict (raises only when the set-up fails)."""
    state = options.state
    with private_servers(state / "servers") as servers:
        return await _run(options, servers, say)


async def _run(options: Options, servers: PrivateServers, say: Say) -> checker.Verdict:
    run = f"s{options.seed}"
    prefix = f"faults-{run}."
    databases = {name: f"faults_{run}_{name}" for name in SERVICES}
    kafka = KafkaSettings(bootstrap_servers=servers.bootstrap, topic_prefix=prefix)
    await ensure_topics(kafka, [t.name for t in ALL_TOPICS])
    env = {
        **servers.service_env(),
        "PARTNEROPS_KAFKA__TOPIC_PREFIX": prefix,
        "PARTNEROPS_DEMO_CLOCK_START": DEMO_START.isoformat(),
    }
    for name in SERVICES:
        env[f"{name.upper()}_DATABASE"] = databases[name]
    log_dir = options.state / "logs"

    async def start(name: str, instance: int, port: int) -> processes.ServiceProcess:
        return await processes.start_service(name, port, run, log_dir, env, instance=instance)

    instances: list[processes.ServiceProcess] = []
    publisher = Publisher(servers.bootstrap, prefix, DEMO_START)
    log = EventLog(servers.bootstrap, prefix)
    verdict = checker.Verdict()
    background: list[asyncio.Task[None]] = []  # chaos, clock, progress: ended on any exit
    try:
        for name in SERVICES:
            for i in range(INSTANCES):
                instances.append(await start(name, i, free_port()))
        for service in instances:
            await processes.wait_ready(service, timeout=180)
        await publisher.start()
        await log.start()
        await publisher.tick(timedelta(0))
        workload = plan(options.seed, options.events)
        say(
            f"plan: {workload.events} input events, {len(workload.flows)} flows, seed "
            f"{options.seed}; {len(instances)} service processes; servers {servers.bootstrap}"
        )
        flows = Flows(workload, publisher.send, log, lambda: publisher.now, wait=options.wait)

        async def restart(victim: processes.ServiceProcess) -> processes.ServiceProcess:
            again = await start(victim.name, victim.instance, victim.port)
            with contextlib.suppress(RuntimeError):
                await processes.wait_ready(again, timeout=180)
            return again

        prober = Prober(
            flows, first_number=sum(len(f.params.get("numbers", ())) for f in workload.flows)
        )

        async def probe(services: tuple[str, ...] | None) -> float | None:
            return await (prober.slowest(services) if services else prober.slowest())

        chaos = Chaos(
            options.seed,
            servers,
            instances,
            restart,
            progress=lambda: flows.sent / max(1, workload.events),
            kill_every=options.kill_every,
            smtp_down_seconds=options.smtp_down,
            probe=probe,
            say=say,
        )

        async def ticking() -> None:
            while True:
                await asyncio.sleep(options.tick_every)
                await publisher.tick(options.tick)

        ticker = asyncio.create_task(ticking())
        background.append(ticker)
        started = time.monotonic()
        await flows.setup()
        chaos_task = asyncio.create_task(chaos.run())
        progress = asyncio.create_task(_report_progress(flows, log, workload.events, say))
        background += [chaos_task, progress]
        await flows.run(options.concurrency)
        chaos.stop()
        await chaos_task
        progress.cancel()
        say(f"workload done in {time.monotonic() - started:.0f}s; letting the system settle")
        types = {e.type for e in flows.expectations} | {
            "notifications.mail.delivered",
            "notifications.mail.deferred",
        }
        await _settle(log, types, options.settle, _caught_up(kafka))
        ticker.cancel()
        verdict.events_sent = flows.sent
        checker.check_facts(flows, log, verdict)
        await checker.check_aggregates(flows, servers.mongo_url, databases, verdict)
        messages = await checker.mailpit_messages(servers.mailpit_url)
        checker.check_mails(flows, log, messages, verdict)
        checker.record_faults(chaos.faults, log, verdict)
        return verdict
    finally:
        for task in background:
            task.cancel()
        await asyncio.gather(*background, return_exceptions=True)
        await log.stop()
        await publisher.stop()
        for service in instances:
            await processes.stop_service(service)


async def _report_progress(flows: Flows, log: EventLog, total: int, say: Say) -> None:
    while True:
        await asyncio.sleep(15)
        say(
            f"  sent {flows.sent}/{total}, facts read {len(log.records)}, "
            f"dead letters {len(log.dead_letters)}, stalled {len(flows.stalled)}"
        )


async def _settle(
    log: EventLog, types: set[str], quiet: float, caught_up: Callable[[], Awaitable[bool]]
) -> None:
    """Wait until no event of `types` (the expected facts, the mail outcomes) was read for
    `quiet` seconds, no deferred mail waits and every service's consumer group has read
    all it consumes, bounded at 10 minutes. Other events are left out: as the clock
    moves, tickets breach and escalate on their own for a long time. (Quiet alone once
    ended a run while notifications, just restarted and rebalancing, still had a backlog:
    its mails were counted lost.)"""
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        last = max((s.at for t in types for s in log.by_type.get(t, [])[-1:]), default=0.0)
        if time.monotonic() - last >= quiet and not _deferred(log) and await caught_up():
            return
        await asyncio.sleep(1)


def _caught_up(kafka: KafkaSettings) -> Callable[[], Awaitable[bool]]:
    """Whether every service's consumer group has committed up to the end of each topic
    it consumes (the clock topic left out: the driver still ticks)."""
    monitors = []
    for name in SERVICES:
        routes = importlib.import_module(f"services.{name}.entrypoints").ROUTES
        topics = sorted({t.name for t, *_ in routes} - {PLATFORM_CLOCK.name})
        monitors.append(LagMonitor(kafka, kafka.topic_prefix + name, topics))

    async def check() -> bool:
        try:
            for monitor in monitors:
                if sum((await monitor.measure()).values()):
                    return False
        except KafkaError:
            return False
        return True

    return check


def _deferred(log: EventLog) -> set[str]:
    """Deliveries deferred (SMTP down) with neither a delivery nor a failure yet."""
    waiting = {
        s.data.get("delivery_id") for s in log.by_type.get("notifications.mail.deferred", [])
    }
    for outcome in ("notifications.mail.delivered", "notifications.mail.failed"):
        waiting -= {s.data.get("delivery_id") for s in log.by_type.get(outcome, [])}
    return {str(d) for d in waiting}
