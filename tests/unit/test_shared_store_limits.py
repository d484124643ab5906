"""The store keeps any caller-chosen key storable and refuses events that could never go out."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import pytest
from pydantic import TypeAdapter

from services.porting.application.submissions import details_of
from services.porting.domain.values import PortDetails
from shared.contracts.porting import SubmitPortRequest
from shared.errors import EventTooLarge
from shared.events import Payload, new_event
from shared.store import AggregateStore, Change, Outgoing, Timer, escape_key, unescape_key
from tests.fakes import FakeCollection
from tools.catalogue import all_catalogues

pytestmark = pytest.mark.unit

NOW = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)
EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
_DETAILS: TypeAdapter[PortDetails] = TypeAdapter(PortDetails)
HOSTILE = ["lsp.account_ref", "$account", "a$b", "%2E", "100%", "nul\x00byte", "", "$", ".."]


class Noted(Payload):
    EVENT_TYPE = "test.note.noted"
    text: str


def store(limit: int = 1_048_576) -> tuple[AggregateStore, FakeCollection]:
    collection = FakeCollection("notes")
    return AggregateStore(cast(Any, collection), limit), collection


def keys_at_any_depth(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [k for k in value] + [k for v in value.values() for k in keys_at_any_depth(v)]
    if isinstance(value, list):
        return [k for v in value for k in keys_at_any_depth(v)]
    return []


@pytest.mark.parametrize("key", HOSTILE)
def test_a_key_round_trips_through_its_escaped_form_and_the_database_accepts_that_form(key):
    stored = escape_key(key)
    assert unescape_key(stored) == key
    assert "." not in stored and not stored.startswith("$") and "\x00" not in stored


async def test_caller_chosen_keys_at_any_depth_are_stored_escaped_and_read_back_exactly():
    notes, collection = store()
    state = {"extra_fields": {k: f"v{i}" for i, k in enumerate(HOSTILE)}, "list": [{"a.b": 1}]}
    timer = Timer("t1", "remind", NOW, {"$where": "x"})
    await notes.save("n1", Change(state, timers=[timer]), expected_version=0, handled_id="m1")
    raw = collection.docs["n1"]
    for key in keys_at_any_depth(raw["state"]) + keys_at_any_depth(raw["timers"]):
        assert "." not in key and not key.startswith("$") and "\x00" not in key
    loaded = await notes.load("n1")
    assert loaded is not None and loaded.state == state and loaded.timers == [timer]


async def test_port_details_with_dotted_and_dollar_extra_fields_round_trip_through_the_store():
    example = json.loads((EXAMPLES / "porting.port.submit.json").read_text())["data"]
    example["extra_fields"] = {"lsp.account_ref": "A-1", "$account": "B-2"}
    details = details_of(SubmitPortRequest.model_validate(example))
    notes, _ = store()
    state = {"details": _DETAILS.dump_python(details, mode="json")}
    await notes.save("p1", Change(state), expected_version=0, handled_id="c1")
    loaded = await notes.load("p1")
    assert loaded is not None
    assert _DETAILS.validate_python(loaded.state["details"]) == details
    assert details.extra_fields == example["extra_fields"]


def test_every_caller_keyed_map_in_a_consumed_contract_is_known_and_stored_escaped():
    """The audit: maps whose keys the sender chooses, in every contract we consume."""
    found: set[str] = set()
    for catalogue in all_catalogues():
        for models in catalogue.consumes.values():
            for model in models:
                schema = model.model_json_schema()
                found |= {f"{model.EVENT_TYPE}:{p}" for p in _free_maps(schema, schema, "")}
    assert found == {
        "porting.port.submit:extra_fields",
        "porting.port.precheck:extra_fields",
        "porting.port.resubmit:corrections.extra_fields",
        # group id → numbers; notifications may hold the event (its data) for a partner
        # without contacts yet: stored through the aggregate store, keys escaped
        "onboarding.inventory.port_numbers_withdrawn:groups",
    }


def _free_maps(schema: dict[str, Any], root: dict[str, Any], path: str) -> set[str]:
    if "$ref" in schema:
        name = schema["$ref"].split("/")[-1]
        return _free_maps(root["$defs"][name], root, path)
    found: set[str] = set()
    if isinstance(schema.get("additionalProperties"), dict) and not schema.get("properties"):
        found.add(path)
    for name, sub in schema.get("properties", {}).items():
        found |= _free_maps(sub, root, f"{path}.{name}" if path else name)
    for key in ("anyOf", "oneOf", "allOf"):
        for sub in schema.get(key, []):
            found |= _free_maps(sub, root, path)
    if isinstance(schema.get("items"), dict):
        found |= _free_maps(schema["items"], root, path)
    return found


async def test_an_event_over_the_broker_limit_is_refused_and_nothing_is_stored():
    notes, collection = store(limit=20_000)
    event = new_event(Noted(text="x" * 30_000), source="/t", now=NOW, subject="n1")
    with pytest.raises(EventTooLarge) as refused:
        await notes.save(
            "n1", Change({}, [Outgoing("t", event)]), expected_version=0, handled_id="m"
        )
    assert refused.value.code == "event_too_large"
    assert "test.note.noted" in refused.value.reasons[0]["message"]
    assert collection.docs == {}
    small = new_event(Noted(text="ok"), source="/t", now=NOW, subject="n1")
    await notes.save("n1", Change({}, [Outgoing("t", small)]), expected_version=0, handled_id="m")
    assert len(collection.docs["n1"]["outbox"]) == 1
