"""Published event types that are *not* mailed to partners, each with the reason (§3, §5).

Kept apart from `registry.py` so the two lists read on their own. A type belongs here
when a partner learns the fact some other way: it answers the partner's own command (the
refusal or result reaches the sender where it sent the command), records the partner's
own action, is vendor-internal bookkeeping or escalation, or is already told by another
mail (named in the reason).
"""

from __future__ import annotations

ANSWER = "answers the sender's own command; the sender reads it where it sent the command"
OWN = "records the partner's (or customer admin's) own action in the portal"
INTERNAL = "vendor-internal bookkeeping other services read; nothing for a partner to do"
VENDOR_DEADLINE = (
    "the vendor's own deadline, escalated inside the vendor; the partner is told the outcome"
)
AUDIT = "audit record of an on-behalf action; shown in the audit log, not mailed"


def _told_by(template: str) -> str:
    return f"the partner is told by the {template!r} mail"


NOT_PARTNER_FACING: dict[str, str] = {
    # onboarding: answers to commands
    "onboarding.command.rejected": ANSWER,
    "onboarding.command.already_handled": ANSWER,
    "onboarding.activation.action_refused": ANSWER,
    "onboarding.customer.action_refused": ANSWER,
    "onboarding.device.action_refused": ANSWER,
    "onboarding.group.action_refused": ANSWER,
    "onboarding.inventory.action_refused": ANSWER,
    "onboarding.legacy_email.action_refused": ANSWER,
    "onboarding.on_behalf.action_refused": ANSWER,
    "onboarding.partner.action_refused": ANSWER,
    "onboarding.provisioning.action_refused": ANSWER,
    "onboarding.on_behalf.tenants_listed": ANSWER,
    "onboarding.group.not_ready": ANSWER,
    "onboarding.order.refused": "answers the order system that sent the order; the order "
    "system tells its user (the partner's customer order is not recorded)",
    # onboarding: the partner's or customer admin's own actions
    "onboarding.licences.user_assigned": OWN,
    "onboarding.licences.user_unassigned": OWN,
    "onboarding.device.removed": OWN,
    "onboarding.device.self_setup_switched": OWN,
    "onboarding.device.sip_device_set_up": OWN,
    "onboarding.device.vendor_phone_set_up": OWN,
    "onboarding.device.vendor_phone_reconfiguration_requested": OWN,
    "onboarding.device.vendor_phone_configured": "the phone reports its own configuration",
    "onboarding.group.created": OWN,
    "onboarding.group.admin_user_added": OWN,
    "onboarding.group.admin_user_removed": OWN,
    "onboarding.group.business_profile_number_set": OWN,
    "onboarding.group.numbers_added": OWN,
    "onboarding.group.voice_portal_enabled": OWN,
    "onboarding.inventory.numbers_assigned": OWN,
    "onboarding.inventory.numbers_released": OWN,
    "onboarding.recording_licences.applied": OWN,
    "onboarding.reseller.agreement_signed": OWN,
    "onboarding.reseller.estore_activated": OWN,
    "onboarding.reseller.terms_url_passed": OWN,
    "onboarding.reseller.webinar_completed": OWN,
    "onboarding.reseller_tenant.partner_administration_requested": OWN,
    "onboarding.reseller_tenant.partner_administrator_granted": OWN,
    "onboarding.reseller_tenant.partner_administrator_revoked": OWN,
    "onboarding.customer_tenant.data_processing_agreement_recorded": OWN,
    "onboarding.partner.contacts_changed": "feeds this service's contact list (§3 enrolment)",
    # onboarding: consequences told by another mail
    "onboarding.group.numbers_removed": _told_by("port_numbers_withdrawn"),
    "onboarding.group.business_profile_number_cleared": _told_by("port_numbers_withdrawn"),
    "onboarding.group.voice_portal_number_removed": _told_by("port_numbers_withdrawn"),
    "onboarding.inventory.ported_numbers_added": _told_by("port_accepted"),
    "onboarding.inventory.ported_numbers_activated": _told_by("port_completed"),
    "onboarding.relationship.recorded": _told_by("customer_recorded"),
    "onboarding.relationship.changed": _told_by("customer_recorded"),
    "onboarding.provider_onboarding.order_received": _told_by("provider_order_confirmation"),
    "onboarding.provider_onboarding.training_completed": _told_by("provider_platform_access_live"),
    "onboarding.provisioning.partition_synchronised": _told_by("provisioning_completed"),
    # onboarding: vendor-internal
    "onboarding.activation.invitation_overdue": VENDOR_DEADLINE,
    "onboarding.provider_onboarding.confirmation_overdue": VENDOR_DEADLINE,
    "onboarding.clone_group.registered": INTERNAL,
    "onboarding.customer.subscriptions_changed": INTERNAL,
    "onboarding.customer.tenant_assigned": INTERNAL,
    "onboarding.legacy_email.recorded": INTERNAL,
    "onboarding.licences.updated": INTERNAL,
    "onboarding.provisioning.requested": INTERNAL,
    "onboarding.report_issue.routed": "routes a user's issue report to the helpdesk address itself",
    "onboarding.on_behalf.action_audited": AUDIT,
    "onboarding.on_behalf.action_denied": AUDIT,
    # porting
    "porting.command.rejected": ANSWER,
    "porting.command.already_handled": ANSWER,
    "porting.port.action_refused": ANSWER,
    "porting.port.prechecked": ANSWER,
    "porting.port.submission_abandoned": ANSWER,
    "porting.port.port_date_refused": "answers the carrier gateway that set an invalid port "
    "date; the partner is told by the 'port_accepted' mail once the date is valid",
    "porting.port.drafted": OWN,
    "porting.port.draft_updated": OWN,
    "porting.port.comment_added": OWN,
    "porting.port.resubmitted": OWN,
    "porting.port.withdrawn": OWN,
    "porting.port.carrier_answer_overdue": VENDOR_DEADLINE,
    "porting.numbers.accepted": INTERNAL,
    "porting.numbers.cancelled": INTERNAL,
    "porting.numbers.completed": INTERNAL,
    # support
    "support.command.rejected": ANSWER,
    "support.command.already_handled": ANSWER,
    "support.ticket.action_refused": ANSWER,
    "support.incident.action_refused": ANSWER,
    "support.capacity.action_refused": ANSWER,
    "support.cop_upload.action_refused": ANSWER,
    "support.partner.action_refused": ANSWER,
    "support.partner.escalation_contact_set": OWN,
    "support.tickets.listed": ANSWER,
    "support.tenants.listed": ANSWER,
    "support.response_report.answered": ANSWER,
    "support.capacity.checked": ANSWER,
    "support.capacity.activation_recorded": OWN,
    "support.capacity.change_requested": OWN,
    "support.cop_upload.requested": OWN,
    "support.ticket.partner_responded": OWN,
    "support.ticket.closed": OWN,
    "support.ticket.reopened": OWN,
    "support.ticket.work_started": INTERNAL,
    "support.ticket.incident_linked": _told_by("incident_declared"),
    "support.incident.ticket_linked": _told_by("incident_resolved"),
    "support.ticket.status_update_missed": _told_by("ticket_escalated"),
}
