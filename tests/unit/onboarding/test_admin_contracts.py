"""The admin-side contracts: complete, described, wired, and readable by notifications."""

from __future__ import annotations

import pytest

from services.onboarding.application.on_behalf.customer_fact_views import CUSTOMER_FACTS_READ
from services.onboarding.entrypoints import ROUTES
from shared.contracts import onboarding as c
from shared.contracts.onboarding import EVENTS, devices, groups, on_behalf, provisioning
from shared.topics import ONBOARDING_COMMANDS

pytestmark = pytest.mark.unit

ADMIN_CONCEPTS = (on_behalf, devices, groups, provisioning)
"""The admin-side concepts of onboarding (on behalf, devices, groups, provisioning)."""
ADMIN_EVENTS = [m for concept in ADMIN_CONCEPTS for m in concept.EVENTS]
ADMIN_COMMANDS = [m for concept in ADMIN_CONCEPTS for m in concept.COMMANDS]
ROUTED_COMMANDS = [model for topic, model, _ in ROUTES if topic is ONBOARDING_COMMANDS]


def test_every_published_event_type_is_onboardings_and_listed_once():
    types = [m.EVENT_TYPE for m in ADMIN_EVENTS]
    assert len(types) == len(set(types))
    assert all(t.startswith("onboarding.") for t in types)


@pytest.mark.parametrize("model", ADMIN_EVENTS, ids=lambda m: m.EVENT_TYPE)
def test_every_published_event_carries_the_partner_ids_it_concerns(model):
    assert any(name.endswith("partner_id") for name in model.model_fields), model.EVENT_TYPE
    model.model_json_schema(mode="serialization")


@pytest.mark.parametrize("model", ADMIN_COMMANDS, ids=lambda m: m.EVENT_TYPE)
def test_every_command_field_is_described_and_the_command_is_wired(model):
    undescribed = [n for n, f in model.model_fields.items() if not f.description]
    assert undescribed == []
    assert model.EVENT_TYPE.startswith("onboarding.")
    assert model in ROUTED_COMMANDS


def test_every_onboarding_command_is_wired_exactly_once():
    assert len(ROUTED_COMMANDS) == len(set(ROUTED_COMMANDS))
    assert set(ROUTED_COMMANDS) == set(c.COMMANDS)


def test_no_secret_field_can_reach_an_event():
    secret_words = ("password", "pin", "secret", "ciphertext", "hash")
    allowed = {"pins_changed"}  # says that they changed, not what they are
    for model in ADMIN_EVENTS:
        leaking = [
            n for n in model.model_fields if any(w in n for w in secret_words) and n not in allowed
        ]
        assert leaking == [], model.EVENT_TYPE


@pytest.mark.parametrize("reader", CUSTOMER_FACTS_READ, ids=lambda m: m.EVENT_TYPE)
def test_the_customer_facts_read_here_are_what_the_partners_half_publishes(reader):
    published = {m.EVENT_TYPE: m for m in EVENTS}[reader.EVENT_TYPE]
    fields = set(published.model_fields)
    assert {"customer_id", "tenant_id", "reseller_partner_id", "tier1_partner_id"} <= fields
    read = {n for n, f in reader.model_fields.items() if f.is_required()}
    assert read <= fields
