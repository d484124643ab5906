"""Demonstration: onboarding's partner side, played through Kafka only.

An order system places orders for new customers (one through a distributor acting as
reseller), one of them delivered twice and one amended; a reseller goes through the cloud
reseller programme to "ready to sell", and its e-store then gives a customer a free
tenant while a paid plan through the e-store is refused (upgrades go through the
distributor's portal); a tenant activation request goes to the DAM, to
cloud operations, misses its 48 working-day hours, its invitation expires after 72 hours
and is resent, and the customer activates the tenant and makes the reseller
co-administrator. All companies, people and addresses are invented.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from deploy.demo.display import rfc3339
from deploy.demo.driver import Driver, step
from deploy.demo.driver import run_id as new_run_id
from services.onboarding.domain.partners.authorisation import Agreement, Webinar
from services.onboarding.domain.partners.partners import Language, PartnerKind
from shared.actor import Actor
from shared.contracts import onboarding as c
from shared.contracts.orders import OrderAmended, OrderEvent, OrderPlaced
from shared.events import Envelope, Payload
from shared.ids import new_id
from shared.topics import ONBOARDING_COMMANDS, ORDERS_EVENTS

OPS = Actor(user_id="ops.demo", roles=("vendor_operations",))
CLOUD_OPS = Actor(user_id="cloudops.demo", roles=("cloud_operations",))


async def run(driver: Driver, run_id: str | None = None) -> list[str]:
    """Play the scenario with the run's id (`deploy.demo.__main__`: one suffix for every
    scenario of a run; a new one only when played alone); returns summary lines."""
    rid = run_id or new_run_id()
    dist, res = f"P-DIST-{rid}", f"P-RES-{rid}"
    dam = Actor(user_id=f"dam-{rid}", roles=("account_manager",))
    reseller = Actor(user_id=f"anna.{rid}", partner_id=res, roles=("partner_admin",))

    async def command(cmd: Payload, subject: str) -> Envelope:
        return await driver.send(ONBOARDING_COMMANDS.name, cmd, subject=subject)

    def of(subject: str) -> Any:
        return lambda e: e.subject == subject

    step("Vendor operations registers a distributor (with its DAM) and a reseller")
    account_manager = c.AccountManagerIn(
        account_manager_id=dam.user_id,
        name="Dora Demo",
        email="dora.demo@vendor.example.com",
        role="dam",
    )
    await command(_partner(dist, PartnerKind.DISTRIBUTOR, account_manager=account_manager), dist)
    await driver.expect("onboarding.partner.registered", of(dist))  # a reseller names it
    await command(_partner(res, PartnerKind.RESELLER, preferred_distributor_id=dist), res)
    await driver.expect("onboarding.partner.registered", of(res))

    step("The order system places orders for two new customers; one event arrives twice")
    first, second = f"C-{rid}-1", f"C-{rid}-2"
    placed = await driver.send(
        ORDERS_EVENTS.name, _order(first, dist, res, driver.now), subject=first
    )
    await driver.send_raw(ORDERS_EVENTS.name, first, placed.to_json())  # redelivered
    await driver.send(ORDERS_EVENTS.name, _order(second, dist, dist, driver.now), subject=second)
    relationship = await driver.expect("onboarding.relationship.recorded", of(second))
    step("The first customer's order is amended: 25 Professional licences instead of 10")
    amended = _order(first, dist, res, driver.now, version=2, licences=25, model=OrderAmended)
    await driver.send(ORDERS_EVENTS.name, amended, subject=first)
    ledger = await driver.expect(
        "onboarding.licences.updated",
        lambda e: of(first)(e) and e.data["balances"][0]["ordered"] == 25,
    )

    step("The reseller goes through the cloud reseller programme")
    programme: list[Payload] = [
        _on(
            c.RegisterAsCloudReseller,
            res,
            reseller,
            preferred_distributor_id=dist,
            terms_accepted=True,
        ),
        *[_on(c.CompleteWebinar, res, OPS, webinar=w) for w in Webinar],
        _on(c.TakeCertificationTest, res, OPS, score=10),
        _on(c.TakeCertificationTest, res, OPS, score=13),
        _on(c.SignAgreement, res, reseller, agreement=Agreement.WHOLESALE),
        _on(c.SignAgreement, res, reseller, agreement=Agreement.CLOUD_ADDENDUM),
        _on(c.PassTermsUrl, res, reseller, terms_url=f"https://{rid}.reseller.example.com/terms"),
        _on(
            c.ActivateEStore,
            res,
            reseller,
            products=["Team", "Professional"],
            estore_link=f"https://shop.example.com/{rid}",
        ),
    ]
    for cmd in programme:
        await command(cmd, res)
    await driver.expect("onboarding.reseller.ready_to_sell", of(res))

    step("Its e-store now gives a customer a free tenant; a paid plan there is refused")
    free = f"C-{rid}-3"
    estore = _order(free, dist, res, driver.now, package="Free", channel="estore")
    await driver.send(ORDERS_EVENTS.name, estore, subject=free)
    await driver.expect("onboarding.customer.recorded", of(free))
    paid = _order(
        free, dist, res, driver.now, version=2, package="Professional", model=OrderAmended
    )
    await driver.send(
        ORDERS_EVENTS.name, paid.model_copy(update={"channel": "estore"}), subject=free
    )
    refused = await driver.expect("onboarding.order.refused", of(free))

    step("The reseller asks for a tenant for its first customer: routed to the DAM")
    mark = driver.mark()
    await command(
        c.SubmitActivationRequest(
            request_id=new_id(),
            actor=reseller,
            partner_id=res,
            customer_id=first,
            end_customer=_end_customer(rid),
        ),
        res,
    )
    requested = await driver.expect(
        "onboarding.activation.requested", lambda e: e.data["partner_id"] == res, after=mark
    )
    request = requested.subject or ""
    await command(_act(c.ApproveActivationRequest, request, dam), request)
    forwarded = await driver.expect("onboarding.activation.forwarded", of(request))
    due = datetime.fromisoformat(forwarded.data["invitation_due_at"])

    step("Cloud operations misses the 48 working-day hours: the clock moves past them")
    await driver.advance_to(due + timedelta(seconds=1))
    await driver.expect("onboarding.activation.invitation_overdue", of(request))
    await command(_act(c.SendInvitation, request, CLOUD_OPS, invitation_id=f"INV-{rid}-1"), request)
    sent = await driver.expect("onboarding.activation.invitation_sent", of(request))
    valid_until = datetime.fromisoformat(sent.data["valid_until"])

    step("Nobody accepts within 72 hours: the invitation expires; the DAM asks for a resend")
    await driver.advance_to(valid_until + timedelta(seconds=1))
    await driver.expect("onboarding.activation.invitation_expired", of(request))
    await command(_act(c.ResendInvitation, request, dam, invitation_id=f"INV-{rid}-2"), request)
    await driver.expect("onboarding.activation.invitation_resent", of(request))

    step("The customer's admin activates the tenant and makes the reseller co-administrator")
    tenant = f"T-{rid}"
    admin = Actor(user_id=_end_customer(rid).admin_email, roles=("customer_admin",))
    await command(
        _act(
            c.ActivateTenant,
            request,
            admin,
            invitation_id=f"INV-{rid}-2",
            tenant_id=tenant,
            terms_accepted=True,
        ),
        request,
    )
    await driver.expect("onboarding.customer.tenant_assigned", of(first))
    tenant_admin = Actor(user_id=f"admin.{rid}", tenant_id=tenant, roles=("customer_admin",))
    await command(_act(c.AddPartnerAsCoAdministrator, request, tenant_admin), request)
    await driver.expect("onboarding.tenant.co_admin_added", of(request))

    recorded = [e for e in driver.seen if e.type == "onboarding.customer.recorded"]
    return [
        f"customers {first}, {second}: {sum(e.subject in (first, second) for e in recorded)} "
        "recorded events from 3 order deliveries (one redelivered)",
        f"{second}: distributor {dist} acts as reseller = "
        f"{relationship.data['distributor_acts_as_reseller']}",
        f"{first}: licences {ledger.data['balances'][0]['ordered']} Professional after amendment",
        f"reseller {res} ready to sell (certification passed at the second attempt)",
        f"{free}: a free tenant through the e-store; a paid plan there refused "
        f"({', '.join(r['code'] for r in refused.data['reasons'])}), to be ordered through "
        "the distributor's portal",
        f"activation {request}: invitation due {rfc3339(due)}, "
        "overdue; "
        "first invitation expired after 72 h; resent",
        f"tenant {tenant} active for {first}; {res} is co-administrator",
    ]


def _partner(partner_id: str, kind: PartnerKind, **extra: Any) -> c.RegisterPartner:
    return c.RegisterPartner(
        request_id=new_id(),
        actor=OPS,
        partner_id=partner_id,
        kind=kind,
        name=f"{'Grossvertrieb' if kind is PartnerKind.DISTRIBUTOR else 'Telefonladen'} Demo GmbH",
        country="DE",
        language=Language.DE,
        contacts=[
            c.ContactIn(
                name="Pat Demo", email=f"pat@{partner_id.lower()}.example.com", role="sales"
            )
        ],
        helpdesk_email=f"helpdesk@{partner_id.lower()}.example.com",
        **extra,
    )


def _order(
    customer_id: str,
    distributor: str,
    reseller: str,
    now: datetime,
    version: int = 1,
    licences: int = 10,
    model: type[OrderEvent] = OrderPlaced,
    package: str = "Professional",
    channel: str = "classic",
) -> OrderEvent:
    """An order accepting the reseller's and the vendor's terms; paid plans come through
    the classic process (the distributor's portal), free tenants through the e-store."""
    return model.model_validate(
        {
            "order_id": f"O-{customer_id}",
            "order_version": version,
            "occurred_at": now.isoformat(),
            "channel": channel,
            "customer": {
                "customer_id": customer_id,
                "company_name": f"Musterbau {customer_id} GmbH",
                "country": "DE",
                "time_zone": "Europe/Berlin",
                "main_contact": {"name": "Max Muster", "email": "max@musterbau.example.com"},
            },
            "distributor_partner_id": distributor,
            "reseller_partner_id": reseller,
            "lines": [{"package": package, "licences": licences}],
            "subscription_number": f"SUB-{customer_id}",
            "reseller_terms_accepted": True,
            "vendor_terms_accepted": True,
        }
    )


def _end_customer(rid: str) -> c.EndCustomerIn:
    return c.EndCustomerIn(
        company_name="Musterbau Demo GmbH",
        street="Beispielweg 5",
        postal_code="10115",
        city="Berlin",
        country="DE",
        admin_first_name="Mia",
        admin_last_name="Muster",
        admin_email=f"mia.{rid}@musterbau.example.com",
        business_activity="Construction",
        end_use="Office telephony",
    )


def _on(model: Any, partner_id: str, actor: Actor, **fields: Any) -> Payload:
    return model(request_id=new_id(), actor=actor, partner_id=partner_id, **fields)


def _act(model: Any, request: str, actor: Actor, **fields: Any) -> Payload:
    return model(request_id=new_id(), actor=actor, activation_request_id=request, **fields)
