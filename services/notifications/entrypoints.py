"""Wires the notifications service: which messages go to which use case, timers, indexes.

Consumes its commands, onboarding's, porting's and support's partner-facing events (their
published models from `shared.contracts`, `adapters.inbound.CONSUMED`) and its own facts
(the maintenance, outage, change-request and end-of-sale mails are made from what was
stored). Timers: maintenance reminders and
starts, delivery retries and claim recovery, daily digests.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any

from services.notifications.adapters.directory import MongoDirectory
from services.notifications.adapters.inbound import (
    CONSUMED,
    CustomerRecorded,
    PartnerContactsChanged,
    PartnerRegistered,
)
from services.notifications.adapters.repositories import (
    CONTACTS,
    CUSTOMERS,
    DELIVERIES,
    DIGESTS,
    MAINTENANCE,
    repositories,
)
from services.notifications.adapters.smtp import SmtpSender
from services.notifications.application import announcements, contacts, maintenance
from services.notifications.application.deps import Deps
from services.notifications.application.digests import fire_digest_timer
from services.notifications.application.mailing import fire_delivery_timer
from services.notifications.application.partner_mail import mail_partner_event
from services.notifications.application.payloads import payloads
from services.notifications.mail.render import MailRenderer
from services.notifications.settings import NotificationsSettings
from shared.contracts import notifications as c
from shared.events import Envelope, Payload
from shared.mongo import IndexSpec
from shared.runtime import ServiceContext
from shared.store import Timer
from shared.topics import (
    NOTIFICATIONS_COMMANDS,
    NOTIFICATIONS_EVENTS,
    ONBOARDING_EVENTS,
    Topic,
)

NAME = "notifications"

UseCase = Callable[[Deps, Envelope, Any], Awaitable[None]]

_COMMANDS: list[tuple[type[Payload], UseCase]] = [
    (c.EnrolContact, contacts.enrol),
    (c.UpdateContact, contacts.update),
    (c.RemoveContact, contacts.remove),
    (c.SetDigestPreference, contacts.set_digest),
    (c.AnnounceMaintenance, maintenance.announce),
    (c.RequestMaintenanceReschedule, maintenance.request_reschedule),
    (c.CancelMaintenance, maintenance.cancel),
    (c.StartMaintenance, maintenance.start),
    (c.CompleteMaintenance, maintenance.complete),
    (c.SubmitChangeRequest, maintenance.submit_change_request),
    (c.ApproveChangeRequest, maintenance.approve_change_request),
    (c.DeclineChangeRequest, maintenance.decline_change_request),
    (c.DeclareOutage, maintenance.declare_outage),
    (c.ResolveOutage, maintenance.resolve_outage),
    (c.AnnounceEndOfSale, maintenance.announce_end_of_sale),
]

_OWN_FACTS: list[tuple[type[Payload], UseCase]] = [
    (c.MaintenanceAnnouncedV1, announcements.maintenance_mail),
    (c.MaintenanceReminderDueV1, announcements.maintenance_mail),
    (c.MaintenanceStartedV1, announcements.maintenance_mail),
    (c.MaintenanceCompletedV1, announcements.maintenance_mail),
    (c.MaintenanceRescheduledV1, announcements.maintenance_mail),
    (c.MaintenanceRescheduleRefusedV1, announcements.maintenance_mail),
    (c.MaintenanceCancelledV1, announcements.maintenance_mail),
    (c.OutageDeclaredV1, announcements.outage_mail),
    (c.OutageResolvedV1, announcements.outage_mail),
    (c.ChangeRequestSubmittedV1, announcements.change_request_mail),
    (c.ChangeRequestDeclinedV1, announcements.change_request_mail),
    (c.EndOfSaleAnnouncedV1, announcements.end_of_sale_mail),
]

_READ_MODELS: dict[str, UseCase] = {
    PartnerRegistered.EVENT_TYPE: contacts.partner_registered,
    CustomerRecorded.EVENT_TYPE: contacts.customer_recorded,
}


def _inbound() -> list[tuple[Topic, type[Payload], UseCase]]:
    routes: list[tuple[Topic, type[Payload], UseCase]] = [
        (ONBOARDING_EVENTS, PartnerContactsChanged, contacts.partner_contacts_changed)
    ]
    for event_type, (topic, model) in CONSUMED.items():
        use_case = _READ_MODELS.get(event_type, mail_partner_event)
        routes.append((topic, model, use_case))
    return routes


ROUTES: list[tuple[Topic, type[Payload], UseCase]] = [
    *((NOTIFICATIONS_COMMANDS, model, use_case) for model, use_case in _COMMANDS),
    *((NOTIFICATIONS_EVENTS, model, use_case) for model, use_case in _OWN_FACTS),
    *_inbound(),
]
"""Every message notifications consumes and the use case that handles it."""


TIMERS: dict[str, Callable[[Deps, str, Timer], Awaitable[None]]] = {
    MAINTENANCE: maintenance.fire_maintenance_timer,
    DELIVERIES: fire_delivery_timer,
    DIGESTS: fire_digest_timer,
}
"""The collections with durable timers and what fires them."""


def deps_for(ctx: ServiceContext) -> Deps:
    """The use cases' dependencies on the real database, broker and SMTP server."""
    settings = ctx.settings
    if not isinstance(settings, NotificationsSettings):
        settings = NotificationsSettings()
    policy = settings.policy()
    repos = repositories(policy)
    return Deps(
        uc=ctx.use_cases(NOTIFICATIONS_EVENTS.name, payloads),
        repos=repos,
        policy=policy,
        retry=settings.retry(),
        renderer=MailRenderer(settings.mail()),
        sender=SmtpSender(settings.smtp),
        directory=MongoDirectory(ctx.db, repos),
        addressing=settings.addressing(),
        send_concurrency=settings.send_concurrency,
    )


def wire(ctx: ServiceContext) -> None:
    """Register notifications' handlers, timers and indexes on the context (no I/O)."""
    deps = deps_for(ctx)
    for topic, model, use_case in ROUTES:
        ctx.dispatcher.on(topic, model)(functools.partial(use_case, deps))
    for collection, fire in TIMERS.items():
        ctx.on_timer(collection, functools.partial(fire, deps))
    for collection in (CONTACTS, CUSTOMERS):
        ctx.store(collection)
    ctx.index(IndexSpec(DELIVERIES, [("state.delivery.event_id", 1)]))
