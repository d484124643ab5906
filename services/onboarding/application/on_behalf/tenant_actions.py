"""Customer-admin actions on a tenant (`onboarding.on_behalf.act`), whoever does them.

In which capacity the actor acts decides the check:
- a user of the tenant itself: its `tenant_admin` as customer admin; any other user only
  for their own vendor phone (the domain refuses the rest);
- anyone else acts *on behalf*: authorised at this moment (linked + opted in + role) and
  audited, allowed or denied, before anything changes. A denial is the audit event
  `onboarding.on_behalf.action_denied` with its reasons; nothing else happens.
"""

from __future__ import annotations

from datetime import datetime

from services.onboarding.adapters.admin_documents import CustomerTenant
from services.onboarding.application.common.admin_kinds import CUSTOMER_TENANT_REPO
from services.onboarding.application.common.core import run
from services.onboarding.application.deps import Deps
from services.onboarding.application.devices import devices as admin_devices
from services.onboarding.application.on_behalf.access import authorise_and_audit
from services.onboarding.application.on_behalf.directory import (
    helpdesk_of,
    reseller_tenant,
)
from services.onboarding.domain.access import OnBehalfPolicy, is_admin_of
from services.onboarding.domain.devices.devices import SetUpBy
from services.onboarding.domain.errors import NotFound
from shared.actor import Actor
from shared.contracts.onboarding import ActOnTenant, SwitchPartnerHelpdesk
from shared.events import Envelope
from shared.usecase import Decision


def capacity_of(actor: Actor, cmd: ActOnTenant) -> SetUpBy:
    """In which capacity the actor acts on the tenant."""
    if actor.tenant_id == cmd.tenant_id:
        if is_admin_of(actor, cmd.tenant_id):
            return SetUpBy.CUSTOMER_ADMIN
        return SetUpBy.USER
    return SetUpBy.PARTNER_ON_BEHALF


async def act(deps: Deps, cause: Envelope, cmd: ActOnTenant) -> None:
    """Do a customer-admin action; on behalf only if authorised now (always audited)."""
    by = capacity_of(cmd.actor, cmd)
    action = cmd.action
    if by is SetUpBy.PARTNER_ON_BEHALF and not await authorise_and_audit(
        deps, cause, cmd.actor, cmd.tenant_id, action.kind
    ):
        return
    if isinstance(action, SwitchPartnerHelpdesk):
        await switch_partner_helpdesk(deps, cause, cmd, action)
        return
    # A plain user of the tenant: the domain allows only their own vendor phone.
    await admin_devices.perform(deps, cause, cmd.tenant_id, action, by, cmd.actor.user_id)


async def switch_partner_helpdesk(
    deps: Deps, cause: Envelope, cmd: ActOnTenant, action: SwitchPartnerHelpdesk
) -> None:
    """Route "report issue" to the partner's helpdesk, or back to the vendor's support.

    The tenant's own document holds the opt-in, so the domain checks the on-behalf access
    again inside the same atomic update that switches."""
    current = await deps.uc.load(CUSTOMER_TENANT_REPO, cmd.tenant_id)
    if current is None:

        def unknown(_: CustomerTenant | None, __: datetime) -> Decision[CustomerTenant]:
            raise NotFound(f"tenant {cmd.tenant_id} is not known")

        await run(deps.uc, CUSTOMER_TENANT_REPO, cmd.tenant_id, cause, unknown)
        return
    link = current.administration.reseller_partner_id
    helpdesk = await helpdesk_of(deps, link)
    reseller = await reseller_tenant(deps, cmd.actor.tenant_id)
    about = {"partner_id": link, "reseller_partner_id": link}

    def decide(tenant: CustomerTenant | None, now: datetime) -> Decision[CustomerTenant]:
        assert tenant is not None
        policy = OnBehalfPolicy.for_customer(
            tenant.facts.country, require_dpa=deps.settings.require_dpa
        )
        events = tenant.administration.switch_partner_helpdesk(
            action.enabled,
            by=cmd.actor,
            partner_helpdesk_email=helpdesk,
            reseller=reseller,
            now=now,
            policy=policy,
        )
        return Decision(tenant, events)

    await run(deps.uc, CUSTOMER_TENANT_REPO, cmd.tenant_id, cause, decide, about=about)
