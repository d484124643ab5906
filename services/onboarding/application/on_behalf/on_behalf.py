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

from datetime import datetime

from services.onboarding.adapters.admin_documents import CustomerTenant
from services.onboarding.application.common.admin_kinds import (
    CUSTOMER_TENANT_REPO,
    RESELLER_REPO,
)
from services.onboarding.application.common.core import run
from services.onboarding.application.deps import Deps
from services.onboarding.application.on_behalf.directory import (
    customer_tenant,
    reseller_of_partner,
    reseller_tenant,
)
from services.onboarding.domain.access import CLOUD_OPERATIONS, is_admin_of, require_held
from services.onboarding.domain.errors import Duplicate, Forbidden
from services.onboarding.domain.on_behalf.on_behalf import (
    CustomerTenantAdministration,
    ResellerNotEnabled,
    ResellerTenant,
)
from shared.actor import Actor
from shared.contracts.onboarding import (
    EnablePartnerAdministration,
    GrantPartnerAdministrator,
    OptInPartnerAdministration,
    OptOutPartnerAdministration,
    RecordDataProcessingAgreement,
    RequestPartnerAdministration,
    RevokePartnerAdministrator,
)
from shared.events import Envelope
from shared.usecase import Decision

Reseller = Decision[ResellerTenant]
Customer = Decision[CustomerTenant]


def _linked(partner_id: str | None) -> dict[str, str | None]:
    """What a refusal tells: the reseller, as the partner to tell."""
    return {"partner_id": partner_id or None, "reseller_partner_id": partner_id or None}


async def request(deps: Deps, cause: Envelope, cmd: RequestPartnerAdministration) -> None:
    """The reseller asks operations to enable its own tenant for partner administration."""
    facts = await customer_tenant(deps, cmd.tenant_id)
    owner = facts.facts.customer_partner_id if facts else None

    def decide(stored: ResellerTenant | None, now: datetime) -> Reseller:
        if stored is not None:
            raise Duplicate("already requested for this tenant", code="already_requested")
        tenant, events = ResellerTenant.request_enabling(
            cmd.tenant_id,
            cmd.partner_id,
            cmd.domain,
            by=cmd.actor,
            now=now,
            tenant_partner_id=owner,
        )
        return Decision(tenant, events)

    about = _linked(cmd.partner_id)  # the requesting partner, whoever the tenant's is
    await run(deps.uc, RESELLER_REPO, cmd.tenant_id, cause, decide, about=about)


async def enable(deps: Deps, cause: Envelope, cmd: EnablePartnerAdministration) -> None:
    """Operations set the partner admin ID: only on a tenant with a paid subscription, and
    one enabled tenant per partner (its partner admin ID is the partner ID)."""
    current = await deps.uc.require(RESELLER_REPO, cmd.tenant_id)
    facts = await customer_tenant(deps, cmd.tenant_id)
    paid = facts is not None and facts.facts.has_paid_licences(deps.settings.free_packages)
    other = await reseller_of_partner(deps, current.partner_id)
    clash = other is not None and other.is_enabled and other.tenant_id != cmd.tenant_id

    def decide(tenant: ResellerTenant | None, now: datetime) -> Reseller:
        assert tenant is not None
        require_held(cmd.actor, CLOUD_OPERATIONS)
        if clash:
            raise Duplicate(
                f"partner {tenant.partner_id} is enabled with another tenant",
                code="partner_already_enabled",
            )
        events = tenant.enable(
            by=cmd.actor,
            tenant_has_commercial_subscription=paid,
            now=now,
            tenant_partner_id=facts.facts.customer_partner_id if facts else None,
        )
        return Decision(tenant, events)

    await run(deps.uc, RESELLER_REPO, cmd.tenant_id, cause, decide)


async def grant(deps: Deps, cause: Envelope, cmd: GrantPartnerAdministrator) -> None:
    """The reseller's tenant admin grants the partner-administrator role to a paid user.

    The user's tenant and licence are read from the reseller tenant's licence records (the
    command's `user_tenant_id` and `user_licence_package` are not trusted)."""
    await deps.uc.require(RESELLER_REPO, cmd.tenant_id)
    facts = await customer_tenant(deps, cmd.tenant_id)
    licensed = facts is not None and cmd.user_id in facts.facts.licensed_users
    # Paid: holds a licence of this tenant, of a paid package the tenant has ordered.
    paid = facts is not None and facts.facts.is_paid_user(cmd.user_id, deps.settings.free_packages)

    def decide(tenant: ResellerTenant | None, now: datetime) -> Reseller:
        assert tenant is not None
        events = tenant.grant_partner_administrator(
            cmd.user_id,
            user_tenant_id=cmd.tenant_id if licensed else None,
            user_is_paid=paid,
            by=cmd.actor,
            now=now,
        )
        return Decision(tenant, events)

    await run(deps.uc, RESELLER_REPO, cmd.tenant_id, cause, decide)


async def revoke(deps: Deps, cause: Envelope, cmd: RevokePartnerAdministrator) -> None:
    """The reseller's tenant admin takes the role away."""
    await deps.uc.require(RESELLER_REPO, cmd.tenant_id)

    def decide(tenant: ResellerTenant | None, now: datetime) -> Reseller:
        assert tenant is not None
        events = tenant.revoke_partner_administrator(cmd.user_id, by=cmd.actor, now=now)
        return Decision(tenant, events)

    await run(deps.uc, RESELLER_REPO, cmd.tenant_id, cause, decide)


def _require_own_admin(actor: Actor, tenant_id: str) -> None:
    if not is_admin_of(actor, tenant_id):
        raise Forbidden("only the tenant's own admin decides this", code="not_customer_admin")


async def opt_in(deps: Deps, cause: Envelope, cmd: OptInPartnerAdministration) -> None:
    """The customer's admin switches on "Administration by partner <domain>"."""
    current = await deps.uc.require(CUSTOMER_TENANT_REPO, cmd.tenant_id)
    link = current.administration.reseller_partner_id
    reseller = await reseller_of_partner(deps, link)

    def decide(tenant: CustomerTenant | None, now: datetime) -> Customer:
        assert tenant is not None
        _require_own_admin(cmd.actor, cmd.tenant_id)
        if reseller is None:
            raise ResellerNotEnabled(f"partner {link or '-'} is not enabled for it")
        events = tenant.administration.opt_in(by=cmd.actor, reseller=reseller, now=now)
        return Decision(tenant, events)

    # The link as it was when the reseller was looked up (the refusal names that one).
    about = _linked(link)
    await run(deps.uc, CUSTOMER_TENANT_REPO, cmd.tenant_id, cause, decide, about=about)


async def opt_out(deps: Deps, cause: Envelope, cmd: OptOutPartnerAdministration) -> None:
    """The customer's admin switches it off: the next on-behalf check is denied."""
    await deps.uc.require(CUSTOMER_TENANT_REPO, cmd.tenant_id)

    def decide(tenant: CustomerTenant | None, now: datetime) -> Customer:
        assert tenant is not None
        events = tenant.administration.opt_out(by=cmd.actor, now=now)
        return Decision(tenant, events)

    await run(deps.uc, CUSTOMER_TENANT_REPO, cmd.tenant_id, cause, decide)


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
    await deps.uc.require(CUSTOMER_TENANT_REPO, cmd.tenant_id)
    reseller = await reseller_tenant(deps, cmd.actor.tenant_id)

    def decide(tenant: CustomerTenant | None, now: datetime) -> Customer:
        assert tenant is not None
        if not _may_record_dpa(cmd.actor, tenant.administration, reseller):
            raise Forbidden(
                "only the customer or its linked reseller records it", code="not_a_party"
            )
        events = tenant.administration.record_dpa(
            signed_at=cmd.signed_at, signed_by=cmd.signed_by, by=cmd.actor, now=now
        )
        return Decision(tenant, events)

    await run(deps.uc, CUSTOMER_TENANT_REPO, cmd.tenant_id, cause, decide)
