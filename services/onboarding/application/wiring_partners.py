"""Partners, orders, the reseller programme, provider onboarding, activation requests."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any

from services.onboarding.adapters.partners_documents import (
    ACTIVATION_REQUESTS,
    CUSTOMERS,
    LEGACY_EMAILS,
    PARTNERS,
)
from services.onboarding.application.activation import invitation as partners_invitation
from services.onboarding.application.activation import requests as partners_activation
from services.onboarding.application.deps import Deps
from services.onboarding.application.orders import orders as partners_orders
from services.onboarding.application.partners import programme as partners_programme
from services.onboarding.application.partners import provider as partners_provider
from services.onboarding.application.partners import registry as partners_registry
from shared.contracts import onboarding as c
from shared.contracts.onboarding import AssignLicence, UnassignLicence
from shared.contracts.orders import ORDER_EVENTS
from shared.events import Envelope, Payload
from shared.mongo import IndexSpec
from shared.store import Timer
from shared.topics import ONBOARDING_COMMANDS, ORDERS_EVENTS

UseCase = Callable[[Deps, Envelope, Any], Awaitable[None]]

COMMAND_HANDLERS: dict[type[Payload], UseCase] = {
    c.RegisterPartner: partners_registry.register,
    c.ChangePartnerContacts: partners_registry.change_contacts,
    c.RecordLegacyEmail: partners_registry.record_legacy_email,
    c.RegisterAsCloudReseller: partners_programme.register_as_cloud_reseller,
    c.CompleteWebinar: partners_programme.complete_webinar,
    c.TakeCertificationTest: partners_programme.take_certification_test,
    c.SignAgreement: partners_programme.sign_agreement,
    c.PassTermsUrl: partners_programme.pass_terms_url,
    c.ActivateEStore: partners_programme.activate_estore,
    c.ReceiveOnboardingOrder: partners_provider.receive_order,
    c.SendOnboardingOrderConfirmation: partners_provider.send_confirmation,
    c.AssignProvisioningCoordinator: partners_provider.assign_coordinator,
    c.RecordPartnerAccountCreated: partners_provider.record_account,
    c.ArrangeKickOffCall: partners_provider.arrange_kickoff,
    c.CompleteProviderTraining: partners_provider.complete_training,
    c.MakePlatformAccessLive: partners_provider.make_live,
    c.UseLicences: partners_orders.use_licences,
    c.ReleaseLicences: partners_orders.release_licences,
    c.SubmitActivationRequest: partners_activation.submit,
    c.ApproveActivationRequest: partners_activation.approve,
    c.ReturnActivationRequest: partners_activation.return_to_partner,
    c.ResubmitActivationRequest: partners_activation.resubmit,
    c.SendInvitation: partners_invitation.send_invitation,
    c.ResendInvitation: partners_invitation.resend_invitation,
    c.ActivateTenant: partners_invitation.activate_tenant,
    c.AddPartnerAsCoAdministrator: partners_invitation.add_co_administrator,
    AssignLicence: partners_orders.assign_licence,
    UnassignLicence: partners_orders.unassign_licence,
}
"""Every command of the partners, provider onboarding, customers and activation concepts
of `shared.contracts.onboarding`, and its use case."""


def register(deps: Deps) -> None:
    """Register the handlers of this part of onboarding."""
    ctx = deps.ctx
    for model, use_case in COMMAND_HANDLERS.items():
        ctx.dispatcher.on(ONBOARDING_COMMANDS, model)(functools.partial(use_case, deps))
    for model in ORDER_EVENTS.values():
        ctx.dispatcher.on(ORDERS_EVENTS, model)(functools.partial(partners_orders.on_order, deps))

    async def on_partner_timer(partner_id: str, timer: Timer) -> None:
        await partners_provider.on_timer(deps, partner_id, timer)

    async def on_activation_timer(activation_request_id: str, timer: Timer) -> None:
        await partners_invitation.on_timer(deps, activation_request_id, timer)

    ctx.on_timer(PARTNERS, on_partner_timer)
    ctx.on_timer(ACTIVATION_REQUESTS, on_activation_timer)
    ctx.store(CUSTOMERS)
    ctx.store(LEGACY_EMAILS)
    ctx.index(IndexSpec(PARTNERS, [("state.preferred_distributor_id", 1)]))
    ctx.index(IndexSpec(CUSTOMERS, [("state.tenant_id", 1)]))
    ctx.index(IndexSpec(CUSTOMERS, [("state.partner_ids", 1)]))
    ctx.index(IndexSpec(ACTIVATION_REQUESTS, [("state.partner_id", 1)]))
    ctx.index(IndexSpec(ACTIVATION_REQUESTS, [("state.account_manager_id", 1)]))
    ctx.index(IndexSpec(ACTIVATION_REQUESTS, [("state.tenant_id", 1)]))
    ctx.index(IndexSpec(ACTIVATION_REQUESTS, [("state.customer_id", 1)]))
    ctx.index(IndexSpec(LEGACY_EMAILS, [("state.legacy_tenant_id", 1)]))
