"""From pure domain events (frozen dataclasses with a `name`) to published payloads.

A service may write an explicit contract model for an event (preferred for what other
teams consume); for the rest the payload model is derived from the dataclass itself, so
the published JSON Schema follows the domain event and the schema check in CI stops an
accidental breaking change.
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import ConfigDict, create_model

from shared.events import Payload

_DERIVED: dict[type, type[Payload]] = {}


def derived_model(event_class: type) -> type[Payload]:
    """A Payload model with the dataclass's fields and `EVENT_TYPE = event_class.name`."""
    if event_class not in _DERIVED:
        _DERIVED[event_class] = _derive(event_class)
    return _DERIVED[event_class]


def _derive(event_class: Any) -> type[Payload]:
    hints = typing.get_type_hints(event_class)
    fields: dict[str, Any] = {}
    for f in dataclasses.fields(event_class):
        default: Any = ...
        if f.default is not dataclasses.MISSING:
            default = f.default
        fields[f.name] = (hints[f.name], default)
    model: Any = create_model(
        event_class.__name__,
        __base__=Payload,
        __doc__=(event_class.__doc__ or event_class.__name__).strip(),
        __module__=event_class.__module__,
        **fields,
    )
    model.EVENT_TYPE = event_class.name
    model.model_config = ConfigDict(extra="ignore", arbitrary_types_allowed=True)
    model.model_rebuild(force=True)
    return typing.cast(type[Payload], model)


def to_payload(event: Any, contracts: Mapping[str, type[Payload]]) -> Payload:
    """The published payload of a domain event: its explicit contract, else the derived one."""
    model = contracts.get(event.name) or derived_model(type(event))
    return model.model_validate(event, from_attributes=True)


def contracts_by_type(models: Iterable[type[Payload]]) -> dict[str, type[Payload]]:
    """Index contract models by their event type."""
    return {m.EVENT_TYPE: m for m in models if m.EVENT_TYPE}
