"""Command sequences the onboarding integration tests send through Kafka (no tests here).

- `live_partner_commands`: a tier-1 partner registered and onboarded at the service
  provider up to live platform access (§1.3) — only such a partner builds groups (§1.4);
- `customer_facts` / `licence_fact`: the facts the partners half publishes from orders
  and licence assignments, which the admin half reads (who is whose customer, which
  tenant is a partner's own, which user holds which licence).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from services.onboarding.domain.partners.partners import Language, PartnerKind
from shared.actor import Actor
from shared.contracts import onboarding as c
from shared.contracts import onboarding as partners
from shared.events import Payload

OPS = Actor(user_id="ops@vendor.example.com", roles=("vendor_operations",))
COORDINATOR = Actor(user_id="coordinator@vendor.example.com", roles=("provisioning",))


def live_partner_commands(partner_id: str, now: datetime) -> list[Payload]:
    """Registered, onboarding order to training, platform access live (one key: in order)."""

    def step(model: Any, **fields: Any) -> Payload:
        return model(
            request_id=f"{model.EVENT_TYPE}-{fields.get('system', '')}",
            actor=COORDINATOR,
            partner_id=partner_id,
            **fields,
        )

    return [
        c.RegisterPartner(
            request_id="register",
            actor=OPS,
            partner_id=partner_id,
            kind=PartnerKind.TIER1,
            name=f"Partner {partner_id} Example Ltd",
            country="GB",
            language=Language.EN,
        ),
        step(c.ReceiveOnboardingOrder, order_reference="OO-1"),
        step(c.SendOnboardingOrderConfirmation),
        step(c.AssignProvisioningCoordinator, coordinator_id=COORDINATOR.user_id),
        *[
            step(c.RecordPartnerAccountCreated, system=s, account_reference=f"acc-{s}")
            for s in c.PartnerSystem
        ],
        step(c.ArrangeKickOffCall, scheduled_for=now + timedelta(days=1), trainer_name="Tina"),
        step(c.CompleteProviderTraining),
        step(c.MakePlatformAccessLive),
    ]


def customer_facts(
    customer_id: str,
    tenant_id: str,
    name: str,
    now: datetime,
    *,
    reseller: str,
    distributor: str,
    customer_partner_id: str | None = None,
    packages: dict[str, int] | None = None,
) -> list[Payload]:
    """Customer recorded (+ its licence ledger): what the partners half publishes."""
    ids = {
        "customer_id": customer_id,
        "tenant_id": tenant_id,
        "distributor_partner_id": distributor,
        "reseller_partner_id": reseller,
        "tier1_partner_id": None,
        "customer_partner_id": customer_partner_id,
        "occurred_at": now,
    }
    recorded = partners.CustomerRecordedV1(
        **ids, company_name=name, country="DE", subscription_numbers=["S-1"]
    )
    balances = [
        partners.LicenceBalanceOut(package=p, ordered=n, used=0, available=n, shortfall=0)
        for p, n in (packages or {"Enterprise": 20}).items()
    ]
    licences = partners.LicencesUpdatedV1(
        **ids, cause="order", order_id=f"O-{customer_id}", balances=balances
    )
    return [recorded, licences]


def licence_fact(
    customer_id: str, tenant_id: str, user_id: str, package: str, now: datetime, **ids: Any
) -> Payload:
    """A user of the customer's tenant holds a licence of `package`."""
    return partners.UserLicenceAssignedV1(
        customer_id=customer_id,
        tenant_id=tenant_id,
        distributor_partner_id=ids.get("distributor"),
        reseller_partner_id=ids.get("reseller"),
        tier1_partner_id=None,
        customer_partner_id=ids.get("customer_partner_id"),
        user_id=user_id,
        package=package,
        occurred_at=now,
    )
