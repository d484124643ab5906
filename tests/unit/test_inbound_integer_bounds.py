"""Every integer a sender states is bounded, so a huge one is refused as invalid data
before anything is claimed or stored (a database integer holds 8 bytes: 10**30 users once
crashed support's handler after it had taken a ticket number)."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from shared.contracts import carrier, orders, published_models
from shared.contracts.common import MAX_COUNT, PartnerCommand
from shared.contracts.support.commands import ImpactShareIn
from tests.unit.onboarding.test_orders_contract import placed_payload

pytestmark = pytest.mark.unit

published_models()  # imports every contract module


def _all(model: type[PartnerCommand]) -> set[type[PartnerCommand]]:
    return {model, *(m for sub in model.__subclasses__() for m in _all(sub))}


INBOUND = sorted(
    {
        *(m for m in _all(PartnerCommand) if "EVENT_TYPE" in vars(m)),
        *(m for ms in orders.PUBLISHES.values() for m in ms),
        *(m for ms in carrier.PUBLISHES.values() for m in ms),
    },
    key=lambda m: m.EVENT_TYPE,
)


def _unbounded(node: Any, path: str = "") -> list[str]:
    found: list[str] = []
    if isinstance(node, dict):
        if node.get("type") == "integer" and "maximum" not in node:
            found.append(path or "$")
        for key, value in node.items():
            found += _unbounded(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += _unbounded(value, f"{path}[{i}]")
    return found


@pytest.mark.parametrize("model", INBOUND, ids=lambda m: m.EVENT_TYPE)
def test_every_integer_a_sender_states_has_an_upper_bound(model):
    assert _unbounded(model.model_json_schema()) == []


def test_a_huge_impact_share_is_refused_on_its_field():
    with pytest.raises(ValidationError) as refused:
        ImpactShareIn(affected_users=10**30, total_users=10**31)
    assert {e["loc"] for e in refused.value.errors()} == {("affected_users",), ("total_users",)}
    assert ImpactShareIn(affected_users=MAX_COUNT, total_users=MAX_COUNT).total_users == MAX_COUNT


def test_an_order_line_of_more_licences_than_any_customer_is_refused():
    data = placed_payload(lines=[{"package": "Team 2.0", "licences": 10**30}])
    with pytest.raises(ValidationError) as refused:
        orders.OrderPlaced.model_validate(data)
    assert any(e["loc"][-1] == "licences" for e in refused.value.errors())
