"""Published contracts: every message that crosses a service boundary, as explicit models.

One module (or package) per publisher (`orders`, `carrier`, `onboarding`, `porting`,
`support`, `notifications`, `platform`) plus `common` (the command base, `Reason`, the
refusal shape). Nothing here imports a service or derives a model from a domain class: a
schema changes only when these files change, and CI checks every change for
compatibility (`python -m tools.catalogue`). Services map between these models and their
domains in their own code; a consumer reads another service's events only through this
package.

Each publisher module declares `PUBLISHER` (its name in the catalogue), `DESCRIPTION` and
`PUBLISHES` (topic → the models it publishes there); an outside party's module may also
declare `CONSUMES` (what it reads back). A service's consumed types come from its routing
table (see `tools/catalogue.py`).
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

from shared.events import Payload


def publishers() -> list[ModuleType]:
    """Every publisher module of this package (those declaring `PUBLISHES`), by name."""
    found = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        if hasattr(module, "PUBLISHES"):
            found.append(module)
    return found


def published_models() -> dict[str, list[type[Payload]]]:
    """Per topic, every model some publisher publishes there."""
    models: dict[str, list[type[Payload]]] = {}
    for module in publishers():
        for topic, listed in module.PUBLISHES.items():
            models.setdefault(topic, []).extend(listed)
    return models


def published_types() -> dict[str, frozenset[str]]:
    """Per topic, every event type some publisher publishes there (what a consumer may
    meet; anything else on the topic is unknown and dead-lettered)."""
    return {
        topic: frozenset(m.EVENT_TYPE for m in models)
        for topic, models in published_models().items()
    }
