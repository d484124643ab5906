"""Partner administration "on behalf of" the customer admin (§1.6).

`ResellerTenant` (id = the reseller's tenant ID): enabling and the partner-administrator
role. `CustomerTenantAdministration` (id = the customer's tenant ID): opt-in, DPA, helpdesk.
`authorise_on_behalf` (in `access`) is the check on every
on-behalf action, audited whatever its outcome.

Who may use it (resellers, tier-1 partners with direct customers, a distributor only for
customers it resells itself) follows from the link: a customer is linked to the tenant
whose partner admin ID is the *reseller* partner ID on the customer's orders.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from services.onboarding.domain.access import (
    CLOUD_OPERATIONS,
    OnBehalfPolicy,
    is_admin_of,
    is_linked,
    require_customer_admin,
)
from services.onboarding.domain.errors import (
    Duplicate,
    Forbidden,
    IllegalTransition,
    Reason,
    ValidationFailed,
)
from services.onboarding.domain.event import DomainEvent
from services.onboarding.domain.on_behalf.events import (
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

# -- errors: the business rules get their own class; "who may do this step" uses the bases --


class NotThePartnersTenant(Forbidden):
    """Partner administration is requested for, and set on, the partner's *own* tenant only:
    onboarding knows whose tenant it is from its orders (`customer.partner_id`), never from
    the request (issue 7: a partner must not take another partner's tenant)."""

    code = "not_the_partners_tenant"


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
        cls,
        tenant_id: str,
        partner_id: str,
        domain: str,
        *,
        by: Actor,
        now: datetime,
        tenant_partner_id: str | None,
    ) -> tuple[ResellerTenant, list[DomainEvent]]:
        """The reseller asks operations to enable it, naming its tenant ID and partner ID.

        `tenant_partner_id` is whose tenant it is according to onboarding's own records
        (None: not known as any partner's own tenant); only the partner itself may ask."""
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
        _require_own_tenant(tenant_id, partner_id, tenant_partner_id)
        tenant = cls(tenant_id, partner_id, domain.strip().lower(), requested_at=now)
        event = PartnerAdministrationRequested(
            tenant_id, partner_id, tenant.domain, by.user_id, occurred_at=now
        )
        return tenant, [event]

    @property
    def is_enabled(self) -> bool:
        return self.partner_admin_id is not None

    def enable(
        self,
        *,
        by: Actor,
        tenant_has_commercial_subscription: bool,
        now: datetime,
        tenant_partner_id: str | None,
    ) -> list[DomainEvent]:
        """Operations set the partner admin ID, linking the tenant to the reseller's customers
        (only on the partner's own tenant per the records, `tenant_partner_id`)."""
        if not by.has_role(CLOUD_OPERATIONS):
            raise Forbidden("only cloud operations enable it", code="not_cloud_operations")
        if self.is_enabled:
            raise Duplicate("already enabled", code="reseller_already_enabled")
        _require_own_tenant(self.tenant_id, self.partner_id, tenant_partner_id)
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
        user_tenant_id: str | None,
        user_is_paid: bool,
        by: Actor,
        now: datetime,
    ) -> list[DomainEvent]:
        """The reseller's tenant admin grants the role to a paid user of this tenant.

        The user's tenant and licence come from onboarding's licence records (None: the
        user holds no licence of any tenant known), not from the command."""
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
        if not is_admin_of(by, self.tenant_id):
            raise Forbidden("only the tenant's admin does this", code="not_reseller_tenant_admin")


def _require_own_tenant(tenant_id: str, partner_id: str, tenant_partner_id: str | None) -> None:
    if tenant_partner_id != partner_id:
        raise NotThePartnersTenant(
            f"tenant {tenant_id} is not partner {partner_id}'s own tenant (per its orders)",
            details={"tenant_id": tenant_id, "partner_id": partner_id},
        )


# -- the customer's side ---------------------------------------------------------------------


@dataclass(frozen=True)
class DataProcessingAgreement:
    """The EU bidirectional data-processing agreement: recorded, not checked by the vendor."""

    signed_at: datetime
    signed_by: str
    recorded_by: str


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
        return is_linked(self, reseller)

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
        if not is_admin_of(by, self.tenant_id):
            raise Forbidden("only the tenant's own admin decides this", code="not_customer_admin")
