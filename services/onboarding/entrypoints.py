"""Onboarding's entrypoints: every message it consumes and its use case, timers, indexes.

`ROUTES` is the one routing table: (topic, contract model, use case), grouped by concept
in the order of `docs/DEVELOPING.md`'s layout. `wire(ctx)` registers it on the service
context with the timers, the stores whose outboxes are relayed and the indexes (no I/O).
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any

from services.onboarding.adapters.admin_documents import (
    AUDIT,
    CUSTOMER_FACTS,
    CUSTOMER_TENANTS,
    DEVICES,
    PARTNER_HELPDESKS,
    RESELLER_TENANTS,
)
from services.onboarding.adapters.admin_group_documents import (
    CLONE_GROUPS,
    GROUP_ID_CLAIMS,
    GROUPS,
    INVENTORIES,
    PROVISIONING_REQUESTS,
    USER_ID_CLAIMS,
)
from services.onboarding.adapters.partners_documents import (
    ACTIVATION_REQUESTS,
    CUSTOMERS,
    LEGACY_EMAILS,
    PARTNERS,
)
from services.onboarding.application.activation import invitation, requests
from services.onboarding.application.deps import Deps
from services.onboarding.application.devices import devices
from services.onboarding.application.groups import groups, inventory
from services.onboarding.application.on_behalf import (
    directory,
    on_behalf,
    queries,
    tenant_actions,
)
from services.onboarding.application.on_behalf.customer_fact_views import CUSTOMER_FACTS_READ
from services.onboarding.application.orders import orders
from services.onboarding.application.partners import programme, provider, registry
from services.onboarding.application.provisioning import provisioning
from services.onboarding.settings import OnboardingSettings
from shared.contracts import onboarding as c
from shared.contracts import porting
from shared.contracts.orders import ORDER_EVENTS
from shared.events import Envelope, Payload
from shared.mongo import IndexSpec
from shared.runtime import ServiceContext
from shared.topics import (
    ONBOARDING_COMMANDS,
    ONBOARDING_EVENTS,
    ORDERS_EVENTS,
    PORTING_EVENTS,
    Topic,
)

NAME = "onboarding"

UseCase = Callable[[Deps, Envelope, Any], Awaitable[None]]
Route = tuple[Topic, type[Payload], UseCase]

CMD = ONBOARDING_COMMANDS

ROUTES: list[Route] = [
    # -- partners: master data, reseller programme (§1.2), provider onboarding (§1.3) --
    (CMD, c.RegisterPartner, registry.register),
    (CMD, c.ChangePartnerContacts, registry.change_contacts),
    (CMD, c.RecordLegacyEmail, registry.record_legacy_email),
    (CMD, c.RegisterAsCloudReseller, programme.register_as_cloud_reseller),
    (CMD, c.CompleteWebinar, programme.complete_webinar),
    (CMD, c.TakeCertificationTest, programme.take_certification_test),
    (CMD, c.SignAgreement, programme.sign_agreement),
    (CMD, c.PassTermsUrl, programme.pass_terms_url),
    (CMD, c.ActivateEStore, programme.activate_estore),
    (CMD, c.ReceiveOnboardingOrder, provider.receive_order),
    (CMD, c.SendOnboardingOrderConfirmation, provider.send_confirmation),
    (CMD, c.AssignProvisioningCoordinator, provider.assign_coordinator),
    (CMD, c.RecordPartnerAccountCreated, provider.record_account),
    (CMD, c.ArrangeKickOffCall, provider.arrange_kickoff),
    (CMD, c.CompleteProviderTraining, provider.complete_training),
    (CMD, c.MakePlatformAccessLive, provider.make_live),
    # -- orders: customers, relationships and licences (§1.1) --
    *((ORDERS_EVENTS, model, orders.on_order) for model in ORDER_EVENTS.values()),
    (CMD, c.UseLicences, orders.use_licences),
    (CMD, c.ReleaseLicences, orders.release_licences),
    (CMD, c.AssignLicence, orders.assign_licence),
    (CMD, c.UnassignLicence, orders.unassign_licence),
    # -- activation: requests, invitations, tenants (§1.5) --
    (CMD, c.SubmitActivationRequest, requests.submit),
    (CMD, c.ApproveActivationRequest, requests.approve),
    (CMD, c.ReturnActivationRequest, requests.return_to_partner),
    (CMD, c.ResubmitActivationRequest, requests.resubmit),
    (CMD, c.SendInvitation, invitation.send_invitation),
    (CMD, c.ResendInvitation, invitation.resend_invitation),
    (CMD, c.ActivateTenant, invitation.activate_tenant),
    (CMD, c.AddPartnerAsCoAdministrator, invitation.add_co_administrator),
    # -- on behalf: partner administration, audit, tenant list, report issue (§1.6) --
    (CMD, c.RequestPartnerAdministration, on_behalf.request),
    (CMD, c.EnablePartnerAdministration, on_behalf.enable),
    (CMD, c.GrantPartnerAdministrator, on_behalf.grant),
    (CMD, c.RevokePartnerAdministrator, on_behalf.revoke),
    (CMD, c.OptInPartnerAdministration, on_behalf.opt_in),
    (CMD, c.OptOutPartnerAdministration, on_behalf.opt_out),
    (CMD, c.RecordDataProcessingAgreement, on_behalf.record_dpa),
    (CMD, c.ListManageableTenants, queries.list_tenants),
    (CMD, c.ActOnTenant, tenant_actions.act),
    (CMD, c.RouteReportIssue, queries.route),
    *((ONBOARDING_EVENTS, fact, directory.record_customer_fact) for fact in CUSTOMER_FACTS_READ),
    (ONBOARDING_EVENTS, c.PartnerContactsChanged, directory.record_partner_contacts),
    # -- devices (§1.6) --
    (CMD, c.RecordVendorPhoneConfigured, devices.record_configured),
    # -- groups: customer groups, numbers and inventory, CLID, voice portal (§1.4, §5) --
    (CMD, c.RegisterCloneGroup, groups.register_clone_group),
    (CMD, c.CreateCustomerGroup, groups.create),
    (CMD, c.AssignNumbersToGroup, groups.assign_numbers),
    (CMD, c.ReleaseNumbersFromGroup, groups.release_numbers),
    (CMD, c.SetBusinessProfileNumber, groups.set_clid),
    (CMD, c.EnableVoicePortal, groups.enable_voice_portal),
    (CMD, c.AddGroupAdminUser, groups.add_admin_user),
    (CMD, c.RemoveGroupAdminUser, groups.remove_admin_user),
    (CMD, c.AddNumbersToInventory, inventory.add_numbers),
    (PORTING_EVENTS, porting.PortNumbersAccepted, inventory.port_accepted),
    (PORTING_EVENTS, porting.PortNumbersCompleted, inventory.port_completed),
    (PORTING_EVENTS, porting.PortNumbersCancelled, inventory.port_cancelled),
    (ONBOARDING_EVENTS, c.PortNumbersWithdrawn, inventory.numbers_withdrawn),
    # -- provisioning: reporting partition, call recording (§1.4) --
    (CMD, c.ApplyRecordingLicences, provisioning.apply_licences),
    (CMD, c.RequestReportingPartition, provisioning.request_reporting_partition),
    (CMD, c.RequestCallRecordingCustomer, provisioning.request_call_recording_customer),
    (CMD, c.RecordProvisioningOutcome, provisioning.record_outcome),
    (CMD, c.RecordPartitionSynchronised, provisioning.record_synchronised),
    (CMD, c.RetryProvisioning, provisioning.retry),
]
"""Every message onboarding consumes and the use case that handles it."""

STORES = (
    CUSTOMERS,
    LEGACY_EMAILS,
    RESELLER_TENANTS,
    CUSTOMER_TENANTS,
    CUSTOMER_FACTS,
    PARTNER_HELPDESKS,
    DEVICES,
    AUDIT,
    GROUPS,
    INVENTORIES,
    CLONE_GROUPS,
    PROVISIONING_REQUESTS,
)
"""Collections without a timer whose outboxes are relayed (and indexes made)."""

INDEXES = (
    IndexSpec(PARTNERS, [("state.preferred_distributor_id", 1)]),
    IndexSpec(CUSTOMERS, [("state.tenant_id", 1)]),
    IndexSpec(CUSTOMERS, [("state.partner_ids", 1)]),
    IndexSpec(ACTIVATION_REQUESTS, [("state.partner_id", 1)]),
    IndexSpec(ACTIVATION_REQUESTS, [("state.account_manager_id", 1)]),
    IndexSpec(ACTIVATION_REQUESTS, [("state.tenant_id", 1)]),
    IndexSpec(ACTIVATION_REQUESTS, [("state.customer_id", 1)]),
    IndexSpec(LEGACY_EMAILS, [("state.legacy_tenant_id", 1)]),
    IndexSpec(RESELLER_TENANTS, [("state.reseller.partner_id", 1)]),
    IndexSpec(CUSTOMER_TENANTS, [("state.administration.reseller_partner_id", 1)]),
    IndexSpec(GROUPS, [("state.group.partner_id", 1)]),
    IndexSpec(AUDIT, [("state.entry.customer_tenant_id", 1)]),
    IndexSpec(GROUP_ID_CLAIMS, [("owner", 1)]),
    IndexSpec(USER_ID_CLAIMS, [("owner", 1)]),
)


def wire(ctx: ServiceContext) -> None:
    """Register onboarding's handlers, timers, stores and indexes on the context (no I/O)."""
    settings = ctx.settings
    if not isinstance(settings, OnboardingSettings):
        # Only the event catalogue wires with plain settings, to read the subscriptions;
        # it never handles a message, so the demonstration key ring does for it.
        settings = OnboardingSettings(demo_clock=True)
    deps = Deps.over(ctx, settings)
    for topic, model, use_case in ROUTES:
        ctx.dispatcher.on(topic, model)(functools.partial(use_case, deps))
    ctx.on_timer(PARTNERS, functools.partial(provider.on_timer, deps))
    ctx.on_timer(ACTIVATION_REQUESTS, functools.partial(invitation.on_timer, deps))
    for collection in STORES:
        ctx.store(collection)
    for index in INDEXES:
        ctx.index(index)
