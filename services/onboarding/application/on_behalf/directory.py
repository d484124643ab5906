"""Local read models from onboarding's own facts: which tenant belongs to which reseller.

The customer facts (`onboarding.customer.*`, `.relationship.*`, `.licences.updated`,
published from orders by the partners half) are kept per customer until its tenant is
known, then copied onto the tenant's `customer_tenants` document, whose administration
part (opt-in, DPA, helpdesk) is the on-behalf aggregate. The partners' helpdesk addresses
come from `onboarding.partner.contacts_changed`. Facts arrive at least once and in order
per customer (Kafka key); each document update is idempotent by the fact's id.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from services.onboarding.adapters.admin_documents import (
    CustomerTenant,
    TenantFacts,
)
from services.onboarding.application.common.admin_kinds import (
    CUSTOMER_FACTS_REPO,
    CUSTOMER_TENANT_REPO,
    HELPDESK_REPO,
    RESELLER_REPO,
)
from services.onboarding.application.deps import Deps
from services.onboarding.application.on_behalf.customer_fact_views import (
    UserLicenceAssignedIn,
    UserLicenceUnassignedIn,
)
from services.onboarding.domain.on_behalf.on_behalf import (
    CustomerTenantAdministration,
    ResellerTenant,
)
from services.onboarding.domain.on_behalf.tenant_links import relink_customer
from shared.events import Envelope, Payload
from shared.mongo import Document
from shared.usecase import Decision


def _main_contact(data: dict[str, Any]) -> str | None:
    """Tolerant reader: the facts may carry the main contact (name, e-mail) in future."""
    contact = data.get("main_contact")
    if isinstance(contact, dict):
        parts = [str(contact.get(k) or "") for k in ("name", "email")]
        return " ".join(p for p in parts if p) or None
    if isinstance(contact, str):
        return contact
    name, email = data.get("main_contact_name"), data.get("main_contact_email")
    return " ".join(str(p) for p in (name, email) if p) or None


def _merged(facts: TenantFacts, fact: Payload, data: dict[str, Any]) -> TenantFacts:
    values = fact.model_dump()
    facts.tenant_id = values.get("tenant_id") or facts.tenant_id
    for key in (
        "distributor_partner_id",
        "reseller_partner_id",
        "tier1_partner_id",
        "customer_partner_id",
    ):
        setattr(facts, key, values.get(key))  # every customer fact carries the relationship
    facts.company_name = values.get("company_name") or facts.company_name
    facts.country = values.get("country") or facts.country
    facts.main_contact = _main_contact(data) or facts.main_contact
    if values.get("balances") is not None:
        facts.ordered = {b["package"]: int(b["ordered"]) for b in values["balances"]}
    if fact.EVENT_TYPE == UserLicenceAssignedIn.EVENT_TYPE and values.get("user_id"):
        facts.licensed_users[values["user_id"]] = values.get("package") or ""
    if fact.EVENT_TYPE == UserLicenceUnassignedIn.EVENT_TYPE:
        facts.licensed_users.pop(values.get("user_id") or "", None)
    return facts


async def record_customer_fact(deps: Deps, cause: Envelope, fact: Payload) -> None:
    """Keep what a customer fact says; once the tenant is known, update the tenant's document.

    Each step is tracked by the fact's CloudEvents id (a redelivery changes nothing)."""
    customer_id = str(fact.model_dump()["customer_id"])

    def keep(stored: TenantFacts | None, _: datetime) -> Decision[TenantFacts]:
        facts = stored or TenantFacts(customer_id)
        return Decision(_merged(facts, fact, cause.data))

    await deps.uc.handle(CUSTOMER_FACTS_REPO, customer_id, cause, keep, message_id=cause.id)
    facts = await deps.uc.require(CUSTOMER_FACTS_REPO, customer_id)
    if facts.tenant_id:
        await _update_tenant(deps, cause, facts.tenant_id, facts)


async def _update_tenant(deps: Deps, cause: Envelope, tenant_id: str, facts: TenantFacts) -> None:
    def step(tenant: CustomerTenant | None, now: datetime) -> Decision[CustomerTenant]:
        if tenant is None:
            admin = CustomerTenantAdministration(tenant_id, facts.link_partner_id)
            return Decision(CustomerTenant(facts, admin))
        events = relink_customer(tenant.administration, facts.link_partner_id, now=now)
        tenant.facts = facts
        return Decision(tenant, events)

    await deps.uc.handle(CUSTOMER_TENANT_REPO, tenant_id, cause, step, message_id=cause.id)


async def record_partner_contacts(deps: Deps, cause: Envelope, fact: Payload) -> None:
    """Keep the partner's helpdesk address ("report issue" may go there)."""
    values = fact.model_dump()

    def keep(_: Document | None, __: datetime) -> Decision[Document]:
        helpdesk = values.get("helpdesk_email")
        return Decision({"partner_id": values["partner_id"], "helpdesk": helpdesk})

    await deps.uc.handle(HELPDESK_REPO, values["partner_id"], cause, keep, message_id=cause.id)


# -- reading the read models -------------------------------------------------------------------


async def customer_tenant(deps: Deps, tenant_id: str) -> CustomerTenant | None:
    """The customer tenant (directory facts and administration), or None."""
    return await deps.uc.load(CUSTOMER_TENANT_REPO, tenant_id)


async def reseller_tenant(deps: Deps, tenant_id: str | None) -> ResellerTenant | None:
    """The reseller tenant with this tenant ID (the actor's own tenant, as a rule)."""
    if not tenant_id:
        return None
    return await deps.uc.load(RESELLER_REPO, tenant_id)


async def reseller_of_partner(deps: Deps, partner_id: str) -> ResellerTenant | None:
    """The partner's reseller tenant: the enabled one, else one that asked to be enabled."""
    if not partner_id:
        return None
    found = await deps.directory.reseller_tenants_of_partner(partner_id)
    found.sort(key=lambda r: (not r.is_enabled, r.requested_at, r.tenant_id))
    return found[0] if found else None


async def helpdesk_of(deps: Deps, partner_id: str) -> str | None:
    """The partner's helpdesk address, if it told one."""
    if not partner_id:
        return None
    stored = await deps.uc.load(HELPDESK_REPO, partner_id)
    return None if stored is None else stored.get("helpdesk")


async def customer_facts(deps: Deps, customer_id: str) -> TenantFacts | None:
    """What the customer facts said about `customer_id`, or None."""
    return await deps.uc.load(CUSTOMER_FACTS_REPO, customer_id)
