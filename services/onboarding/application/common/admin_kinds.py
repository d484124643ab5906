"""The Repository (`shared.usecase`) of each aggregate of the administration half:
reseller and customer tenants (on behalf, §1.6), the directory's read models (customer
facts, partners' helpdesks), the audit trail, customer groups, number inventories and
clone groups (§1.4). None of them has a timer.

The read models and the audit trail are stored as they are (the state is the record);
they are never refused, so their `refused` model is only what the core requires.
"""

from __future__ import annotations

from dataclasses import dataclass

from services.onboarding.adapters.admin_documents import (
    AUDIT,
    CUSTOMER_FACTS,
    CUSTOMER_TENANTS,
    PARTNER_HELPDESKS,
    RESELLER_TENANTS,
    CustomerTenant,
    TenantFacts,
    dump_facts,
    dump_reseller,
    load_facts,
    load_reseller,
)
from services.onboarding.adapters.admin_group_documents import (
    CLONE_GROUPS,
    GROUPS,
    INVENTORIES,
    dump_group,
    dump_inventory,
    load_group,
    load_inventory,
)
from services.onboarding.domain.groups.groups import CustomerGroup
from services.onboarding.domain.groups.inventory import PartnerNumberInventory
from services.onboarding.domain.on_behalf.on_behalf import ResellerTenant
from shared.contracts.onboarding import (
    CustomerActionRefusedV1,
    GroupActionRefusedV1,
    InventoryActionRefusedV1,
    OnBehalfActionRefusedV1,
    PartnerActionRefusedV1,
)
from shared.mongo import Document
from shared.usecase import Repository


def _same(state: Document) -> Document:
    return state


def _linked(partner_id: str | None) -> dict[str, str | None]:
    """What an on-behalf refusal tells: the reseller, as the partner to tell."""
    return {"partner_id": partner_id or None, "reseller_partner_id": partner_id or None}


RESELLER_REPO: Repository[ResellerTenant] = Repository(
    collection=RESELLER_TENANTS,
    entity="tenant",
    id_field="tenant_id",
    load=lambda state: load_reseller(state["reseller"]),
    dump=lambda tenant: {"reseller": dump_reseller(tenant)},
    refused=OnBehalfActionRefusedV1,
    about=lambda tenant: _linked(tenant.partner_id),
)
"""A reseller's own tenant, enabled (or asking to be) for partner administration."""

CUSTOMER_TENANT_REPO: Repository[CustomerTenant] = Repository(
    collection=CUSTOMER_TENANTS,
    entity="tenant",
    id_field="tenant_id",
    load=CustomerTenant.load,
    dump=lambda tenant: tenant.dump(),
    refused=OnBehalfActionRefusedV1,
    about=lambda tenant: _linked(tenant.administration.reseller_partner_id),
)
"""A customer tenant: its directory facts and its administration (opt-in, DPA, helpdesk)."""

CUSTOMER_FACTS_REPO: Repository[TenantFacts] = Repository(
    collection=CUSTOMER_FACTS,
    entity="customer",
    id_field="customer_id",
    load=lambda state: load_facts(state["facts"]),
    dump=lambda facts: {"facts": dump_facts(facts)},
    refused=CustomerActionRefusedV1,
)
"""What the customer facts said, by customer ID, until its tenant is known (read model)."""

HELPDESK_REPO: Repository[Document] = Repository(
    collection=PARTNER_HELPDESKS,
    entity="partner",
    id_field="partner_id",
    load=_same,
    dump=_same,
    refused=PartnerActionRefusedV1,
)
"""A partner's helpdesk address (`partner_id`, `helpdesk`; read model)."""

AUDIT_REPO: Repository[Document] = Repository(
    collection=AUDIT,
    entity="audit",
    id_field="tenant_id",
    load=_same,
    dump=_same,
    refused=OnBehalfActionRefusedV1,
)
"""One on-behalf decision (`entry`, the command it decided, its fingerprint); the state is
the record (`application/on_behalf/access.py`)."""


@dataclass
class GroupRecord:
    """The `groups` document: the group and the request that created it (its claim owner
    `<partner>:<request id>` and that command's fingerprint)."""

    group: CustomerGroup
    created_by: str | None = None
    created_by_fingerprint: str | None = None


def _load_group(state: Document) -> GroupRecord:
    return GroupRecord(
        load_group(state["group"]), state.get("created_by"), state.get("created_by_fingerprint")
    )


def _dump_group(record: GroupRecord) -> Document:
    state: Document = {"group": dump_group(record.group)}
    if record.created_by is not None:
        state["created_by"] = record.created_by
    if record.created_by_fingerprint is not None:
        state["created_by_fingerprint"] = record.created_by_fingerprint
    return state


GROUP_REPO: Repository[GroupRecord] = Repository(
    collection=GROUPS,
    entity="group",
    id_field="group_id",
    load=_load_group,
    dump=_dump_group,
    refused=GroupActionRefusedV1,
    about=lambda record: {"partner_id": record.group.partner_id},
)
"""Customer groups (`application/groups/`)."""

INVENTORY_REPO: Repository[PartnerNumberInventory] = Repository(
    collection=INVENTORIES,
    entity="inventory",
    id_field="partner_id",
    load=lambda state: load_inventory(state["inventory"]),
    dump=lambda inventory: {"inventory": dump_inventory(inventory)},
    refused=InventoryActionRefusedV1,
)
"""A partner's number inventory, by partner ID (created on first use)."""

CLONE_GROUPS_REPO: Repository[Document] = Repository(
    collection=CLONE_GROUPS,
    entity="partner",
    id_field="partner_id",
    load=_same,
    dump=_same,
    refused=InventoryActionRefusedV1,
)
"""The clone groups the provisioning team built for a partner (`partner_id`,
`clone_group_ids`); a refused registration is told about the clone group (`GROUP_REPO`)."""
