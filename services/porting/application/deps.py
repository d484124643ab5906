"""What every porting use case needs, built once per process in `app.wire`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from services.porting.adapters.repository import CLAIMS, PORTS, NumberClaims, load_port
from services.porting.config import PortingRules
from services.porting.domain.model import PortRequest
from shared.actor import Actor
from shared.kafka import MessageRejected
from shared.runtime import ServiceContext
from shared.store import AggregateStore

PROVISIONING_ROLE = "provisioning"
"""The vendor's provisioning team may act for any partner (it lodges ports for them)."""


@dataclass
class Deps:
    ctx: ServiceContext
    rules: PortingRules

    @property
    def store(self) -> AggregateStore:
        return self.ctx.store(PORTS)

    @property
    def claims(self) -> NumberClaims:
        return NumberClaims(self.ctx.db[CLAIMS])

    def now(self) -> datetime:
        return self.ctx.clock.now()

    async def load(self, port_id: str) -> PortRequest | None:
        stored = await self.store.load(port_id)
        return None if stored is None else load_port(stored)

    async def require(self, port_id: str) -> PortRequest:
        """The port request, or a rejection of the message naming an unknown one."""
        request = await self.load(port_id)
        if request is None:
            raise MessageRejected(
                "unknown_port",
                [{"field": "port_id", "code": "unknown_port", "message": port_id}],
            )
        return request

    async def is_active(self, port_id: str) -> bool:
        """Whether the port request holds its numbers (submitted, rejected, accepted)."""
        request = await self.load(port_id)
        return request is not None and request.status.holds_numbers

    async def claim(self, request: PortRequest, numbers: Sequence[str]) -> set[str]:
        """Claim `numbers` for the request; returns the ones other active requests hold."""
        return await self.claims.claim(request.port_id, request.partner_id, numbers, self.is_active)


def authorise(actor: Actor, partner_id: str) -> None:
    """A partner acts only for itself; the provisioning team for anyone."""
    if actor.partner_id == partner_id or actor.has_role(PROVISIONING_ROLE):
        return
    raise MessageRejected(
        "forbidden",
        [
            {
                "field": "actor",
                "code": "forbidden",
                "message": f"{actor.user_id} may not act for partner {partner_id}",
            }
        ],
    )
