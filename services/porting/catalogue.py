"""Porting's entries in the event catalogue (and the carrier gateway's contract)."""

from __future__ import annotations

import inspect

from services.porting import contracts as c
from services.porting.app import NAME, wire
from services.porting.application.outcomes import CONTRACTS
from services.porting.domain import events as ev
from shared.catalogue import Catalogue, consumed_by
from shared.domain_events import derived_model
from shared.events import Payload
from shared.kafka import command_rejected_model
from shared.topics import CARRIER_EVENTS, PORTING_EVENTS


def _published() -> list[type[Payload]]:
    models: dict[str, type[Payload]] = {}
    for _, event in inspect.getmembers(ev, inspect.isclass):
        if issubclass(event, ev.PortEvent) and event is not ev.PortEvent:
            models[event.name] = CONTRACTS.get(event.name) or derived_model(event)
    for extra in (
        c.PortSubmissionRejectedV1,
        c.PortPrecheckedV1,
        c.PortActionRefusedV1,
        c.PortDateRefusedV1,
        c.PortNumbersAccepted,
        c.PortNumbersCompleted,
        c.PortNumbersCancelled,
        command_rejected_model(NAME),
    ):
        models[extra.EVENT_TYPE] = extra
    return list(models.values())


CATALOGUES = [
    Catalogue(
        service=NAME,
        description="Number port requests from submission to numbers in inventory",
        publishes={PORTING_EVENTS.name: _published()},
        consumes=consumed_by(NAME, wire),
    ),
    Catalogue(
        service="carrier_gateway",
        description="Relays the gaining carrier's answers (write a gateway against this)",
        publishes={
            CARRIER_EVENTS.name: [
                c.CarrierPortAccepted,
                c.CarrierPortRejected,
                c.CarrierPortCancelled,
                c.CarrierPortCompleted,
            ]
        },
        # Why an answer was not taken: a gateway reads these back from porting's events.
        consumes={PORTING_EVENTS.name: [c.PortDateRefusedV1, c.PortActionRefusedV1]},
    ),
]
