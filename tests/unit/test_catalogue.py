"""The checked-in event catalogue is current and schemas only change compatibly."""

from __future__ import annotations

import json

import pytest

from tools.catalogue import (
    DOCS,
    all_catalogues,
    all_models,
    asyncapi,
    incompatibilities,
    message_schema,
    render,
)

pytestmark = pytest.mark.unit

REGENERATE = "regenerate with: uv run python -m tools.catalogue --write"


def test_the_asyncapi_document_is_current():
    current = (DOCS / "asyncapi.json").read_text()
    assert current == render(asyncapi(all_catalogues())), REGENERATE


def test_every_event_schema_is_checked_in_and_backwards_compatible():
    for event_type, model in all_models(all_catalogues()).items():
        path = DOCS / "schemas" / f"{event_type}.v{model.SCHEMA_VERSION}.json"
        assert path.exists(), f"{path.name} missing; {REGENERATE}"
        committed = json.loads(path.read_text())
        problems = incompatibilities(committed, message_schema(model))
        assert not problems, (
            f"{event_type} v{model.SCHEMA_VERSION} changed incompatibly: {problems}; "
            "bump SCHEMA_VERSION for a breaking change"
        )
        assert render(committed) == render(message_schema(model)), REGENERATE


def test_a_removed_property_a_new_required_property_and_a_retyped_property_are_incompatible():
    old = {"properties": {"a": {"type": "string"}, "b": {"type": "integer"}}, "required": ["a"]}
    new = {
        "properties": {"a": {"type": "integer"}, "c": {"type": "string"}},
        "required": ["a", "c"],
    }
    assert incompatibilities(old, new) == [
        "a: type changed string -> integer",
        "b: property removed",
        "$: new required property c",
    ]


def test_an_added_optional_property_is_compatible():
    old = {"properties": {"a": {"type": "string"}}, "required": ["a"]}
    new = {"properties": {"a": {"type": "string"}, "b": {"type": "string"}}, "required": ["a"]}
    assert incompatibilities(old, new) == []


def test_a_property_of_a_renamed_definition_is_still_checked():
    old = {
        "$defs": {"ReasonOut": {"properties": {"code": {"type": "string"}}, "required": []}},
        "properties": {"reasons": {"type": "array", "items": {"$ref": "#/$defs/ReasonOut"}}},
    }
    new = {
        "$defs": {"Reason": {"properties": {"message": {"type": "string"}}, "required": []}},
        "properties": {"reasons": {"type": "array", "items": {"$ref": "#/$defs/Reason"}}},
    }
    assert incompatibilities(old, new) == ["reasons.code: property removed"]
