"""Porting's use cases on the in-memory store and in-memory number claims: no broker, no
database. `World` runs commands and carrier answers as the dispatcher would and shows
what was published (through the outbox or at once) and what is stored and claimed."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from services.porting.adapters.memory_claims import InMemoryNumberClaims
from services.porting.adapters.repository import PORTS, load_port
from services.porting.application import carrier, submissions, timers
from services.porting.application.porting import Porting
from services.porting.application.published import payloads
from services.porting.domain.model import PortRequest
from services.porting.domain.policy import PortingRules
from shared.actor import Actor
from shared.clock import FixedClock
from shared.contracts import carrier as gateway
from shared.contracts import porting as c
from shared.events import Envelope, Payload, new_event
from shared.memory_store import InMemoryAggregateStore, InMemoryOutbox
from shared.store import Timer
from shared.topics import PORTING_EVENTS
from shared.usecase import UseCases

START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # Monday 23 Nov 2026, 09:00 in London
PARTNER = "partner-0001"
OTHER_PARTNER = "partner-0002"
ACTOR = Actor(user_id="user-0001", partner_id=PARTNER, roles=("partner_admin",))
OTHER = Actor(user_id="user-0002", partner_id=OTHER_PARTNER)
NUMBERS = ["+442079460100", "+442079460101"]


def submission(
    request_id: str, numbers: list[Any] | None = None, actor: Actor = ACTOR, **changes: Any
) -> c.SubmitPortRequest:
    """A complete UK submission of `numbers` (default `NUMBERS`) by `actor`'s partner."""
    values: dict[str, Any] = {
        "request_id": request_id,
        "actor": actor,
        "partner_id": actor.partner_id,
        "country": "GB",
        "product": "analogue",
        "numbers": NUMBERS if numbers is None else numbers,
        "main_billing_number": "020 7946 0100",
        "registered_address": c.AddressIn(
            lines=["Unit 7, Example Park"], city="London", postal_code="EC1A 9ZZ", country="GB"
        ),
        "losing_provider": "Example Telecom Ltd",
        "range_holder": "Example Networks plc",
    }
    values.update(changes)
    return c.SubmitPortRequest(**values)


@dataclass
class World:
    """The use cases of one porting instance over in-memory ports and claims."""

    rules: PortingRules = field(default_factory=PortingRules)
    max_event_bytes: int = 1_048_576

    def __post_init__(self) -> None:
        self.clock = FixedClock(START)
        self.store = InMemoryAggregateStore(PORTS, self.max_event_bytes)
        self.outbox = InMemoryOutbox({PORTS: self.store})
        self.direct: list[Envelope] = []
        self.claims = InMemoryNumberClaims(self._holding)

        async def publish(topic: str, envelope: Envelope) -> None:
            self.direct.append(envelope)

        self.uc = UseCases(
            service="porting",
            events_topic=PORTING_EVENTS.name,
            clock=self.clock,
            stores=lambda name: self.store,
            outbox=self.outbox,
            publish=publish,
            payloads=payloads,
        )
        self.porting = Porting.of(self.claims, self.rules)

    async def _holding(self, port_ids: set[str]) -> set[str]:
        holding: set[str] = set()
        for port_id in port_ids:
            request: PortRequest | None = await self.uc.load(self.porting.ports, port_id)
            if request is not None and request.may_hold_numbers:
                holding.add(port_id)
        return holding

    # -- sending ------------------------------------------------------------------------

    def envelope(self, payload: Payload, subject: str) -> Envelope:
        return new_event(payload, source="/tests", now=self.clock.now(), subject=subject)

    async def submit(self, cmd: c.SubmitPortRequest, env: Envelope | None = None) -> Envelope:
        env = env or self.envelope(cmd, cmd.partner_id)
        await submissions.submit(self.uc, self.porting, env, cmd)
        return env

    async def precheck(self, cmd: c.PrecheckPortRequest) -> Envelope:
        env = self.envelope(cmd, cmd.partner_id)
        await submissions.run_precheck(self.uc, self.porting, env, cmd)
        return env

    async def resubmit(self, cmd: c.ResubmitPortRequest, env: Envelope | None = None) -> Envelope:
        env = env or self.envelope(cmd, cmd.port_id)
        await submissions.resubmit(self.uc, self.porting, env, cmd)
        return env

    async def withdraw(self, cmd: c.WithdrawPortRequest, env: Envelope | None = None) -> Envelope:
        env = env or self.envelope(cmd, cmd.port_id)
        await submissions.withdraw(self.uc, self.porting, env, cmd)
        return env

    async def carrier(self, answer: Payload, env: Envelope | None = None) -> Envelope:
        """Deliver a carrier gateway answer (`env`: redeliver that envelope)."""
        port_id = str(getattr(answer, "port_id"))  # noqa: B009
        env = env or self.envelope(answer, port_id)
        use_case: Any = {
            gateway.CarrierPortAccepted: carrier.accepted,
            gateway.CarrierPortRejected: carrier.rejected,
            gateway.CarrierPortCancelled: carrier.cancelled,
            gateway.CarrierPortCompleted: carrier.completed,
        }[type(answer)]
        await use_case(self.uc, self.porting, env, answer)
        return env

    async def fire(self, port_id: str, timer: Timer) -> None:
        await timers.fire(self.uc, self.porting, port_id, timer)

    async def submitted(self, request_id: str = "req-1", **changes: Any) -> str:
        """Submit a request that passes; its port id."""
        await self.submit(submission(request_id, **changes))
        port_id = submissions.port_id_for(PARTNER, request_id)
        assert (await self.port(port_id)).status == "submitted"
        return port_id

    # -- looking ------------------------------------------------------------------------

    def events(self, kind: str | None = None) -> list[Envelope]:
        """Everything published (outbox, then direct), optionally of one type."""
        every = [Envelope.from_json(e["body"]) for e in self.outbox.published] + self.direct
        return [e for e in every if kind is None or e.type == kind]

    def types(self) -> list[str]:
        return [e.type for e in self.events()]

    async def port(self, port_id: str) -> PortRequest:
        stored = await self.store.load(port_id)
        assert stored is not None, port_id
        return load_port(stored.state)

    async def timers(self, port_id: str) -> list[Timer]:
        stored = await self.store.load(port_id)
        return [] if stored is None else stored.timers

    def owners(self) -> dict[str, str]:
        """Claimed number → the port id holding it."""
        return {n: owner for n, (owner, _) in self.claims.claims.items()}
