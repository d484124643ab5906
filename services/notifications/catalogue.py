"""Notifications' entries in the event catalogue."""

from __future__ import annotations

from services.notifications.entrypoints import NAME, wire
from shared.catalogue import Catalogue, consumed_by
from shared.contracts import notifications as c
from shared.kafka import command_rejected_model
from shared.topics import NOTIFICATIONS_EVENTS

CATALOGUES = [
    Catalogue(
        service=NAME,
        description="Partner e-mail for every partner-facing event; maintenance alerts",
        publishes={NOTIFICATIONS_EVENTS.name: [*c.EVENTS, command_rejected_model(NAME)]},
        consumes=consumed_by(NAME, wire),
    )
]
