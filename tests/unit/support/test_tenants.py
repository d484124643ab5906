"""The tenant read model converges whatever the order or repetition of facts (§4, §5.6)."""

from __future__ import annotations

import itertools

import pytest

from services.support.domain.calendar import Location
from services.support.domain.tenants import CustomerFact, Relationship, merge
from tests.unit.support.samples import utc

pytestmark = pytest.mark.unit

CUSTOMER = "customer-77"

RECORDED = CustomerFact(
    CUSTOMER, "evt-1", utc(2027, 2, 1, 9), company_name="Fictional Gears GmbH",
    relationship=Relationship("partner-0900", "partner-1001", None),
    subscription_numbers=frozenset({"SUB-1"}), location=Location("DE"),
)  # fmt: skip
SUBSCRIPTIONS = CustomerFact(
    CUSTOMER, "evt-2", utc(2027, 2, 3, 9), subscription_numbers=frozenset({"SUB-1", " SUB-2 "})
)
TENANT = CustomerFact(CUSTOMER, "evt-3", utc(2027, 2, 5, 9), tenant_id="tenant-de-77")
MOVED = CustomerFact(
    CUSTOMER, "evt-4", utc(2027, 2, 6, 9),
    relationship=Relationship("partner-0900", "partner-3003", None),
)  # fmt: skip
USERS = CustomerFact(CUSTOMER, "evt-5", utc(2027, 2, 7, 9), users=180)
FACTS = [RECORDED, SUBSCRIPTIONS, TENANT, MOVED, USERS]


def apply_all(facts):
    record = None
    for fact in facts:
        record = merge(record, fact)
    return record


def test_facts_in_order_give_the_latest_of_each_kind():
    record = apply_all(FACTS)
    assert record.tenant == "tenant-de-77"
    assert record.support_partner_id == "partner-3003"
    assert record.has_subscription("SUB-2") and record.has_subscription(" SUB-1")
    assert record.number_of_users == 180
    assert record.place == Location("DE")
    assert record.name == "Fictional Gears GmbH"


@pytest.mark.parametrize("order", list(itertools.permutations(range(len(FACTS)))))
def test_any_order_converges(order):
    assert apply_all([FACTS[i] for i in order]) == apply_all(FACTS)


def test_a_fact_delivered_twice_changes_nothing_the_second_time():
    once = apply_all(FACTS)
    assert apply_all([*FACTS, *FACTS]) == once
    assert merge(once, TENANT) is once


def test_an_older_fact_never_overwrites_a_newer_one():
    older = CustomerFact(CUSTOMER, "evt-0", utc(2027, 1, 1), subscription_numbers=frozenset())
    record = apply_all([*FACTS, older])
    assert record.has_subscription("SUB-2")


def test_facts_of_the_same_instant_are_ordered_by_id():
    a = CustomerFact(CUSTOMER, "evt-a", utc(2027, 2, 1), users=10)
    b = CustomerFact(CUSTOMER, "evt-b", utc(2027, 2, 1), users=20)
    assert merge(merge(None, a), b) == merge(merge(None, b), a)
    assert merge(merge(None, a), b).number_of_users == 20


def test_a_reseller_or_tier1_partner_raises_tickets_not_the_distributor():
    assert Relationship("d", "r", None).support_partner_id == "r"
    assert Relationship("d", "d", None).support_partner_id == "d"  # distributor as reseller
    assert Relationship(None, None, "t1").support_partner_id == "t1"
    record = apply_all(FACTS)
    assert record.belongs_to("partner-3003") and not record.belongs_to("partner-0900")


def test_facts_of_another_customer_or_negative_users_are_errors():
    with pytest.raises(ValueError):
        merge(apply_all(FACTS), CustomerFact("customer-other", "e", utc(2027, 2, 1)))
    with pytest.raises(ValueError):
        merge(None, CustomerFact(CUSTOMER, "e", utc(2027, 2, 1), users=-1))
