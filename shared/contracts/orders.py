"""The order events order systems publish and onboarding consumes (topic `orders.events`).

Published contract: an order system (syndicated e-store or classic order process) needs
only this module's models, or the AsyncAPI document generated from them.

Rules every publisher follows:
- Every event carries the **whole order as of `order_version`** (a snapshot), never a
  delta: the newest version alone says everything. `order_version` starts at 1 and grows
  by at least 1 with every change of one order (placed → amended … → cancelled).
- Events may arrive twice or out of order; onboarding keeps the highest version per order.
  The same version and status again with other content is refused (`onboarding.order.refused`,
  `order_version_reused`): a change always raises the version.
- An indirect order names `distributor_partner_id` and `reseller_partner_id` (equal when
  the distributor acts as reseller); a direct order names only `tier1_partner_id`.
- Use the Kafka key `customer.customer_id`, so one customer's orders stay in order.
- Unknown fields are ignored, so publishers may add fields without breaking us.

What onboarding takes in (its `domain/order_rules.py`; every field below is optional in the
schema, so older publishers' events still parse, but an order that does not meet the rules
is refused with `onboarding.order.refused` and its reasons, and changes nothing):
- a placed or amended order states that the customer accepted the vendor's terms
  (`vendor_terms_accepted`) and, for an indirect order, the reseller's
  (`reseller_terms_accepted`) — §1.2 step 5;
- an e-store order (`channel: estore`) holds free packages only (a free tenant), and only
  from a reseller whose e-store and terms the vendor linked; paid and cloud plans, and
  upgrades to them, come through the distributor's portal (`channel: classic`) — §1.2
  step 6;
- an order never names a tenant of the older product (`tenant_id`) — §1.5;
- when the customer is itself a channel partner buying for its own use (a reseller's own
  tenant), `customer.partner_id` says so: that is how onboarding knows whose tenant it is
  (partner administration is enabled only on the partner's own tenant, §1.6).
A cancellation is never refused.
"""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    field_validator,
    model_validator,
)

from shared.contracts.common import MAX_COUNT, MAX_VERSION, Identifier
from shared.events import Payload
from shared.topics import ORDERS_EVENTS

PartnerId = Annotated[Identifier, Field(description="Vendor-wide partner ID (the 'Global One ID')")]


class OrderContact(BaseModel):
    """The customer's main contact for this order."""

    model_config = ConfigDict(extra="ignore")

    name: str = Field(min_length=1, description="Full name of the main contact")
    email: EmailStr = Field(description="E-mail address of the main contact")
    phone: str | None = Field(default=None, description="Phone number, E.164 preferred")


class OrderCustomer(BaseModel):
    """The end customer the order is for."""

    model_config = ConfigDict(extra="ignore")

    customer_id: Identifier = Field(description="The order system's customer ID")
    company_name: str = Field(min_length=1, description="Legal name of the customer company")
    country: str = Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2, e.g. DE")
    time_zone: str = Field(description="IANA time zone of the customer, e.g. Europe/Berlin")
    main_contact: OrderContact = Field(description="The customer's main contact")
    partner_id: PartnerId | None = Field(
        default=None,
        description="When the customer is itself a channel partner ordering for its own use "
        "(e.g. a reseller's own tenant): its partner ID",
    )

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown IANA time zone {value!r}") from exc
        return value


class OrderLineItem(BaseModel):
    """One product package and how many licences of it the order holds."""

    model_config = ConfigDict(extra="ignore")

    package: str = Field(
        min_length=1, description="Product package, e.g. Enterprise, Professional, Team, Free"
    )
    licences: int = Field(
        ge=0,
        le=MAX_COUNT,
        strict=True,  # true is no count
        description="Number of licences of this package in the order",
    )


class OrderEvent(Payload):
    """Fields common to every order event: the full order at `order_version`."""

    model_config = ConfigDict(extra="ignore")

    EVENT_TYPE: ClassVar[str] = ""
    STATUS: ClassVar[str] = ""
    """The order's status this event states: placed, amended or cancelled."""

    order_id: Identifier = Field(description="The order's ID, stable across versions")
    order_version: int = Field(
        ge=1,
        le=MAX_VERSION,
        strict=True,  # true is no version
        description="Version of this order; starts at 1, increases with every change",
    )
    occurred_at: AwareDatetime = Field(description="When this version came about (RFC 3339)")
    channel: Literal["estore", "classic"] = Field(
        description="estore: the reseller's syndicated e-store; classic: classic ordering"
    )
    customer: OrderCustomer = Field(description="The end customer")
    tenant_id: Identifier | None = Field(
        default=None,
        description="The customer's tenant, if it exists; usually absent (tenants come "
        "with activation)",
    )
    distributor_partner_id: PartnerId | None = Field(
        default=None, description="Indirect orders: the distributor's partner ID"
    )
    reseller_partner_id: PartnerId | None = Field(
        default=None,
        description="Indirect orders: the reseller's partner ID (the distributor's own ID "
        "when it acts as reseller)",
    )
    tier1_partner_id: PartnerId | None = Field(
        default=None, description="Direct orders: the tier-1 partner's ID"
    )
    lines: list[OrderLineItem] = Field(
        default_factory=list, description="Packages and licence counts of the whole order"
    )
    subscription_number: Identifier | None = Field(
        default=None,
        description="Subscription / service-contract number; support checks tickets against it",
    )
    reseller_terms_accepted: bool | None = Field(
        default=None,
        description="The customer accepted the reseller's terms of service when ordering; "
        "required (true) for an indirect order that is not a cancellation",
    )
    vendor_terms_accepted: bool | None = Field(
        default=None,
        description="The customer accepted the vendor's terms of service when ordering; "
        "required (true) for every order that is not a cancellation",
    )

    @model_validator(mode="after")
    def _direct_or_indirect(self) -> OrderEvent:
        indirect = self.distributor_partner_id or self.reseller_partner_id
        if self.tier1_partner_id and indirect:
            raise ValueError("an order is direct (tier1_partner_id) or indirect, not both")
        if not self.tier1_partner_id and not (
            self.distributor_partner_id and self.reseller_partner_id
        ):
            raise ValueError(
                "an indirect order names distributor_partner_id and reseller_partner_id; "
                "a direct one tier1_partner_id"
            )
        return self


class OrderPlaced(OrderEvent):
    """A customer placed an order (version 1 of it, as a rule)."""

    EVENT_TYPE: ClassVar[str] = "orders.order.placed"
    STATUS: ClassVar[str] = "placed"


class OrderAmended(OrderEvent):
    """An order changed, e.g. licences added or removed: the whole amended order."""

    EVENT_TYPE: ClassVar[str] = "orders.order.amended"
    STATUS: ClassVar[str] = "amended"


class OrderCancelled(OrderEvent):
    """An order was cancelled: its licences and subscription no longer count."""

    EVENT_TYPE: ClassVar[str] = "orders.order.cancelled"
    STATUS: ClassVar[str] = "cancelled"

    cancellation_reason: str | None = Field(default=None, description="Why, in words")


ORDER_EVENTS: dict[str, type[OrderEvent]] = {
    model.EVENT_TYPE: model for model in (OrderPlaced, OrderAmended, OrderCancelled)
}
"""The order event models by CloudEvents `type`."""

PUBLISHER = "order_systems"
DESCRIPTION = "Syndicated e-stores and classic order processes (publish against this)"
PUBLISHES: dict[str, list[type[Payload]]] = {ORDERS_EVENTS.name: list(ORDER_EVENTS.values())}
"""What order systems publish, per topic (onboarding consumes it)."""
