"""The published order-event contract and its mapping onto the domain's Order."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from services.onboarding.application.orders.order_events import order_from_event
from services.onboarding.domain.orders.orders import Channel, OrderLine, OrderStatus
from shared.contracts.orders import ORDER_EVENTS, OrderAmended, OrderCancelled, OrderPlaced

pytestmark = pytest.mark.unit


def placed_payload(**overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "order_id": "O-1",
        "order_version": 1,
        "occurred_at": "2025-04-01T10:00:00+02:00",
        "channel": "classic",
        "customer": {
            "customer_id": "C-100",
            "company_name": "Bakkerij Voorbeeld BV",
            "country": "NL",
            "time_zone": "Europe/Amsterdam",
            "main_contact": {"name": "Bea Bakker", "email": "bea@bakkerij.example.com"},
        },
        "distributor_partner_id": "P-DIST-1",
        "reseller_partner_id": "P-RES-1",
        "lines": [{"package": "Enterprise", "licences": 10}, {"package": "Team", "licences": 2}],
        "subscription_number": "SUB-1",
        "reseller_terms_accepted": True,
        "vendor_terms_accepted": True,
    }
    payload.update(overrides)
    return payload


def test_the_order_events_have_their_published_types() -> None:
    assert set(ORDER_EVENTS) == {
        "orders.order.placed",
        "orders.order.amended",
        "orders.order.cancelled",
    }
    assert OrderPlaced.EVENT_TYPE == "orders.order.placed"


def test_unknown_fields_from_order_systems_are_ignored() -> None:
    event = OrderPlaced.model_validate(placed_payload(campaign="spring", sales_rep="x"))

    assert not hasattr(event, "campaign")


def test_a_placed_order_maps_onto_the_domain_order() -> None:
    order = order_from_event(OrderPlaced.model_validate(placed_payload()))

    assert order.status is OrderStatus.PLACED
    assert order.version == 1
    assert order.relationship.channel is Channel.CLASSIC
    assert order.relationship.partner_ids == ("P-DIST-1", "P-RES-1")
    assert order.lines == (OrderLine("Enterprise", 10), OrderLine("Team", 2))
    assert order.customer.main_contact.email == "bea@bakkerij.example.com"


def test_amended_and_cancelled_orders_carry_their_status() -> None:
    amended = order_from_event(OrderAmended.model_validate(placed_payload(order_version=2)))
    cancelled = order_from_event(
        OrderCancelled.model_validate(placed_payload(order_version=3, cancellation_reason="x"))
    )

    assert (amended.status, cancelled.status) == (OrderStatus.AMENDED, OrderStatus.CANCELLED)


@pytest.mark.parametrize(
    "overrides",
    [
        {"order_version": 0},
        {"occurred_at": "2025-04-01T10:00:00"},
        {"channel": "fax"},
        {"lines": [{"package": "Team", "licences": -1}]},
        {"reseller_partner_id": None},
        {"tier1_partner_id": "P-T1-1"},
        {"customer": {**placed_payload()["customer"], "time_zone": "Mars/Olympus"}},
        {"customer": {**placed_payload()["customer"], "country": "Netherlands"}},
    ],
    ids=[
        "version_0",
        "naive_time",
        "unknown_channel",
        "negative_licences",
        "indirect_without_reseller",
        "direct_and_indirect",
        "unknown_time_zone",
        "country_not_alpha2",
    ],
)
def test_invalid_order_events_are_rejected(overrides: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        OrderPlaced.model_validate(placed_payload(**overrides))


def test_a_direct_order_names_only_the_tier1_partner() -> None:
    payload = placed_payload(
        distributor_partner_id=None, reseller_partner_id=None, tier1_partner_id="P-T1-1"
    )

    order = order_from_event(OrderPlaced.model_validate(payload))

    assert order.relationship.is_direct


def test_every_field_is_described_for_the_event_catalogue() -> None:
    schema = OrderCancelled.model_json_schema()

    undocumented = [
        name for name, prop in schema["properties"].items() if "description" not in prop
    ]
    assert undocumented == []
