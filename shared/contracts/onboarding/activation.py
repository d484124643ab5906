"""Tenant activation requests with expiring invitations (§1.5), and the addresses tied to
tenants of the older product.

Facts: `onboarding.activation.*`, `onboarding.tenant.co_admin_added`,
`onboarding.legacy_email.recorded`. The activation request's id is the `subject` of
`onboarding.activation.requested`. Refusals: `onboarding.activation.action_refused`
(incomplete data, legacy address, …), `onboarding.legacy_email.action_refused`.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from shared.contracts.common import NonEmpty, PartnerCommand
from shared.contracts.onboarding._base import (
    OnboardingEvent,
    PartnerScopedCommand,
    RefusalToPartner,
)
from shared.events import Payload
from shared.identifiers import Identifier

SPAM_NOTICE = (
    "Invitation e-mails often land in spam or e-mail filters: please ask the customer's "
    "administrator to check there if the invitation does not arrive."
)
"""Told to the partner with every (re)sent invitation."""


# -- commands ------------------------------------------------------------------------------


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


class SubmitActivationRequest(PartnerScopedCommand):
    """§1.5: ask for a tenant for an end customer; routed to the CAM or DAM.

    The request's id is `subject` of `onboarding.activation.requested`.
    """

    EVENT_TYPE: ClassVar[str] = "onboarding.activation.submit"

    end_customer: EndCustomerIn = Field(description="Complete end-customer data")
    customer_id: Identifier | None = Field(
        default=None, description="The customer ID from its orders, to tie licences to the tenant"
    )


class _ActivationCommand(PartnerCommand):
    activation_request_id: Identifier = Field(description="The activation request")


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

    invitation_id: Identifier | None = Field(
        default=None, description="The invitation's id; derived from request_id when absent"
    )


class ResendInvitation(_ActivationCommand):
    """A new invitation (72 fresh hours), requested through the CAM/DAM."""

    EVENT_TYPE: ClassVar[str] = "onboarding.activation.resend_invitation"

    invitation_id: Identifier | None = Field(
        default=None, description="The new invitation's id; derived from request_id if absent"
    )
    requested_by: str | None = Field(
        default=None,
        description="The CAM/DAM who asked, when cloud operations sends it (else the actor)",
    )


class ActivateTenant(_ActivationCommand):
    """The customer's admin activated the tenant through the invitation and accepted terms."""

    EVENT_TYPE: ClassVar[str] = "onboarding.activation.activate_tenant"

    invitation_id: Identifier = Field(description="The invitation used")
    tenant_id: Identifier = Field(description="The new tenant's id")
    terms_accepted: bool = Field(description="The vendor's terms were accepted")


class AddPartnerAsCoAdministrator(_ActivationCommand):
    """The customer made the partner co-administrator of the activated tenant."""

    EVENT_TYPE: ClassVar[str] = "onboarding.activation.add_co_administrator"


class RecordLegacyEmail(PartnerCommand):
    """Operators: an address tied to a tenant of the older product; never usable again."""

    EVENT_TYPE: ClassVar[str] = "onboarding.legacy_email.record"

    email: NonEmpty = Field(description="The e-mail address (compared case-insensitively)")
    legacy_tenant_id: Identifier = Field(description="The older product's tenant it is tied to")


# -- events --------------------------------------------------------------------------------


class _ActivationEventV1(OnboardingEvent):
    request_id: str = Field(description="The activation request")
    partner_id: str = Field(description="The partner that asked for the tenant")
    distributor_partner_id: str | None = Field(description="Its distributor (tier-2)")


class TenantActivatedV1(_ActivationEventV1):
    """The customer's admin activated the tenant and accepted the vendor's terms."""

    EVENT_TYPE: ClassVar[str] = "onboarding.activation.activated"

    tenant_id: str = Field(description="The new tenant")
    customer_id: str | None = Field(description="The customer ID, when the partner gave it")
    company_name: str = Field(description="The customer company")


class CoAdministratorAddedV1(_ActivationEventV1):
    """The partner is co-administrator of the customer's tenant."""

    EVENT_TYPE: ClassVar[str] = "onboarding.tenant.co_admin_added"

    tenant_id: str = Field(description="The tenant")


class _ActivationEvent(Payload):
    request_id: str
    partner_id: str
    distributor_partner_id: str | None
    occurred_at: datetime


class ActivationRequested(_ActivationEvent):
    """Submitted (or resubmitted) and routed to the CAM/DAM for the completeness check."""

    EVENT_TYPE: ClassVar[str] = "onboarding.activation.requested"

    company_name: str
    account_manager_id: str
    account_manager_role: str
    account_manager_email: str
    resubmitted: bool


class ActivationRequestForwarded(_ActivationEvent):
    """The CAM/DAM approved it; cloud operations received it."""

    EVENT_TYPE: ClassVar[str] = "onboarding.activation.forwarded"

    invitation_due_at: datetime


class ActivationRequestReturned(_ActivationEvent):
    """ActivationRequestReturned(*, request_id: 'str', partner_id: 'str', distributor_partner_id: 'str | None', occurred_at: 'datetime', reason_codes: 'tuple[str, ...]', reason_messages: 'tuple[str, ...]')"""  # noqa: E501

    EVENT_TYPE: ClassVar[str] = "onboarding.activation.returned"

    reason_codes: list[str]
    reason_messages: list[str]


class InvitationSent(_ActivationEvent):
    """InvitationSent(*, request_id: 'str', partner_id: 'str', distributor_partner_id: 'str | None', occurred_at: 'datetime', company_name: 'str', invitation_id: 'str', valid_until: 'datetime', late: 'bool', spam_notice: 'bool' = True, spam_notice_text: 'str' = "Invitation e-mails often land in spam or e-mail filters: please ask the customer's administrator to check there if the invitation does not arrive.")"""  # noqa: E501

    EVENT_TYPE: ClassVar[str] = "onboarding.activation.invitation_sent"

    company_name: str
    invitation_id: str
    valid_until: datetime
    late: bool
    spam_notice: bool = True
    spam_notice_text: str = SPAM_NOTICE


class InvitationOverdue(_ActivationEvent):
    """InvitationOverdue(*, request_id: 'str', partner_id: 'str', distributor_partner_id: 'str | None', occurred_at: 'datetime', invitation_due_at: 'datetime')"""  # noqa: E501

    EVENT_TYPE: ClassVar[str] = "onboarding.activation.invitation_overdue"

    invitation_due_at: datetime


class InvitationExpired(_ActivationEvent):
    """InvitationExpired(*, request_id: 'str', partner_id: 'str', distributor_partner_id: 'str | None', occurred_at: 'datetime', invitation_id: 'str')"""  # noqa: E501

    EVENT_TYPE: ClassVar[str] = "onboarding.activation.invitation_expired"

    invitation_id: str


class InvitationResent(_ActivationEvent):
    """InvitationResent(*, request_id: 'str', partner_id: 'str', distributor_partner_id: 'str | None', occurred_at: 'datetime', company_name: 'str', invitation_id: 'str', replaces_invitation_id: 'str', valid_until: 'datetime', spam_notice: 'bool' = True, spam_notice_text: 'str' = "Invitation e-mails often land in spam or e-mail filters: please ask the customer's administrator to check there if the invitation does not arrive.")"""  # noqa: E501

    EVENT_TYPE: ClassVar[str] = "onboarding.activation.invitation_resent"

    company_name: str
    invitation_id: str
    replaces_invitation_id: str
    valid_until: datetime
    spam_notice: bool = True
    spam_notice_text: str = SPAM_NOTICE


class LegacyEmailRecordedV1(Payload):
    """An address tied to an older product's tenant: activation requests with it are refused."""

    model_config = ConfigDict(extra="ignore", frozen=True)
    EVENT_TYPE: ClassVar[str] = "onboarding.legacy_email.recorded"

    email: str = Field(description="The address, normalised (trimmed, lower case)")
    legacy_tenant_id: str = Field(description="The older product's tenant")
    occurred_at: AwareDatetime = Field(description="When it was recorded")


class ActivationActionRefusedV1(RefusalToPartner):
    """An activation request command was refused (incomplete data, legacy address, …)."""

    EVENT_TYPE: ClassVar[str] = "onboarding.activation.action_refused"

    activation_request_id: str = Field(description="The activation request")


class LegacyEmailActionRefusedV1(RefusalToPartner):
    """Recording a legacy address was refused."""

    EVENT_TYPE: ClassVar[str] = "onboarding.legacy_email.action_refused"


COMMANDS: list[type[PartnerCommand]] = [
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
"""The commands of this concept."""


EVENTS: list[type[Payload]] = [
    ActivationRequested,
    ActivationRequestForwarded,
    ActivationRequestReturned,
    InvitationSent,
    InvitationOverdue,
    InvitationExpired,
    InvitationResent,
    TenantActivatedV1,
    CoAdministratorAddedV1,
    LegacyEmailRecordedV1,
    ActivationActionRefusedV1,
    LegacyEmailActionRefusedV1,
]
"""The facts of this concept published on `onboarding.events`."""
