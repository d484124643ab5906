"""Use cases: customers, relationships and licences from order events; licence bookings."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from services.onboarding.adapters.partners_documents import ACTIVATION_REQUESTS, CUSTOMERS
from services.onboarding.application.orders import orders as partners_orders
from shared.contracts import onboarding as c
from shared.contracts.orders import OrderAmended, OrderCancelled, OrderPlaced
from shared.kafka import MessageRejected
from shared.store import Change
from tests.unit.onboarding.test_orders_contract import placed_payload
from tests.unit.onboarding.test_partners_app_fakes import Harness, actor, request_id

pytestmark = pytest.mark.unit

NOW = datetime(2025, 4, 1, 9, 0, tzinfo=UTC)


def order_data(**overrides: Any) -> dict[str, Any]:
    """The contract tests' order, as a single Team 2.0 line of order O.1."""
    values: dict[str, Any] = {
        "order_id": "O.1",
        "lines": [{"package": "Team 2.0", "licences": 10}],
    }
    values.update(overrides)
    return placed_payload(**values)


async def deliver(h: Harness, model: type[OrderPlaced | OrderAmended | OrderCancelled], **kw):
    event = model.model_validate(order_data(**kw))
    envelope = h.envelope(event, subject="C-100")
    await partners_orders.on_order(h.deps, envelope, event)
    return envelope


def _keys(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [k for k, v in value.items() for k in [k, *_keys(v)]]
    if isinstance(value, list):
        return [k for v in value for k in _keys(v)]
    return []


async def test_an_order_records_customer_relationship_and_licences_with_their_partners():
    h = Harness(NOW)

    await deliver(h, OrderPlaced)

    assert h.types() == [
        "onboarding.customer.recorded",
        "onboarding.relationship.recorded",
        "onboarding.licences.updated",
    ]
    recorded = h.one("onboarding.customer.recorded")
    assert recorded.subject == "C-100"
    assert recorded.data["reseller_partner_id"] == "P-RES-1"
    assert recorded.data["distributor_partner_id"] == "P-DIST-1"
    assert recorded.data["subscription_numbers"] == ["SUB-1"]
    [balance] = h.one("onboarding.licences.updated").data["balances"]
    assert balance == {
        "package": "Team 2.0",
        "ordered": 10,
        "used": 0,
        "available": 10,
        "shortfall": 0,
    }
    state = h.doc(CUSTOMERS, "C-100")["state"]
    assert state["partner_ids"] == ["P-DIST-1", "P-RES-1"]
    assert not [k for k in _keys(state) if "." in k or k.startswith("$")]


async def test_a_redelivered_order_event_changes_nothing_twice():
    h = Harness(NOW)
    envelope = await deliver(h, OrderPlaced)
    event = OrderPlaced.model_validate(envelope.data)

    await partners_orders.on_order(h.deps, envelope, event)  # same envelope
    await partners_orders.on_order(h.deps, h.envelope(event), event)  # resent, new id

    assert len(h.published) == 3
    assert h.doc(CUSTOMERS, "C-100")["version"] == 1


async def test_an_order_changed_without_a_new_version_is_refused_and_the_stored_one_stands():
    h = Harness(NOW)
    await deliver(h, OrderPlaced)
    await deliver(h, OrderPlaced, lines=[{"package": "Team 2.0", "licences": 500}])

    [refusal] = h.of_type("onboarding.order.refused")
    assert [r["code"] for r in refusal.data["reasons"]] == ["order_version_reused"]
    assert [r["field"] for r in refusal.data["reasons"]] == ["order_version"]
    assert (refusal.data["order_id"], refusal.data["order_version"]) == ("O.1", 1)
    [balance] = h.one("onboarding.licences.updated").data["balances"]
    assert balance["ordered"] == 10  # the stored version stands
    await deliver(h, OrderPlaced)  # the stored content again: a duplicate, nothing told
    assert len(h.of_type("onboarding.order.refused")) == 1


async def test_an_amendment_before_its_placement_wins_and_the_late_placement_is_ignored():
    h = Harness(NOW)

    await deliver(h, OrderAmended, order_version=2, lines=[{"package": "Team 2.0", "licences": 4}])
    await deliver(h, OrderPlaced)

    assert h.types().count("onboarding.licences.updated") == 1
    [balance] = h.one("onboarding.licences.updated").data["balances"]
    assert balance["ordered"] == 4
    assert h.doc(CUSTOMERS, "C-100")["version"] == 1


async def test_a_distributor_acting_as_reseller_is_recorded_as_such():
    h = Harness(NOW)

    await deliver(h, OrderPlaced, reseller_partner_id="P-DIST-1")

    assert h.one("onboarding.relationship.recorded").data["distributor_acts_as_reseller"]


async def test_an_order_the_domain_finds_malformed_is_rejected_for_the_dead_letter_topic():
    h = Harness(NOW)
    event = OrderPlaced.model_validate(order_data(order_id="  "))

    with pytest.raises(MessageRejected) as rejected:
        await partners_orders.on_order(h.deps, h.envelope(event), event)

    assert rejected.value.code == "invalid_order"
    assert h.published == []


async def test_a_cancellation_takes_the_licences_and_subscription_away():
    h = Harness(NOW)
    await deliver(h, OrderPlaced)

    await deliver(h, OrderCancelled, order_version=2)

    assert h.one("onboarding.customer.subscriptions_changed").data["subscription_numbers"] == []
    last = h.of_type("onboarding.licences.updated")[-1]
    assert last.data["balances"] == []


async def test_the_reseller_books_licences_and_cannot_book_more_than_are_available():
    h = Harness(NOW)
    await deliver(h, OrderPlaced)
    reseller = actor("u-res", "partner_admin", partner_id="P-RES-1")

    use = c.UseLicences(
        request_id=request_id(), actor=reseller, customer_id="C-100", package="Team 2.0", count=8
    )
    await partners_orders.use_licences(h.deps, h.envelope(use), use)
    too_many = use.model_copy(update={"request_id": request_id(), "count": 3})
    envelope = h.envelope(too_many)
    await partners_orders.use_licences(h.deps, envelope, too_many)
    await partners_orders.use_licences(h.deps, envelope, too_many)  # redelivered

    assert h.of_type("onboarding.licences.updated")[-1].data["balances"][0]["available"] == 2
    release = c.ReleaseLicences(
        request_id=request_id(), actor=reseller, customer_id="C-100", package="Team 2.0", count=5
    )
    await partners_orders.release_licences(h.deps, h.envelope(release), release)
    assert h.of_type("onboarding.licences.updated")[-1].data["balances"][0]["used"] == 3
    refused = h.one("onboarding.customer.action_refused")
    assert refused.data["code"] == "illegal_transition"
    assert refused.data["reasons"][0]["code"] == "not_enough_licences"
    assert refused.data["customer_id"] == "C-100"
    assert refused.data["partner_id"] == "P-RES-1"


async def test_another_partner_may_not_book_a_customers_licences():
    h = Harness(NOW)
    await deliver(h, OrderPlaced)
    stranger = actor("u-x", "partner_admin", partner_id="P-OTHER")
    use = c.UseLicences(
        request_id=request_id(), actor=stranger, customer_id="C-100", package="Team 2.0", count=1
    )

    await partners_orders.use_licences(h.deps, h.envelope(use), use)

    refused = h.one("onboarding.customer.action_refused")
    assert refused.data["code"] == "forbidden"
    assert refused.data["command_type"] == "onboarding.licences.use"


async def test_booking_licences_of_an_unknown_customer_is_rejected():
    h = Harness(NOW)
    ops = actor("u-ops", "cloud_operations")
    use = c.UseLicences(request_id="r", actor=ops, customer_id="C-NOPE", package="Team", count=1)

    with pytest.raises(MessageRejected) as rejected:
        await partners_orders.use_licences(h.deps, h.envelope(use), use)

    assert rejected.value.code == "unknown_customer"


async def stored_request(h: Harness, request_id: str, state: dict[str, Any]) -> None:
    """An activation request stored as it stands (through the store port)."""
    store = h.store(ACTIVATION_REQUESTS)
    assert (await store.apply(request_id, "seed", lambda _: Change(state))).changed


async def test_a_tenant_activated_before_the_customers_first_order_is_assigned_to_it():
    h = Harness(NOW)
    # An activation request of its reseller naming C-100 was activated (tenant T-100)
    # before any order.
    await stored_request(
        h,
        "ACT-1",
        {
            "customer_id": "C-100",
            "status": "activated",
            "tenant_id": "T-100",
            "partner_id": "P-RES-1",
        },
    )
    await deliver(h, OrderPlaced)
    assigned = h.one("onboarding.customer.tenant_assigned")
    assert (assigned.subject, assigned.data["tenant_id"]) == ("C-100", "T-100")


async def test_a_tenant_another_partner_activated_for_the_customer_is_not_assigned_to_it():
    h = Harness(NOW)
    # A partner the order does not name asked for a tenant "for" C-100: it gets nothing.
    await stored_request(
        h,
        "ACT-9",
        {
            "customer_id": "C-100",
            "status": "activated",
            "tenant_id": "T-999",
            "partner_id": "P-RES-OTHER",
        },
    )
    await deliver(h, OrderPlaced)
    assert h.of_type("onboarding.customer.tenant_assigned") == []


async def test_without_an_activated_request_no_tenant_is_assigned_by_an_order():
    h = Harness(NOW)
    await stored_request(h, "ACT-2", {"customer_id": "C-100", "status": "forwarded"})
    await deliver(h, OrderPlaced)
    assert h.of_type("onboarding.customer.tenant_assigned") == []


async def test_another_order_event_under_a_handled_id_is_refused_not_dropped():
    """A fact reusing the CloudEvents id of a handled one with another body (500 licences
    instead of 10) is refused as `event_id_reused` for the dead-letter topic, never taken
    for a duplicate and silently skipped (issue 7 §2)."""
    from shared.store import CommandIdReused

    h = Harness(NOW)
    first = await deliver(h, OrderPlaced)
    bigger = OrderPlaced.model_validate(
        order_data(lines=[{"package": "Team 2.0", "licences": 500}])
    )
    reused = h.envelope(bigger, subject="C-100").model_copy(update={"id": first.id})
    with pytest.raises(CommandIdReused) as refused:
        await partners_orders.on_order(h.deps, reused, bigger)
    told = refused.value.for_message(reused)
    assert (told.code, [r["field"] for r in told.reasons]) == ("event_id_reused", ["id"])
    assert len(h.of_type("onboarding.licences.updated")) == 1
    assert h.doc(CUSTOMERS, "C-100")["version"] == 1  # nothing of the second one stored
