"""Wires the support service: which message goes to which use case, timers, indexes."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any

from services.support.adapters.documents import TICKETS
from services.support.adapters.mongo import INDEXES, MongoDirectory, ticket_numbers
from services.support.application import (
    incidents,
    partners,
    queries,
    requests,
    tenants,
    tickets,
    timers,
)
from services.support.application.deps import Support
from services.support.application.payloads import payloads
from services.support.settings import SupportSettings
from shared.contracts import onboarding as on
from shared.contracts import support as c
from shared.events import Envelope, Payload
from shared.runtime import ServiceContext
from shared.topics import ONBOARDING_EVENTS, SUPPORT_COMMANDS, SUPPORT_EVENTS, Topic

NAME = "support"

UseCase = Callable[[Support, Envelope, Any], Awaitable[None]]

ROUTES: list[tuple[Topic, type[Payload], UseCase]] = [
    (SUPPORT_COMMANDS, c.OpenTicket, tickets.open_ticket),
    (SUPPORT_COMMANDS, c.AcknowledgeTicket, tickets.acknowledge),
    (SUPPORT_COMMANDS, c.StartWorkOnTicket, tickets.start_work),
    (SUPPORT_COMMANDS, c.WaitOnPartner, tickets.wait_on_partner),
    (SUPPORT_COMMANDS, c.RecordPartnerResponse, tickets.partner_responded),
    (SUPPORT_COMMANDS, c.GiveStatusUpdate, tickets.give_status_update),
    (SUPPORT_COMMANDS, c.ChangeTicketSeverity, tickets.change_severity),
    (SUPPORT_COMMANDS, c.ResolveTicket, tickets.resolve),
    (SUPPORT_COMMANDS, c.CloseTicket, tickets.close),
    (SUPPORT_COMMANDS, c.ReopenTicket, tickets.reopen),
    (SUPPORT_COMMANDS, c.SetEscalationContact, partners.set_escalation_contact),
    (SUPPORT_COMMANDS, c.LinkTicketToIncident, incidents.link_ticket),
    (SUPPORT_COMMANDS, c.DeclareIncident, incidents.declare),
    (SUPPORT_COMMANDS, c.UpdateIncident, incidents.update),
    (SUPPORT_COMMANDS, c.ResolveIncident, incidents.resolve),
    (SUPPORT_COMMANDS, c.RecordActivationCapacity, requests.record_activation),
    (SUPPORT_COMMANDS, c.RequestCapacityChange, requests.request_change),
    (SUPPORT_COMMANDS, c.CheckCapacity, requests.check),
    (SUPPORT_COMMANDS, c.ConfirmCapacityChange, requests.confirm_change),
    (SUPPORT_COMMANDS, c.RefuseCapacityChange, requests.refuse_change),
    (SUPPORT_COMMANDS, c.RequestCopUpload, requests.request_cop_upload),
    (SUPPORT_COMMANDS, c.ConfirmCopUpload, requests.confirm_cop_upload),
    (SUPPORT_COMMANDS, c.RefuseCopUpload, requests.refuse_cop_upload),
    (SUPPORT_COMMANDS, c.ListTickets, queries.list_tickets),
    (SUPPORT_COMMANDS, c.ListTenants, queries.list_tenants),
    (SUPPORT_COMMANDS, c.RequestResponseReport, queries.response_objective_report),
    (ONBOARDING_EVENTS, on.PartnerRegisteredV1, tenants.partner_registered),
    (ONBOARDING_EVENTS, on.CustomerRecordedV1, tenants.customer_fact),
    (ONBOARDING_EVENTS, on.RelationshipRecordedV1, tenants.customer_fact),
    (ONBOARDING_EVENTS, on.RelationshipChangedV1, tenants.customer_fact),
    (ONBOARDING_EVENTS, on.CustomerSubscriptionsChangedV1, tenants.customer_fact),
    (ONBOARDING_EVENTS, on.TenantAssignedV1, tenants.customer_fact),
    (ONBOARDING_EVENTS, on.LicencesUpdatedV1, tenants.customer_fact),
    (ONBOARDING_EVENTS, on.TenantActivatedV1, tenants.tenant_activated),
]
"""Every message support consumes and the use case that handles it."""


def build(ctx: ServiceContext) -> Support:
    """Support's use-case dependencies over the context's store, outbox and database."""
    settings = ctx.settings if isinstance(ctx.settings, SupportSettings) else SupportSettings()
    return Support(
        uc=ctx.use_cases(SUPPORT_EVENTS.name, payloads),
        policy=settings.policy.policy(),
        numbers=ticket_numbers(ctx.db),
        directory=MongoDirectory(ctx.db),
        default_partner_location=settings.default_partner_location,
    )


def wire(ctx: ServiceContext) -> None:
    """Register support's handlers, ticket timers and indexes on the context (no I/O)."""
    support = build(ctx)
    for topic, model, use_case in ROUTES:
        ctx.dispatcher.on(topic, model)(functools.partial(use_case, support))
    ctx.on_timer(TICKETS, functools.partial(timers.fire, support))
    for spec in INDEXES:
        ctx.index(spec)
