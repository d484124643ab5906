"""Partner administration on behalf (§1.6): enabling, the role, opt-in/out, the DPA.

Who may do what (roles in `Actor.roles`, see `domain.access`):
- the reseller (its partner users) asks for enabling, naming its tenant and partner ID —
  only its *own* tenant, as onboarding's records say (the tenant's orders name the
  partner as the customer, `customer.partner_id`), never on the request's word;
- `cloud_operations` enables it — only for that own tenant whose orders hold paid licences;
- the reseller tenant's `tenant_admin` grants and revokes `partner_admin`, only to paid
  users of the reseller's own tenant: users holding a licence of a paid package of that
  tenant in its licence ledger (`onboarding.licences.user_assigned`), whatever the
  command says about the user;
- the customer tenant's `tenant_admin` opts in (once the reseller is enabled) and out;
- the DPA is recorded by the customer's admin, by the linked reseller's tenant admin or
  partner administrator, or by cloud operations.
"""

from __future__ import annotations

from services.onboarding.adapters.admin_documents import (
    CUSTOMER_TENANTS,
    RESELLER_TENANTS,
    CustomerTenant,
    dump_reseller,
    load_reseller,
)
from services.onboarding.application.common.steps import Refusal, execute, require
from services.onboarding.application.deps import Deps
from services.onboarding.application.on_behalf.directory import (
    customer_tenant,
    reseller_of_partner,
    reseller_tenant,
)
from services.onboarding.domain.access import CLOUD_OPERATIONS, is_admin_of, require_held
from services.onboarding.domain.errors import Duplicate, Forbidden
from services.onboarding.domain.event import DomainEvent
from services.onboarding.domain.on_behalf.on_behalf import (
    CustomerTenantAdministration,
    ResellerNotEnabled,
    ResellerTenant,
)
from shared.actor import Actor
from shared.contracts.onboarding import (
    EnablePartnerAdministration,
    GrantPartnerAdministrator,
    OnBehalfActionRefusedV1,
    OptInPartnerAdministration,
    OptOutPartnerAdministration,
    RecordDataProcessingAgreement,
    RequestPartnerAdministration,
    RevokePartnerAdministrator,
)
from shared.events import Envelope
from shared.mongo import Document
from shared.store import Stored


def _refusal(tenant_id: str, partner_id: str | None) -> Refusal:
    ids = {"tenant_id": tenant_id, "partner_id": partner_id, "reseller_partner_id": partner_id}
    return Refusal(OnBehalfActionRefusedV1, tenant_id, ids)


def _reseller_state(tenant: ResellerTenant) -> Document:
    return {"reseller": dump_reseller(tenant)}


def _loaded(stored: Stored | None) -> ResellerTenant:
    assert stored is not None
    return load_reseller(stored.state["reseller"])


async def request(deps: Deps, cause: Envelope, cmd: RequestPartnerAdministration) -> None:
    """The reseller asks operations to enable its own tenant for partner administration."""
    facts = await customer_tenant(deps, cmd.tenant_id)
    owner = facts.facts.customer_partner_id if facts else None

    def step(stored: Stored | None) -> tuple[Document, list[DomainEvent]]:
        if stored is not None:
            raise Duplicate("already requested for this tenant", code="already_requested")
        tenant, events = ResellerTenant.request_enabling(
            cmd.tenant_id,
            cmd.partner_id,
            cmd.domain,
            by=cmd.actor,
            now=deps.now(),
            tenant_partner_id=owner,
        )
        return _reseller_state(tenant), events

    refusal = _refusal(cmd.tenant_id, cmd.partner_id)
    await execute(deps, cause, RESELLER_TENANTS, cmd.tenant_id, step, refusal)


async def enable(deps: Deps, cause: Envelope, cmd: EnablePartnerAdministration) -> None:
    """Operations set the partner admin ID: only on a tenant with a paid subscription, and
    one enabled tenant per partner (its partner admin ID is the partner ID)."""
    current = _loaded(await require(deps, RESELLER_TENANTS, cmd.tenant_id, "tenant"))
    facts = await customer_tenant(deps, cmd.tenant_id)
    paid = facts is not None and facts.facts.has_paid_licences(deps.settings.free_packages)
    other = await reseller_of_partner(deps, current.partner_id)
    clash = other is not None and other.is_enabled and other.tenant_id != cmd.tenant_id

    def step(stored: Stored | None) -> tuple[Document, list[DomainEvent]]:
        tenant = _loaded(stored)
        require_held(cmd.actor, CLOUD_OPERATIONS)
        if clash:
            raise Duplicate(
                f"partner {tenant.partner_id} is enabled with another tenant",
                code="partner_already_enabled",
            )
        events = tenant.enable(
            by=cmd.actor,
            tenant_has_commercial_subscription=paid,
            now=deps.now(),
            tenant_partner_id=facts.facts.customer_partner_id if facts else None,
        )
        return _reseller_state(tenant), events

    refusal = _refusal(cmd.tenant_id, current.partner_id)
    await execute(deps, cause, RESELLER_TENANTS, cmd.tenant_id, step, refusal)


async def grant(deps: Deps, cause: Envelope, cmd: GrantPartnerAdministrator) -> None:
    """The reseller's tenant admin grants the partner-administrator role to a paid user.

    The user's tenant and licence are read from the reseller tenant's licence records (the
    command's `user_tenant_id` and `user_licence_package` are not trusted)."""
    current = _loaded(await require(deps, RESELLER_TENANTS, cmd.tenant_id, "tenant"))
    facts = await customer_tenant(deps, cmd.tenant_id)
    licensed = facts is not None and cmd.user_id in facts.facts.licensed_users
    # Paid: holds a licence of this tenant, of a paid package the tenant has ordered.
    paid = facts is not None and facts.facts.is_paid_user(cmd.user_id, deps.settings.free_packages)

    def step(stored: Stored | None) -> tuple[Document, list[DomainEvent]]:
        tenant = _loaded(stored)
        events = tenant.grant_partner_administrator(
            cmd.user_id,
            user_tenant_id=cmd.tenant_id if licensed else None,
            user_is_paid=paid,
            by=cmd.actor,
            now=deps.now(),
        )
        return _reseller_state(tenant), events

    refusal = _refusal(cmd.tenant_id, current.partner_id)
    await execute(deps, cause, RESELLER_TENANTS, cmd.tenant_id, step, refusal)


async def revoke(deps: Deps, cause: Envelope, cmd: RevokePartnerAdministrator) -> None:
    """The reseller's tenant admin takes the role away."""
    current = _loaded(await require(deps, RESELLER_TENANTS, cmd.tenant_id, "tenant"))

    def step(stored: Stored | None) -> tuple[Document, list[DomainEvent]]:
        tenant = _loaded(stored)
        events = tenant.revoke_partner_administrator(cmd.user_id, by=cmd.actor, now=deps.now())
        return _reseller_state(tenant), events

    refusal = _refusal(cmd.tenant_id, current.partner_id)
    await execute(deps, cause, RESELLER_TENANTS, cmd.tenant_id, step, refusal)


def _customer(stored: Stored | None) -> CustomerTenant:
    assert stored is not None
    return CustomerTenant.load(stored.state)


def _require_own_admin(actor: Actor, tenant_id: str) -> None:
    if not is_admin_of(actor, tenant_id):
        raise Forbidden("only the tenant's own admin decides this", code="not_customer_admin")


async def opt_in(deps: Deps, cause: Envelope, cmd: OptInPartnerAdministration) -> None:
    """The customer's admin switches on "Administration by partner <domain>"."""
    current = _customer(await require(deps, CUSTOMER_TENANTS, cmd.tenant_id, "tenant"))
    link = current.administration.reseller_partner_id
    reseller = await reseller_of_partner(deps, link)

    def step(stored: Stored | None) -> tuple[Document, list[DomainEvent]]:
        tenant = _customer(stored)
        _require_own_admin(cmd.actor, cmd.tenant_id)
        if reseller is None:
            raise ResellerNotEnabled(f"partner {link or '-'} is not enabled for it")
        events = tenant.administration.opt_in(by=cmd.actor, reseller=reseller, now=deps.now())
        return tenant.dump(), events

    refusal = _refusal(cmd.tenant_id, link or None)
    await execute(deps, cause, CUSTOMER_TENANTS, cmd.tenant_id, step, refusal)


async def opt_out(deps: Deps, cause: Envelope, cmd: OptOutPartnerAdministration) -> None:
    """The customer's admin switches it off: the next on-behalf check is denied."""
    current = _customer(await require(deps, CUSTOMER_TENANTS, cmd.tenant_id, "tenant"))

    def step(stored: Stored | None) -> tuple[Document, list[DomainEvent]]:
        tenant = _customer(stored)
        events = tenant.administration.opt_out(by=cmd.actor, now=deps.now())
        return tenant.dump(), events

    refusal = _refusal(cmd.tenant_id, current.administration.reseller_partner_id or None)
    await execute(deps, cause, CUSTOMER_TENANTS, cmd.tenant_id, step, refusal)


def _may_record_dpa(
    actor: Actor, customer: CustomerTenantAdministration, reseller: ResellerTenant | None
) -> bool:
    if is_admin_of(actor, customer.tenant_id) or actor.has_role(CLOUD_OPERATIONS):
        return True
    return (
        reseller is not None
        and customer.is_linked_to(reseller)
        and actor.tenant_id == reseller.tenant_id
        and (
            is_admin_of(actor, reseller.tenant_id)
            or reseller.is_partner_administrator(actor.user_id)
        )
    )


async def record_dpa(deps: Deps, cause: Envelope, cmd: RecordDataProcessingAgreement) -> None:
    """Record the signed data-processing agreement (the vendor does not check it)."""
    current = _customer(await require(deps, CUSTOMER_TENANTS, cmd.tenant_id, "tenant"))
    reseller = await reseller_tenant(deps, cmd.actor.tenant_id)

    def step(stored: Stored | None) -> tuple[Document, list[DomainEvent]]:
        tenant = _customer(stored)
        if not _may_record_dpa(cmd.actor, tenant.administration, reseller):
            raise Forbidden(
                "only the customer or its linked reseller records it", code="not_a_party"
            )
        events = tenant.administration.record_dpa(
            signed_at=cmd.signed_at, signed_by=cmd.signed_by, by=cmd.actor, now=deps.now()
        )
        return tenant.dump(), events

    refusal = _refusal(cmd.tenant_id, current.administration.reseller_partner_id or None)
    await execute(deps, cause, CUSTOMER_TENANTS, cmd.tenant_id, step, refusal)
