"""Events of partners, the reseller authorisation programme (§1.2) and onboarding at the
service provider (§1.3): frozen dataclasses named in the past tense."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from services.onboarding.domain.event import DomainEvent

# -- partners -------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class PartnerRegistered(DomainEvent):
    name = "onboarding.partner.registered"
    partner_id: str
    kind: str
    company_name: str
    country: str
    language: str
    distributor_partner_id: str | None
    occurred_at: datetime


@dataclass(frozen=True, kw_only=True)
class PartnerContactsChanged(DomainEvent):
    name = "onboarding.partner.contacts_changed"
    partner_id: str
    contact_emails: tuple[str, ...]
    helpdesk_email: str | None
    occurred_at: datetime


# -- §1.2 reseller authorisation programme --------------------------------------


@dataclass(frozen=True, kw_only=True)
class _ResellerEvent(DomainEvent):
    partner_id: str
    distributor_partner_id: str  # the reseller is told through its distributor
    occurred_at: datetime


@dataclass(frozen=True, kw_only=True)
class ResellerRegistered(_ResellerEvent):
    name = "onboarding.reseller.registered"
    terms_accepted_at: datetime


@dataclass(frozen=True, kw_only=True)
class WebinarCompleted(_ResellerEvent):
    name = "onboarding.reseller.webinar_completed"
    webinar: str
    webinars_outstanding: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class ResellerTrainingCompleted(_ResellerEvent):
    name = "onboarding.reseller.training_completed"


@dataclass(frozen=True, kw_only=True)
class CertificationTestTaken(_ResellerEvent):
    name = "onboarding.reseller.certification_test_taken"
    score: int
    questions: int
    pass_mark: int
    passed: bool
    attempt: int


@dataclass(frozen=True, kw_only=True)
class ResellerAuthorised(_ResellerEvent):
    name = "onboarding.reseller.authorised"


@dataclass(frozen=True, kw_only=True)
class AgreementSigned(_ResellerEvent):
    name = "onboarding.reseller.agreement_signed"
    agreement: str  # "wholesale" or "cloud_addendum"


@dataclass(frozen=True, kw_only=True)
class TermsUrlPassed(_ResellerEvent):
    name = "onboarding.reseller.terms_url_passed"
    terms_url: str


@dataclass(frozen=True, kw_only=True)
class EStoreActivated(_ResellerEvent):
    name = "onboarding.reseller.estore_activated"
    estore_link: str
    products: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class EStoreLinked(_ResellerEvent):
    """The vendor linked e-store and terms: end customers can order through the e-store."""

    name = "onboarding.reseller.estore_linked"
    estore_link: str
    terms_url: str


@dataclass(frozen=True, kw_only=True)
class ResellerReadyToSell(_ResellerEvent):
    name = "onboarding.reseller.ready_to_sell"


# -- §1.3 onboarding at the service provider ------------------------------------


@dataclass(frozen=True, kw_only=True)
class OnboardingOrderReceived(DomainEvent):
    name = "onboarding.provider_onboarding.order_received"
    partner_id: str
    order_reference: str
    confirmation_due_at: datetime
    occurred_at: datetime


@dataclass(frozen=True, kw_only=True)
class OnboardingOrderConfirmed(DomainEvent):
    name = "onboarding.provider_onboarding.confirmation_sent"
    partner_id: str
    order_reference: str
    late: bool  # sent after the 48 hours
    occurred_at: datetime


@dataclass(frozen=True, kw_only=True)
class OnboardingOrderConfirmationOverdue(DomainEvent):
    name = "onboarding.provider_onboarding.confirmation_overdue"
    partner_id: str
    order_reference: str
    confirmation_due_at: datetime
    occurred_at: datetime


@dataclass(frozen=True, kw_only=True)
class ProvisioningCoordinatorAssigned(DomainEvent):
    name = "onboarding.provider_onboarding.coordinator_assigned"
    partner_id: str
    coordinator_id: str
    previous_coordinator_id: str | None
    occurred_at: datetime


@dataclass(frozen=True, kw_only=True)
class PartnerAccountCreated(DomainEvent):
    name = "onboarding.provider_onboarding.account_created"
    partner_id: str
    system: str  # self_service_portal, reporting, call_recording
    account_reference: str
    accounts_outstanding: tuple[str, ...]
    occurred_at: datetime


@dataclass(frozen=True, kw_only=True)
class KickOffCallArranged(DomainEvent):
    name = "onboarding.provider_onboarding.kickoff_call_arranged"
    partner_id: str
    scheduled_for: datetime
    trainer_name: str  # the trainer is introduced with the kick-off
    occurred_at: datetime


@dataclass(frozen=True, kw_only=True)
class ProviderTrainingCompleted(DomainEvent):
    name = "onboarding.provider_onboarding.training_completed"
    partner_id: str
    occurred_at: datetime


@dataclass(frozen=True, kw_only=True)
class PlatformAccessWentLive(DomainEvent):
    """The partner can now create customers and users."""

    name = "onboarding.provider_onboarding.platform_access_went_live"
    partner_id: str
    occurred_at: datetime
