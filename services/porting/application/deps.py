"""What every porting use case needs, built once per process in `app.wire`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from services.porting.adapters.repository import CLAIMS, PORTS, NumberClaims, load_port
from services.porting.domain.model import PortRequest
from services.porting.domain.policy import PortingRules
from shared.actor import Actor
from shared.kafka import MessageRejected
from shared.runtime import ServiceContext
from shared.store import AggregateStore, Stored

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

    async def owners_holding(self, port_ids: set[str]) -> set[str]:
        """Those of `port_ids` that hold or may still hold numbers (one bulk read).

        A missing request holds nothing: a claim is written only after its owner is
        stored, so its owner can be missing only if it never will exist.
        """
        holding: set[str] = set()
        async for doc in self.store.collection.find(
            {"_id": {"$in": sorted(port_ids)}}, {"state": 1, "version": 1}
        ):
            if load_port(Stored(doc["_id"], doc["version"], doc["state"], [], [])).may_hold_numbers:
                holding.add(str(doc["_id"]))
        return holding

    async def held_elsewhere(self, port_id: str | None, numbers: Sequence[str]) -> set[str]:
        """Which of `numbers` other requests hold or may still hold (reads only)."""
        owners = {n: o for n, o in (await self.claims.owners(numbers)).items() if o != port_id}
        holding = await self.owners_holding(set(owners.values())) if owners else set()
        return {n for n, owner in owners.items() if owner in holding}

    async def claim(self, request: PortRequest, numbers: Sequence[str]) -> set[str]:
        """Claim `numbers` for the request; returns the ones other requests hold."""
        return await self.claims.claim(
            request.port_id, request.partner_id, numbers, self.owners_holding
        )


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
