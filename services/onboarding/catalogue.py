"""Onboarding's entries in the event catalogue, and the order systems' contract."""

from __future__ import annotations

from services.onboarding.app import NAME, wire
from services.onboarding.contracts_admin import PUBLISHED_ADMIN
from services.onboarding.contracts_orders import ORDER_EVENTS
from services.onboarding.contracts_partners import PUBLISHED_PARTNERS
from shared.catalogue import Catalogue, consumed_by
from shared.events import Payload
from shared.kafka import command_rejected_model
from shared.topics import ONBOARDING_EVENTS, ORDERS_EVENTS


def _published() -> list[type[Payload]]:
    models: dict[str, type[Payload]] = {}
    for model in [*PUBLISHED_PARTNERS, *PUBLISHED_ADMIN, command_rejected_model(NAME)]:
        models.setdefault(model.EVENT_TYPE, model)
    return list(models.values())


def _consumed() -> dict[str, list[type[Payload]]]:
    # Onboarding also reads some of its own facts back (customer → reseller links for
    # on-behalf administration, withdrawn port numbers per group): that choreography is
    # internal, and those facts are already listed as published.
    return {t: ms for t, ms in consumed_by(NAME, wire).items() if t != ONBOARDING_EVENTS.name}


CATALOGUES = [
    Catalogue(
        service=NAME,
        description=(
            "Partners, relationships and licences from orders, the reseller programme, "
            "provider onboarding, tenant activation, on-behalf administration, customer "
            "groups, number inventory, reporting and call-recording provisioning"
        ),
        publishes={ONBOARDING_EVENTS.name: _published()},
        consumes=_consumed(),
    ),
    Catalogue(
        service="order_systems",
        description="Syndicated e-stores and classic order processes (publish against this)",
        publishes={ORDERS_EVENTS.name: list(ORDER_EVENTS.values())},
    ),
]
