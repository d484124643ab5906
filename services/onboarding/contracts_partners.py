"""Partner-side contracts of onboarding: commands in (`onboarding.commands`), events out.

Commands (imperative, `onboarding.<entity>.<verb>`) are our own input: unknown fields are
refused. Each names its `actor` (who sends it, for which partner, with which roles; see
`application/partners_access.py` for the roles) and a `request_id` chosen by the sender:
the same command sent again, under any envelope id, has no further effect. Use the
aggregate id (partner ID, customer ID, activation request id) as CloudEvents `subject` and
Kafka key.

Every outcome is an event on `onboarding.events` (past tense), keyed by its aggregate id
(`subject`) and carrying every partner ID it concerns in its `*partner_id` fields, so
notifications can e-mail the partners:
- facts from the domain (`onboarding.partner.*`, `.reseller.*`, `.provider_onboarding.*`,
  `.customer.*`, `.relationship.*`, `.licences.*`, `.activation.*`, `.tenant.*`); those
  other services read have explicit models (`...V1`, in `contracts_partners_events`), the
  rest are derived from the domain events (see `PUBLISHED_PARTNERS`, re-exported here);
- refusals `onboarding.<entity>.action_refused`: nothing changed; `code` is the category
  (`forbidden`, `validation_failed`, `illegal_transition`, `duplicate`), `reasons[].code`
  the rule (e.g. `certification_before_training`, `email_tied_to_legacy_tenant`);
- a command that cannot be read, or names a partner, customer or request that does not
  exist, is dead-lettered and answered by `onboarding.command.rejected`.
Readers must ignore fields added later (these models do).
"""

from __future__ import annotations

from typing import Annotated, ClassVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from services.onboarding.contracts_partners_events import (  # noqa: F401 - re-exported
    PARTNER_CONTRACTS,
    PUBLISHED_PARTNERS,
    ActivationActionRefusedV1,
    CoAdministratorAddedV1,
    CustomerActionRefusedV1,
    CustomerRecordedV1,
    CustomerSubscriptionsChangedV1,
    LegacyEmailActionRefusedV1,
    LegacyEmailRecordedV1,
    LicenceBalanceOut,
    LicencesUpdatedV1,
    PartnerActionRefusedV1,
    PartnerRegisteredV1,
    ReasonOut,
    RelationshipChangedV1,
    RelationshipRecordedV1,
    TenantActivatedV1,
    TenantAssignedV1,
)
from services.onboarding.domain.authorisation import Agreement, Webinar
from services.onboarding.domain.partners import Language, PartnerKind
from services.onboarding.domain.provider_onboarding import PartnerSystem
from shared.actor import Actor
from shared.events import Command

NonEmpty = Annotated[str, Field(min_length=1)]
PartnerId = Annotated[str, Field(min_length=1, description="Vendor-wide partner ID")]


# -- commands ---------------------------------------------------------------------------


class _Command(Command):
    model_config = ConfigDict(extra="forbid", frozen=True)
    EVENT_TYPE: ClassVar[str]

    request_id: NonEmpty = Field(
        description="Idempotency key chosen by the sender: a repeat has no further effect"
    )
    actor: Actor = Field(description="Who sends the command, for whom, with which roles")


class _PartnerCommand(_Command):
    partner_id: PartnerId = Field(description="The partner the command is about")


class ContactIn(BaseModel):
    """A person at the partner whom notifications may e-mail."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(description="Full name")
    email: str = Field(description="E-mail address")
    role: str = Field(description="e.g. commercial, technical, billing")


class AccountManagerIn(BaseModel):
    """The vendor's CAM (tier-1 partners) or DAM (distributors) looking after a partner."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    account_manager_id: NonEmpty = Field(description="Platform user id of the account manager")
    name: NonEmpty = Field(description="Full name")
    email: NonEmpty = Field(description="E-mail address")
    role: str = Field(pattern=r"^(cam|dam)$", description="cam (tier-1) or dam (distributor)")


class RegisterPartner(_PartnerCommand):
    """Register a distributor, reseller (tier-2) or tier-1 partner (vendor operations)."""

    EVENT_TYPE: ClassVar[str] = "onboarding.partner.register"

    kind: PartnerKind = Field(description="distributor, reseller (tier-2) or tier1")
    name: NonEmpty = Field(description="Company name")
    country: str = Field(description="ISO 3166-1 alpha-2 country, e.g. DE")
    language: Language = Field(description="Language the partner is written to in")
    contacts: list[ContactIn] = Field(default_factory=list, description="Contacts to e-mail")
    helpdesk_email: str | None = Field(default=None, description="The partner's helpdesk")
    preferred_distributor_id: str | None = Field(
        default=None, description="A reseller's distributor (required for resellers)"
    )
    account_manager: AccountManagerIn | None = Field(
        default=None, description="Its CAM (tier-1) or DAM (distributor); none for resellers"
    )


class ChangePartnerContacts(_PartnerCommand):
    """Replace the contacts and the helpdesk address notifications use."""

    EVENT_TYPE: ClassVar[str] = "onboarding.partner.change_contacts"

    contacts: list[ContactIn] = Field(description="The full new list of contacts")
    helpdesk_email: str | None = Field(default=None, description="The partner's helpdesk")


class RegisterAsCloudReseller(_PartnerCommand):
    """§1.2 step 1: register for the cloud reseller programme, once per company."""

    EVENT_TYPE: ClassVar[str] = "onboarding.reseller.register"

    preferred_distributor_id: PartnerId = Field(description="The distributor it buys through")
    terms_accepted: bool = Field(description="The programme's terms were accepted")


class CompleteWebinar(_PartnerCommand):
    """§1.2 step 2: one of the four webinars was completed."""

    EVENT_TYPE: ClassVar[str] = "onboarding.reseller.complete_webinar"

    webinar: Webinar = Field(description="Which webinar")


class TakeCertificationTest(_PartnerCommand):
    """§1.2 step 3: a certification test score (15 questions), after the training."""

    EVENT_TYPE: ClassVar[str] = "onboarding.reseller.take_certification_test"

    score: int = Field(ge=0, description="Questions answered correctly")


class SignAgreement(_PartnerCommand):
    """§1.2 step 4: the wholesale agreement or the cloud addendum was signed."""

    EVENT_TYPE: ClassVar[str] = "onboarding.reseller.sign_agreement"

    agreement: Agreement = Field(description="wholesale or cloud_addendum")


class PassTermsUrl(_PartnerCommand):
    """§1.2 step 5: the URL of the reseller's published terms of service."""

    EVENT_TYPE: ClassVar[str] = "onboarding.reseller.pass_terms_url"

    terms_url: str = Field(description="http(s) URL of the terms of service")


class ActivateEStore(_PartnerCommand):
    """§1.2 step 6: the syndicated e-store is active with the chosen products."""

    EVENT_TYPE: ClassVar[str] = "onboarding.reseller.activate_estore"

    products: list[str] = Field(description="Products the e-store shows")
    estore_link: str = Field(description="http(s) link of the e-store")


class ReceiveOnboardingOrder(_PartnerCommand):
    """§1.3 step 1: the signed onboarding order arrived; confirmation due within 48 hours."""

    EVENT_TYPE: ClassVar[str] = "onboarding.provider_onboarding.receive_order"

    order_reference: str = Field(description="Reference of the signed onboarding order")
    systems: list[PartnerSystem] = Field(
        default_factory=lambda: list(PartnerSystem),
        description="Systems to create the partner's accounts in (portal always needed)",
    )


class SendOnboardingOrderConfirmation(_PartnerCommand):
    """§1.3 step 1: the order confirmation went out."""

    EVENT_TYPE: ClassVar[str] = "onboarding.provider_onboarding.send_confirmation"


class AssignProvisioningCoordinator(_PartnerCommand):
    """§1.3 step 2: assign (or replace) the provisioning coordinator."""

    EVENT_TYPE: ClassVar[str] = "onboarding.provider_onboarding.assign_coordinator"

    coordinator_id: NonEmpty = Field(description="Platform user id of the coordinator")


class RecordPartnerAccountCreated(_PartnerCommand):
    """§1.3 step 2: the coordinator created the partner's account in one system."""

    EVENT_TYPE: ClassVar[str] = "onboarding.provider_onboarding.record_account"

    system: PartnerSystem = Field(description="The system the account is in")
    account_reference: NonEmpty = Field(description="The account's id in that system")


class ArrangeKickOffCall(_PartnerCommand):
    """§1.3 step 3: kick-off call arranged, trainer introduced."""

    EVENT_TYPE: ClassVar[str] = "onboarding.provider_onboarding.arrange_kickoff_call"

    scheduled_for: AwareDatetime = Field(description="When the call takes place")
    trainer_name: str = Field(description="The trainer introduced")


class CompleteProviderTraining(_PartnerCommand):
    """§1.3 step 4: the training on the platforms was given."""

    EVENT_TYPE: ClassVar[str] = "onboarding.provider_onboarding.complete_training"


class MakePlatformAccessLive(_PartnerCommand):
    """§1.3 step 5: platform access goes live (only after every step before it)."""

    EVENT_TYPE: ClassVar[str] = "onboarding.provider_onboarding.make_platform_access_live"


class _LicenceCommand(_Command):
    customer_id: NonEmpty = Field(description="The customer whose licences are meant")
    package: NonEmpty = Field(description="Product package, e.g. Enterprise")
    count: int = Field(ge=1, description="How many licences")


class UseLicences(_LicenceCommand):
    """Take licences of a package into use (never more than are available)."""

    EVENT_TYPE: ClassVar[str] = "onboarding.licences.use"


class ReleaseLicences(_LicenceCommand):
    """Give back licences of a package that were in use."""

    EVENT_TYPE: ClassVar[str] = "onboarding.licences.release"


class EndCustomerIn(BaseModel):
    """Complete end-customer data (also for the export-control check); all required."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    company_name: str = Field(default="", description="Legal name of the customer company")
    street: str = Field(default="", description="Street and house number")
    postal_code: str = Field(default="", description="Postcode")
    city: str = Field(default="", description="Town or city")
    country: str = Field(default="", description="ISO 3166-1 alpha-2 country")
    admin_first_name: str = Field(default="", description="First tenant admin: first name")
    admin_last_name: str = Field(default="", description="First tenant admin: last name")
    admin_email: str = Field(default="", description="First tenant admin: e-mail (invited)")
    business_activity: str = Field(default="", description="Export control: what it does")
    end_use: str = Field(default="", description="Export control: what the service is for")


class SubmitActivationRequest(_PartnerCommand):
    """§1.5: ask for a tenant for an end customer; routed to the CAM or DAM.

    The request's id is `subject` of `onboarding.activation.requested`.
    """

    EVENT_TYPE: ClassVar[str] = "onboarding.activation.submit"

    end_customer: EndCustomerIn = Field(description="Complete end-customer data")
    customer_id: str | None = Field(
        default=None, description="The customer ID from its orders, to tie licences to the tenant"
    )


class _ActivationCommand(_Command):
    activation_request_id: NonEmpty = Field(description="The activation request")


class ApproveActivationRequest(_ActivationCommand):
    """The CAM/DAM found it complete: forwarded to cloud operations."""

    EVENT_TYPE: ClassVar[str] = "onboarding.activation.approve"


class ReasonIn(BaseModel):
    """Why a request is returned."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: NonEmpty = Field(description="snake_case code, e.g. end_use_unclear")
    message: str = Field(description="Explanation for the partner")
    field: str | None = Field(default=None, description="The end-customer field concerned")


class ReturnActivationRequest(_ActivationCommand):
    """The CAM/DAM found it incomplete: back to the partner with reasons."""

    EVENT_TYPE: ClassVar[str] = "onboarding.activation.return"

    reasons: list[ReasonIn] = Field(min_length=1, description="What is missing or wrong")


class ResubmitActivationRequest(_ActivationCommand):
    """The partner sends a returned request again, corrected."""

    EVENT_TYPE: ClassVar[str] = "onboarding.activation.resubmit"

    end_customer: EndCustomerIn = Field(description="The complete corrected data")


class SendInvitation(_ActivationCommand):
    """Cloud operations invited the customer's admin (valid 72 hours)."""

    EVENT_TYPE: ClassVar[str] = "onboarding.activation.send_invitation"

    invitation_id: str | None = Field(
        default=None, description="The invitation's id; derived from request_id when absent"
    )


class ResendInvitation(_ActivationCommand):
    """A new invitation (72 fresh hours), requested through the CAM/DAM."""

    EVENT_TYPE: ClassVar[str] = "onboarding.activation.resend_invitation"

    invitation_id: str | None = Field(
        default=None, description="The new invitation's id; derived from request_id if absent"
    )
    requested_by: str | None = Field(
        default=None,
        description="The CAM/DAM who asked, when cloud operations sends it (else the actor)",
    )


class ActivateTenant(_ActivationCommand):
    """The customer's admin activated the tenant through the invitation and accepted terms."""

    EVENT_TYPE: ClassVar[str] = "onboarding.activation.activate_tenant"

    invitation_id: NonEmpty = Field(description="The invitation used")
    tenant_id: NonEmpty = Field(description="The new tenant's id")
    terms_accepted: bool = Field(description="The vendor's terms were accepted")


class AddPartnerAsCoAdministrator(_ActivationCommand):
    """The customer made the partner co-administrator of the activated tenant."""

    EVENT_TYPE: ClassVar[str] = "onboarding.activation.add_co_administrator"


class RecordLegacyEmail(_Command):
    """Operators: an address tied to a tenant of the older product; never usable again."""

    EVENT_TYPE: ClassVar[str] = "onboarding.legacy_email.record"

    email: NonEmpty = Field(description="The e-mail address (compared case-insensitively)")
    legacy_tenant_id: NonEmpty = Field(description="The older product's tenant it is tied to")


COMMANDS_PARTNERS: list[type[_Command]] = [
    RegisterPartner,
    ChangePartnerContacts,
    RegisterAsCloudReseller,
    CompleteWebinar,
    TakeCertificationTest,
    SignAgreement,
    PassTermsUrl,
    ActivateEStore,
    ReceiveOnboardingOrder,
    SendOnboardingOrderConfirmation,
    AssignProvisioningCoordinator,
    RecordPartnerAccountCreated,
    ArrangeKickOffCall,
    CompleteProviderTraining,
    MakePlatformAccessLive,
    UseLicences,
    ReleaseLicences,
    SubmitActivationRequest,
    ApproveActivationRequest,
    ReturnActivationRequest,
    ResubmitActivationRequest,
    SendInvitation,
    ResendInvitation,
    ActivateTenant,
    AddPartnerAsCoAdministrator,
    RecordLegacyEmail,
]
"""Every command of this half of onboarding."""
