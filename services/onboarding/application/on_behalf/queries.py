"""Questions answered on the bus: a partner administrator's tenants, where "report issue" goes.

Nothing is stored but the audit entry of the listing (and a refused routing, with the
tenant); the answer's id is derived from the query (`UseCases.answer`), so a redelivered
query repeats the same answer event.
"""

from __future__ import annotations

from datetime import datetime

from services.onboarding.adapters.admin_documents import CustomerTenant
from services.onboarding.application.common.admin_kinds import CUSTOMER_TENANT_REPO
from services.onboarding.application.common.core import run
from services.onboarding.application.deps import Deps
from services.onboarding.application.on_behalf.access import audited
from services.onboarding.application.on_behalf.directory import (
    customer_tenant,
    helpdesk_of,
    reseller_tenant,
)
from services.onboarding.domain.access import (
    ALL_TENANTS,
    LIST_TENANTS,
    Decision,
    authorise_tenant_listing,
)
from services.onboarding.domain.errors import Forbidden
from services.onboarding.domain.on_behalf.on_behalf import CustomerTenantAdministration
from services.onboarding.domain.on_behalf.tenant_links import (
    ManageableTenant,
    manageable_tenants,
    route_report_issue,
)
from shared.contracts.onboarding import (
    ListManageableTenants,
    ManageableTenantRow,
    ManageableTenantsListedV1,
    ReportIssueRoutedV1,
    RouteReportIssue,
)
from shared.events import Envelope
from shared.usecase import Decision as Change


async def list_tenants(deps: Deps, cause: Envelope, cmd: ListManageableTenants) -> None:
    """The tenants linked to the actor's reseller *and* opted in; audited, denials too."""
    actor = cmd.actor
    reseller = await reseller_tenant(deps, actor.tenant_id)

    async def decide() -> tuple[Decision, str | None]:
        return authorise_tenant_listing(actor, reseller, deps.now()), None

    if not await audited(deps, cause, actor, ALL_TENANTS, LIST_TENANTS, decide):
        return
    now = deps.now()
    if reseller is None or not authorise_tenant_listing(actor, reseller, now).allowed:
        return  # a redelivery after the role was taken away: no answer any more
    link = reseller.partner_admin_id or ""
    rows = []
    for state in await deps.directory.opted_in_customer_tenants(link):
        tenant = CustomerTenant.load(state)
        admin = tenant.administration
        rows.append(
            ManageableTenant(
                tenant_id=admin.tenant_id,
                name=tenant.facts.company_name,
                main_contact=tenant.facts.main_contact,
                reseller_partner_id=admin.reseller_partner_id,
                opted_in=admin.is_opted_in(now),
            )
        )
    chosen = manageable_tenants(rows, link, cmd.query, cmd.sort_by, cmd.descending)
    page = chosen[cmd.offset : cmd.offset + cmd.limit]
    listed = ManageableTenantsListedV1(
        request_id=cmd.request_id,
        user_id=actor.user_id,
        partner_id=link,
        reseller_tenant_id=reseller.tenant_id,
        query=cmd.query,
        sort_by=cmd.sort_by,
        descending=cmd.descending,
        offset=cmd.offset,
        total=len(chosen),
        rows=[
            ManageableTenantRow(tenant_id=t.tenant_id, name=t.name, main_contact=t.main_contact)
            for t in page
        ],
        occurred_at=now,
    )
    await deps.uc.answer(cause, listed, reseller.tenant_id)


async def route(deps: Deps, cause: Envelope, cmd: RouteReportIssue) -> None:
    """A user of the tenant reports an issue: to the partner's helpdesk or the vendor."""
    if cmd.actor.tenant_id != cmd.tenant_id:

        def forbidden(_: CustomerTenant | None, __: datetime) -> Change[CustomerTenant]:
            raise Forbidden("only users of the tenant report issues", code="not_a_tenant_user")

        await run(deps.uc, CUSTOMER_TENANT_REPO, cmd.tenant_id, cause, forbidden)
        return
    tenant = await customer_tenant(deps, cmd.tenant_id)
    admin = tenant.administration if tenant else CustomerTenantAdministration(cmd.tenant_id, "")
    link = admin.reseller_partner_id or None
    routing = route_report_issue(admin, await helpdesk_of(deps, link or ""))
    routed = ReportIssueRoutedV1(
        request_id=cmd.request_id,
        tenant_id=cmd.tenant_id,
        user_id=cmd.actor.user_id,
        reseller_partner_id=link,
        destination=routing.destination.value,
        email=routing.email,
        hint=routing.hint,
        occurred_at=deps.now(),
    )
    await deps.uc.answer(cause, routed, cmd.tenant_id)
