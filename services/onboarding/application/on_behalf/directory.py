"""Local read models from onboarding's own facts: which tenant belongs to which reseller.

The customer facts (`onboarding.customer.*`, `.relationship.*`, `.licences.updated`,
published from orders by the partners half) are kept per customer until its tenant is
known, then copied onto the tenant's `customer_tenants` document, whose administration
part (opt-in, DPA, helpdesk) is the on-behalf aggregate. The partners' helpdesk addresses
come from `onboarding.partner.contacts_changed`. Facts arrive at least once and in order
per customer (Kafka key); each document update is idempotent by the fact's id.
"""

from __future__ import annotations

from typing import Any

from services.onboarding.adapters.admin_documents import (
    CUSTOMER_FACTS,
    CUSTOMER_TENANTS,
    PARTNER_HELPDESKS,
    RESELLER_TENANTS,
    CustomerTenant,
    TenantFacts,
    dump_facts,
    load_facts,
    load_reseller,
)
from services.onboarding.application.common.steps import execute, load
from services.onboarding.application.deps import Deps
from services.onboarding.application.on_behalf.customer_fact_views import (
    UserLicenceAssignedIn,
    UserLicenceUnassignedIn,
)
from services.onboarding.domain.event import DomainEvent
from services.onboarding.domain.on_behalf.on_behalf import (
    CustomerTenantAdministration,
    ResellerTenant,
)
from services.onboarding.domain.on_behalf.tenant_links import relink_customer
from shared.events import Envelope, Payload
from shared.mongo import Document
from shared.store import Stored


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
    """Keep what a customer fact says; once the tenant is known, update the tenant's document."""
    customer_id = str(fact.model_dump()["customer_id"])

    def keep(stored: Stored | None) -> tuple[Document, list[DomainEvent]]:
        facts = load_facts(stored.state["facts"]) if stored else TenantFacts(customer_id)
        return {"facts": dump_facts(_merged(facts, fact, cause.data))}, []

    await execute(deps, cause, CUSTOMER_FACTS, customer_id, keep, None)
    stored = await load(deps, CUSTOMER_FACTS, customer_id)
    assert stored is not None
    facts = load_facts(stored.state["facts"])
    if facts.tenant_id:
        await _update_tenant(deps, cause, facts.tenant_id, facts)


async def _update_tenant(deps: Deps, cause: Envelope, tenant_id: str, facts: TenantFacts) -> None:
    def step(stored: Stored | None) -> tuple[Document, list[DomainEvent]]:
        if stored is None:
            admin = CustomerTenantAdministration(tenant_id, facts.link_partner_id)
            return CustomerTenant(facts, admin).dump(), []
        tenant = CustomerTenant.load(stored.state)
        events = relink_customer(tenant.administration, facts.link_partner_id, now=deps.now())
        tenant.facts = facts
        return tenant.dump(), events

    await execute(deps, cause, CUSTOMER_TENANTS, tenant_id, step, None)


async def record_partner_contacts(deps: Deps, cause: Envelope, fact: Payload) -> None:
    """Keep the partner's helpdesk address ("report issue" may go there)."""
    values = fact.model_dump()

    def keep(stored: Stored | None) -> tuple[Document, list[DomainEvent]]:
        return {"partner_id": values["partner_id"], "helpdesk": values.get("helpdesk_email")}, []

    await execute(deps, cause, PARTNER_HELPDESKS, values["partner_id"], keep, None)


# -- reading the read models -------------------------------------------------------------------


async def customer_tenant(deps: Deps, tenant_id: str) -> CustomerTenant | None:
    stored = await load(deps, CUSTOMER_TENANTS, tenant_id)
    return None if stored is None else CustomerTenant.load(stored.state)


async def reseller_tenant(deps: Deps, tenant_id: str | None) -> ResellerTenant | None:
    """The reseller tenant with this tenant ID (the actor's own tenant, as a rule)."""
    stored = None if not tenant_id else await load(deps, RESELLER_TENANTS, tenant_id)
    return None if stored is None else load_reseller(stored.state["reseller"])


async def reseller_of_partner(deps: Deps, partner_id: str) -> ResellerTenant | None:
    """The partner's reseller tenant: the enabled one, else one that asked to be enabled."""
    if not partner_id:
        return None
    found = await deps.directory.reseller_tenants_of_partner(partner_id)
    found.sort(key=lambda r: (not r.is_enabled, r.requested_at, r.tenant_id))
    return found[0] if found else None


async def helpdesk_of(deps: Deps, partner_id: str) -> str | None:
    stored = await load(deps, PARTNER_HELPDESKS, partner_id) if partner_id else None
    return None if stored is None else stored.state.get("helpdesk")
