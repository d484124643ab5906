"""Onboarding domain events: frozen dataclasses named in the past tense.

Each concrete event sets `name: ClassVar[str]` to its published type,
`onboarding.<entity>.<past_tense>`, and carries the partner IDs it concerns so
notifications can e-mail them.

Each concept keeps its own events in `domain/<concept>/events.py`; this module holds
only their base and what every event shares.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import ClassVar


@dataclass(frozen=True)
class DomainEvent:
    """Base of every onboarding domain event; subclasses set `name`."""

    name: ClassVar[str] = "onboarding.event"


def concerned_partner_ids(event: DomainEvent) -> tuple[str, ...]:
    """The partner IDs an event concerns (every `*partner_id` field that is set)."""
    values = (getattr(event, f.name) for f in fields(event) if f.name.endswith("partner_id"))
    return tuple(dict.fromkeys(v for v in values if v))
