"""The chaos driver: faults at moments a seed chooses, each recorded with its times.

- `kill`: SIGKILL one random service instance (no graceful shutdown: whatever it was
  doing is cut off between any two instructions), then start it again after a pause and
  wait for its `/readyz` (so at most one instance is down at a time); the next kill
  comes `kill_every` seconds later;
- `kafka`: restart the broker (SIGTERM, then a fresh start on the same log directory);
- `mongo`: restart the Mongo-wire server (mongo-java-server commits every write to its
  H2 file before answering it, so acknowledged data survives; what a restart takes away
  is every connection and every in-flight command);
- `smtp`: stop the mail catcher for a while (SMTP refused), then start it again.

Time to recover is measured with probes (`tests.faults.probes`): for a kill, a probe
sent to the killed instance's service at the moment of the kill (how long the service,
its other instance included, takes to answer again: the consumer group's rebalance);
for the broker and the Mongo-wire server, a probe to every service as soon as the server
is back (how long until all of them answer again). The mail catcher's recovery is the
time until the first mail is delivered after it is back (deferred mails wait for their
retry timer).

Server faults happen once each, when the workload has sent a share of its messages
(`SERVER_FAULTS_AT`); instance kills go on at random intervals until the workload is done.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from deploy.demo import processes
from tests.faults.servers import PrivateServers

SERVER_FAULTS_AT = {"kafka": 0.2, "mongo": 0.4, "smtp": 0.55}


@dataclass
class Fault:
    kind: str  # kill | kafka | mongo | smtp
    target: str
    started: float
    ended: float | None = None
    recovered: float | None = None  # first fact of the affected part read after `ended`
    answered_s: float | None = None  # a probe's answer time (see `Chaos`)

    @property
    def down_seconds(self) -> float | None:
        return None if self.ended is None else self.ended - self.started

    @property
    def recovery_seconds(self) -> float | None:
        if self.recovered is None or self.ended is None:
            return None
        return max(0.0, self.recovered - self.ended)


@dataclass
class Chaos:
    seed: int
    servers: PrivateServers
    instances: list[processes.ServiceProcess]
    restart: Callable[[processes.ServiceProcess], Awaitable[processes.ServiceProcess]]
    progress: Callable[[], float]  # share of the workload's messages sent, 0..1
    probe: Callable[[tuple[str, ...] | None], Awaitable[float | None]]  # None: every service
    kill_every: tuple[float, float] = (6.0, 15.0)
    smtp_down_seconds: float = 20.0
    say: Callable[[str], object] = print
    faults: list[Fault] = field(default_factory=list)
    _stop: asyncio.Event = field(default_factory=asyncio.Event)
    _probes: list[asyncio.Task[None]] = field(default_factory=list)

    def _measure(self, fault: Fault, services: tuple[str, ...] | None) -> None:
        async def measure() -> None:
            fault.answered_s = await self.probe(services)

        self._probes.append(asyncio.create_task(measure()))

    def stop(self) -> None:
        self._stop.set()

    async def run(self) -> None:
        """Inject faults until `stop`; server faults not reached by then happen at once
        (every kind is injected at least once)."""
        try:
            await self._run()
        finally:
            for probe in self._probes:
                probe.cancel()

    async def _run(self) -> None:
        rng = random.Random(f"chaos:{self.seed}")
        pending = dict(SERVER_FAULTS_AT)
        next_kill = time.monotonic() + rng.uniform(*self.kill_every)
        while not self._stop.is_set():
            for kind, share in sorted(pending.items(), key=lambda kv: kv[1]):
                if self.progress() >= share:
                    del pending[kind]
                    await self._server_fault(kind)
                    break
            if time.monotonic() >= next_kill:
                await self._kill(rng)
                next_kill = time.monotonic() + rng.uniform(*self.kill_every)
            await asyncio.sleep(0.5)
        for kind in sorted(pending, key=pending.__getitem__):
            await self._server_fault(kind)
        if not any(f.kind == "kill" for f in self.faults):
            await self._kill(rng)
        await asyncio.gather(*self._probes)

    async def _kill(self, rng: random.Random) -> None:
        index = rng.randrange(len(self.instances))
        victim = self.instances[index]
        fault = Fault("kill", victim.label, time.monotonic())
        self.faults.append(fault)
        await processes.kill_service(victim)
        self.say(f"  chaos: SIGKILL {victim.label} (pid {victim.process.pid})")
        self._measure(fault, (victim.name,))
        await asyncio.sleep(rng.uniform(0.5, 4.0))
        self.instances[index] = await self.restart(victim)
        fault.ended = time.monotonic()

    async def _server_fault(self, kind: str) -> None:
        fault = Fault(kind, {"smtp": "mailpit"}.get(kind, kind), time.monotonic())
        self.faults.append(fault)
        self.say(f"  chaos: {'stopping' if kind == 'smtp' else 'restarting'} {fault.target}")
        if kind == "smtp":
            await self.servers.arun("stop", "mailpit")
            await asyncio.sleep(self.smtp_down_seconds)
            await self.servers.arun("start", "mailpit")
        else:
            await self.servers.arun("restart", kind)
        fault.ended = time.monotonic()
        if kind != "smtp":
            self._measure(fault, None)
