"""Every identifier a sender chooses is bounded and free of control characters, so it is
refused as invalid data before anything stores or repeats it: a 100,000-character
customer id was once stored and published in three events of ~100 KB each, and an id
holding a terminal escape and a bell was recorded (found trying the running system)."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from shared.actor import Actor
from shared.contracts.orders import OrderPlaced
from shared.contracts.porting import SubmitPortRequest
from shared.identifiers import MAX_ID_LENGTH
from tests.unit.onboarding.test_orders_contract import placed_payload
from tests.unit.porting.world import submission
from tests.unit.test_inbound_integer_bounds import INBOUND

pytestmark = pytest.mark.unit


def _is_id(name: str) -> bool:
    return name == "id" or name.endswith(("_id", "_ids"))


def _unbounded_ids(node: Any, defs: dict[str, Any], name: str = "", seen: Any = None) -> list[str]:
    """Paths of string properties named like an id (`*_id`, items of `*_ids`) without a
    `maxLength` in a JSON schema (references followed once)."""
    seen = set() if seen is None else seen
    found: list[str] = []
    if not isinstance(node, dict):
        return found
    if "$ref" in node:
        ref = node["$ref"].split("/")[-1]
        if (ref, name) not in seen:
            seen.add((ref, name))
            found += _unbounded_ids(defs[ref], defs, name, seen)
    if node.get("type") == "string" and _is_id(name) and "maxLength" not in node:
        found.append(name)
    if node.get("type") == "array" and name.endswith("_ids"):
        found += _unbounded_ids(node.get("items", {}), defs, name, seen)
    for key in ("anyOf", "oneOf", "allOf"):
        for option in node.get(key, []):
            found += _unbounded_ids(option, defs, name, seen)
    for key, value in node.get("properties", {}).items():
        found += [f"{key}.{p}" if p != key else key for p in _unbounded_ids(value, defs, key, seen)]
    return found


CONTRACTS = [m for m in INBOUND if m.__module__.startswith("shared.")]
"""The published inbound contracts (not the commands tests define for themselves)."""


@pytest.mark.parametrize("model", CONTRACTS, ids=lambda m: m.EVENT_TYPE)
def test_every_identifier_a_sender_states_has_an_upper_bound(model):
    schema = model.model_json_schema()
    assert _unbounded_ids(schema, schema.get("$defs", {})) == []


def _errors(error: ValidationError) -> set[tuple[tuple[Any, ...], str]]:
    return {(e["loc"], e["type"]) for e in error.errors()}


@pytest.mark.parametrize(
    ("where", "value", "code"),
    [
        (("order_id",), "O-" + "x" * MAX_ID_LENGTH, "string_too_long"),
        (("customer", "customer_id"), "C-" + "x" * 100_000, "string_too_long"),
        (("customer", "customer_id"), "C-\x1b[31mRED\x07", "control_characters"),
        (("reseller_partner_id",), "P-\x00", "control_characters"),
        (("tenant_id",), "T-\u009b2J", "control_characters"),  # C1: a CSI on some terminals
    ],
)
def test_an_order_naming_a_bad_identifier_is_refused_on_its_field(where, value, code):
    assert _refused(placed_payload(), where, value) == {(where, code)}


@pytest.mark.parametrize(
    ("where", "value"), [(("order_version",), True), (("lines", 0, "licences"), True)]
)
def test_true_is_neither_a_version_nor_a_count(where, value):
    data = placed_payload(lines=[{"package": "Enterprise", "licences": 3}])
    assert _refused(data, where, value) == {(where, "int_type")}


def _refused(data: dict[str, Any], where: tuple[Any, ...], value: Any) -> set[Any]:
    """The errors of an order whose field at path `where` holds `value`."""
    target = data
    for key in where[:-1]:
        target = target[key]
    target[where[-1]] = value
    with pytest.raises(ValidationError) as refused:
        OrderPlaced.model_validate(data)
    return _errors(refused.value)


def test_an_identifier_of_exactly_the_limit_and_of_any_script_passes():
    data = placed_payload()
    data["order_id"] = "O" * MAX_ID_LENGTH
    data["customer"]["customer_id"] = "Kunde-Müller-東京-№7"
    placed = OrderPlaced.model_validate(data)
    assert len(placed.order_id) == MAX_ID_LENGTH


def test_an_actor_and_a_porting_partner_are_identifiers_too():
    with pytest.raises(ValidationError) as refused:
        Actor(user_id="u-1\x1b]0;owned\x07", partner_id="P" * (MAX_ID_LENGTH + 1))
    assert _errors(refused.value) == {
        (("user_id",), "control_characters"),
        (("partner_id",), "string_too_long"),
    }
    data = submission("req-1").model_dump(mode="json")
    data["partner_id"] = "P-\t1"
    with pytest.raises(ValidationError) as refused:
        SubmitPortRequest.model_validate(data)
    assert _errors(refused.value) == {(("partner_id",), "control_characters")}
