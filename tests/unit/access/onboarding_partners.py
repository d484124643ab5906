"""Onboarding's access matrix, partners: master data, the reseller authorisation programme
(§1.2) and the onboarding at the service provider (§1.3), through the use cases on the
in-memory fakes (`tests/fakes.py`).

Rules (spec/domain.md §1.2–1.3; `services/onboarding/domain/access.py`):
- vendor operations (`vendor_operations`) register partners, change any partner's master
  data and record every programme step (webinars and the certification test only they
  record: the training platform reports through them);
- a partner changes its own contacts, registers itself for the programme, signs its
  agreements, passes its terms URL and activates its e-store; its distributor may record
  the agreements and the terms URL (both are passed to it), nothing else of it;
- legacy addresses: vendor operations or cloud operations (`cloud_operations`);
- the onboarding at the service provider (§1.3): its provisioning team (`provisioning`)
  or vendor operations;
- another partner, an account manager, a customer admin: none of it.
No command here names a tenant. Columns: `own` the reseller's user, `other` another
reseller's, `dist` the reseller's distributor's, `vops` vendor operations, `prov`
provisioning, `ops` cloud operations, `am` an account manager, `cust` a customer admin.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import timedelta
from typing import Any

from services.onboarding.application.partners import programme, provider, registry
from services.onboarding.domain.partners.partners import Language, PartnerKind
from shared.actor import Actor
from shared.contracts import onboarding as c
from shared.contracts.common import PartnerCommand
from tests.unit.access.matrix import parse
from tests.unit.onboarding.partner_setup import OPS, PROVISIONING
from tests.unit.onboarding.test_admin_fakes import Harness, actor

TABLE = """
command                            tenant own other dist vops prov ops am cust anon none
partner.register                   -      D   D     D    A    D    D   D  D    D    D
partner.change_contacts            -      A   D     D    A    D    D   D  D    D    D
legacy_email.record                -      D   D     D    A    D    A   D  D    D    D
reseller.register                  -      A   D     D    A    D    D   D  D    D    D
reseller.complete_webinar          -      D   D     D    A    D    D   D  D    D    D
reseller.take_certification_test   -      D   D     D    A    D    D   D  D    D    D
reseller.sign_agreement            -      A   D     A    A    D    D   D  D    D    D
reseller.pass_terms_url            -      A   D     A    A    D    D   D  D    D    D
reseller.activate_estore           -      A   D     D    A    D    D   D  D    D    D
provider.receive_order             -      D   D     D    A    A    D   D  D    D    D
provider.send_confirmation         -      D   D     D    A    A    D   D  D    D    D
provider.assign_coordinator        -      D   D     D    A    A    D   D  D    D    D
provider.record_account            -      D   D     D    A    A    D   D  D    D    D
provider.arrange_kickoff_call      -      D   D     D    A    A    D   D  D    D    D
provider.complete_training         -      D   D     D    A    A    D   D  D    D    D
provider.make_platform_access_live -      D   D     D    A    A    D   D  D    D    D
"""
TENANTS = False
"""Whether a scenario builds its command for the own or the other tenant."""
ROWS = {
    (row.command_type, row.tenant): row
    for row in (
        replace(r, command_type=r.command_type.replace(".provider.", ".provider_onboarding."))
        for r in parse(TABLE, prefix="onboarding.").values()
    )
}
"""(`provider.` in the table is `provider_onboarding.`, to keep the rows short.)"""

OWN, OTHER, DIST, OTHER_DIST = "P-RES-1", "P-RES-2", "P-DIST-1", "P-DIST-2"
ACTORS: dict[str, Actor] = {
    "own": actor("u-res-1", "partner_admin", partner_id=OWN),
    "other": actor("u-res-2", "partner_admin", partner_id=OTHER),
    "dist": actor("u-dist-1", "partner_admin", partner_id=DIST),
    "vops": OPS,
    "prov": PROVISIONING,
    "ops": actor("u-cloud", "cloud_operations"),
    "am": actor("am-dam-1", "account_manager"),
    "cust": actor("it@customer.example.com", "customer_admin", "tenant_admin", tenant_id="T-C"),
    "anon": actor("someone@example.com"),
}
OUTSIDERS = ("other", "anon", "cust")
OWNER = (OWN, f"{OWN} Example GmbH", "alex.own@reseller.example.com")
"""What identifies the owning reseller (invented)."""


def cmd(model: type[PartnerCommand], a: Actor, **fields: Any) -> Any:
    return model.model_validate({"request_id": "m-1", "actor": a, **fields})


def registration(partner_id: str, kind: PartnerKind, distributor: str | None = None) -> Any:
    email = "alex.own@reseller.example.com" if partner_id == OWN else f"x@{partner_id}.example"
    return c.RegisterPartner(
        request_id=f"reg-{partner_id}",
        actor=OPS,
        partner_id=partner_id,
        kind=kind,
        name=f"{partner_id} Example GmbH",
        country="DE",
        language=Language.DE,
        contacts=[c.ContactIn(name="Alex Example", email=email, role="sales")],
        preferred_distributor_id=distributor,
    )


async def registered(h: Harness) -> None:
    for partner, kind, distributor in (
        (DIST, PartnerKind.DISTRIBUTOR, None),
        (OTHER_DIST, PartnerKind.DISTRIBUTOR, None),
        (OWN, PartnerKind.RESELLER, DIST),
        (OTHER, PartnerKind.RESELLER, OTHER_DIST),
    ):
        await h.send(registry.register, registration(partner, kind, distributor))


def joining(a: Actor) -> Any:
    return cmd(
        c.RegisterAsCloudReseller, a, partner_id=OWN, preferred_distributor_id=DIST,
        terms_accepted=True,
    )  # fmt: skip


async def in_programme(h: Harness) -> None:
    await registered(h)
    await h.send(
        programme.register_as_cloud_reseller, joining(OPS).model_copy(update={"request_id": "j"})
    )


async def trained(h: Harness) -> None:
    await in_programme(h)
    for webinar in c.Webinar:
        webinar_done = cmd(c.CompleteWebinar, OPS, partner_id=OWN, webinar=webinar)
        await h.send(
            programme.complete_webinar, webinar_done.model_copy(update={"request_id": webinar})
        )


async def authorised(h: Harness) -> None:
    await trained(h)
    passed = cmd(c.TakeCertificationTest, OPS, partner_id=OWN, score=15)
    await h.send(programme.take_certification_test, passed.model_copy(update={"request_id": "t"}))


PROVIDER_STEPS: list[tuple[Any, type[PartnerCommand], Callable[[Harness], dict[str, Any]]]] = [
    (provider.receive_order, c.ReceiveOnboardingOrder, lambda h: {"order_reference": "OO-1"}),
    (provider.send_confirmation, c.SendOnboardingOrderConfirmation, lambda h: {}),
    (
        provider.assign_coordinator,
        c.AssignProvisioningCoordinator,
        lambda h: {"coordinator_id": PROVISIONING.user_id},
    ),
    (
        provider.record_account,
        c.RecordPartnerAccountCreated,
        lambda h: {"system": "__each__", "account_reference": "acc"},
    ),
    (
        provider.arrange_kickoff,
        c.ArrangeKickOffCall,
        lambda h: {"scheduled_for": h.clock.now() + timedelta(days=1), "trainer_name": "Tina"},
    ),
    (provider.complete_training, c.CompleteProviderTraining, lambda h: {}),
    (provider.make_live, c.MakePlatformAccessLive, lambda h: {}),
]


def provider_commands(a: Actor, h: Harness, k: int) -> list[Any]:
    """Step k's command(s) for OWN by `a` (record_account: the last system's, the others
    recorded in the base)."""
    _, model, fields = PROVIDER_STEPS[k]
    values = fields(h)
    if values.get("system") == "__each__":
        return [
            cmd(model, a, partner_id=OWN, **{**values, "system": system})
            for system in c.PartnerSystem
        ]
    return [cmd(model, a, partner_id=OWN, **values)]


def provider_base(k: int) -> Callable[[Harness], Awaitable[None]]:
    async def build(h: Harness) -> None:
        await registered(h)
        for step in range(k):
            for n, command in enumerate(provider_commands(PROVISIONING, h, step)):
                await h.send(
                    PROVIDER_STEPS[step][0],
                    command.model_copy(update={"request_id": f"s{step}-{n}"}),
                )
        if PROVIDER_STEPS[k][0] is provider.record_account:
            for n, command in enumerate(provider_commands(PROVISIONING, h, k)[:-1]):
                await h.send(
                    provider.record_account, command.model_copy(update={"request_id": f"a{n}"})
                )

    return build


def provider_step(
    k: int,
) -> tuple[Callable[[Harness], Awaitable[None]], Any, Callable[[Actor, Harness], Any]]:
    return provider_base(k), PROVIDER_STEPS[k][0], lambda a, h: provider_commands(a, h, k)[-1]


Build = Callable[[Actor, Harness], PartnerCommand]
SCENARIOS: dict[str, tuple[Callable[[Harness], Awaitable[None]], Any, Build]] = {
    # command type: (base, use case, the command an actor sends)
    "onboarding.partner.register": (
        registered,
        registry.register,
        lambda a, h: registration("P-NEW-1", PartnerKind.TIER1).model_copy(
            update={"actor": a, "request_id": "m-1"}
        ),
    ),
    "onboarding.partner.change_contacts": (
        registered,
        registry.change_contacts,
        lambda a, h: cmd(
            c.ChangePartnerContacts,
            a,
            partner_id=OWN,
            contacts=[
                c.ContactIn(name="Sam Example", email="sam@reseller.example.com", role="sales")
            ],
        ),
    ),
    "onboarding.legacy_email.record": (
        registered,
        registry.record_legacy_email,
        lambda a, h: cmd(
            c.RecordLegacyEmail, a, email="old@legacy.example.com", legacy_tenant_id="L-7"
        ),
    ),
    "onboarding.reseller.register": (
        registered,
        programme.register_as_cloud_reseller,
        lambda a, h: joining(a),
    ),
    "onboarding.reseller.complete_webinar": (
        in_programme,
        programme.complete_webinar,
        lambda a, h: cmd(c.CompleteWebinar, a, partner_id=OWN, webinar=c.Webinar.PRODUCT_OVERVIEW),
    ),
    "onboarding.reseller.take_certification_test": (
        trained,
        programme.take_certification_test,
        lambda a, h: cmd(c.TakeCertificationTest, a, partner_id=OWN, score=14),
    ),
    "onboarding.reseller.sign_agreement": (
        authorised,
        programme.sign_agreement,
        lambda a, h: cmd(c.SignAgreement, a, partner_id=OWN, agreement=c.Agreement.WHOLESALE),
    ),
    "onboarding.reseller.pass_terms_url": (
        authorised,
        programme.pass_terms_url,
        lambda a, h: cmd(
            c.PassTermsUrl, a, partner_id=OWN, terms_url="https://reseller.example.com/terms"
        ),
    ),
    "onboarding.reseller.activate_estore": (
        authorised,
        programme.activate_estore,
        lambda a, h: cmd(
            c.ActivateEStore,
            a,
            partner_id=OWN,
            products=["Free"],
            estore_link="https://shop.reseller.example.com",
        ),
    ),
    **{model.EVENT_TYPE: provider_step(k) for k, (_, model, _) in enumerate(PROVIDER_STEPS)},
}
