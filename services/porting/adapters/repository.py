"""Port requests as stored aggregates: the `Repository` the use-case core works with."""

from __future__ import annotations

from pydantic import TypeAdapter
from pymongo.asynchronous.collection import AsyncCollection

from services.porting.adapters.claims import OwnersHolding
from services.porting.domain.decisions import due_timers
from services.porting.domain.model import PortRequest
from services.porting.domain.policy import PortingRules
from shared.contracts.porting import PortActionRefusedV1
from shared.mongo import Document
from shared.store import EXISTING, Timer, unescape_keys
from shared.usecase import Repository

PORTS = "ports"
"""The collection of port requests (one document per request, `_id` = port id)."""

_ADAPTER: TypeAdapter[PortRequest] = TypeAdapter(PortRequest)


def dump_port(request: PortRequest) -> Document:
    """The stored state of a port request: `{"port": <the request, JSON-compatible>}`."""
    return {"port": _ADAPTER.dump_python(request, mode="json")}


def load_port(state: Document) -> PortRequest:
    """The port request held by a stored state (`dump_port`'s inverse)."""
    return _ADAPTER.validate_python(state["port"])


def port_requests(rules: PortingRules) -> Repository[PortRequest]:
    """How port requests are stored and told about; their timers follow `rules`."""
    return Repository[PortRequest](
        collection=PORTS,
        entity="port",
        id_field="port_id",
        load=load_port,
        dump=dump_port,
        refused=PortActionRefusedV1,
        timers=lambda request: [Timer(t.id, t.kind, t.due_at) for t in due_timers(request, rules)],
        about=lambda request: {"partner_id": request.partner_id, "status": str(request.status)},
    )


def ports_holding(ports: AsyncCollection[Document]) -> OwnersHolding:
    """`owners_holding` for the number claims, read from the ports collection in bulk.

    A missing request holds nothing: a claim is written only after its owner is stored,
    so its owner can be missing only if it never will exist.
    """

    async def holding(port_ids: set[str]) -> set[str]:
        found: set[str] = set()
        async for doc in ports.find({"_id": {"$in": sorted(port_ids)}, **EXISTING}, {"state": 1}):
            if load_port(unescape_keys(doc["state"])).may_hold_numbers:
                found.add(str(doc["_id"]))
        return found

    return holding
