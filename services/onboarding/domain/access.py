"""Who may do what in onboarding: the one set of role names and every access rule.

Roles (in `shared.actor.Actor.roles`; the same names mean the same team in every service):
- `vendor_operations` — the vendor's partner administration: registers partners, changes
  any partner's master data, records reseller-programme steps (the training platform and
  the certification test report through it), records legacy e-mail addresses; requests
  tenant activations and licences for any partner.
- `provisioning` — the service provider's provisioning team and coordinators: the steps
  of the onboarding at the service provider (§1.3) (`vendor_operations` may do them too);
  number ranges and clone groups; acts for any partner on customer groups (as in porting).
- `account_manager` — a CAM or DAM, with `user_id` = its account manager id: approves or
  returns the activation requests routed to it and asks for invitation resends (the
  domain checks it is the CAM/DAM the request went to).
- `cloud_operations` — sends and resends invitations, relays tenant activation and the
  co-administrator step from the platform, records legacy addresses, books licences,
  enables partner administration on a reseller tenant (§1.6).
- `integration` — adapters of external systems (device service, reporting, call
  recording) reporting back.
- `customer_admin` — the end customer's administrator: activates the tenant when its
  `user_id` is the invited address; adds the partner as co-administrator of its tenant
  (`tenant_id`).
- `tenant_admin` — the admin of a tenant (`tenant_id`): a customer's admin opts in and out
  of partner administration and records the DPA; a reseller tenant's admin grants and
  revokes the partner administrator role.
- `partner_admin` — a reseller's partner administrator: acts on a linked, opted-in
  customer tenant on its admin's behalf (§1.6), every decision audited.
- Partner users (any role) act for their own partner (`Actor.partner_id`): contacts,
  programme registration, agreements, terms URL and e-store, activation requests, and
  licences of their own customers. A reseller's distributor may record the agreements
  and the terms URL (both are passed to it). A partner never acts for another partner.

A refusal is `onboarding.<entity>.action_refused` with code `forbidden` (or the on-behalf
denial, audited: `onboarding.on_behalf.action_denied`). It names the actor and what it
may not do, never the partner it may not act for (nor that partner's name or contacts).
The application stores the on-behalf decisions (`application/on_behalf/access.py`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from services.onboarding.domain.errors import Forbidden, Reason
from shared.actor import Actor

VENDOR_OPERATIONS = "vendor_operations"
PROVISIONING = "provisioning"
ACCOUNT_MANAGER = "account_manager"
CLOUD_OPERATIONS = "cloud_operations"
INTEGRATION = "integration"
CUSTOMER_ADMIN = "customer_admin"
TENANT_ADMIN = "tenant_admin"
PARTNER_ADMIN = "partner_admin"


# -- roles and partners ------------------------------------------------------------------


def has_any_role(actor: Actor, roles: Iterable[str]) -> bool:
    return any(actor.has_role(role) for role in roles)


def require(allowed: bool, actor: Actor, action: str) -> None:
    """Refuse with `forbidden` unless `allowed`."""
    if not allowed:
        raise Forbidden(
            f"{actor.user_id} may not {action}",
            details={"user_id": actor.user_id, "actor_partner_id": actor.partner_id},
        )


def require_role(actor: Actor, action: str, *roles: str) -> None:
    require(has_any_role(actor, roles), actor, action)


def require_partner_or_role(
    actor: Actor, partner_ids: Iterable[str | None], action: str, *roles: str
) -> None:
    """The actor works for one of `partner_ids`, or holds one of `roles`."""
    own = actor.partner_id is not None and actor.partner_id in set(partner_ids)
    require(own or has_any_role(actor, roles), actor, action)


def require_partner(actor: Actor, partner_id: str) -> None:
    """A partner acts only for itself; the provisioning team for anyone (as in porting).

    Raises `Forbidden` (`not_the_partner`) naming the actor, never `partner_id`."""
    if actor.partner_id == partner_id or actor.has_role(PROVISIONING):
        return
    raise Forbidden(
        f"{actor.user_id} may act only for its own partner",
        code="not_the_partner",
        details={"user_id": actor.user_id, "actor_partner_id": actor.partner_id},
    )


def require_held(actor: Actor, role: str) -> None:
    """Raises `Forbidden` with code `not_<role>` unless the actor holds `role`."""
    if not actor.has_role(role):
        raise Forbidden(f"only the {role} role does this", code=f"not_{role}")


# -- on behalf of the customer admin (§1.6) --------------------------------------------------


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
