"""Support's entries in the event catalogue (AsyncAPI and JSON Schemas)."""

from __future__ import annotations

from services.support.app import NAME, wire
from shared.catalogue import Catalogue, consumed_by
from shared.contracts import support as c
from shared.events import Payload
from shared.kafka import command_rejected_model
from shared.topics import ONBOARDING_EVENTS, SUPPORT_EVENTS


def _consumed() -> dict[str, list[type[Payload]]]:
    # Support reads onboarding's facts through narrow reader views of the same types
    # (`adapters.onboarding_events`) until onboarding's contracts are in `shared/contracts`;
    # listing the views would replace onboarding's full schemas in the catalogue, so that
    # topic is left to its publisher's entry for now.
    return {t: ms for t, ms in consumed_by(NAME, wire).items() if t != ONBOARDING_EVENTS.name}


CATALOGUES = [
    Catalogue(
        service=NAME,
        description="Support tickets on behalf of customers: severity, response clocks on the "
        "customer's business calendar, breaches and escalation; incidents, capacity changes, "
        "COP uploads",
        publishes={SUPPORT_EVENTS.name: [*c.PUBLISHED, command_rejected_model(NAME)]},
        consumes=_consumed(),
    ),
]
