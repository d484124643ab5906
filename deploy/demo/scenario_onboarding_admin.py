"""Demonstration: onboarding's admin side, played through Kafka only.

Vendor operations registers a distributor and a reseller it supplies before anything names
them. The reseller is enabled for partner administration on its own tenant (its orders say
it is the customer) and grants the role to a user its licence ledger gives a paid licence; its
customer opts in; the partner administrator sets up a SIP phone on behalf (allowed,
audited); the customer opts out and the same action is refused (audited), and so is a
replay of the allowed action's id. Then the reseller's platform access goes live, numbers
arrive from a port the real porting service accepts, and the reseller makes a customer
group ready for users with them. All companies, people, numbers (Ofcom drama range) and
addresses are invented.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from deploy.demo.driver import Driver, step
from deploy.demo.driver import run_id as new_run_id
from services.onboarding.domain.partners.partners import Language, PartnerKind
from shared.actor import Actor
from shared.contracts import carrier
from shared.contracts import onboarding as c
from shared.contracts import onboarding as p
from shared.contracts import porting as porting
from shared.contracts.onboarding import AssignLicence
from shared.contracts.orders import OrderContact, OrderCustomer, OrderLineItem, OrderPlaced
from shared.events import Envelope, Payload
from shared.topics import (
    CARRIER_EVENTS,
    ONBOARDING_COMMANDS,
    ORDERS_EVENTS,
    PORTING_COMMANDS,
)

CLOUD_OPS = Actor(user_id="cloudops.demo", roles=("cloud_operations",))
PROVISIONING = Actor(user_id="provisioning.demo", roles=("provisioning",))


def _order(
    customer_id: str,
    tenant_id: str,
    company: str,
    distributor: str,
    reseller: str,
    now: datetime,
    own_partner: str | None = None,
) -> OrderPlaced:
    return OrderPlaced(
        order_id=f"O-{customer_id}",
        order_version=1,
        occurred_at=now,
        channel="classic",
        customer=OrderCustomer(
            customer_id=customer_id,
            company_name=company,
            country="DE",
            time_zone="Europe/Berlin",
            main_contact=OrderContact(name="Kim Demo", email="kim.demo@lark.example.com"),
            partner_id=own_partner,  # a partner's own tenant: its orders say so
        ),
        tenant_id=tenant_id,
        distributor_partner_id=distributor,
        reseller_partner_id=reseller,
        lines=[OrderLineItem(package="Enterprise", licences=25)],
        subscription_number=f"SUB-{customer_id}",
        reseller_terms_accepted=True,
        vendor_terms_accepted=True,
    )


async def run(driver: Driver, run_id: str | None = None) -> list[str]:
    """Play the scenario; returns summary lines."""
    rid = run_id or new_run_id()
    distributor, reseller = f"P-DIST-A-{rid}", f"P-SUNRISE-{rid}"
    reseller_tenant, customer_tenant = f"T-SUNRISE-{rid}", f"T-LARK-{rid}"
    tenant_admin = Actor(
        user_id=f"admin.{rid}@sunrise.example.com",
        partner_id=reseller,
        tenant_id=reseller_tenant,
        roles=("tenant_admin",),
    )
    partner_admin = Actor(
        user_id=f"pat.{rid}@sunrise.example.com",
        partner_id=reseller,
        tenant_id=reseller_tenant,
        roles=("partner_admin",),
    )
    customer_admin = Actor(
        user_id=f"kim.{rid}@lark.example.com", tenant_id=customer_tenant, roles=("tenant_admin",)
    )
    counter = iter(range(1, 1000))

    async def command(payload: Payload, subject: str) -> Envelope:
        return await driver.send(ONBOARDING_COMMANDS.name, payload, subject=subject)

    def rq() -> str:
        return f"{rid}-{next(counter)}"

    def about(subject: str) -> Callable[[Envelope], bool]:
        return lambda e: e.subject == subject

    async def until(
        make: Callable[[], Payload], subject: str, done: str, tries: int = 10
    ) -> Envelope:
        """Send until `done` follows: the tenant read model follows the order facts a moment
        later (eventual consistency), so an early command may be refused once."""
        for _ in range(tries):
            mark = driver.mark()
            await command(make(), subject)
            try:
                return await driver.expect(done, about(subject), timeout=3, after=mark)
            except TimeoutError:
                await asyncio.sleep(1)
        return await driver.expect(done, about(subject), timeout=5)

    step("Vendor operations registers distributor A and the reseller Sunrise, which it supplies")
    await command(_registration(distributor, PartnerKind.DISTRIBUTOR, rid), distributor)
    await driver.expect("onboarding.partner.registered", about(distributor))
    await command(_registration(reseller, PartnerKind.RESELLER, rid, distributor), reseller)
    await driver.expect("onboarding.partner.registered", about(reseller))

    step("Orders: the reseller's own paid subscription, and its customer Lark's order")
    for customer_id, tenant_id, company in (
        (f"C-SUNRISE-{rid}", reseller_tenant, "Sunrise Example Telecom GmbH"),
        (f"C-LARK-{rid}", customer_tenant, "Lark Example Bakery GmbH"),
    ):
        own = tenant_id == reseller_tenant
        buyer = distributor if own else reseller
        order = _order(
            customer_id,
            tenant_id,
            company,
            distributor,
            buyer,
            driver.now,
            own_partner=reseller if own else None,
        )
        await driver.send(ORDERS_EVENTS.name, order, subject=customer_id)
        await driver.expect("onboarding.licences.updated", about(customer_id))
    await asyncio.sleep(2)  # onboarding's tenant read model follows these facts a moment later

    step("The reseller asks for partner administration of its own tenant; operations enable it")
    await until(
        lambda: c.RequestPartnerAdministration(
            request_id=rq(),
            actor=Actor(user_id=f"sales.{rid}@sunrise.example.com", partner_id=reseller),
            tenant_id=reseller_tenant,
            partner_id=reseller,
            domain="sunrise.example.com",
        ),
        reseller_tenant,
        "onboarding.reseller_tenant.partner_administration_requested",
    )
    await until(
        lambda: c.EnablePartnerAdministration(
            request_id=rq(), actor=CLOUD_OPS, tenant_id=reseller_tenant
        ),
        reseller_tenant,
        "onboarding.reseller_tenant.partner_administration_enabled",
    )

    step("The reseller's tenant admin licenses a user (Enterprise) and makes them partner admin")
    await driver.send(
        ONBOARDING_COMMANDS.name,
        AssignLicence(
            request_id=rq(),
            actor=tenant_admin,
            customer_id=f"C-SUNRISE-{rid}",
            package="Enterprise",
            user_id=partner_admin.user_id,
        ),
        subject=f"C-SUNRISE-{rid}",
    )
    await driver.expect("onboarding.licences.user_assigned", about(f"C-SUNRISE-{rid}"))
    await until(  # the role follows the licence ledger, not what the command says
        lambda: c.GrantPartnerAdministrator(
            request_id=rq(),
            actor=tenant_admin,
            tenant_id=reseller_tenant,
            user_id=partner_admin.user_id,
        ),
        reseller_tenant,
        "onboarding.reseller_tenant.partner_administrator_granted",
    )

    step('Lark\'s admin switches on "Administration by partner sunrise.example.com"')
    await until(
        lambda: c.OptInPartnerAdministration(
            request_id=rq(), actor=customer_admin, tenant_id=customer_tenant
        ),
        customer_tenant,
        "onboarding.customer_tenant.partner_administration_opted_in",
    )

    sip = c.SetUpSipDevice(
        user_id=f"ben.{rid}@lark.example.com",
        server_address="sip.voice.example.com",
        port=5061,
        transport="tls",
        sip_user_id=f"ben-{rid}",
        auth_password=f"demo-Sip-{rid}-pass",
    )

    def on_behalf() -> c.ActOnTenant:
        return c.ActOnTenant(
            request_id=rq(), actor=partner_admin, tenant_id=customer_tenant, action=sip
        )

    step("The partner administrator sets up a SIP phone for a Lark user, on behalf")
    mark = driver.mark()
    await command(on_behalf(), customer_tenant)
    audited = await driver.expect("onboarding.on_behalf.action_audited", after=mark)
    await driver.expect("onboarding.device.sip_device_set_up", after=mark)

    step("Lark's admin opts out; the same action is refused at once, and audited")
    await command(
        c.OptOutPartnerAdministration(
            request_id=rq(), actor=customer_admin, tenant_id=customer_tenant
        ),
        customer_tenant,
    )
    mark = driver.mark()
    await command(on_behalf(), customer_tenant)
    denied = await driver.expect("onboarding.on_behalf.action_denied", after=mark)

    step("A replay of the allowed action's id (its audit's causationid) is refused, audited")
    mark = driver.mark()
    replay = on_behalf().model_copy(
        update={"action": sip.model_copy(update={"user_id": f"eve.{rid}@lark.example.com"})}
    )
    await driver.send(
        ONBOARDING_COMMANDS.name,
        replay,
        subject=customer_tenant,
        event_id=audited.causationid,
    )
    replayed = await driver.expect("onboarding.on_behalf.action_denied", after=mark)

    lines = [
        f"reseller {reseller} enabled for partner administration (tenant {reseller_tenant}); "
        f"{partner_admin.user_id} holds the partner administrator role",
        f"on behalf of {customer_tenant}: {audited.data['action']} allowed and audited; "
        f"after the opt-out refused ({', '.join(r['code'] for r in denied.data['reasons'])}) "
        "and audited; a replay of its id refused "
        f"({', '.join(r['code'] for r in replayed.data['reasons'])}) and audited",
    ]
    return lines + await _group_from_a_port(driver, rid, reseller, command, rq)


async def _group_from_a_port(
    driver: Driver,
    rid: str,
    partner: str,
    command: Callable[[Payload, str], Awaitable[Envelope]],
    rq: Callable[[], str],
) -> list[str]:
    block = int(rid, 36) % 90 * 10  # the porting scenario uses block+0..2 of this run
    numbers = [f"+44207946{block + i:04d}" for i in (5, 6)]
    staff = Actor(user_id=f"builder.{rid}@sunrise.example.com", partner_id=partner)

    step("Porting (the real service): Sunrise ports two London numbers; the carrier accepts")
    mark = driver.mark()
    await driver.send(
        PORTING_COMMANDS.name,
        porting.SubmitPortRequest(
            request_id=f"{rid}-lark-port",
            actor=staff,
            partner_id=partner,
            country="GB",
            product="multi_line",
            numbers=numbers,
            main_billing_number="020 7946 0300",
            registered_address=porting.AddressIn(
                lines=["5 Example Mews"], city="London", postal_code="EC1A 1AA", country="GB"
            ),
            losing_provider="Oldline Telecom Ltd",
            range_holder="Rangeholder Networks plc",
        ),
        subject=partner,
    )
    submitted = await driver.expect(
        "porting.port.submitted", lambda e: e.data.get("partner_id") == partner, after=mark
    )
    port_id = submitted.subject or ""
    await driver.send(
        CARRIER_EVENTS.name,
        carrier.CarrierPortAccepted(
            port_id=port_id, carrier_ref=f"GC-{rid}-L", accepted_at=driver.now
        ),
        subject=port_id,
    )
    await driver.expect("porting.numbers.accepted", lambda e: e.subject == port_id, after=mark)
    await driver.expect(
        "onboarding.inventory.ported_numbers_added",
        lambda e: e.data.get("port_id") == port_id,
        after=mark,
    )

    step("Sunrise's platform access goes live at the provider: it can create customers")
    for payload in _live_partner_commands(partner, rid, driver.now):
        await command(payload, partner)
    await driver.expect(
        "onboarding.provider_onboarding.platform_access_went_live", lambda e: e.subject == partner
    )

    group_id = f"lark-bakery-{rid}"
    step(f"Sunrise clones group {group_id} and assigns the porting numbers before port day")
    await command(
        c.RegisterCloneGroup(
            request_id=rq(), actor=PROVISIONING, partner_id=partner, clone_group_id=f"CL-{rid}"
        ),
        partner,
    )
    await command(
        c.CreateCustomerGroup(
            request_id=rq(),
            actor=staff,
            partner_id=partner,
            group_id=group_id,
            group_name="Lark Example Bakery GmbH",
            clone_group_id=f"CL-{rid}",
            default_domain="voice.example.com",
        ),
        partner,
    )
    await driver.expect("onboarding.group.created", lambda e: e.subject == group_id, after=mark)

    step("CLID, voice portal and an admin user (generated password): ready for users")
    for payload in (
        c.AssignNumbersToGroup(request_id=rq(), actor=staff, group_id=group_id, numbers=numbers),
        c.SetBusinessProfileNumber(
            request_id=rq(), actor=staff, group_id=group_id, clid=numbers[0]
        ),
        c.EnableVoicePortal(request_id=rq(), actor=staff, group_id=group_id, number=numbers[1]),
        c.AddGroupAdminUser(
            request_id=rq(),
            actor=staff,
            group_id=group_id,
            user_id=f"kim.demo.{rid}@voice.example.com",
            first_name="Kim",
            last_name="Demo",
            generate_password=True,
        ),
    ):
        await command(payload, group_id)
    await driver.expect(
        "onboarding.group.ready_for_users", lambda e: e.subject == group_id, after=mark
    )
    return [
        f"port {port_id} accepted by the carrier: {', '.join(numbers)} entered {partner}'s "
        "inventory as porting",
        f"group {group_id} ready for users with them (CLID {numbers[0]}, voice portal "
        f"{numbers[1]}, one admin user)",
    ]


def _registration(
    partner: str, kind: PartnerKind, rid: str, distributor: str | None = None
) -> Payload:
    return p.RegisterPartner(
        request_id=f"{rid}-register-{partner}",
        actor=Actor(user_id="ops.demo", roles=("vendor_operations",)),
        partner_id=partner,
        kind=kind,
        name=f"{'Sunrise Example Telecom' if distributor else 'Grossvertrieb Demo'} GmbH",
        country="DE",
        language=Language.DE,
        preferred_distributor_id=distributor,
    )


def _live_partner_commands(partner: str, rid: str, now: datetime) -> list[Payload]:
    """Sunrise onboarded at the service provider step by step until its access is live."""

    def step_of(model: Any, **fields: Any) -> Payload:
        return model(
            request_id=f"{rid}-{model.EVENT_TYPE}-{fields.get('system', '')}",
            actor=PROVISIONING,
            partner_id=partner,
            **fields,
        )

    return [
        step_of(p.ReceiveOnboardingOrder, order_reference=f"OO-{rid}"),
        step_of(p.SendOnboardingOrderConfirmation),
        step_of(p.AssignProvisioningCoordinator, coordinator_id=PROVISIONING.user_id),
        *[
            step_of(p.RecordPartnerAccountCreated, system=s, account_reference=f"{rid}-{s}")
            for s in p.PartnerSystem
        ],
        step_of(p.ArrangeKickOffCall, scheduled_for=now + timedelta(days=1), trainer_name="Tina"),
        step_of(p.CompleteProviderTraining),
        step_of(p.MakePlatformAccessLive),
    ]
