"""Events of partner administration on behalf of the customer admin (§1.6)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from services.onboarding.domain.event import DomainEvent

# -- §1.6 partner administration on behalf of the customer admin ---------------------------


@dataclass(frozen=True)
class PartnerAdministrationRequested(DomainEvent):
    name: ClassVar[str] = "onboarding.reseller_tenant.partner_administration_requested"
    tenant_id: str
    partner_id: str
    domain: str
    requested_by: str
    occurred_at: datetime


@dataclass(frozen=True)
class PartnerAdministrationEnabled(DomainEvent):
    name: ClassVar[str] = "onboarding.reseller_tenant.partner_administration_enabled"
    tenant_id: str
    partner_id: str
    partner_admin_id: str
    enabled_by: str
    occurred_at: datetime


@dataclass(frozen=True)
class PartnerAdministratorGranted(DomainEvent):
    name: ClassVar[str] = "onboarding.reseller_tenant.partner_administrator_granted"
    tenant_id: str
    partner_id: str
    user_id: str
    granted_by: str
    occurred_at: datetime


@dataclass(frozen=True)
class PartnerAdministratorRevoked(DomainEvent):
    name: ClassVar[str] = "onboarding.reseller_tenant.partner_administrator_revoked"
    tenant_id: str
    partner_id: str
    user_id: str
    revoked_by: str
    occurred_at: datetime


@dataclass(frozen=True)
class PartnerAdministrationOptedIn(DomainEvent):
    name: ClassVar[str] = "onboarding.customer_tenant.partner_administration_opted_in"
    tenant_id: str
    reseller_partner_id: str
    label: str  # what the customer admin switched on: "Administration by partner <domain>"
    by_user_id: str
    occurred_at: datetime


@dataclass(frozen=True)
class PartnerAdministrationOptedOut(DomainEvent):
    name: ClassVar[str] = "onboarding.customer_tenant.partner_administration_opted_out"
    tenant_id: str
    reseller_partner_id: str
    by_user_id: str
    occurred_at: datetime


@dataclass(frozen=True)
class DataProcessingAgreementRecorded(DomainEvent):
    name: ClassVar[str] = "onboarding.customer_tenant.data_processing_agreement_recorded"
    tenant_id: str
    reseller_partner_id: str
    signed_at: datetime
    signed_by: str
    recorded_by: str
    occurred_at: datetime


@dataclass(frozen=True)
class PartnerHelpdeskSwitched(DomainEvent):
    """ "Report issue" now goes to the partner's helpdesk (enabled) or to the vendor."""

    name: ClassVar[str] = "onboarding.customer_tenant.partner_helpdesk_switched"
    tenant_id: str
    reseller_partner_id: str
    enabled: bool
    by_user_id: str
    on_behalf: bool
    occurred_at: datetime
