"""Contexts of the mails about onboarding's events (domain.md §1), with invented samples.

Each model carries the facts of one onboarding event plus what notifications knows from
its own read models (company names); field names follow the events' schemas.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from pydantic import AwareDatetime, Field

from services.notifications.mail.contexts.base import MailContext


class PartnerRegistered(MailContext):
    """onboarding.partner.registered: welcome to the platform."""

    partner_id: str
    company_name: str
    kind: Literal["distributor", "reseller", "tier1"]


class CustomerRecorded(MailContext):
    """onboarding.customer.recorded: an order made this company the partner's customer."""

    customer_id: str
    company_name: str
    country: str
    tenant_id: str | None = None
    subscription_numbers: list[str] = Field(default_factory=list)
    main_contact_name: str | None = None
    main_contact_email: str | None = None


class ResellerStep(MailContext):
    """A step of the reseller authorisation programme (§1.2) reached."""

    partner_id: str
    company_name: str
    distributor_name: str | None = None


class CertificationResult(ResellerStep):
    """onboarding.reseller.certification_test_taken."""

    score: int
    questions: int
    pass_mark: int
    passed: bool
    attempt: int


class EstoreLinked(ResellerStep):
    """onboarding.reseller.estore_linked: e-store and terms linked by the vendor."""

    estore_link: str
    terms_url: str


class OrderConfirmation(MailContext):
    """onboarding.provider_onboarding.confirmation_sent (§1.3 step 1)."""

    partner_id: str
    company_name: str
    order_reference: str
    late: bool = False


class CoordinatorAssigned(MailContext):
    """onboarding.provider_onboarding.coordinator_assigned (§1.3 step 2)."""

    company_name: str
    coordinator_name: str
    coordinator_email: str | None = None


class AccountCreated(MailContext):
    """onboarding.provider_onboarding.account_created (§1.3 step 2)."""

    company_name: str
    system: Literal["self_service_portal", "reporting", "call_recording"]
    account_reference: str
    accounts_outstanding: list[str] = Field(default_factory=list)


class KickoffCallArranged(MailContext):
    """onboarding.provider_onboarding.kickoff_call_arranged (§1.3 step 3)."""

    company_name: str
    scheduled_for: AwareDatetime
    trainer_name: str


class PlatformAccessLive(MailContext):
    """onboarding.provider_onboarding.platform_access_went_live (§1.3 step 5)."""

    company_name: str


class ActivationRequest(MailContext):
    """A tenant activation request (§1.5) and where it stands."""

    request_id: str
    company_name: str


class ActivationRequested(ActivationRequest):
    """onboarding.activation.requested: routed to the CAM or DAM."""

    account_manager_role: Literal["cam", "dam"]
    resubmitted: bool = False


class ActivationReturned(ActivationRequest):
    """onboarding.activation.returned: the CAM/DAM found data missing."""

    reasons: list[str]


class ActivationForwarded(ActivationRequest):
    """onboarding.activation.forwarded: with cloud operations, invitation due."""

    invitation_due_at: AwareDatetime


class InvitationSent(ActivationRequest):
    """onboarding.activation.invitation_sent / invitation_resent (partner's copy)."""

    valid_until: AwareDatetime
    resent: bool = False
    late: bool = False


class InvitationExpiring(ActivationRequest):
    """Notifications' own reminder a day before the invitation expires."""

    valid_until: AwareDatetime


class CustomerAdminInvitation(MailContext):
    """To the end customer's admin: the tenant invitation is on its way (§1.5)."""

    company_name: str
    valid_until: AwareDatetime


class Tenant(MailContext):
    """A customer tenant event (activation, co-administration, opt-in...)."""

    tenant_id: str
    company_name: str


class HelpdeskSwitched(Tenant):
    """onboarding.customer_tenant.partner_helpdesk_switched (§1.6 report issue)."""

    enabled: bool


class PartnerAdministrationEnabled(MailContext):
    """onboarding.reseller_tenant.partner_administration_enabled (§1.6)."""

    tenant_id: str
    partner_admin_id: str


class NumbersAdded(MailContext):
    """onboarding.inventory.new_numbers_added (§1.4)."""

    numbers: list[str]


class PortNumbersWithdrawn(MailContext):
    """onboarding.inventory.port_numbers_withdrawn: a cancelled port takes numbers back."""

    port_id: str
    numbers: list[str]
    groups: list[str]


class GroupReady(MailContext):
    """onboarding.group.ready_for_users (§1.4)."""

    group_id: str
    group_name: str | None = None


class Provisioning(MailContext):
    """onboarding.provisioning.completed / failed (§1.4 integrations)."""

    kind: Literal["reporting_partition", "call_recording_customer"]
    group_id: str
    external_id: str | None = None
    reason: str | None = None
    attempt: int = 1


_T = datetime(2026, 6, 3, 13, 30, tzinfo=UTC)

SAMPLES: dict[str, MailContext] = {
    "partner_registered": PartnerRegistered(
        partner_id="P-100200", company_name="Northwind Voice GmbH", kind="reseller"
    ),
    "customer_recorded": CustomerRecorded(
        customer_id="C-300400",
        company_name="Example Bakery Ltd",
        country="GB",
        tenant_id="T-500600",
        subscription_numbers=["SUB-0001", "SUB-0002"],
        main_contact_name="Jo Example",
        main_contact_email="jo@bakery.example.org",
    ),
    "reseller_registered": ResellerStep(
        partner_id="P-100200",
        company_name="Northwind Voice GmbH",
        distributor_name="Contoso Distribution",
    ),
    "reseller_training_completed": ResellerStep(
        partner_id="P-100200", company_name="Northwind Voice GmbH"
    ),
    "reseller_certification_result": CertificationResult(
        partner_id="P-100200",
        company_name="Northwind Voice GmbH",
        score=11,
        questions=15,
        pass_mark=12,
        passed=False,
        attempt=1,
    ),
    "reseller_authorised": ResellerStep(
        partner_id="P-100200",
        company_name="Northwind Voice GmbH",
        distributor_name="Contoso Distribution",
    ),
    "reseller_estore_linked": EstoreLinked(
        partner_id="P-100200",
        company_name="Northwind Voice GmbH",
        estore_link="https://shop.northwind.example.com",
        terms_url="https://northwind.example.com/terms",
    ),
    "reseller_ready_to_sell": ResellerStep(
        partner_id="P-100200", company_name="Northwind Voice GmbH"
    ),
    "provider_order_confirmation": OrderConfirmation(
        partner_id="P-100200", company_name="Northwind Voice GmbH", order_reference="ORD-7788"
    ),
    "provider_coordinator_assigned": CoordinatorAssigned(
        company_name="Northwind Voice GmbH",
        coordinator_name="Sam Example",
        coordinator_email="sam.example@vendor.example.net",
    ),
    "provider_account_created": AccountCreated(
        company_name="Northwind Voice GmbH",
        system="reporting",
        account_reference="RPT-4411",
        accounts_outstanding=["call_recording"],
    ),
    "provider_kickoff_call_arranged": KickoffCallArranged(
        company_name="Northwind Voice GmbH", scheduled_for=_T, trainer_name="Alex Example"
    ),
    "provider_platform_access_live": PlatformAccessLive(company_name="Northwind Voice GmbH"),
    "activation_requested": ActivationRequested(
        request_id="AR-0001", company_name="Example Bakery Ltd", account_manager_role="dam"
    ),
    "activation_returned": ActivationReturned(
        request_id="AR-0001",
        company_name="Example Bakery Ltd",
        reasons=["The registered address of the end customer is missing."],
    ),
    "activation_forwarded": ActivationForwarded(
        request_id="AR-0001", company_name="Example Bakery Ltd", invitation_due_at=_T
    ),
    "invitation_sent": InvitationSent(
        request_id="AR-0001", company_name="Example Bakery Ltd", valid_until=_T
    ),
    "invitation_expiring": InvitationExpiring(
        request_id="AR-0001", company_name="Example Bakery Ltd", valid_until=_T
    ),
    "invitation_expired": ActivationRequest(
        request_id="AR-0001", company_name="Example Bakery Ltd"
    ),
    "customer_admin_invitation": CustomerAdminInvitation(
        company_name="Example Bakery Ltd", valid_until=_T, recipient_name="Jo Example"
    ),
    "tenant_activated": Tenant(tenant_id="T-500600", company_name="Example Bakery Ltd"),
    "co_admin_added": Tenant(tenant_id="T-500600", company_name="Example Bakery Ltd"),
    "partner_administration_enabled": PartnerAdministrationEnabled(
        tenant_id="T-100201", partner_admin_id="PA-0042"
    ),
    "customer_opted_in": Tenant(tenant_id="T-500600", company_name="Example Bakery Ltd"),
    "customer_opted_out": Tenant(tenant_id="T-500600", company_name="Example Bakery Ltd"),
    "helpdesk_switched": HelpdeskSwitched(
        tenant_id="T-500600", company_name="Example Bakery Ltd", enabled=True
    ),
    "inventory_numbers_added": NumbersAdded(numbers=["+442079460000", "+442079460001"]),
    "port_numbers_withdrawn": PortNumbersWithdrawn(
        port_id="PORT-0009", numbers=["+442079460002"], groups=["bakery-main"]
    ),
    "group_ready_for_users": GroupReady(group_id="bakery-main", group_name="Example Bakery"),
    "provisioning_completed": Provisioning(
        kind="reporting_partition", group_id="bakery-main", external_id="RP-9911"
    ),
    "provisioning_failed": Provisioning(
        kind="call_recording_customer",
        group_id="bakery-main",
        reason="The billing code is already in use.",
        attempt=2,
    ),
}
