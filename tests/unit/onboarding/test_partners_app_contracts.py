"""The partner-side contract: every command is wired, described, and every event published."""

from __future__ import annotations

from typing import Any

import pytest

from services.onboarding import entrypoints
from shared.contracts import onboarding as c
from shared.contracts.onboarding import activation, customers, partners, provider_onboarding
from shared.contracts.orders import ORDER_EVENTS
from shared.runtime import ServiceContext
from shared.topics import ONBOARDING_COMMANDS, ORDERS_EVENTS
from tools.catalogue import consumed_by

pytestmark = pytest.mark.unit

PARTNERS_CONCEPTS = (partners, provider_onboarding, customers, activation)
"""The partner-side concepts of onboarding (partners, orders, activation)."""
PARTNERS_COMMANDS = [m for concept in PARTNERS_CONCEPTS for m in concept.COMMANDS]
PARTNERS_EVENTS = [m for concept in PARTNERS_CONCEPTS for m in concept.EVENTS]


def _wire(ctx: ServiceContext) -> None:
    entrypoints.wire(ctx)  # the catalogue's plain settings: wired with the demo key ring


def test_every_command_and_every_order_event_has_a_handler():
    consumed = consumed_by("onboarding", _wire)

    assert set(PARTNERS_COMMANDS) <= set(consumed[ONBOARDING_COMMANDS.name])
    assert set(consumed[ONBOARDING_COMMANDS.name]) == set(c.COMMANDS)
    assert set(consumed[ORDERS_EVENTS.name]) == set(ORDER_EVENTS.values())


def _undescribed(schema: dict[str, Any]) -> list[str]:
    missing = []
    for where in [schema, *schema.get("$defs", {}).values()]:
        for name, prop in where.get("properties", {}).items():
            if "description" not in prop:
                missing.append(f"{where.get('title')}.{name}")
    return missing


@pytest.mark.parametrize("command", PARTNERS_COMMANDS, ids=lambda m: m.EVENT_TYPE)
def test_every_command_field_is_described_and_carries_request_id_and_actor(command):
    schema = command.model_json_schema()

    assert command.EVENT_TYPE.startswith("onboarding.")
    assert {"request_id", "actor"} <= set(schema["required"])
    assert _undescribed(schema) == []


def test_every_published_event_has_its_own_type_and_carries_partner_ids_or_says_whom():
    types = [m.EVENT_TYPE for m in PARTNERS_EVENTS]

    assert len(types) == len(set(types))
    assert all(t.startswith("onboarding.") for t in types)
    for model in PARTNERS_EVENTS:
        fields = set(model.model_fields)
        if model is c.LegacyEmailRecordedV1:  # an operators' fact about no partner
            continue
        assert any(f.endswith("partner_id") for f in fields), model.EVENT_TYPE
        assert "occurred_at" in fields, model.EVENT_TYPE


def test_the_events_support_reads_have_explicit_contracts():
    explicit = {m.EVENT_TYPE for m in PARTNERS_EVENTS if m.__module__.startswith(f"{c.__name__}.")}

    assert {
        "onboarding.customer.recorded",
        "onboarding.relationship.recorded",
        "onboarding.relationship.changed",
        "onboarding.licences.updated",
        "onboarding.customer.tenant_assigned",
        "onboarding.activation.activated",
    } <= explicit
