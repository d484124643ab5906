"""Partner administration "on behalf of" the customer admin (§1.6).

`ResellerTenant` (id = the reseller's tenant ID): enabling and the partner-administrator
role. `CustomerTenantAdministration` (id = the customer's tenant ID): opt-in, DPA, helpdesk.
`authorise_on_behalf` is the check on every on-behalf action, audited whatever its outcome.

Who may use it (resellers, tier-1 partners with direct customers, a distributor only for
customers it resells itself) follows from the link: a customer is linked to the tenant
whose partner admin ID is the *reseller* partner ID on the customer's orders.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Literal

from services.onboarding.domain.errors import (
    Duplicate,
    Forbidden,
    IllegalTransition,
    Reason,
    ValidationFailed,
)
from services.onboarding.domain.events import DomainEvent
from services.onboarding.domain.events_admin import (
    DataProcessingAgreementRecorded,
    PartnerAdministrationEnabled,
    PartnerAdministrationOptedIn,
    PartnerAdministrationOptedOut,
    PartnerAdministrationRequested,
    PartnerAdministratorGranted,
    PartnerAdministratorRevoked,
    PartnerHelpdeskSwitched,
)
from shared.actor import Actor

# Roles as carried by `shared.actor.Actor.roles`.
PARTNER_ADMIN = "partner_admin"
TENANT_ADMIN = "tenant_admin"
CLOUD_OPERATIONS = "cloud_operations"


# -- errors: the business rules get their own class; "who may do this step" uses the bases --


class ResellerTenantNotPaid(IllegalTransition):
    """Operations set the partner admin ID only on a tenant with a commercial subscription."""

    code = "reseller_tenant_not_paid"


class ResellerNotEnabled(IllegalTransition):
    code = "reseller_not_enabled"


class UserNotInResellerTenant(Forbidden):
    code = "user_not_in_reseller_tenant"


class UserNotPaid(Forbidden):
    code = "user_not_paid"


class CustomerNotLinked(Forbidden):
    code = "customer_not_linked"


class PartnerHelpdeskNotSet(IllegalTransition):
    code = "partner_helpdesk_not_set"


class OnBehalfDenied(Forbidden):
    """An on-behalf action was refused; `decision.audit_entry` is what must be stored."""

    code = "on_behalf_denied"

    def __init__(self, decision: Decision) -> None:
        reasons = [r.code for r in decision.reasons]
        super().__init__("; ".join(reasons), details={"reasons": reasons})
        self.decision = decision


def _is_admin_of(actor: Actor, tenant_id: str) -> bool:
    return actor.tenant_id == tenant_id and actor.has_role(TENANT_ADMIN)


# -- the reseller's tenant -------------------------------------------------------------------


@dataclass
class ResellerTenant:
    """A reseller's (or tier-1 partner's) own tenant, enabled for partner administration."""

    tenant_id: str
    partner_id: str
    domain: str  # shown to customers: "Administration by partner <domain>"
    requested_at: datetime
    partner_admin_id: str | None = None
    enabled_at: datetime | None = None
    partner_administrators: dict[str, datetime] = field(default_factory=dict)

    @classmethod
    def request_enabling(
        cls, tenant_id: str, partner_id: str, domain: str, *, by: Actor, now: datetime
    ) -> tuple[ResellerTenant, list[DomainEvent]]:
        """The reseller asks operations to enable it, naming its tenant ID and partner ID."""
        reasons = [
            Reason("missing", f"{name} is required", name)
            for name, value in (("tenant_id", tenant_id), ("partner_id", partner_id))
            if not value.strip()
        ]
        if not domain.strip() or " " in domain.strip():
            reasons.append(Reason("invalid_domain", "the reseller's domain is required", "domain"))
        if reasons:
            raise ValidationFailed(reasons)
        if by.partner_id != partner_id:
            raise Forbidden("only the reseller itself asks for this", code="not_the_reseller")
        tenant = cls(tenant_id, partner_id, domain.strip().lower(), requested_at=now)
        event = PartnerAdministrationRequested(
            tenant_id, partner_id, tenant.domain, by.user_id, occurred_at=now
        )
        return tenant, [event]

    @property
    def is_enabled(self) -> bool:
        return self.partner_admin_id is not None

    def enable(
        self, *, by: Actor, tenant_has_commercial_subscription: bool, now: datetime
    ) -> list[DomainEvent]:
        """Operations set the partner admin ID, linking the tenant to the reseller's customers."""
        if not by.has_role(CLOUD_OPERATIONS):
            raise Forbidden("only cloud operations enable it", code="not_cloud_operations")
        if self.is_enabled:
            raise Duplicate("already enabled", code="reseller_already_enabled")
        if not tenant_has_commercial_subscription:
            raise ResellerTenantNotPaid(
                f"tenant {self.tenant_id} has no commercial (paid) subscription",
                details={"tenant_id": self.tenant_id},
            )
        self.partner_admin_id = self.partner_id
        self.enabled_at = now
        return [
            PartnerAdministrationEnabled(
                self.tenant_id, self.partner_id, self.partner_id, by.user_id, occurred_at=now
            )
        ]

    def grant_partner_administrator(
        self,
        user_id: str,
        *,
        user_tenant_id: str,
        user_is_paid: bool,
        by: Actor,
        now: datetime,
    ) -> list[DomainEvent]:
        """The reseller's tenant admin grants the role to a paid user of this tenant."""
        self._require_tenant_admin(by)
        if not self.is_enabled:
            raise ResellerNotEnabled("partner administration is not enabled for this tenant")
        if user_tenant_id != self.tenant_id:
            raise UserNotInResellerTenant(
                f"user {user_id} is not a user of the reseller's tenant {self.tenant_id}",
                details={"user_id": user_id, "user_tenant_id": user_tenant_id},
            )
        if not user_is_paid:
            raise UserNotPaid(f"user {user_id} is not a paid user", details={"user_id": user_id})
        if user_id in self.partner_administrators:
            raise Duplicate(f"{user_id} holds the role", code="already_partner_administrator")
        self.partner_administrators[user_id] = now
        return [
            PartnerAdministratorGranted(
                self.tenant_id, self.partner_id, user_id, by.user_id, occurred_at=now
            )
        ]

    def revoke_partner_administrator(
        self, user_id: str, *, by: Actor, now: datetime
    ) -> list[DomainEvent]:
        """Take the role away; the next on-behalf check already fails."""
        self._require_tenant_admin(by)
        if self.partner_administrators.pop(user_id, None) is None:
            raise IllegalTransition(f"{user_id} lacks the role", code="not_partner_administrator")
        return [
            PartnerAdministratorRevoked(
                self.tenant_id, self.partner_id, user_id, by.user_id, occurred_at=now
            )
        ]

    def is_partner_administrator(self, user_id: str) -> bool:
        return user_id in self.partner_administrators

    def _require_tenant_admin(self, by: Actor) -> None:
        if not _is_admin_of(by, self.tenant_id):
            raise Forbidden("only the tenant's admin does this", code="not_reseller_tenant_admin")


# -- the customer's side ---------------------------------------------------------------------


@dataclass(frozen=True)
class DataProcessingAgreement:
    """The EU bidirectional data-processing agreement: recorded, not checked by the vendor."""

    signed_at: datetime
    signed_by: str
    recorded_by: str


@dataclass(frozen=True)
class OnBehalfPolicy:
    """Deployment policy; by default nothing is refused for a missing DPA."""

    require_dpa: bool = False


@dataclass
class CustomerTenantAdministration:
    """A customer tenant's consent to administration by its reseller, and related settings."""

    tenant_id: str
    reseller_partner_id: str  # the reseller partner ID on the customer's orders
    opted_in_at: datetime | None = None
    opted_out_at: datetime | None = None
    dpa: DataProcessingAgreement | None = None
    partner_helpdesk_enabled: bool = False

    def is_linked_to(self, reseller: ResellerTenant | None) -> bool:
        return (
            reseller is not None
            and reseller.is_enabled
            and reseller.partner_admin_id == self.reseller_partner_id
        )

    def is_opted_in(self, now: datetime) -> bool:
        return self.opted_in_at is not None and self.opted_in_at <= now

    def opt_in(self, *, by: Actor, reseller: ResellerTenant, now: datetime) -> list[DomainEvent]:
        """The customer's admin switches on "Administration by partner <domain>"."""
        self._require_own_admin(by)
        if reseller.partner_id != self.reseller_partner_id:
            raise CustomerNotLinked(
                f"partner {reseller.partner_id} is not this customer's reseller",
                details={"reseller_partner_id": self.reseller_partner_id},
            )
        if not reseller.is_enabled:
            raise ResellerNotEnabled(
                f"partner {reseller.partner_id} is not enabled for partner administration yet"
            )
        if self.opted_in_at is not None:
            raise Duplicate("the tenant is already opted in", code="already_opted_in")
        self.opted_in_at, self.opted_out_at = now, None
        label = f"Administration by partner {reseller.domain}"
        return [
            PartnerAdministrationOptedIn(
                self.tenant_id, self.reseller_partner_id, label, by.user_id, occurred_at=now
            )
        ]

    def opt_out(self, *, by: Actor, now: datetime) -> list[DomainEvent]:
        """The customer's admin switches it off; access ends at once."""
        self._require_own_admin(by)
        if self.opted_in_at is None:
            raise IllegalTransition("the tenant is not opted in", code="not_opted_in")
        self.opted_in_at, self.opted_out_at = None, now
        return [
            PartnerAdministrationOptedOut(
                self.tenant_id, self.reseller_partner_id, by.user_id, occurred_at=now
            )
        ]

    def record_dpa(
        self, *, signed_at: datetime, signed_by: str, by: Actor, now: datetime
    ) -> list[DomainEvent]:
        """Record that the data-processing agreement was signed (the vendor does not check it)."""
        reasons = []
        if not signed_by.strip():
            reasons.append(Reason("missing", "who signed the agreement is required", "signed_by"))
        if signed_at > now:
            reasons.append(Reason("signed_in_future", "signed_at is in the future", "signed_at"))
        if reasons:
            raise ValidationFailed(reasons)
        self.dpa = DataProcessingAgreement(signed_at, signed_by.strip(), by.user_id)
        return [
            DataProcessingAgreementRecorded(
                self.tenant_id,
                self.reseller_partner_id,
                signed_at,
                signed_by.strip(),
                by.user_id,
                occurred_at=now,
            )
        ]

    def switch_partner_helpdesk(
        self,
        enabled: bool,
        *,
        by: Actor,
        partner_helpdesk_email: str | None,
        reseller: ResellerTenant | None,
        now: datetime,
        policy: OnBehalfPolicy | None = None,
    ) -> list[DomainEvent]:
        """Send "report issue" to the partner's helpdesk or back to the vendor's support.

        Done by the customer's admin or by the partner on behalf.
        """
        action = "enable_partner_helpdesk" if enabled else "disable_partner_helpdesk"
        on_behalf = require_customer_admin(by, self, reseller, action, now, policy)
        if enabled and not partner_helpdesk_email:
            raise PartnerHelpdeskNotSet(f"partner {self.reseller_partner_id} has no helpdesk")
        self.partner_helpdesk_enabled = enabled
        return [
            PartnerHelpdeskSwitched(
                self.tenant_id,
                self.reseller_partner_id,
                enabled,
                by.user_id,
                on_behalf,
                occurred_at=now,
            )
        ]

    def _require_own_admin(self, by: Actor) -> None:
        if not _is_admin_of(by, self.tenant_id):
            raise Forbidden("only the tenant's own admin decides this", code="not_customer_admin")


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
}


def authorise_on_behalf(
    actor: Actor,
    customer: CustomerTenantAdministration,
    reseller: ResellerTenant | None,
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
        "customer_not_linked": enabled and not customer.is_linked_to(reseller),
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


def require_customer_admin(
    actor: Actor,
    customer: CustomerTenantAdministration,
    reseller: ResellerTenant | None,
    action: str,
    now: datetime,
    policy: OnBehalfPolicy | None = None,
) -> bool:
    """Pass a customer admin (False) or an authorised partner administrator (True); else raise.

    The application calls `authorise_on_behalf` first to store the audit entry; checking
    again here keeps the aggregate safe however it is called.
    """
    if _is_admin_of(actor, customer.tenant_id):
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
    customer: CustomerTenantAdministration, partner_helpdesk_email: str | None
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
