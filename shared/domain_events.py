"""From pure domain events (frozen dataclasses with a `name`) to their published contracts.

Every published type is an explicit model in `shared.contracts`; nothing published is
derived from a domain class, so renaming a domain field never changes a public schema
silently (the mapping fails instead, and the service's tests with it). A service maps a
domain event onto the contract of the same type (`event.name` = `EVENT_TYPE`) by its
field names.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Any

from shared.events import Payload


class NoContract(LookupError):
    """A domain event whose type has no explicit published contract."""


def to_payload(
    event: Any, contracts: Mapping[str, type[Payload]], extra: Mapping[str, Any] | None = None
) -> Payload:
    """The published payload of a domain event: its contract, filled from the event's
    fields (nested domain values read by attribute) plus `extra` values for fields the
    contract adds (e.g. the reseller to tell). Raises `NoContract` when the event's type
    has no contract, pydantic's `ValidationError` when its fields do not fit it."""
    model = contracts.get(event.name)
    if model is None:
        raise NoContract(f"{event.name} ({type(event).__name__}) has no published contract")
    values = {f.name: getattr(event, f.name) for f in dataclasses.fields(event)}
    return model.model_validate({**(extra or {}), **values}, from_attributes=True)


def contracts_by_type(models: Iterable[type[Payload]]) -> dict[str, type[Payload]]:
    """Index contract models by their event type."""
    return {m.EVENT_TYPE: m for m in models if m.EVENT_TYPE}
