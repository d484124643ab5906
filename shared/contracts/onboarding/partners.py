"""Partners and the reseller authorisation programme (§1.1, §1.2).

Commands on `onboarding.commands`: register a partner, change its contacts, and the
reseller's programme steps (register, webinars, certification test, agreements, terms URL,
e-store). Facts on `onboarding.events`: `onboarding.partner.*`, `onboarding.reseller.*`.
A refused partner, programme or provider-onboarding command is told by
`onboarding.partner.action_refused`.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.common import NonEmpty, PartnerCommand
from shared.contracts.onboarding._base import (
    OnboardingEvent,
    PartnerId,
    PartnerScopedCommand,
    RefusalToPartner,
)
from shared.events import Payload
from shared.identifiers import Identifier


class PartnerKind(StrEnum):
    """Where a partner sits in the channel."""

    DISTRIBUTOR = "distributor"
    RESELLER = "reseller"  # a tier-2 partner: buys through a distributor
    TIER1 = "tier1"  # buys directly from the vendor


class Language(StrEnum):
    """Languages partners are written to in."""

    EN = "en"
    DE = "de"
    NL = "nl"


class Webinar(StrEnum):
    """The four webinars of the online training (about 1.5 hours in all)."""

    PRODUCT_OVERVIEW = "product_overview"
    SELLING_CLOUD_SERVICES = "selling_cloud_services"
    ORDERING_AND_ESTORE = "ordering_and_estore"
    ADMINISTRATION_AND_SUPPORT = "administration_and_support"


class Agreement(StrEnum):
    """The two agreements a reseller signs with its distributor (step 4)."""

    WHOLESALE = "wholesale"
    CLOUD_ADDENDUM = "cloud_addendum"


# -- commands ------------------------------------------------------------------------------


class ContactIn(BaseModel):
    """A person at the partner whom notifications may e-mail."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(description="Full name")
    email: str = Field(description="E-mail address")
    role: str = Field(description="e.g. commercial, technical, billing")


class AccountManagerIn(BaseModel):
    """The vendor's CAM (tier-1 partners) or DAM (distributors) looking after a partner."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    account_manager_id: Identifier = Field(description="Platform user id of the account manager")
    name: NonEmpty = Field(description="Full name")
    email: NonEmpty = Field(description="E-mail address")
    role: str = Field(pattern=r"^(cam|dam)$", description="cam (tier-1) or dam (distributor)")


class RegisterPartner(PartnerScopedCommand):
    """Register a distributor, reseller (tier-2) or tier-1 partner (vendor operations)."""

    EVENT_TYPE: ClassVar[str] = "onboarding.partner.register"

    kind: PartnerKind = Field(description="distributor, reseller (tier-2) or tier1")
    name: NonEmpty = Field(description="Company name")
    country: str = Field(description="ISO 3166-1 alpha-2 country, e.g. DE")
    language: Language = Field(description="Language the partner is written to in")
    contacts: list[ContactIn] = Field(default_factory=list, description="Contacts to e-mail")
    helpdesk_email: str | None = Field(default=None, description="The partner's helpdesk")
    preferred_distributor_id: Identifier | None = Field(
        default=None, description="A reseller's distributor (required for resellers)"
    )
    account_manager: AccountManagerIn | None = Field(
        default=None, description="Its CAM (tier-1) or DAM (distributor); none for resellers"
    )


class ChangePartnerContacts(PartnerScopedCommand):
    """Replace the contacts and the helpdesk address notifications use."""

    EVENT_TYPE: ClassVar[str] = "onboarding.partner.change_contacts"

    contacts: list[ContactIn] = Field(description="The full new list of contacts")
    helpdesk_email: str | None = Field(default=None, description="The partner's helpdesk")


class RegisterAsCloudReseller(PartnerScopedCommand):
    """§1.2 step 1: register for the cloud reseller programme, once per company."""

    EVENT_TYPE: ClassVar[str] = "onboarding.reseller.register"

    preferred_distributor_id: PartnerId = Field(description="The distributor it buys through")
    terms_accepted: bool = Field(description="The programme's terms were accepted")


class CompleteWebinar(PartnerScopedCommand):
    """§1.2 step 2: one of the four webinars was completed."""

    EVENT_TYPE: ClassVar[str] = "onboarding.reseller.complete_webinar"

    webinar: Webinar = Field(description="Which webinar")


class TakeCertificationTest(PartnerScopedCommand):
    """§1.2 step 3: a certification test score (15 questions), after the training."""

    EVENT_TYPE: ClassVar[str] = "onboarding.reseller.take_certification_test"

    score: int = Field(ge=0, le=1000, description="Questions answered correctly")


class SignAgreement(PartnerScopedCommand):
    """§1.2 step 4: the wholesale agreement or the cloud addendum was signed."""

    EVENT_TYPE: ClassVar[str] = "onboarding.reseller.sign_agreement"

    agreement: Agreement = Field(description="wholesale or cloud_addendum")


class PassTermsUrl(PartnerScopedCommand):
    """§1.2 step 5: the URL of the reseller's published terms of service."""

    EVENT_TYPE: ClassVar[str] = "onboarding.reseller.pass_terms_url"

    terms_url: str = Field(description="http(s) URL of the terms of service")


class ActivateEStore(PartnerScopedCommand):
    """§1.2 step 6: the syndicated e-store is active with the chosen products."""

    EVENT_TYPE: ClassVar[str] = "onboarding.reseller.activate_estore"

    products: list[str] = Field(description="Products the e-store shows")
    estore_link: str = Field(description="http(s) link of the e-store")


# -- events --------------------------------------------------------------------------------


class PartnerRegisteredV1(OnboardingEvent):
    """A partner was registered."""

    EVENT_TYPE: ClassVar[str] = "onboarding.partner.registered"

    partner_id: str = Field(description="Vendor-wide partner ID")
    kind: str = Field(description="distributor, reseller or tier1")
    company_name: str = Field(description="Company name")
    country: str = Field(description="ISO 3166-1 alpha-2 country")
    language: str = Field(description="Language to write to it in: en, de, nl")
    distributor_partner_id: str | None = Field(description="A reseller's distributor")


class PartnerContactsChanged(Payload):
    """PartnerContactsChanged(*, partner_id: 'str', contact_emails: 'tuple[str, ...]', helpdesk_email: 'str | None', occurred_at: 'datetime')"""  # noqa: E501

    EVENT_TYPE: ClassVar[str] = "onboarding.partner.contacts_changed"

    partner_id: str
    contact_emails: list[str]
    helpdesk_email: str | None
    occurred_at: datetime


class _ResellerEvent(Payload):
    partner_id: str
    distributor_partner_id: str
    occurred_at: datetime


class ResellerRegistered(_ResellerEvent):
    """ResellerRegistered(*, partner_id: 'str', distributor_partner_id: 'str', occurred_at: 'datetime', terms_accepted_at: 'datetime')"""  # noqa: E501

    EVENT_TYPE: ClassVar[str] = "onboarding.reseller.registered"

    terms_accepted_at: datetime


class WebinarCompleted(_ResellerEvent):
    """WebinarCompleted(*, partner_id: 'str', distributor_partner_id: 'str', occurred_at: 'datetime', webinar: 'str', webinars_outstanding: 'tuple[str, ...]')"""  # noqa: E501

    EVENT_TYPE: ClassVar[str] = "onboarding.reseller.webinar_completed"

    webinar: str
    webinars_outstanding: list[str]


class ResellerTrainingCompleted(_ResellerEvent):
    """ResellerTrainingCompleted(*, partner_id: 'str', distributor_partner_id: 'str', occurred_at: 'datetime')"""  # noqa: E501

    EVENT_TYPE: ClassVar[str] = "onboarding.reseller.training_completed"


class CertificationTestTaken(_ResellerEvent):
    """CertificationTestTaken(*, partner_id: 'str', distributor_partner_id: 'str', occurred_at: 'datetime', score: 'int', questions: 'int', pass_mark: 'int', passed: 'bool', attempt: 'int')"""  # noqa: E501

    EVENT_TYPE: ClassVar[str] = "onboarding.reseller.certification_test_taken"

    score: int
    questions: int
    pass_mark: int
    passed: bool
    attempt: int


class ResellerAuthorised(_ResellerEvent):
    """ResellerAuthorised(*, partner_id: 'str', distributor_partner_id: 'str', occurred_at: 'datetime')"""  # noqa: E501

    EVENT_TYPE: ClassVar[str] = "onboarding.reseller.authorised"


class AgreementSigned(_ResellerEvent):
    """AgreementSigned(*, partner_id: 'str', distributor_partner_id: 'str', occurred_at: 'datetime', agreement: 'str')"""  # noqa: E501

    EVENT_TYPE: ClassVar[str] = "onboarding.reseller.agreement_signed"

    agreement: str


class TermsUrlPassed(_ResellerEvent):
    """TermsUrlPassed(*, partner_id: 'str', distributor_partner_id: 'str', occurred_at: 'datetime', terms_url: 'str')"""  # noqa: E501

    EVENT_TYPE: ClassVar[str] = "onboarding.reseller.terms_url_passed"

    terms_url: str


class EStoreActivated(_ResellerEvent):
    """EStoreActivated(*, partner_id: 'str', distributor_partner_id: 'str', occurred_at: 'datetime', estore_link: 'str', products: 'tuple[str, ...]')"""  # noqa: E501

    EVENT_TYPE: ClassVar[str] = "onboarding.reseller.estore_activated"

    estore_link: str
    products: list[str]


class EStoreLinked(_ResellerEvent):
    """The vendor linked e-store and terms: end customers can order through the e-store."""

    EVENT_TYPE: ClassVar[str] = "onboarding.reseller.estore_linked"

    estore_link: str
    terms_url: str


class ResellerReadyToSell(_ResellerEvent):
    """ResellerReadyToSell(*, partner_id: 'str', distributor_partner_id: 'str', occurred_at: 'datetime')"""  # noqa: E501

    EVENT_TYPE: ClassVar[str] = "onboarding.reseller.ready_to_sell"


class PartnerActionRefusedV1(RefusalToPartner):
    """A partner, reseller-programme or provider-onboarding command was refused."""

    EVENT_TYPE: ClassVar[str] = "onboarding.partner.action_refused"


COMMANDS: list[type[PartnerCommand]] = [
    RegisterPartner,
    ChangePartnerContacts,
    RegisterAsCloudReseller,
    CompleteWebinar,
    TakeCertificationTest,
    SignAgreement,
    PassTermsUrl,
    ActivateEStore,
]
"""The commands of this concept."""


EVENTS: list[type[Payload]] = [
    PartnerRegisteredV1,
    PartnerContactsChanged,
    ResellerRegistered,
    WebinarCompleted,
    ResellerTrainingCompleted,
    CertificationTestTaken,
    ResellerAuthorised,
    AgreementSigned,
    TermsUrlPassed,
    EStoreActivated,
    EStoreLinked,
    ResellerReadyToSell,
    PartnerActionRefusedV1,
]
"""The facts of this concept published on `onboarding.events`."""
