"""A partner whose platform access is live (§1.3 step 5), made through the use cases.

Only such a partner can create customers and so customer groups (§1.4); tests of the
admin side that build groups start from one. No tests live here.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from services.onboarding.application.partners import provider as partners_provider
from services.onboarding.application.partners import registry as partners_registry
from services.onboarding.domain.partners.partners import Language, PartnerKind
from shared.actor import Actor
from shared.contracts import onboarding as c
from tests.fakes import Harness

OPS = Actor(user_id="ops@vendor.example.com", roles=("vendor_operations",))
PROVISIONING = Actor(user_id="coordinator@vendor.example.com", roles=("provisioning",))


async def registered_partner(h: Harness, partner_id: str) -> None:
    """A tier-1 partner, registered by vendor operations."""
    register = c.RegisterPartner(
        request_id=f"register-{partner_id}",
        actor=OPS,
        partner_id=partner_id,
        kind=PartnerKind.TIER1,
        name=f"Partner {partner_id} Example Ltd",
        country="GB",
        language=Language.EN,
    )
    await h.send(partners_registry.register, register)


async def live_partner(h: Harness, partner_id: str) -> None:
    """Registered, onboarded at the service provider step by step, platform access live."""
    await registered_partner(h, partner_id)

    def step(model: Any, **fields: Any) -> Any:
        return model(
            request_id=f"{model.EVENT_TYPE}-{partner_id}-{fields.get('system', '')}",
            actor=PROVISIONING,
            partner_id=partner_id,
            **fields,
        )

    await h.send(
        partners_provider.receive_order, step(c.ReceiveOnboardingOrder, order_reference="OO-1")
    )
    await h.send(partners_provider.send_confirmation, step(c.SendOnboardingOrderConfirmation))
    await h.send(
        partners_provider.assign_coordinator,
        step(c.AssignProvisioningCoordinator, coordinator_id=PROVISIONING.user_id),
    )
    for system in c.PartnerSystem:
        await h.send(
            partners_provider.record_account,
            step(c.RecordPartnerAccountCreated, system=system, account_reference=f"acc-{system}"),
        )
    await h.send(
        partners_provider.arrange_kickoff,
        step(
            c.ArrangeKickOffCall,
            scheduled_for=h.clock.now() + timedelta(days=1),
            trainer_name="Tina Trainer",
        ),
    )
    await h.send(partners_provider.complete_training, step(c.CompleteProviderTraining))
    await h.send(partners_provider.make_live, step(c.MakePlatformAccessLive))
    assert h.of_type("onboarding.provider_onboarding.platform_access_went_live"), h.types()
