"""Which mail each event becomes (domain.md §3 "every other service's partner-facing events
become e-mails", §5 flows 1, 2 and 4).

`TEMPLATES` holds one `TemplateSpec` per template: its context model, alert category,
audiences and the event types it is sent for. Every event type that onboarding, porting
and support publish is either sent as a mail (`EVENT_TEMPLATES`) or listed in
`NOT_PARTNER_FACING` with the reason. `catalogue_problems(event_types)` checks that
against the published catalogue (a test runs it on docs/asyncapi.json; the service can run
it at start-up), so a new partner-facing event without a template fails the build.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from services.notifications.domain.contacts import AlertCategory
from services.notifications.domain.recipients import Audience
from services.notifications.mail.contexts import maintenance as mc
from services.notifications.mail.contexts import onboarding as oc
from services.notifications.mail.contexts import porting as pc
from services.notifications.mail.contexts import support as sc
from services.notifications.mail.contexts.base import MailContext
from services.notifications.mail.registry_internal import NOT_PARTNER_FACING

PARTNER = frozenset({Audience.PARTNER})
CUSTOMER = frozenset({Audience.CUSTOMER_ADMIN})
BOTH = frozenset(Audience)
CHECKED_PUBLISHERS = ("onboarding", "porting", "support")
"""Publishers whose every event type must be classified (templated or not partner-facing)."""


@dataclass(frozen=True)
class TemplateSpec:
    """One mail template: `templates/mails/<key>.jinja`, rendered as HTML and text.

    `urgent`: never batched into a digest and sent with `Importance: high`.
    """

    key: str
    context: type[MailContext]
    category: AlertCategory
    events: tuple[str, ...] = ()
    audiences: frozenset[Audience] = PARTNER
    urgent: bool = False


ON = AlertCategory.ONBOARDING
PO = AlertCategory.PORTING
SU = AlertCategory.SUPPORT
MO = AlertCategory.MAINTENANCE_AND_OUTAGES
RM = AlertCategory.RELEASE_MANAGEMENT
_OB = "onboarding."
_MN = "notifications.maintenance."

_SPECS = (
    # -- onboarding (§1) --------------------------------------------------------------
    TemplateSpec("partner_registered", oc.PartnerRegistered, ON, (_OB + "partner.registered",)),
    TemplateSpec("customer_recorded", oc.CustomerRecorded, ON, (_OB + "customer.recorded",)),
    TemplateSpec("reseller_registered", oc.ResellerStep, ON, (_OB + "reseller.registered",)),
    TemplateSpec(
        "reseller_training_completed", oc.ResellerStep, ON, (_OB + "reseller.training_completed",)
    ),
    TemplateSpec(
        "reseller_certification_result",
        oc.CertificationResult,
        ON,
        (_OB + "reseller.certification_test_taken",),
    ),
    TemplateSpec("reseller_authorised", oc.ResellerStep, ON, (_OB + "reseller.authorised",)),
    TemplateSpec("reseller_estore_linked", oc.EstoreLinked, ON, (_OB + "reseller.estore_linked",)),
    TemplateSpec("reseller_ready_to_sell", oc.ResellerStep, ON, (_OB + "reseller.ready_to_sell",)),
    TemplateSpec(
        "provider_order_confirmation",
        oc.OrderConfirmation,
        ON,
        (_OB + "provider_onboarding.confirmation_sent",),
    ),
    TemplateSpec(
        "provider_coordinator_assigned",
        oc.CoordinatorAssigned,
        ON,
        (_OB + "provider_onboarding.coordinator_assigned",),
    ),
    TemplateSpec(
        "provider_account_created",
        oc.AccountCreated,
        ON,
        (_OB + "provider_onboarding.account_created",),
    ),
    TemplateSpec(
        "provider_kickoff_call_arranged",
        oc.KickoffCallArranged,
        ON,
        (_OB + "provider_onboarding.kickoff_call_arranged",),
    ),
    TemplateSpec(
        "provider_platform_access_live",
        oc.PlatformAccessLive,
        ON,
        (_OB + "provider_onboarding.platform_access_went_live",),
    ),
    TemplateSpec(
        "activation_requested", oc.ActivationRequested, ON, (_OB + "activation.requested",)
    ),
    TemplateSpec("activation_returned", oc.ActivationReturned, ON, (_OB + "activation.returned",)),
    TemplateSpec(
        "activation_forwarded", oc.ActivationForwarded, ON, (_OB + "activation.forwarded",)
    ),
    TemplateSpec(
        "invitation_sent",
        oc.InvitationSent,
        ON,
        (_OB + "activation.invitation_sent", _OB + "activation.invitation_resent"),
    ),
    TemplateSpec("invitation_expiring", oc.InvitationExpiring, ON),
    TemplateSpec(
        "invitation_expired", oc.ActivationRequest, ON, (_OB + "activation.invitation_expired",)
    ),
    TemplateSpec(
        "customer_admin_invitation",
        oc.CustomerAdminInvitation,
        ON,
        (_OB + "activation.invitation_sent", _OB + "activation.invitation_resent"),
        audiences=CUSTOMER,
    ),
    TemplateSpec("tenant_activated", oc.Tenant, ON, (_OB + "activation.activated",)),
    TemplateSpec("co_admin_added", oc.Tenant, ON, (_OB + "tenant.co_admin_added",)),
    TemplateSpec(
        "partner_administration_enabled",
        oc.PartnerAdministrationEnabled,
        ON,
        (_OB + "reseller_tenant.partner_administration_enabled",),
    ),
    TemplateSpec(
        "customer_opted_in",
        oc.Tenant,
        ON,
        (_OB + "customer_tenant.partner_administration_opted_in",),
    ),
    TemplateSpec(
        "customer_opted_out",
        oc.Tenant,
        ON,
        (_OB + "customer_tenant.partner_administration_opted_out",),
    ),
    TemplateSpec(
        "helpdesk_switched",
        oc.HelpdeskSwitched,
        ON,
        (_OB + "customer_tenant.partner_helpdesk_switched",),
    ),
    TemplateSpec(
        "inventory_numbers_added", oc.NumbersAdded, ON, (_OB + "inventory.new_numbers_added",)
    ),
    TemplateSpec(
        "port_numbers_withdrawn",
        oc.PortNumbersWithdrawn,
        PO,
        (_OB + "inventory.port_numbers_withdrawn",),
    ),
    TemplateSpec("group_ready_for_users", oc.GroupReady, ON, (_OB + "group.ready_for_users",)),
    TemplateSpec("provisioning_completed", oc.Provisioning, ON, (_OB + "provisioning.completed",)),
    TemplateSpec("provisioning_failed", oc.Provisioning, ON, (_OB + "provisioning.failed",)),
    # -- porting (§2) ------------------------------------------------------------------
    TemplateSpec("port_submitted", pc.PortSubmitted, PO, ("porting.port.submitted",)),
    TemplateSpec(
        "port_submission_rejected",
        pc.PortSubmissionRejected,
        PO,
        ("porting.port.submission_rejected",),
    ),
    TemplateSpec("port_accepted", pc.PortAccepted, PO, ("porting.port.accepted",)),
    TemplateSpec("port_rejected", pc.PortRejected, PO, ("porting.port.rejected",)),
    TemplateSpec("port_reminder", pc.PortReminder, PO, ("porting.port.reminder_due",)),
    TemplateSpec("port_completed", pc.PortCompleted, PO, ("porting.port.completed",)),
    TemplateSpec("port_cancelled", pc.PortCancelled, PO, ("porting.port.cancelled",)),
    TemplateSpec(
        "port_late_cancellation",
        pc.LateCancellation,
        PO,
        ("porting.port.late_cancellation_recorded",),
        urgent=True,
    ),
    # -- support (§4; `shared.contracts.support`) -------------------------------------------
    TemplateSpec("ticket_opened", sc.TicketOpened, SU, ("support.ticket.opened",)),
    TemplateSpec(
        "ticket_acknowledged", sc.TicketAcknowledged, SU, ("support.ticket.acknowledged",)
    ),
    TemplateSpec(
        "ticket_response_breached",
        sc.TicketBreached,
        SU,
        ("support.ticket.response_breached",),
        urgent=True,
    ),
    TemplateSpec(
        "ticket_escalated", sc.TicketEscalated, SU, ("support.ticket.escalated",), urgent=True
    ),
    TemplateSpec(
        "ticket_severity_changed", sc.SeverityChanged, SU, ("support.ticket.severity_changed",)
    ),
    TemplateSpec(
        "ticket_waiting_on_partner",
        sc.WaitingOnPartner,
        SU,
        ("support.ticket.waiting_on_partner",),
    ),
    TemplateSpec("ticket_status_updated", sc.StatusUpdated, SU, ("support.ticket.status_updated",)),
    TemplateSpec("ticket_resolved", sc.TicketResolved, SU, ("support.ticket.resolved",)),
    TemplateSpec("incident_declared", sc.Incident, SU, ("support.incident.declared",), urgent=True),
    TemplateSpec("incident_updated", sc.Incident, SU, ("support.incident.updated",), urgent=True),
    TemplateSpec(
        "incident_resolved", sc.IncidentResolved, SU, ("support.incident.resolved",), urgent=True
    ),
    TemplateSpec(
        "capacity_change_confirmed",
        sc.CapacityChangeConfirmed,
        SU,
        ("support.capacity.change_confirmed",),
    ),
    TemplateSpec(
        "capacity_change_refused",
        sc.CapacityChangeRefused,
        SU,
        ("support.capacity.change_refused",),
    ),
    TemplateSpec(
        "cop_upload_confirmed", sc.CopUploadConfirmed, SU, ("support.cop_upload.confirmed",)
    ),
    TemplateSpec("cop_upload_refused", sc.CopUploadRefused, SU, ("support.cop_upload.refused",)),
    # -- maintenance, outages, releases (§3; this service's own events) ---------------------
    TemplateSpec(
        "maintenance_notice", mc.MaintenanceNotice, MO, (_MN + "announced",), audiences=BOTH
    ),
    TemplateSpec(
        "maintenance_reminder", mc.MaintenanceReminder, MO, (_MN + "reminder_due",), audiences=BOTH
    ),
    TemplateSpec("maintenance_started", mc.Maintenance, MO, (_MN + "started",), audiences=BOTH),
    TemplateSpec(
        "maintenance_completed", mc.MaintenanceCompleted, MO, (_MN + "completed",), audiences=BOTH
    ),
    TemplateSpec(
        "maintenance_rescheduled",
        mc.MaintenanceRescheduled,
        MO,
        (_MN + "rescheduled",),
        audiences=BOTH,
    ),
    TemplateSpec(
        "maintenance_reschedule_refused", mc.RescheduleRefused, MO, (_MN + "reschedule_refused",)
    ),
    TemplateSpec(
        "maintenance_cancelled", mc.MaintenanceCancelled, MO, (_MN + "cancelled",), audiences=BOTH
    ),
    TemplateSpec("outage_declared", mc.Outage, MO, ("notifications.outage.declared",), urgent=True),
    TemplateSpec("outage_resolved", mc.Outage, MO, ("notifications.outage.resolved",), urgent=True),
    TemplateSpec("release_end_of_sale", mc.ReleaseEndOfSale, RM),
    TemplateSpec(
        "change_request_under_review",
        mc.ChangeRequest,
        MO,
        ("notifications.change_request.submitted",),
    ),
    TemplateSpec(
        "change_request_declined",
        mc.ChangeRequest,
        MO,
        ("notifications.change_request.declined",),
    ),
    TemplateSpec("daily_digest", mc.Digest, ON),
)

TEMPLATES: Mapping[str, TemplateSpec] = MappingProxyType({s.key: s for s in _SPECS})
"""Every template by key."""


def _by_event() -> dict[str, tuple[str, ...]]:
    index: dict[str, tuple[str, ...]] = {}
    for spec in _SPECS:
        for event_type in spec.events:
            index[event_type] = (*index.get(event_type, ()), spec.key)
    return index


EVENT_TEMPLATES: Mapping[str, tuple[str, ...]] = MappingProxyType(_by_event())
"""Event type → the template keys it is sent with (a partner's and a customer's copy)."""


def catalogue_problems(event_types: Iterable[str]) -> list[str]:
    """What is wrong between the registry and the published event types (empty: nothing).

    Every event type of a checked publisher must have a template or a reason in
    `NOT_PARTNER_FACING`, not both; every type the registry names for a publisher that
    already publishes something must exist (a publisher not yet in the catalogue is
    skipped).
    """
    published = set(event_types)
    publishers = {t.split(".", 1)[0] for t in published}
    problems = []
    for event_type in sorted(published):
        if event_type.split(".", 1)[0] not in CHECKED_PUBLISHERS:
            continue
        templated = event_type in EVENT_TEMPLATES
        internal = event_type in NOT_PARTNER_FACING
        if templated and internal:
            problems.append(f"{event_type}: has a template and is listed as not partner-facing")
        elif not templated and not internal:
            problems.append(
                f"{event_type}: no template; add one to registry.TEMPLATES or give the reason "
                "it is not partner-facing in registry_internal.NOT_PARTNER_FACING"
            )
    for event_type in sorted({*EVENT_TEMPLATES, *NOT_PARTNER_FACING}):
        if event_type.split(".", 1)[0] in publishers and event_type not in published:
            problems.append(f"{event_type}: named in the registry but not in the catalogue")
    return problems
