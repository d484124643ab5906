"""Onboarding domain events: frozen dataclasses named in the past tense.

Each concrete event sets `name: ClassVar[str]` to its published type,
`onboarding.<entity>.<past_tense>`, and carries the partner IDs it concerns so
notifications can e-mail them.

This module is shared by several authors: append only, each in its own marked section.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import ClassVar

from services.onboarding.domain.licence_balance import LicenceBalance


@dataclass(frozen=True)
class DomainEvent:
    """Base of every onboarding domain event; subclasses set `name`."""

    name: ClassVar[str] = "onboarding.event"


# ==============================================================================
# Partners, reseller programme, provider onboarding, orders and tenant activation
# (§1.1, §1.2, §1.3, §1.5). Owned by partners/authorisation/provider_onboarding/
# orders/activation; other authors append their own sections below this one.
# ==============================================================================


SPAM_NOTICE = (
    "Invitation e-mails often land in spam or e-mail filters: please ask the customer's "
    "administrator to check there if the invitation does not arrive."
)
"""Told to the partner with every (re)sent invitation."""


def concerned_partner_ids(event: DomainEvent) -> tuple[str, ...]:
    """The partner IDs an event concerns (every `*partner_id` field that is set)."""
    values = (getattr(event, f.name) for f in fields(event) if f.name.endswith("partner_id"))
    return tuple(dict.fromkeys(v for v in values if v))


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


# -- §1.1 customers, relationships and licences from orders -----------------------


@dataclass(frozen=True, kw_only=True)
class _CustomerEvent(DomainEvent):
    customer_id: str
    tenant_id: str | None
    distributor_partner_id: str | None
    reseller_partner_id: str | None
    tier1_partner_id: str | None
    occurred_at: datetime
    customer_partner_id: str | None = None  # the customer is itself this partner


@dataclass(frozen=True, kw_only=True)
class CustomerRecorded(_CustomerEvent):
    name = "onboarding.customer.recorded"
    company_name: str
    country: str
    subscription_numbers: tuple[str, ...]  # sorted
    main_contact_name: str | None = None
    main_contact_email: str | None = None


@dataclass(frozen=True, kw_only=True)
class RelationshipRecorded(_CustomerEvent):
    name = "onboarding.relationship.recorded"
    channel: str
    distributor_acts_as_reseller: bool
    order_id: str


@dataclass(frozen=True, kw_only=True)
class RelationshipChanged(_CustomerEvent):
    """A later order names other partners: the customer now belongs to them."""

    name = "onboarding.relationship.changed"
    channel: str
    distributor_acts_as_reseller: bool
    order_id: str
    previous_partner_ids: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class CustomerSubscriptionsChanged(_CustomerEvent):
    name = "onboarding.customer.subscriptions_changed"
    subscription_numbers: tuple[str, ...]  # sorted


@dataclass(frozen=True, kw_only=True)
class LicencesUpdated(_CustomerEvent):
    name = "onboarding.licences.updated"
    cause: str  # "order", "licences_used" or "licences_released"
    order_id: str | None
    balances: tuple[LicenceBalance, ...]


@dataclass(frozen=True, kw_only=True)
class TenantAssigned(_CustomerEvent):
    name = "onboarding.customer.tenant_assigned"


@dataclass(frozen=True, kw_only=True)
class UserLicenceAssigned(_CustomerEvent):
    """A user of the customer's tenant holds one licence of `package`."""

    name = "onboarding.licences.user_assigned"
    user_id: str
    package: str


@dataclass(frozen=True, kw_only=True)
class UserLicenceUnassigned(_CustomerEvent):
    """The user's licence was taken back (it is available again)."""

    name = "onboarding.licences.user_unassigned"
    user_id: str
    package: str


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
