"""Customers, relationships and licence ledgers from order events (§1.1)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from itertools import permutations

import pytest

from services.onboarding.domain.errors import (
    NotEnoughLicences,
    OrderForAnotherCustomer,
    ReleasingUnusedLicences,
    ValidationFailed,
)
from services.onboarding.domain.event import DomainEvent
from services.onboarding.domain.orders.events import (
    CustomerRecorded,
    LicencesUpdated,
    RelationshipChanged,
    RelationshipRecorded,
    TenantAssigned,
)
from services.onboarding.domain.orders.orders import (
    Channel,
    CustomerAccount,
    CustomerDetails,
    LicenceBalance,
    MainContact,
    Order,
    OrderLine,
    OrderStatus,
    Relationship,
)
from tests.unit.onboarding import single

pytestmark = pytest.mark.unit

T0 = datetime(2025, 4, 1, 8, 0, tzinfo=UTC)
CUSTOMER = CustomerDetails(
    customer_id="C-100",
    company_name="Bakkerij Voorbeeld BV",
    country="NL",
    time_zone="Europe/Amsterdam",
    main_contact=MainContact("Bea Bakker", "bea@bakkerij.example.com"),
)
INDIRECT = Relationship(Channel.ESTORE, "P-DIST-1", "P-RES-1")


def order(
    order_id: str = "O-1",
    version: int = 1,
    status: OrderStatus = OrderStatus.PLACED,
    lines: tuple[tuple[str, int], ...] = (("Enterprise", 10),),
    *,
    at: datetime = T0,
    relationship: Relationship = INDIRECT,
    subscription: str | None = "SUB-1",
    tenant_id: str | None = None,
) -> Order:
    return Order(
        order_id=order_id,
        version=version,
        status=status,
        occurred_at=at,
        customer=CUSTOMER,
        relationship=relationship,
        lines=tuple(OrderLine(p, n) for p, n in lines),
        tenant_id=tenant_id,
        subscription_number=subscription,
    )


def account_from(*orders: Order) -> tuple[CustomerAccount, list[DomainEvent]]:
    account, events = CustomerAccount.from_order(orders[0], T0)
    for later in orders[1:]:
        events += account.apply_order(later, T0)
    return account, events


def state(account: CustomerAccount) -> tuple[object, ...]:
    return (
        account.ledger,
        account.relationship,
        account.details,
        account.subscription_numbers,
        account.tenant_id,
        account.orders,
    )


# -- relationship --------------------------------------------------------------------


def test_an_indirect_order_records_customer_and_distributor_reseller_relationship() -> None:
    account, events = CustomerAccount.from_order(order(), T0)

    assert events[:2] == [
        CustomerRecorded(
            customer_id="C-100",
            tenant_id=None,
            distributor_partner_id="P-DIST-1",
            reseller_partner_id="P-RES-1",
            tier1_partner_id=None,
            company_name="Bakkerij Voorbeeld BV",
            country="NL",
            subscription_numbers=("SUB-1",),
            main_contact_name="Bea Bakker",
            main_contact_email="bea@bakkerij.example.com",
            occurred_at=T0,
        ),
        RelationshipRecorded(
            customer_id="C-100",
            tenant_id=None,
            distributor_partner_id="P-DIST-1",
            reseller_partner_id="P-RES-1",
            tier1_partner_id=None,
            channel="estore",
            distributor_acts_as_reseller=False,
            order_id="O-1",
            occurred_at=T0,
        ),
    ]
    assert account.relationship == INDIRECT


@pytest.mark.parametrize("channel", list(Channel))
def test_the_relationship_is_recorded_whichever_channel_the_order_came_from(
    channel: Channel,
) -> None:
    account, _ = account_from(order(relationship=replace(INDIRECT, channel=channel)))

    assert account.relationship.partner_ids == ("P-DIST-1", "P-RES-1")
    assert account.relationship.channel is channel


def test_a_distributor_may_act_as_reseller_with_both_ids_equal() -> None:
    own = Relationship(Channel.CLASSIC, "P-DIST-1", "P-DIST-1")

    account, events = account_from(order(relationship=own))

    assert account.relationship.distributor_acts_as_reseller
    assert account.relationship.partner_ids == ("P-DIST-1",)
    assert single(events, RelationshipRecorded).distributor_acts_as_reseller


def test_a_direct_order_names_the_tier1_partner() -> None:
    direct = Relationship(Channel.CLASSIC, tier1_partner_id="P-T1-1")

    account, _ = account_from(order(relationship=direct))

    assert account.relationship.is_direct
    assert account.relationship.partner_ids == ("P-T1-1",)


@pytest.mark.parametrize(
    ("relationship", "code"),
    [
        (Relationship(Channel.ESTORE, "P-DIST-1", None), "partners_missing"),
        (Relationship(Channel.ESTORE), "partners_missing"),
        (Relationship(Channel.ESTORE, "P-DIST-1", "P-RES-1", "P-T1-1"), "ambiguous_channel"),
    ],
)
def test_an_order_must_be_either_indirect_or_direct(relationship: Relationship, code: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        order(relationship=relationship)

    assert refused.value.reason_codes == (code,)


def test_a_later_order_naming_another_reseller_moves_the_customer_to_it() -> None:
    other = Relationship(Channel.CLASSIC, "P-DIST-1", "P-RES-2")
    account, _ = account_from(order())

    events = account.apply_order(order("O-2", at=T0 + timedelta(days=30), relationship=other), T0)

    change = single(events, RelationshipChanged)
    assert change.previous_partner_ids == ("P-DIST-1", "P-RES-1")
    assert change.reseller_partner_id == "P-RES-2"
    assert account.relationship == other


def test_an_older_order_arriving_late_does_not_change_the_relationship() -> None:
    other = Relationship(Channel.CLASSIC, "P-DIST-1", "P-RES-2")
    account, _ = account_from(order("O-2", at=T0 + timedelta(days=30), relationship=other))

    events = account.apply_order(order("O-1"), T0)

    assert not any(isinstance(e, RelationshipChanged) for e in events)
    assert account.relationship == other


def test_an_order_for_another_customer_is_refused() -> None:
    account, _ = account_from(order())
    stranger = replace(order("O-9"), customer=replace(CUSTOMER, customer_id="C-999"))

    with pytest.raises(OrderForAnotherCustomer):
        account.apply_order(stranger, T0)


# -- licence ledger ---------------------------------------------------------------------


def test_orders_add_licences_per_package_to_the_ledger() -> None:
    account, events = account_from(
        order("O-1", lines=(("Enterprise", 10), ("Team", 5))),
        order("O-2", lines=(("Enterprise", 2),), subscription="SUB-2"),
    )

    assert account.ledger == {
        "Enterprise": LicenceBalance("Enterprise", ordered=12, used=0),
        "Team": LicenceBalance("Team", ordered=5, used=0),
    }
    assert events[-1] == LicencesUpdated(
        customer_id="C-100",
        tenant_id=None,
        distributor_partner_id="P-DIST-1",
        reseller_partner_id="P-RES-1",
        tier1_partner_id=None,
        cause="order",
        order_id="O-2",
        balances=(LicenceBalance("Enterprise", 12, 0), LicenceBalance("Team", 5, 0)),
        occurred_at=T0,
    )
    assert account.subscription_numbers == {"SUB-1", "SUB-2"}


def test_a_duplicate_order_event_changes_nothing() -> None:
    account, _ = account_from(order())
    before = state(account)

    assert account.apply_order(order(), T0) == []
    assert state(account) == before


def test_a_stale_version_is_ignored() -> None:
    account, _ = account_from(order(version=2, status=OrderStatus.AMENDED, lines=(("Team", 3),)))

    assert account.apply_order(order(version=1), T0) == []
    assert account.ledger == {"Team": LicenceBalance("Team", 3, 0)}


def test_a_cancellation_arriving_before_its_placement_leaves_no_licences() -> None:
    cancelled = order(version=2, status=OrderStatus.CANCELLED)
    account, _ = account_from(cancelled)

    events = account.apply_order(order(version=1), T0)

    assert events == []
    assert account.ledger == {}
    assert account.subscription_numbers == frozenset()
    assert account.relationship == INDIRECT


ORDER_EVENTS = [
    order("O-1", 1, OrderStatus.PLACED, (("Enterprise", 10),)),
    order("O-1", 2, OrderStatus.AMENDED, (("Enterprise", 15), ("Team", 2))),
    order("O-2", 1, OrderStatus.PLACED, (("Professional", 4),), subscription="SUB-2"),
    order("O-2", 2, OrderStatus.CANCELLED, (("Professional", 4),), subscription="SUB-2"),
    order("O-3", 1, OrderStatus.PLACED, (("Team", 1),), subscription="SUB-3"),
    order("O-1", 2, OrderStatus.AMENDED, (("Enterprise", 15), ("Team", 2))),  # duplicate
]


def test_every_arrival_order_and_duplicate_converges_to_the_same_ledger() -> None:
    expected = {
        "Enterprise": LicenceBalance("Enterprise", 15, 0),
        "Team": LicenceBalance("Team", 3, 0),
    }
    reference, _ = account_from(*ORDER_EVENTS)
    for arrival in permutations(ORDER_EVENTS):
        account, _ = account_from(*arrival)
        assert account.ledger == expected
        assert account.subscription_numbers == {"SUB-1", "SUB-3"}
        assert state(account) == state(reference)


def test_using_licences_lowers_availability() -> None:
    account, _ = account_from(order())

    events = account.use_licences("Enterprise", 4, T0)

    assert account.ledger["Enterprise"] == LicenceBalance("Enterprise", 10, 4)
    assert account.available("Enterprise") == 6
    assert single(events, LicencesUpdated).cause == "licences_used"


def test_using_more_licences_than_available_is_refused() -> None:
    account, _ = account_from(order())
    account.use_licences("Enterprise", 10, T0)

    with pytest.raises(NotEnoughLicences) as refused:
        account.use_licences("Enterprise", 1, T0)
    with pytest.raises(NotEnoughLicences):
        account.use_licences("Team", 1, T0)

    assert refused.value.details["available"] == 0
    assert account.available("Enterprise") == 0


def test_releasing_more_licences_than_used_is_refused() -> None:
    account, _ = account_from(order())
    account.use_licences("Enterprise", 2, T0)

    with pytest.raises(ReleasingUnusedLicences):
        account.release_licences("Enterprise", 3, T0)
    account.release_licences("Enterprise", 2, T0)

    assert account.available("Enterprise") == 10


def test_a_count_below_one_is_refused() -> None:
    account, _ = account_from(order())

    with pytest.raises(ValidationFailed):
        account.use_licences("Enterprise", 0, T0)


def test_a_cancellation_below_the_licences_in_use_never_makes_availability_negative() -> None:
    account, _ = account_from(order())
    account.use_licences("Enterprise", 7, T0)

    events = account.apply_order(order(version=2, status=OrderStatus.CANCELLED), T0)

    balance = account.ledger["Enterprise"]
    assert (balance.ordered, balance.used, balance.available, balance.shortfall) == (0, 7, 0, 7)
    assert single(events, LicencesUpdated).balances == (balance,)


def test_licences_are_never_negative_in_an_order() -> None:
    with pytest.raises(ValidationFailed) as refused:
        order(lines=(("Team", -1),))

    assert refused.value.reason_codes == ("negative_licences",)


# -- tenant and subscriptions --------------------------------------------------------


def test_the_tenant_from_activation_is_assigned_once() -> None:
    account, _ = account_from(order())

    events = account.assign_tenant("T-555", T0)

    assert events == [
        TenantAssigned(
            customer_id="C-100",
            tenant_id="T-555",
            distributor_partner_id="P-DIST-1",
            reseller_partner_id="P-RES-1",
            tier1_partner_id=None,
            occurred_at=T0,
        )
    ]
    assert account.assign_tenant("T-555", T0) == []


def test_support_checks_tickets_against_subscription_numbers_of_current_orders() -> None:
    account, _ = account_from(order(), order("O-2", subscription="SUB-2"))
    account.apply_order(order("O-2", 2, OrderStatus.CANCELLED, subscription="SUB-2"), T0)

    assert account.has_subscription("SUB-1")
    assert not account.has_subscription("SUB-2")
