"""The admin side's harness: the shared one (`tests.fakes.Harness`: the in-memory store and
onboarding's in-memory read and claim ports, a fixed clock, what was published) with its
default instant, and a small world built through the use cases. `Harness` drives use
cases like the dispatcher would: one envelope per command, redelivered when a test says so.

The tests in this module check the stand-ins themselves.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from pymongo.errors import DuplicateKeyError

from services.onboarding.application.on_behalf import directory as admin_directory
from services.onboarding.application.on_behalf import on_behalf as admin_on_behalf
from shared.actor import Actor
from shared.contracts import onboarding as c
from shared.contracts import onboarding as partners
from shared.store import Change, Stored
from tests.fakes import FakeDb
from tests.fakes import Harness as BaseHarness

pytestmark = pytest.mark.unit

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class Harness(BaseHarness):
    """The shared harness (default instant `NOW`), plus the admin side's documents."""

    def __init__(self, now: datetime = NOW, **settings: Any) -> None:
        super().__init__(now, **settings)


def actor(
    user_id: str, *roles: str, partner_id: str | None = None, tenant_id: str | None = None
) -> Actor:
    return Actor(user_id=user_id, partner_id=partner_id, tenant_id=tenant_id, roles=roles)


# -- a small world: a reseller enabled for partner administration and its customers --------

RESELLER = "P-300100"
RESELLER_TENANT = "T-RES-1"
OTHER_RESELLER = "P-300999"
OTHER_RESELLER_TENANT = "T-RES-9"
DISTRIBUTOR = "P-100100"
CUSTOMER_TENANT = "T-CUS-1"
FOREIGN_TENANT = "T-CUS-9"  # a customer of the other reseller

OPERATIONS = actor("ops.engineer", "cloud_operations")
RESELLER_ADMIN = actor(
    "admin@reseller.example.com", "tenant_admin", partner_id=RESELLER, tenant_id=RESELLER_TENANT
)
PARTNER_ADMIN_USER = actor(
    "jo.bloggs@reseller.example.com",
    "partner_admin",
    partner_id=RESELLER,
    tenant_id=RESELLER_TENANT,
)
CUSTOMER_ADMIN = actor("it.lead@northwind.example.com", "tenant_admin", tenant_id=CUSTOMER_TENANT)
FOREIGN_ADMIN = actor("boss@faraway.example.com", "tenant_admin", tenant_id=FOREIGN_TENANT)


class World:
    """Feeds the facts and commands that build the on-behalf set-up, through the use cases."""

    def __init__(self, h: Harness) -> None:
        self.h = h
        self.n = 0

    def rid(self) -> str:
        self.n += 1
        return f"req-{self.n}"

    async def customer(
        self,
        customer_id: str,
        tenant_id: str,
        reseller: str,
        name: str,
        *,
        country: str = "DE",
        packages: dict[str, int] | None = None,
        customer_partner_id: str | None = None,
    ) -> None:
        """The facts the partners half publishes for a customer placed by `reseller`
        (`customer_partner_id`: the customer is that partner itself, its own tenant)."""
        ids = {
            "customer_id": customer_id,
            "tenant_id": tenant_id,
            "distributor_partner_id": DISTRIBUTOR,
            "reseller_partner_id": reseller,
            "tier1_partner_id": None,
            "customer_partner_id": customer_partner_id,
            "occurred_at": self.h.clock.now(),
        }
        recorded = partners.CustomerRecordedV1(
            **ids, company_name=name, country=country, subscription_numbers=["S-1"]
        )
        await self.h.send(admin_directory.record_customer_fact, recorded)
        if packages:
            balances = [
                partners.LicenceBalanceOut(package=p, ordered=n, used=0, available=n, shortfall=0)
                for p, n in packages.items()
            ]
            licences = partners.LicencesUpdatedV1(
                **ids, cause="order", order_id="O-1", balances=balances
            )
            await self.h.send(admin_directory.record_customer_fact, licences)

    async def reseller(
        self,
        *,
        tenant_id: str = RESELLER_TENANT,
        partner_id: str = RESELLER,
        paid: bool = True,
        enable: bool = True,
        partner_admin: Actor | None = PARTNER_ADMIN_USER,
    ) -> None:
        packages = {"Enterprise": 10} if paid else {"Free": 5}
        await self.customer(
            f"C-{tenant_id}",
            tenant_id,
            DISTRIBUTOR,
            "Reseller Example Ltd",
            packages=packages,
            customer_partner_id=partner_id,  # its own tenant, as its orders say
        )
        by = actor("sales@reseller.example.com", partner_id=partner_id)
        await self.h.send(
            admin_on_behalf.request,
            c.RequestPartnerAdministration(
                request_id=self.rid(),
                actor=by,
                tenant_id=tenant_id,
                partner_id=partner_id,
                domain="reseller.example.com",
            ),
        )
        if not enable:
            return
        await self.h.send(
            admin_on_behalf.enable,
            c.EnablePartnerAdministration(
                request_id=self.rid(), actor=OPERATIONS, tenant_id=tenant_id
            ),
        )
        if partner_admin is not None:
            admin = actor(
                "admin@reseller.example.com",
                "tenant_admin",
                partner_id=partner_id,
                tenant_id=tenant_id,
            )
            await self.grant(partner_admin.user_id, tenant_id=tenant_id, by=admin)

    async def licence(self, user_id: str, package: str, tenant_id: str) -> None:
        """The fact that `user_id` holds a `package` licence of tenant `tenant_id`."""
        assigned = partners.UserLicenceAssignedV1(
            customer_id=f"C-{tenant_id}",
            tenant_id=tenant_id,
            distributor_partner_id=DISTRIBUTOR,
            reseller_partner_id=DISTRIBUTOR,
            tier1_partner_id=None,
            user_id=user_id,
            package=package,
            occurred_at=self.h.clock.now(),
        )
        await self.h.send(admin_directory.record_customer_fact, assigned)

    async def grant(
        self,
        user_id: str,
        *,
        tenant_id: str = RESELLER_TENANT,
        user_tenant_id: str | None = None,
        package: str | None = "Enterprise",
        by: Actor = RESELLER_ADMIN,
    ) -> None:
        """Grant the role; the *records* say the user holds a `package` licence of
        `user_tenant_id` (none when None), while the command always claims a paid licence
        of the reseller's tenant — the records decide."""
        if package is not None:
            await self.licence(user_id, package, user_tenant_id or tenant_id)
        await self.h.send(
            admin_on_behalf.grant,
            c.GrantPartnerAdministrator(
                request_id=self.rid(),
                actor=by,
                tenant_id=tenant_id,
                user_id=user_id,
                user_tenant_id=tenant_id,
                user_licence_package="Enterprise",
            ),
        )

    async def opt_in(self, tenant_id: str = CUSTOMER_TENANT, by: Actor = CUSTOMER_ADMIN) -> None:
        await self.h.send(
            admin_on_behalf.opt_in,
            c.OptInPartnerAdministration(request_id=self.rid(), actor=by, tenant_id=tenant_id),
        )

    async def opt_out(self, tenant_id: str = CUSTOMER_TENANT, by: Actor = CUSTOMER_ADMIN) -> None:
        await self.h.send(
            admin_on_behalf.opt_out,
            c.OptOutPartnerAdministration(request_id=self.rid(), actor=by, tenant_id=tenant_id),
        )

    async def linked_and_opted_in(self) -> None:
        """The reseller enabled with a partner administrator; its customer opted in; a
        customer of another reseller opted in to that one."""
        await self.reseller()
        await self.reseller(
            tenant_id=OTHER_RESELLER_TENANT, partner_id=OTHER_RESELLER, partner_admin=None
        )
        await self.customer("C-1", CUSTOMER_TENANT, RESELLER, "Northwind Example Ltd")
        await self.customer("C-9", FOREIGN_TENANT, OTHER_RESELLER, "Faraway Example GmbH")
        await self.opt_in()
        await self.opt_in(FOREIGN_TENANT, FOREIGN_ADMIN)

    def act(
        self, action: Any, by: Actor = PARTNER_ADMIN_USER, tenant_id: str = CUSTOMER_TENANT
    ) -> c.ActOnTenant:
        return c.ActOnTenant(request_id=self.rid(), actor=by, tenant_id=tenant_id, action=action)


# -- the stand-ins themselves ------------------------------------------------------------------


async def test_the_in_memory_store_records_a_message_once():
    h = Harness()
    calls = []

    def decide(stored: Stored | None) -> Change:
        calls.append(stored)
        return Change({"n": 1})

    assert (await h.store("things").apply("a", "m-1", decide)).changed is True
    assert (await h.store("things").apply("a", "m-1", decide)).changed is False
    assert len(calls) == 1
    assert h.state("things", "a") == {"n": 1}


async def test_the_fake_collection_answers_dotted_and_not_equal_queries():
    col = FakeDb()["c"]
    await col.insert_one({"_id": "1", "state": {"a": {"b": "x"}, "c": None}})
    await col.insert_one({"_id": "2", "state": {"a": {"b": "y"}, "c": "set"}})
    found = [d["_id"] async for d in col.find({"state.a.b": "x"})]
    assert found == ["1"]
    assert [d["_id"] async for d in col.find({"state.c": {"$ne": None}})] == ["2"]
    with pytest.raises(DuplicateKeyError):
        await col.insert_one({"_id": "1"})
