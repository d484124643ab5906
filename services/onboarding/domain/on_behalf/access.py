"""The check on every on-behalf action, its audit entry, and what it opens (§1.6).

`authorise_on_behalf` decides, at the instant of the action, whether a partner
administrator may act on a customer's tenant (linked + opted in + role, and the DPA when
a deployment's policy requires it); the `AuditEntry` it returns is stored whatever the
outcome. Also here: where a customer user's "report issue" goes, and the partner
administrator's list of manageable tenants. The aggregates live in `on_behalf`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Literal, Protocol

from services.onboarding.domain.errors import Forbidden, Reason
from services.onboarding.domain.event import DomainEvent
from services.onboarding.domain.on_behalf.events import (
    PartnerAdministrationOptedOut,
    PartnerHelpdeskSwitched,
)
from shared.actor import Actor


class ResellerView(Protocol):
    """What the access rules read of a reseller's tenant (`on_behalf.ResellerTenant`)."""

    @property
    def tenant_id(self) -> str: ...
    @property
    def partner_admin_id(self) -> str | None: ...
    @property
    def is_enabled(self) -> bool: ...
    def is_partner_administrator(self, user_id: str) -> bool: ...


class CustomerView(Protocol):
    """What the access rules read and, on a change of reseller, end of a customer tenant's
    consent (`on_behalf.CustomerTenantAdministration`)."""

    reseller_partner_id: str
    opted_in_at: datetime | None
    opted_out_at: datetime | None
    partner_helpdesk_enabled: bool

    @property
    def tenant_id(self) -> str: ...
    @property
    def dpa(self) -> object | None: ...
    def is_opted_in(self, now: datetime) -> bool: ...


def is_linked(customer: CustomerView, reseller: ResellerView | None) -> bool:
    """The customer's orders name the reseller, whose tenant is enabled for partner
    administration under that partner ID (§1.6)."""
    return (
        reseller is not None
        and reseller.is_enabled
        and reseller.partner_admin_id == customer.reseller_partner_id
    )


# Roles as carried by `shared.actor.Actor.roles`.
PARTNER_ADMIN = "partner_admin"
TENANT_ADMIN = "tenant_admin"
CLOUD_OPERATIONS = "cloud_operations"

EU_COUNTRIES = frozenset(
    "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE".split()  # noqa: SIM905
)
"""Member states whose customers need the data-processing agreement (ISO 3166-1)."""


def is_admin_of(actor: Actor, tenant_id: str) -> bool:
    """The actor is the tenant's own admin."""
    return actor.tenant_id == tenant_id and actor.has_role(TENANT_ADMIN)


@dataclass(frozen=True)
class OnBehalfPolicy:
    """Deployment policy; by default nothing is refused for a missing DPA."""

    require_dpa: bool = False

    @classmethod
    def for_customer(cls, country: str | None, *, require_dpa: bool) -> OnBehalfPolicy:
        """The DPA is required (when the deployment asks for it) of EU customers only."""
        return cls(require_dpa=require_dpa and (country or "").upper() in EU_COUNTRIES)


class OnBehalfDenied(Forbidden):
    """An on-behalf action was refused; `decision.audit_entry` is what must be stored."""

    code = "on_behalf_denied"

    def __init__(self, decision: Decision) -> None:
        reasons = [r.code for r in decision.reasons]
        super().__init__("; ".join(reasons), details={"reasons": reasons})
        self.decision = decision


# -- the check on every on-behalf action -----------------------------------------------------


@dataclass(frozen=True)
class AuditEntry:
    """One on-behalf decision: who, for which partner, on which tenant, what, when, outcome."""

    user_id: str
    partner_id: str | None
    actor_tenant_id: str | None
    customer_tenant_id: str
    action: str
    at: datetime
    allowed: bool
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class Decision:
    """Outcome of `authorise_on_behalf`; `audit_entry` is stored whatever the outcome."""

    allowed: bool
    reasons: tuple[Reason, ...]
    audit_entry: AuditEntry


_DENIAL_MESSAGES = {
    "not_partner_admin": "the actor is not a partner administrator of the reseller",
    "not_reseller_tenant": "the actor's tenant is not the reseller's tenant",
    "reseller_not_enabled": "the reseller is not enabled for partner administration",
    "customer_not_linked": "the tenant is not a customer of this reseller",
    "customer_not_opted_in": "the customer has not opted in to partner administration",
    "dpa_missing": "no data-processing agreement is recorded",
    "command_id_reused": "the command's id was used by a different command: the decision "
    "on that one does not stand in for this one",
}


def authorise_on_behalf(
    actor: Actor,
    customer: CustomerView,
    reseller: ResellerView | None,
    action: str,
    now: datetime,
    policy: OnBehalfPolicy | None = None,
) -> Decision:
    """May `actor` do `action` on `customer`'s tenant as its partner administrator, at `now`?"""
    policy = policy or OnBehalfPolicy()
    enabled = reseller is not None and reseller.is_enabled
    failed = {
        "not_partner_admin": not actor.has_role(PARTNER_ADMIN)
        or (reseller is not None and not reseller.is_partner_administrator(actor.user_id)),
        "not_reseller_tenant": reseller is None or actor.tenant_id != reseller.tenant_id,
        "reseller_not_enabled": not enabled,
        "customer_not_linked": enabled and not is_linked(customer, reseller),
        "customer_not_opted_in": not customer.is_opted_in(now),
        "dpa_missing": policy.require_dpa and customer.dpa is None,
    }
    reasons = tuple(Reason(code, _DENIAL_MESSAGES[code]) for code, bad in failed.items() if bad)
    entry = AuditEntry(
        actor.user_id,
        actor.partner_id,
        actor.tenant_id,
        customer.tenant_id,
        action,
        now,
        allowed=not reasons,
        reasons=reasons,
    )
    return Decision(allowed=not reasons, reasons=reasons, audit_entry=entry)


def deny_reused_command_id(
    actor: Actor, tenant_id: str, action: str, now: datetime, command_id: str
) -> Decision:
    """The denial of a command that reuses the id of a different, already decided command.

    An authorisation decision is bound to the whole command (who, which tenant, what, with
    which data), never to its id alone: the reuse is refused and audited like any denial.
    """
    message = f"{_DENIAL_MESSAGES['command_id_reused']} (id {command_id})"
    reasons = (Reason("command_id_reused", message),)
    entry = AuditEntry(
        actor.user_id,
        actor.partner_id,
        actor.tenant_id,
        tenant_id,
        action,
        now,
        allowed=False,
        reasons=reasons,
    )
    return Decision(allowed=False, reasons=reasons, audit_entry=entry)


ALL_TENANTS = "*"
"""The audit entry's tenant for the tenant listing (it concerns no single tenant)."""
LIST_TENANTS = "list_tenants"


def authorise_tenant_listing(
    actor: Actor, reseller: ResellerView | None, now: datetime
) -> Decision:
    """May `actor` list its reseller's manageable tenants (it only ever sees linked and
    opted-in ones)? A partner administrator of an enabled reseller tenant may."""
    enabled = reseller is not None and reseller.is_enabled
    failed = {
        "not_partner_admin": not actor.has_role(PARTNER_ADMIN)
        or (reseller is not None and not reseller.is_partner_administrator(actor.user_id)),
        "not_reseller_tenant": reseller is None or actor.tenant_id != reseller.tenant_id,
        "reseller_not_enabled": not enabled,
    }
    reasons = tuple(Reason(code, _DENIAL_MESSAGES[code]) for code, bad in failed.items() if bad)
    entry = AuditEntry(
        actor.user_id,
        actor.partner_id,
        actor.tenant_id,
        ALL_TENANTS,
        LIST_TENANTS,
        now,
        allowed=not reasons,
        reasons=reasons,
    )
    return Decision(allowed=not reasons, reasons=reasons, audit_entry=entry)


def require_customer_admin(
    actor: Actor,
    customer: CustomerView,
    reseller: ResellerView | None,
    action: str,
    now: datetime,
    policy: OnBehalfPolicy | None = None,
) -> bool:
    """Pass a customer admin (False) or an authorised partner administrator (True); else raise.

    The application calls `authorise_on_behalf` first to store the audit entry; checking
    again here keeps the aggregate safe however it is called.
    """
    if is_admin_of(actor, customer.tenant_id):
        return False
    decision = authorise_on_behalf(actor, customer, reseller, action, now, policy)
    if not decision.allowed:
        raise OnBehalfDenied(decision)
    return True


# -- "report issue" routing ------------------------------------------------------------------

ATTACH_LOGS_HINT = "Please attach your client logs to this report."


class ReportIssueDestination(StrEnum):
    PARTNER_HELPDESK = "partner_helpdesk"
    VENDOR_SUPPORT = "vendor_support"


@dataclass(frozen=True)
class ReportIssueRouting:
    """Where a customer user's "report issue" goes, and what they are asked for."""

    destination: ReportIssueDestination
    email: str | None = None  # the partner's helpdesk; vendor support's address is configuration
    hint: str | None = None


def route_report_issue(
    customer: CustomerView, partner_helpdesk_email: str | None
) -> ReportIssueRouting:
    """To the reseller's helpdesk (asking for logs) when enabled and set, else vendor support."""
    if customer.partner_helpdesk_enabled and partner_helpdesk_email:
        return ReportIssueRouting(
            ReportIssueDestination.PARTNER_HELPDESK, partner_helpdesk_email, ATTACH_LOGS_HINT
        )
    return ReportIssueRouting(ReportIssueDestination.VENDOR_SUPPORT)


# -- the partner administrator's tenant list -------------------------------------------------


@dataclass(frozen=True)
class ManageableTenant:
    """A read-model row of the tenant list a partner administrator chooses from."""

    tenant_id: str
    name: str
    main_contact: str
    reseller_partner_id: str
    opted_in: bool


TenantSortKey = Literal["name", "tenant_id", "main_contact"]


def manageable_tenants(
    tenants: Iterable[ManageableTenant],
    reseller_partner_id: str,
    query: str | None = None,
    sort_by: TenantSortKey = "name",
    descending: bool = False,
) -> list[ManageableTenant]:
    """Tenants linked to the reseller and opted in, searched (any case) and sorted."""
    if sort_by not in ("name", "tenant_id", "main_contact"):
        raise ValueError(f"cannot sort tenants by {sort_by!r}")
    needle = (query or "").strip().casefold()
    rows = [
        t
        for t in tenants
        if t.reseller_partner_id == reseller_partner_id
        and t.opted_in
        and (
            not needle or any(needle in v.casefold() for v in (t.name, t.tenant_id, t.main_contact))
        )
    ]
    return sorted(
        rows,
        key=lambda t: (getattr(t, sort_by).casefold(), t.tenant_id),
        reverse=descending,
    )


# -- the customer moves to another reseller --------------------------------------------------

RELATIONSHIP_CHANGED = "system:relationship_changed"
"""`by_user_id` of what a change of reseller ends (no person did it)."""


def relink_customer(
    customer: CustomerView, link_partner_id: str, *, now: datetime
) -> list[DomainEvent]:
    """(product decision) A later order names another reseller: the consent given to the
    previous one ends at once, and so does "report issue" to its helpdesk."""
    previous = customer.reseller_partner_id
    if previous == link_partner_id:
        return []
    events: list[DomainEvent] = []
    if customer.opted_in_at is not None:
        customer.opted_in_at, customer.opted_out_at = None, now
        events.append(
            PartnerAdministrationOptedOut(
                customer.tenant_id, previous, RELATIONSHIP_CHANGED, occurred_at=now
            )
        )
    if customer.partner_helpdesk_enabled:
        customer.partner_helpdesk_enabled = False
        events.append(
            PartnerHelpdeskSwitched(
                customer.tenant_id, previous, False, RELATIONSHIP_CHANGED, False, occurred_at=now
            )
        )
    customer.reseller_partner_id = link_partner_id
    return events
