"""Events of tenant activation requests and invitations (§1.5)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from services.onboarding.domain.event import DomainEvent

SPAM_NOTICE = (
    "Invitation e-mails often land in spam or e-mail filters: please ask the customer's "
    "administrator to check there if the invitation does not arrive."
)
"""Told to the partner with every (re)sent invitation."""


# -- §1.5 tenant activation requests ----------------------------------------------


@dataclass(frozen=True, kw_only=True)
class _ActivationEvent(DomainEvent):
    request_id: str
    partner_id: str
    distributor_partner_id: str | None  # set when routed through a distributor
    occurred_at: datetime


@dataclass(frozen=True, kw_only=True)
class ActivationRequested(_ActivationEvent):
    """Submitted (or resubmitted) and routed to the CAM/DAM for the completeness check."""

    name = "onboarding.activation.requested"
    company_name: str
    account_manager_id: str
    account_manager_role: str  # "cam" or "dam"
    account_manager_email: str
    resubmitted: bool


@dataclass(frozen=True, kw_only=True)
class ActivationRequestForwarded(_ActivationEvent):
    """The CAM/DAM approved it; cloud operations received it."""

    name = "onboarding.activation.forwarded"
    invitation_due_at: datetime


@dataclass(frozen=True, kw_only=True)
class ActivationRequestReturned(_ActivationEvent):
    name = "onboarding.activation.returned"
    reason_codes: tuple[str, ...]
    reason_messages: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class InvitationSent(_ActivationEvent):
    name = "onboarding.activation.invitation_sent"
    company_name: str
    invitation_id: str
    valid_until: datetime
    late: bool  # sent after the 48 working-day hours
    spam_notice: bool = True
    spam_notice_text: str = SPAM_NOTICE


@dataclass(frozen=True, kw_only=True)
class InvitationOverdue(_ActivationEvent):
    name = "onboarding.activation.invitation_overdue"
    invitation_due_at: datetime


@dataclass(frozen=True, kw_only=True)
class InvitationExpired(_ActivationEvent):
    name = "onboarding.activation.invitation_expired"
    invitation_id: str


@dataclass(frozen=True, kw_only=True)
class InvitationResent(_ActivationEvent):
    name = "onboarding.activation.invitation_resent"
    company_name: str
    invitation_id: str
    replaces_invitation_id: str
    valid_until: datetime
    spam_notice: bool = True
    spam_notice_text: str = SPAM_NOTICE


@dataclass(frozen=True, kw_only=True)
class TenantActivated(_ActivationEvent):
    """The customer's admin activated the tenant and accepted the vendor's terms."""

    name = "onboarding.activation.activated"
    tenant_id: str
    customer_id: str | None
    company_name: str


@dataclass(frozen=True, kw_only=True)
class CoAdministratorAdded(_ActivationEvent):
    name = "onboarding.tenant.co_admin_added"
    tenant_id: str
