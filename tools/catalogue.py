"""The event catalogue: an AsyncAPI 3.0 document and JSON Schemas generated from the models.

What each party publishes comes from the published contracts (`shared.contracts`: every
publisher module's `PUBLISHES`, and an outside party's `CONSUMES`); what each service
consumes comes from its routing table (its `wire`, read off the dispatcher without
connecting anywhere). One Kafka topic carries several CloudEvents types, so every message
is listed with its own schema: the CloudEvents envelope with `data` described by the
payload model.

`uv run python -m tools.catalogue --write` regenerates `docs/asyncapi.json` and
`docs/schemas/*.json`; the tests fail when they are stale or when a schema changed
incompatibly (a property removed or retyped, a new required property) without a version
bump. This tool lives outside `shared/`: it imports the services, which nothing in
`shared/` may do.
"""

from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pymongo import AsyncMongoClient

from shared.clock import SystemClock
from shared.contracts import publishers
from shared.events import Payload
from shared.kafka import build_broker
from shared.runtime import build_context
from shared.settings import ServiceSettings
from shared.topics import BY_NAME, TopicKind, dead_letter_topic

DOCS = Path(__file__).resolve().parents[1] / "docs"

SERVICE_MODULES = ("entrypoints", "app")
"""Where a service declares `NAME` and `wire` (its routing table), in this order."""


@dataclass
class Catalogue:
    """What one service (or outside party) sends and receives, per topic."""

    service: str
    description: str
    publishes: dict[str, list[type[Payload]]] = field(default_factory=dict)
    consumes: dict[str, list[type[Payload]]] = field(default_factory=dict)


def message_schema(model: type[Payload]) -> dict[str, Any]:
    """JSON Schema of the data of one event or command type."""
    schema = model.model_json_schema(mode="serialization")
    schema["$id"] = f"urn:partnerops:schema:{model.EVENT_TYPE}:v{model.SCHEMA_VERSION}"
    schema["x-event-type"] = model.EVENT_TYPE
    return schema


def _envelope(model: type[Payload]) -> dict[str, Any]:
    return {
        "type": "object",
        "description": "CloudEvents 1.0, structured JSON mode",
        "required": ["specversion", "id", "source", "type", "time", "data"],
        "properties": {
            "specversion": {"const": "1.0"},
            "id": {"type": "string"},
            "source": {"type": "string"},
            "type": {"const": model.EVENT_TYPE},
            "time": {"type": "string", "format": "date-time"},
            "subject": {"type": "string", "description": "Aggregate id; also the Kafka key"},
            "datacontenttype": {"const": "application/json"},
            "dataschema": {"type": "string"},
            "correlationid": {"type": "string", "description": "Id of the flow's first event"},
            "causationid": {"type": "string", "description": "Id of the direct cause"},
            "data": {"$ref": f"#/components/schemas/{_schema_name(model)}"},
        },
    }


def _schema_name(model: type[Payload]) -> str:
    return model.EVENT_TYPE.replace(".", "_")


def asyncapi(catalogues: Iterable[Catalogue]) -> dict[str, Any]:
    """The AsyncAPI 3.0 document for all catalogues."""
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    schemas: dict[str, Any] = {}
    for cat in sorted(catalogues, key=lambda c: c.service):
        for action, table in (("send", cat.publishes), ("receive", cat.consumes)):
            for topic, models in sorted(table.items()):
                channel_id = topic.replace(".", "_")
                channel = channels.setdefault(
                    channel_id,
                    {
                        "address": topic,
                        "description": (BY_NAME[topic].description if topic in BY_NAME else ""),
                        "messages": {},
                        "bindings": {"kafka": {"partitions": 6, "topicConfiguration": {}}},
                    },
                )
                refs = []
                for model in sorted(models, key=lambda m: m.EVENT_TYPE):
                    name = _schema_name(model)
                    schema = model.model_json_schema(
                        mode="serialization", ref_template=f"#/components/schemas/{name}__{{model}}"
                    )
                    for def_name, definition in schema.pop("$defs", {}).items():
                        schemas[f"{name}__{def_name}"] = definition
                    schemas[name] = schema
                    messages[name] = {
                        "name": model.EVENT_TYPE,
                        "title": model.__name__,
                        "summary": (model.__doc__ or "").strip().splitlines()[0]
                        if model.__doc__
                        else "",
                        "contentType": "application/cloudevents+json",
                        "payload": _envelope(model),
                        "bindings": {"kafka": {"key": {"type": "string"}}},
                    }
                    channel["messages"][name] = {"$ref": f"#/components/messages/{name}"}
                    refs.append({"$ref": f"#/channels/{channel_id}/messages/{name}"})
                operations[f"{cat.service}_{action}_{channel_id}"] = {
                    "action": action,
                    "channel": {"$ref": f"#/channels/{channel_id}"},
                    "summary": f"{cat.service} {action}s on {topic}",
                    "messages": refs,
                }
                dlq = dead_letter_topic(topic)
                if action == "receive":
                    channels.setdefault(
                        dlq.replace(".", "_"),
                        {
                            "address": dlq,
                            "description": (
                                f"Dead letters of {topic}: the original bytes (secrets "
                                "masked, cut to the broker's limit), with headers "
                                "x-dlq-error-code, x-dlq-error (JSON reasons), "
                                "x-dlq-original-topic, x-dlq-partition, x-dlq-offset, "
                                "x-dlq-original-headers, and x-dlq-redacted / "
                                "x-dlq-truncated when they apply"
                            ),
                        },
                    )
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "partnerops event catalogue",
            "version": "1.0.0",
            "description": (
                "Channel-partner operations of a cloud telephony vendor. Every message is "
                "a CloudEvents 1.0 event in structured JSON mode (content-type "
                "application/cloudevents+json, no ce_ headers; binary mode is accepted "
                "on input); the Kafka key is the aggregate id (the CloudEvents subject)."
            ),
        },
        "defaultContentType": "application/cloudevents+json",
        "servers": {
            "kafka": {"host": "127.0.0.1:39092", "protocol": "kafka", "description": "local"}
        },
        "channels": dict(sorted(channels.items())),
        "operations": dict(sorted(operations.items())),
        "components": {
            "messages": dict(sorted(messages.items())),
            "schemas": dict(sorted(schemas.items())),
        },
    }


def all_catalogues() -> list[Catalogue]:
    """Every party's catalogue: the publishers of `shared.contracts`, and every service
    with a routing table (what it consumes)."""
    catalogues: dict[str, Catalogue] = {}
    for module in publishers():
        catalogues[module.PUBLISHER] = Catalogue(
            service=module.PUBLISHER,
            description=module.DESCRIPTION,
            publishes=dict(module.PUBLISHES),
            consumes=dict(getattr(module, "CONSUMES", {})),
        )
    for name, wire in services():
        catalogue = catalogues.setdefault(name, Catalogue(service=name, description=""))
        catalogue.consumes = {
            topic: models
            for topic, models in consumed_by(name, wire).items()
            if not _own_events(topic, name)
        }
    return list(catalogues.values())


def _own_events(topic: str, service: str) -> bool:
    """A service reading its own facts back is internal choreography: those facts are
    already listed as published."""
    known = BY_NAME.get(topic)
    return known is not None and known.kind is TopicKind.EVENTS and known.owner == service


def services() -> list[tuple[str, Any]]:
    """`(NAME, wire)` of every service under `services/` that has a routing table."""
    import services as package

    found = []
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        for module_name in SERVICE_MODULES:
            qualified = f"services.{info.name}.{module_name}"
            try:
                module = importlib.import_module(qualified)
            except ModuleNotFoundError as error:
                if error.name == qualified:
                    continue
                raise
            found.append((module.NAME, module.wire))
            break
    return found


def all_models(catalogues: Iterable[Catalogue]) -> dict[str, type[Payload]]:
    """Every payload model by event type."""
    models: dict[str, type[Payload]] = {}
    for cat in catalogues:
        for table in (cat.publishes, cat.consumes):
            for ms in table.values():
                for m in ms:
                    models[m.EVENT_TYPE] = m
    return models


def render(doc: Any) -> str:
    return json.dumps(doc, indent=2, sort_keys=False, default=str) + "\n"


def write(docs: Path = DOCS) -> None:
    """Regenerate the AsyncAPI document and the JSON Schemas."""
    cats = all_catalogues()
    docs.mkdir(parents=True, exist_ok=True)
    (docs / "asyncapi.json").write_text(render(asyncapi(cats)))
    schema_dir = docs / "schemas"
    schema_dir.mkdir(exist_ok=True)
    for event_type, model in sorted(all_models(cats).items()):
        (schema_dir / f"{event_type}.v{model.SCHEMA_VERSION}.json").write_text(
            render(message_schema(model))
        )


def incompatibilities(
    old: dict[str, Any],
    new: dict[str, Any],
    path: str = "",
    defs: tuple[dict[str, Any], dict[str, Any]] | None = None,
) -> list[str]:
    """Backward-incompatible differences between two JSON Schemas of the same version: a
    property removed or retyped, a new required property — in the schema itself, in each
    definition (`$defs`) of the same name, and in the definition a property refers to when
    that definition was renamed (`ReasonOut` → `Reason`)."""
    if defs is None:
        defs = (old.get("$defs", {}), new.get("$defs", {}))
    old_defs, new_defs = defs
    problems: list[str] = []
    old_props = old.get("properties", {})
    new_props = new.get("properties", {})
    for name, old_prop in old_props.items():
        where = f"{path}.{name}" if path else name
        if name not in new_props:
            problems.append(f"{where}: property removed")
            continue
        old_type, new_type = old_prop.get("type"), new_props[name].get("type")
        if old_type and new_type and old_type != new_type:
            problems.append(f"{where}: type changed {old_type} -> {new_type}")
        old_ref, new_ref = _ref(old_prop), _ref(new_props[name])
        renamed = old_ref and new_ref and old_ref != new_ref
        if renamed and old_ref in old_defs and new_ref in new_defs:
            problems.extend(incompatibilities(old_defs[old_ref], new_defs[new_ref], where, defs))
    added_required = set(new.get("required", [])) - set(old.get("required", []))
    for name in sorted(added_required):
        problems.append(f"{path or '$'}: new required property {name}")
    if not path:
        for def_name, old_def in old_defs.items():
            if def_name in new_defs:
                problems.extend(incompatibilities(old_def, new_defs[def_name], def_name, defs))
    return problems


def _ref(prop: dict[str, Any]) -> str | None:
    """The name of the definition a property refers to (directly, as array items, or as
    one branch of an `anyOf`), if any."""
    for candidate in (prop, prop.get("items", {}), *prop.get("anyOf", [])):
        ref = candidate.get("$ref", "") if isinstance(candidate, dict) else ""
        if ref.startswith("#/$defs/"):
            return str(ref.removeprefix("#/$defs/"))
    return None


def consumed_by(name: str, wire: Any) -> dict[str, list[type[Payload]]]:
    """What a service's wiring subscribes to, read off its dispatcher (nothing connects)."""
    settings = ServiceSettings()
    client: AsyncMongoClient[Any] = AsyncMongoClient(connect=False)
    context = build_context(
        name, settings, build_broker(settings.kafka, name), client, SystemClock(), wire
    )
    return context.dispatcher.models()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", action="store_true", help="regenerate docs/")
    args = parser.parse_args()
    if args.write:
        write()
    else:
        print(render(asyncapi(all_catalogues())), end="")


if __name__ == "__main__":
    main()
