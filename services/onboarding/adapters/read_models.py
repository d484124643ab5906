"""The reads and claims onboarding's use cases need beyond loading their own aggregate.

Use cases never hold a database handle: `Deps` gives them these narrow ports, built once
from the service's database in `Deps.__post_init__`. Each method is one query over
documents other use cases write (see `partners_documents` and `admin_documents`); on the
batch path it first stores what the batch decided in the collections it reads
(`shared.batch.persist_before_query`), so it answers as on the per-message path, where
every earlier decision, the running message's own included, is stored before the query.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from services.onboarding.adapters.admin_claims import UniqueClaims
from services.onboarding.adapters.admin_documents import (
    CUSTOMER_TENANTS,
    RESELLER_TENANTS,
    load_reseller,
)
from services.onboarding.adapters.admin_group_documents import GROUP_ID_CLAIMS, USER_ID_CLAIMS
from services.onboarding.adapters.number_claims import NUMBER_GROUP_CLAIMS, GroupNumberClaims
from services.onboarding.adapters.partners_documents import (
    ACTIVATION_REQUESTS,
    CUSTOMERS,
    LEGACY_EMAILS,
)
from services.onboarding.domain.on_behalf.on_behalf import ResellerTenant
from shared.batch import persist_before_query
from shared.mongo import Document

REPORTING_USERNAME_CLAIMS = "reporting_username_claims"


class TenantReads:
    """Which tenant IDs are taken, activated or legacy (§1.5)."""

    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._db = db

    async def activated_tenant_of(
        self, customer_id: str, partner_ids: Collection[str]
    ) -> str | None:
        """The tenant of an activated request that names `customer_id`, if any, asked for
        by one of the customer's own partners (`partner_ids`, from its orders): a partner
        naming another partner's customer never gets that customer's licences on its
        tenant."""
        query = {"state.customer_id": customer_id, "state.status": "activated"}
        await persist_before_query(ACTIVATION_REQUESTS)
        async for doc in self._db[ACTIVATION_REQUESTS].find(query):
            if doc["state"].get("partner_id") in partner_ids:
                tenant_id: str | None = doc["state"].get("tenant_id")
                return tenant_id
        return None

    async def is_legacy_tenant(self, tenant_id: str) -> bool:
        """Whether `tenant_id` was used with the older product (an address tied to it was
        recorded): such a tenant is never reused (§1.5)."""
        await persist_before_query(LEGACY_EMAILS)
        found = await self._db[LEGACY_EMAILS].find_one({"state.legacy_tenant_id": tenant_id})
        return found is not None

    async def tenant_in_use(
        self, tenant_id: str, own_request: str | None, own_customer: str | None
    ) -> bool:
        """Another activation request than `own_request`, or another customer than
        `own_customer`, already holds `tenant_id`."""
        await persist_before_query(ACTIVATION_REQUESTS, CUSTOMERS)
        async for doc in self._db[ACTIVATION_REQUESTS].find({"state.tenant_id": tenant_id}):
            if doc["_id"] != own_request:
                return True
        async for doc in self._db[CUSTOMERS].find({"state.tenant_id": tenant_id}):
            if doc["_id"] != own_customer:
                return True
        return False


class DirectoryReads:
    """The tenant directory read model of on-behalf administration (§1.6)."""

    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._db = db

    async def reseller_tenants_of_partner(self, partner_id: str) -> list[ResellerTenant]:
        """Every reseller tenant linked to `partner_id`, in no particular order."""
        query = {"state.reseller.partner_id": partner_id}
        await persist_before_query(RESELLER_TENANTS)
        return [
            load_reseller(doc["state"]["reseller"])
            async for doc in self._db[RESELLER_TENANTS].find(query)
        ]

    async def opted_in_customer_tenants(self, reseller_partner_id: str) -> list[dict[str, Any]]:
        """The stored states of the customer tenants linked to `reseller_partner_id` that
        opted in to partner administration (at some time; the caller checks when)."""
        query = {
            "state.administration.reseller_partner_id": reseller_partner_id,
            "state.administration.opted_in_at": {"$ne": None},
        }
        await persist_before_query(CUSTOMER_TENANTS)
        return [doc["state"] async for doc in self._db[CUSTOMER_TENANTS].find(query)]


@dataclass(frozen=True)
class Claims:
    """The platform-unique claims: group IDs, admin user IDs, reporting usernames, numbers."""

    group_ids: UniqueClaims
    user_ids: UniqueClaims
    reporting_usernames: UniqueClaims
    numbers: GroupNumberClaims

    @classmethod
    def over(cls, db: AsyncDatabase[Document]) -> Claims:
        return cls(
            UniqueClaims(db[GROUP_ID_CLAIMS]),
            UniqueClaims(db[USER_ID_CLAIMS]),
            UniqueClaims(db[REPORTING_USERNAME_CLAIMS]),
            GroupNumberClaims(db[NUMBER_GROUP_CLAIMS]),
        )
