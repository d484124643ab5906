"""Onboarding's access matrix: every command × every actor kind × own/other tenant,
through the use cases on the in-memory fakes (`tests/fakes.py`). This module holds partner
administration on behalf (§1.6), with the audit checked cell by cell, and runs the other
concepts' tables (`onboarding_partners.py`, `onboarding_groups.py`,
`onboarding_activation.py`); together they have a row for every command in `ROUTES`.

Rules (spec/domain.md §1.6, README *Security*; `services/onboarding/domain/access.py`):
- the reseller's partner users ask for enabling, only for their own tenant;
- cloud operations enable it;
- the reseller tenant's admin (`tenant_admin`) grants and revokes `partner_admin`;
- the customer tenant's own admin opts in and out;
- the DPA is recorded by the customer's admin, the linked reseller's tenant admin or
  partner administrator, or cloud operations;
- a partner administrator lists only its linked, opted-in tenants, and acts on one of
  them (the customer's own admin acts on its tenant itself); **every decision on behalf,
  denials included, is audited** (who, which tenant, what, when);
- "report issue" is routed for users of the tenant only;
- a distributor is another partner here (§1.6: only where it is the customer's reseller);
  vendor operations have no part in it.
Own tenant: the owner's (its reseller tenant, or its linked customer's); other tenant: the
other reseller's. Columns: `own` the reseller's partner administrator, `ta` its tenant
admin, `other` the other reseller's partner administrator and tenant admin, `dist` the
distributor, `ops` cloud operations, `vops` vendor operations, `cust` the owner's customer
tenant's admin.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import pytest

from services.onboarding.application.on_behalf import on_behalf, queries, tenant_actions
from services.onboarding.entrypoints import ROUTES
from shared.actor import Actor
from shared.contracts import onboarding as c
from shared.contracts.common import PartnerCommand
from shared.events import Envelope
from tests.unit.access import onboarding_activation as activation
from tests.unit.access import onboarding_groups as groups
from tests.unit.access import onboarding_partners as partners
from tests.unit.access.matrix import NONE, Cell, answer_of, command_types, leaked, parse, report
from tests.unit.access.matrix import without_actor as refused_without_actor
from tests.unit.onboarding.test_admin_devices_and_provisioning import vendor_phone
from tests.unit.onboarding.test_admin_fakes import (
    CUSTOMER_ADMIN,
    CUSTOMER_TENANT,
    DISTRIBUTOR,
    FOREIGN_ADMIN,
    FOREIGN_TENANT,
    OPERATIONS,
    OTHER_RESELLER,
    OTHER_RESELLER_TENANT,
    PARTNER_ADMIN_USER,
    RESELLER,
    RESELLER_ADMIN,
    RESELLER_TENANT,
    Harness,
    World,
    actor,
)

pytestmark = pytest.mark.unit

TABLE = """
command                tenant  own  ta  other  dist  ops  vops  cust  anon  none
on_behalf.request      own     A    A   D      D     D    D     D     D     D
on_behalf.request      other   D    D   A      D     D    D     D     D     D
on_behalf.enable       own     D    D   D      D     A    D     D     D     D
on_behalf.enable       other   D    D   D      D     A    D     D     D     D
on_behalf.grant_role   own     D    A   D      D     D    D     D     D     D
on_behalf.grant_role   other   D    D   A      D     D    D     D     D     D
on_behalf.revoke_role  own     D    A   D      D     D    D     D     D     D
on_behalf.revoke_role  other   D    D   A      D     D    D     D     D     D
on_behalf.opt_in       own     D    D   D      D     D    D     A     D     D
on_behalf.opt_in       other   D    D   D      D     D    D     D     D     D
on_behalf.opt_out      own     D    D   D      D     D    D     A     D     D
on_behalf.opt_out      other   D    D   D      D     D    D     D     D     D
on_behalf.record_dpa   own     A    A   D      D     A    D     A     D     D
on_behalf.record_dpa   other   D    D   A      D     A    D     D     D     D
on_behalf.list_tenants -       A    D   A      D     D    D     D     D     D
on_behalf.act          own     A    D   D      D     D    D     A     D     D
on_behalf.act          other   D    D   A      D     D    D     D     D     D
report_issue.route     own     D    D   D      D     D    D     A     D     D
report_issue.route     other   D    D   D      D     D    D     D     D     D
"""
ROWS = parse(TABLE, prefix="onboarding.")

AUDITED = {"onboarding.on_behalf.act", "onboarding.on_behalf.list_tenants"}
"""§1.6: every action on behalf is audited, denials included (not the customer admin's
own action on its own tenant, which is no action on behalf)."""

OTHER_USER = "pa@other-reseller.example.com"
OTHER_ADMIN = actor(
    OTHER_USER,
    "partner_admin",
    "tenant_admin",
    partner_id=OTHER_RESELLER,
    tenant_id=OTHER_RESELLER_TENANT,
)
ACTORS: dict[str, Actor] = {
    "own": PARTNER_ADMIN_USER,
    "ta": RESELLER_ADMIN,
    "other": OTHER_ADMIN,
    "dist": actor("pa@distributor.example.com", "partner_admin", partner_id=DISTRIBUTOR),
    "ops": OPERATIONS,
    "vops": actor("vops@vendor.example.com", "vendor_operations"),
    "cust": actor(
        CUSTOMER_ADMIN.user_id, "tenant_admin", "customer_admin", tenant_id=CUSTOMER_TENANT
    ),
    "anon": actor("someone@example.com"),
}
OUTSIDERS = ("other", "dist", "anon")
OWNER = (RESELLER, "Northwind Example Ltd", CUSTOMER_ADMIN.user_id, CUSTOMER_TENANT)
"""What identifies the owning reseller and its customer (invented data of the fakes)."""

NEW_OWN, NEW_OTHER = "T-RES-2", "T-RES-8"
"""Own tenants of each reseller, not yet asked for (for `request`)."""


async def linked(h: Harness) -> None:
    """Both resellers enabled with a partner administrator; a customer of each opted in."""
    w = World(h)
    await w.linked_and_opted_in()
    await w.grant(OTHER_USER, tenant_id=OTHER_RESELLER_TENANT, by=OTHER_ADMIN)
    for tenant, partner in ((NEW_OWN, RESELLER), (NEW_OTHER, OTHER_RESELLER)):
        await w.customer(
            f"C-{tenant}",
            tenant,
            DISTRIBUTOR,
            "Reseller Example Ltd",
            packages={"Enterprise": 5},
            customer_partner_id=partner,
        )
    await w.licence("new.pa@reseller.example.com", "Enterprise", RESELLER_TENANT)
    await w.licence("new.pa@other-reseller.example.com", "Enterprise", OTHER_RESELLER_TENANT)


async def opted_out(h: Harness) -> None:
    """As `linked`, then both customers opted out."""
    await linked(h)
    w = World(h)
    await w.opt_out()
    await w.opt_out(FOREIGN_TENANT, FOREIGN_ADMIN)


async def requested(h: Harness) -> None:
    """Both resellers asked for partner administration; nobody enabled it yet."""
    w = World(h)
    await w.reseller(enable=False)
    await w.reseller(tenant_id=OTHER_RESELLER_TENANT, partner_id=OTHER_RESELLER, enable=False)


class Snapshot:
    """A base built once; its documents restored before each cell."""

    def __init__(self, h: Harness) -> None:
        self.h = h
        self.saved = h.snapshot()

    def restore(self) -> Harness:
        self.h.restore(self.saved)
        return self.h

    def published(self) -> list[Envelope]:
        return self.h.published


Build = Callable[[Actor, str], PartnerCommand]


def cmd(model: type[PartnerCommand], actor: Actor, **fields: Any) -> Any:
    return model.model_validate({"request_id": "m-1", "actor": actor, **fields})


def reseller_side(model: type[PartnerCommand], **fields: Any) -> Build:
    return lambda a, t: cmd(
        model, a, tenant_id=RESELLER_TENANT if t == "own" else OTHER_RESELLER_TENANT, **fields
    )


def customer_side(model: type[PartnerCommand], **fields: Any) -> Build:
    return lambda a, t: cmd(
        model, a, tenant_id=CUSTOMER_TENANT if t == "own" else FOREIGN_TENANT, **fields
    )


def request(a: Actor, t: str) -> PartnerCommand:
    tenant, partner = (NEW_OWN, RESELLER) if t == "own" else (NEW_OTHER, OTHER_RESELLER)
    domain = "reseller.example.com" if t == "own" else "other-reseller.example.com"
    return cmd(
        c.RequestPartnerAdministration, a, tenant_id=tenant, partner_id=partner, domain=domain
    )


def grant(a: Actor, t: str) -> PartnerCommand:
    tenant = RESELLER_TENANT if t == "own" else OTHER_RESELLER_TENANT
    user = "new.pa@reseller.example.com" if t == "own" else "new.pa@other-reseller.example.com"
    return cmd(
        c.GrantPartnerAdministrator,
        a,
        tenant_id=tenant,
        user_id=user,
        user_tenant_id=tenant,
        user_licence_package="Enterprise",
    )


def revoke(a: Actor, t: str) -> PartnerCommand:
    tenant, user = (
        (RESELLER_TENANT, PARTNER_ADMIN_USER.user_id)
        if t == "own"
        else (OTHER_RESELLER_TENANT, OTHER_USER)
    )
    return cmd(c.RevokePartnerAdministrator, a, tenant_id=tenant, user_id=user)


SCENARIOS: dict[str, tuple[str, Any, Build]] = {
    # command type: (base, use case, the command an actor sends for the own/other tenant)
    "onboarding.on_behalf.request": ("linked", on_behalf.request, request),
    "onboarding.on_behalf.enable": (
        "requested",
        on_behalf.enable,
        reseller_side(c.EnablePartnerAdministration),
    ),
    "onboarding.on_behalf.grant_role": ("linked", on_behalf.grant, grant),
    "onboarding.on_behalf.revoke_role": ("linked", on_behalf.revoke, revoke),
    "onboarding.on_behalf.opt_in": (
        "opted_out",
        on_behalf.opt_in,
        customer_side(c.OptInPartnerAdministration),
    ),
    "onboarding.on_behalf.opt_out": (
        "linked",
        on_behalf.opt_out,
        customer_side(c.OptOutPartnerAdministration),
    ),
    "onboarding.on_behalf.record_dpa": (
        "linked",
        on_behalf.record_dpa,
        customer_side(
            c.RecordDataProcessingAgreement,
            signed_at="2026-02-02T10:00:00Z",
            signed_by="Dana Example",
        ),
    ),
    "onboarding.on_behalf.list_tenants": (
        "linked",
        queries.list_tenants,
        lambda a, _: cmd(c.ListManageableTenants, a),
    ),
    "onboarding.on_behalf.act": (
        "linked",
        tenant_actions.act,
        customer_side(c.ActOnTenant, action=vendor_phone()),
    ),
    "onboarding.report_issue.route": ("linked", queries.route, customer_side(c.RouteReportIssue)),
}


AUDIT_TRAIL = ("onboarding.on_behalf.action_audited", "onboarding.on_behalf.action_denied")
"""The audit entries: the vendor's record of who tried what on whose tenant (it names the
customer's reseller by design), not an answer to the actor."""


def audits(published: list[Envelope]) -> list[bool]:
    return [bool(e.data["allowed"]) for e in published if e.type in AUDIT_TRAIL]


def test_every_command_has_a_row_or_is_listed():
    concepts = (partners, groups, activation)
    rows = {t for t, _ in ROWS}.union(*({t for t, _ in m.ROWS} for m in concepts))
    assert rows == command_types(ROUTES)  # a new command without a row fails here
    assert {t for t, _ in ROWS} == set(SCENARIOS)
    assert {t for t, _ in partners.ROWS} == set(partners.SCENARIOS)
    assert {t for t, _ in groups.ROWS} == set(groups.SCENARIOS)
    assert {t for t, _ in activation.ROWS} == set(activation.SCENARIOS)


async def test_the_matrix_holds():
    bases: dict[str, Snapshot] = {}
    for name, build in (("linked", linked), ("opted_out", opted_out), ("requested", requested)):
        h = Harness()
        await build(h)
        bases[name] = Snapshot(h)
    cells: list[Cell] = []
    for row in ROWS.values():
        base, use_case, build_command = SCENARIOS[row.command_type]
        snapshot = bases[base]
        for kind in row.expected:
            h = snapshot.restore()
            command = build_command(ACTORS.get(kind, ACTORS["own"]), row.tenant)
            if kind == NONE:
                cells.append(Cell(row, kind, "D" if refused_without_actor(command) else "A"))
                continue
            answer = await answer_of(
                functools.partial(h.send, use_case, command), snapshot.published
            )
            leaks = leaked(answer, OWNER, command, AUDIT_TRAIL) if kind in OUTSIDERS else []
            cell = Cell(row, kind, answer.verdict, leaks)
            own_action = kind == "cust" and row.tenant == "own"
            if row.command_type in AUDITED and not own_action:
                audited = audits(snapshot.published())
                if audited != [answer.verdict == "A"]:
                    cell.got += f" (audit {audited})"
            cells.append(cell)
    wrong = report("onboarding", cells)
    assert not wrong, "\n".join(wrong)


async def concept_matrix(name: str, concept: Any) -> list[str]:
    """One concept module's rows (its SCENARIOS, ACTORS, OUTSIDERS, OWNER) on the fakes."""
    bases: dict[Any, Snapshot] = {}
    cells: list[Cell] = []
    for row in concept.ROWS.values():
        base, use_case, build_command = concept.SCENARIOS[row.command_type]
        if base not in bases:
            h = Harness()
            await base(h)
            bases[base] = Snapshot(h)
        snapshot = bases[base]
        for kind in row.expected:
            h = snapshot.restore()
            who = concept.ACTORS.get(kind, concept.ACTORS["own"])
            command = (
                build_command(who, h, row.tenant) if concept.TENANTS else build_command(who, h)
            )
            if kind == NONE:
                cells.append(Cell(row, kind, "D" if refused_without_actor(command) else "A"))
                continue
            run = functools.partial(h.send, use_case, command)
            answer = await answer_of(run, snapshot.published)
            outsider = kind in concept.OUTSIDERS
            leaks = leaked(answer, concept.OWNER, command) if outsider else []
            cells.append(Cell(row, kind, answer.verdict, leaks))
    return report(name, cells)


async def test_the_partners_matrix_holds():
    """Partners, the reseller programme and the provider onboarding (see that module)."""
    wrong = await concept_matrix("onboarding partners", partners)
    assert not wrong, "\n".join(wrong)


async def test_the_groups_matrix_holds():
    """Groups, inventory, provisioning and device reports (see that module)."""
    wrong = await concept_matrix("onboarding groups", groups)
    assert not wrong, "\n".join(wrong)


async def test_the_activation_matrix_holds():
    """Activation requests, invitations, tenants and licences (see that module)."""
    wrong = await concept_matrix("onboarding activation", activation)
    assert not wrong, "\n".join(wrong)
