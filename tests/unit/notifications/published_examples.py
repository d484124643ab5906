"""A valid example of any published model, built from its field types (invented data).

Every field gets a plausible value of its type, whatever its optionality (so every
published fact a mail may read is present): strings a short word, or a value fitting
the field's name where a contract constrains it (E.164 numbers, countries, languages,
zones, e-mail addresses); instants fixed; literals their first choice; nested models
built the same way; lists one item. `example(model, **overrides)` validates the result
against the model, so an example is always one the publisher could send.
"""

from __future__ import annotations

import types
import typing
from datetime import UTC, date, datetime
from typing import Any, Literal, Union

from pydantic import AwareDatetime, BaseModel

from shared.events import Payload

AT = datetime(2026, 6, 3, 13, 30, tzinfo=UTC)

_BY_NAME: dict[str, Any] = {
    "country": "DE",
    "calendar_country": "DE",
    "language": "de",
    "time_zone": "Europe/Berlin",
    "kind": None,  # decided by the annotation (a literal) or below
    "ticket_number": "NA12345678",
    "severity": "S2",
}
_STRINGS: dict[str, str] = {
    "kind": "reseller",
    "email": "desk@reseller.example.com",
    "phone": "+442079460000",
}


def _value(name: str, annotation: Any) -> Any:
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return _value(name, args[0])
    if origin in (Union, types.UnionType):
        present = [a for a in args if a is not type(None)]
        return _value(name, present[0])
    if origin is Literal:
        return args[0]
    if origin in (list, tuple, set, frozenset):
        return [_value(name.rstrip("s"), args[0] if args else str)]
    if origin is dict:
        return {
            "grp-1": [_value(name, args[1].__args__[0] if hasattr(args[1], "__args__") else str)]
        }
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _fields(annotation)
    if annotation is bool:
        return True
    if annotation is int:
        return 2
    if annotation is float:
        return 60.0
    if annotation is AwareDatetime or (
        isinstance(annotation, type) and issubclass(annotation, datetime)
    ):
        return AT
    if annotation is date:
        return date(2026, 6, 19)
    if name in _BY_NAME and _BY_NAME[name] is not None:
        return _BY_NAME[name]
    if "number" in name and name != "ticket_number" and "partner" not in name:
        return "+442079460000"
    for hint, text in _STRINGS.items():
        if hint in name:
            return text
    if name.endswith("zone"):
        return "Europe/Berlin"
    return f"{name}-1"


def _fields(model: type[BaseModel]) -> dict[str, Any]:
    return {name: _value(name, info.annotation) for name, info in model.model_fields.items()}


def example(model: type[Payload], **overrides: Any) -> Payload:
    """A valid instance of `model` (see module doc); raises if the model refuses it."""
    return model.model_validate({**_fields(model), **overrides})
