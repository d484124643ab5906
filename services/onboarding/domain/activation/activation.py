"""Tenant activation requests (§1.5): from the partner's request to the co-administrator.

Flow: the partner submits complete end-customer data → routed to its CAM (tier-1) or,
for a tier-2 reseller, through its distributor to the responsible DAM (never straight to
cloud operations) → the CAM/DAM approves (forwarded to cloud operations) or returns it →
cloud operations invites the customer's admin within 48 working-day hours → the invitation
is valid 72 real hours (a resend through the CAM/DAM gives a new one) → the admin
activates the tenant and accepts the terms → the partner may be added as co-administrator.

Boundaries (pinned by tests): the invitation is due at received + 48 working-day hours
(Monday–Friday, Europe/Berlin, holidays excluded) and overdue from that instant when not
sent; an invitation sent at S is valid while now < S + 72 h and expired from S + 72 h on.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypedDict

from services.onboarding.domain.activation.end_customer import (
    LEGACY_TENANT_REASON,
    EndCustomerData,
    WorkingDayClock,
    invitation_due_at,
    legacy_email_reason,
)
from services.onboarding.domain.activation.events import (
    ActivationRequested,
    ActivationRequestForwarded,
    ActivationRequestReturned,
    CoAdministratorAdded,
    InvitationExpired,
    InvitationOverdue,
    InvitationResent,
    InvitationSent,
    TenantActivated,
)
from services.onboarding.domain.activation.invitation import ActivationStatus, Invitation
from services.onboarding.domain.errors import (
    CoAdministratorAlreadyAdded,
    InvitationAlreadySent,
    InvitationNoLongerValid,
    InvitationNotSent,
    InvitationNotYetDue,
    InvitationStillValid,
    InvitationSuperseded,
    NotTheResponsibleAccountManager,
    Reason,
    RequestNotAtCloudOperations,
    RequestNotAwaitingCheck,
    RequestNotReturned,
    TenantAlreadyActivated,
    TenantNotYetActivated,
    ValidationFailed,
)
from services.onboarding.domain.event import DomainEvent
from services.onboarding.domain.partners.partners import (
    Partner,
    Routing,
    route_to_account_manager,
)


class _RequestIds(TypedDict):
    request_id: str
    partner_id: str
    distributor_partner_id: str | None


@dataclass
class ActivationRequest:
    """One partner's request for a new tenant for one end customer."""

    request_id: str
    partner_id: str
    routing: Routing
    data: EndCustomerData
    submitted_at: datetime
    customer_id: str | None = None
    status: ActivationStatus = ActivationStatus.AWAITING_CHECK
    returned_reasons: tuple[Reason, ...] = ()
    received_by_cloud_operations_at: datetime | None = None
    invitation_due_at: datetime | None = None
    invitation_overdue_at: datetime | None = None
    invitations: list[Invitation] = field(default_factory=list)
    activated_at: datetime | None = None
    tenant_id: str | None = None
    co_administrator_added_at: datetime | None = None

    @classmethod
    def submit(
        cls,
        *,
        request_id: str,
        partner: Partner,
        data: EndCustomerData,
        legacy_emails: Collection[str],
        now: datetime,
        distributor: Partner | None = None,
        customer_id: str | None = None,
        customer_partner_ids: Collection[str] | None = None,
    ) -> tuple[ActivationRequest, list[DomainEvent]]:
        """The partner's request, routed to the CAM/DAM; incomplete data is refused.

        `customer_partner_ids`: the partners the named customer's orders name (None: the
        customer is not known yet); a partner never names another partner's customer."""
        reasons = data.reasons(legacy_emails)
        if (
            customer_id
            and customer_partner_ids is not None
            and partner.partner_id not in customer_partner_ids
        ):
            reasons.append(
                Reason(
                    "customer_of_another_partner",
                    f"customer {customer_id} is not a customer of partner {partner.partner_id}",
                    "customer_id",
                )
            )
        if reasons:
            raise ValidationFailed(reasons)
        routing = route_to_account_manager(partner, distributor)
        request = cls(request_id, partner.partner_id, routing, data, now, customer_id)
        return request, [request._requested(now, resubmitted=False)]

    # -- state -------------------------------------------------------------------

    @property
    def distributor_partner_id(self) -> str | None:
        return self.routing.via_distributor_partner_id

    @property
    def current_invitation(self) -> Invitation | None:
        return self.invitations[-1] if self.invitations else None

    def _ids(self) -> _RequestIds:
        return {
            "request_id": self.request_id,
            "partner_id": self.partner_id,
            "distributor_partner_id": self.distributor_partner_id,
        }

    def _requested(self, now: datetime, resubmitted: bool) -> ActivationRequested:
        manager = self.routing.account_manager
        return ActivationRequested(
            **self._ids(),
            company_name=self.data.company_name,
            account_manager_id=manager.account_manager_id,
            account_manager_role=str(manager.role),
            account_manager_email=manager.email,
            resubmitted=resubmitted,
            occurred_at=now,
        )

    def _check_is_by_account_manager(self, account_manager_id: str) -> None:
        if account_manager_id != self.routing.account_manager.account_manager_id:
            raise NotTheResponsibleAccountManager(
                "only the CAM/DAM the request was routed to may do this",
                details={"request_id": self.request_id, "account_manager_id": account_manager_id},
            )

    def _check_awaiting_check(self) -> None:
        if self.status is not ActivationStatus.AWAITING_CHECK:
            raise RequestNotAwaitingCheck(
                f"the request is {self.status}",
                details={"request_id": self.request_id, "status": str(self.status)},
            )

    # -- the CAM/DAM completeness check ---------------------------------------------

    def approve(
        self, account_manager_id: str, now: datetime, calendar: WorkingDayClock
    ) -> list[DomainEvent]:
        """Complete: forwarded to cloud operations, which receives it now."""
        self._check_is_by_account_manager(account_manager_id)
        self._check_awaiting_check()
        self.status = ActivationStatus.AT_CLOUD_OPERATIONS
        self.received_by_cloud_operations_at = now
        self.invitation_due_at = invitation_due_at(now, calendar)
        return [
            ActivationRequestForwarded(
                **self._ids(), invitation_due_at=self.invitation_due_at, occurred_at=now
            )
        ]

    def return_to_partner(
        self, account_manager_id: str, reasons: Iterable[Reason], now: datetime
    ) -> list[DomainEvent]:
        """Incomplete: back to the partner with the reasons."""
        self._check_is_by_account_manager(account_manager_id)
        self._check_awaiting_check()
        reasons = tuple(reasons)
        if not reasons:
            raise ValidationFailed([Reason("missing", "say why it is returned", "reasons")])
        self.status, self.returned_reasons = ActivationStatus.RETURNED, reasons
        return [
            ActivationRequestReturned(
                **self._ids(),
                reason_codes=tuple(r.code for r in reasons),
                reason_messages=tuple(r.message for r in reasons),
                occurred_at=now,
            )
        ]

    def resubmit(
        self, data: EndCustomerData, legacy_emails: Collection[str], now: datetime
    ) -> list[DomainEvent]:
        """The partner sends a returned request again, corrected, to the same CAM/DAM."""
        if self.status is not ActivationStatus.RETURNED:
            raise RequestNotReturned(
                f"the request is {self.status}", details={"request_id": self.request_id}
            )
        if reasons := data.reasons(legacy_emails):
            raise ValidationFailed(reasons)
        self.data, self.returned_reasons = data, ()
        self.status = ActivationStatus.AWAITING_CHECK
        return [self._requested(now, resubmitted=True)]

    # -- cloud operations: the invitation ----------------------------------------------

    def send_invitation(
        self, invitation_id: str, now: datetime, legacy_emails: Collection[str] = ()
    ) -> list[DomainEvent]:
        """Cloud operations invited the customer's admin; valid for 72 hours (never to an
        address tied to a legacy tenant, even one recorded after the request)."""
        if problem := legacy_email_reason(self.data.admin_email, legacy_emails):
            raise ValidationFailed([problem])
        if self.invitations:
            raise InvitationAlreadySent(
                "the invitation was already sent; ask for a resend",
                details={"request_id": self.request_id},
            )
        if self.status is not ActivationStatus.AT_CLOUD_OPERATIONS:
            raise RequestNotAtCloudOperations(
                f"the request is {self.status}", details={"request_id": self.request_id}
            )
        invitation = self._issue(invitation_id, now)
        assert self.invitation_due_at is not None
        return [
            InvitationSent(
                **self._ids(),
                company_name=self.data.company_name,
                invitation_id=invitation_id,
                valid_until=invitation.valid_until,
                late=now > self.invitation_due_at,
                occurred_at=now,
            )
        ]

    def _issue(self, invitation_id: str, now: datetime) -> Invitation:
        invitation = Invitation(invitation_id, now)
        self.invitations.append(invitation)
        self.status = ActivationStatus.INVITATION_SENT
        return invitation

    def mark_invitation_overdue(self, now: datetime) -> list[DomainEvent]:
        """Timer at the due instant: overdue if no invitation went out. Idempotent."""
        if self.invitation_due_at is None:
            raise RequestNotAtCloudOperations(
                "cloud operations has not received the request",
                details={"request_id": self.request_id},
            )
        if now < self.invitation_due_at:
            raise InvitationNotYetDue(
                "the invitation is not yet due",
                details={"invitation_due_at": self.invitation_due_at.isoformat()},
            )
        if self.invitations or self.invitation_overdue_at is not None:
            return []
        self.invitation_overdue_at = now
        return [
            InvitationOverdue(
                **self._ids(), invitation_due_at=self.invitation_due_at, occurred_at=now
            )
        ]

    def expire_invitation(
        self, now: datetime, invitation_id: str | None = None
    ) -> list[DomainEvent]:
        """Timer at the end of the 72 hours; stale timers of replaced invitations do nothing."""
        invitation = self._require_invitation()
        if invitation_id is not None and invitation_id != invitation.invitation_id:
            return []
        if self.status is not ActivationStatus.INVITATION_SENT:
            return []  # already expired or activated
        if now < invitation.valid_until:
            raise InvitationStillValid(
                "the invitation is still valid",
                details={"valid_until": invitation.valid_until.isoformat()},
            )
        self.status = ActivationStatus.INVITATION_EXPIRED
        return [
            InvitationExpired(
                **self._ids(), invitation_id=invitation.invitation_id, occurred_at=now
            )
        ]

    def resend_invitation(
        self,
        requested_by: str,
        invitation_id: str,
        now: datetime,
        legacy_emails: Collection[str] = (),
    ) -> list[DomainEvent]:
        """A resend, requested through the CAM/DAM: a new invitation, 72 fresh hours."""
        self._check_is_by_account_manager(requested_by)
        if problem := legacy_email_reason(self.data.admin_email, legacy_emails):
            raise ValidationFailed([problem])
        current = self._require_invitation()
        if self.status is ActivationStatus.ACTIVATED:
            raise TenantAlreadyActivated("the tenant is already active", details=self._ids())
        if invitation_id == current.invitation_id:
            return []  # the same resend delivered again
        invitation = self._issue(invitation_id, now)
        return [
            InvitationResent(
                **self._ids(),
                company_name=self.data.company_name,
                invitation_id=invitation_id,
                replaces_invitation_id=current.invitation_id,
                valid_until=invitation.valid_until,
                occurred_at=now,
            )
        ]

    def _require_invitation(self) -> Invitation:
        if (invitation := self.current_invitation) is None:
            raise InvitationNotSent("no invitation has been sent", details=self._ids())
        return invitation

    # -- the customer: activation and co-administrator -------------------------------

    def activate(
        self,
        invitation_id: str,
        tenant_id: str,
        terms_accepted: bool,
        now: datetime,
        *,
        legacy_tenant: bool = False,
        tenant_in_use: bool = False,
        legacy_emails: Collection[str] = (),
    ) -> list[DomainEvent]:
        """The admin activated the tenant through a valid invitation and accepted the terms.

        Refused for a tenant of the older product (`legacy_tenant`, never reused), a tenant
        another customer or request already holds (`tenant_in_use`), or an admin address
        tied to a legacy tenant (§1.5) — all from onboarding's records."""
        if self.status is ActivationStatus.ACTIVATED:
            raise TenantAlreadyActivated("the tenant is already active", details=self._ids())
        invitation = self._require_invitation()
        if invitation_id != invitation.invitation_id:
            if any(i.invitation_id == invitation_id for i in self.invitations):
                raise InvitationSuperseded("a newer invitation was sent", details=self._ids())
            raise ValidationFailed([Reason("unknown_invitation", "no such invitation")])
        if not invitation.is_valid_at(now):
            raise InvitationNoLongerValid(
                "the invitation has expired; ask the CAM/DAM for a resend",
                details={**self._ids(), "valid_until": invitation.valid_until.isoformat()},
            )
        reasons = [] if terms_accepted else [Reason("terms_not_accepted", "accept the terms")]
        if not tenant_id.strip():
            reasons.append(Reason("missing", "tenant_id is required", "tenant_id"))
        if legacy_tenant:
            reasons.append(
                Reason(
                    LEGACY_TENANT_REASON,
                    f"tenant {tenant_id} was used with the older product and cannot be reused",
                    "tenant_id",
                )
            )
        if tenant_in_use:
            reasons.append(
                Reason(
                    "tenant_in_use", f"tenant {tenant_id} belongs to another customer", "tenant_id"
                )
            )
        if problem := legacy_email_reason(self.data.admin_email, legacy_emails):
            reasons.append(problem)
        if reasons:
            raise ValidationFailed(reasons)
        self.status, self.activated_at, self.tenant_id = ActivationStatus.ACTIVATED, now, tenant_id
        return [
            TenantActivated(
                **self._ids(),
                tenant_id=tenant_id,
                customer_id=self.customer_id,
                company_name=self.data.company_name,
                occurred_at=now,
            )
        ]

    def add_partner_as_co_administrator(self, now: datetime) -> list[DomainEvent]:
        """The customer made the partner co-administrator, only after activation."""
        if self.tenant_id is None:
            raise TenantNotYetActivated("the tenant is not active yet", details=self._ids())
        if self.co_administrator_added_at is not None:
            raise CoAdministratorAlreadyAdded("already co-administrator", details=self._ids())
        self.co_administrator_added_at = now
        return [CoAdministratorAdded(**self._ids(), tenant_id=self.tenant_id, occurred_at=now)]
