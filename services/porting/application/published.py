"""Domain events → the contracts porting publishes (`UseCases.payloads`).

Each domain event maps onto the contract of its type by field names (`to_payload`); the
ones that change a partner's inventory add the `porting.numbers.*` fact onboarding reads.
"""

from __future__ import annotations

import inspect

from services.porting.domain import events as ev
from shared.contracts import porting as contracts
from shared.domain_events import contracts_by_type, to_payload
from shared.events import Payload

CONTRACTS = contracts_by_type(
    m
    for _, m in inspect.getmembers(contracts, inspect.isclass)
    if issubclass(m, Payload) and not m.__name__.startswith("_") and m.EVENT_TYPE
)


def payloads(event: ev.PortEvent) -> list[Payload]:
    """The published payloads of one domain event: its contract, then any number fact."""
    return [to_payload(event, CONTRACTS), *_number_events(event)]


def _number_events(event: ev.PortEvent) -> list[Payload]:
    base = {"partner_id": event.partner_id, "port_id": event.port_id}
    if isinstance(event, ev.PortAccepted):
        return [
            contracts.PortNumbersAccepted(
                **base, numbers=list(event.numbers), port_date=event.port_date
            )
        ]
    if isinstance(event, ev.PortCompleted):
        return [
            contracts.PortNumbersCompleted(
                **base, numbers=list(event.numbers), completed_at=event.completed_at
            )
        ]
    if isinstance(event, ev.PortCancelled):
        # Only an accepted port is cancelled by the losing provider, so its numbers are in
        # the partner's inventory; a withdrawn request never reached it.
        return [contracts.PortNumbersCancelled(**base, numbers=list(event.numbers))]
    return []
