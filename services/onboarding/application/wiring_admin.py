"""On-behalf administration, devices, customer groups, number inventory, integrations."""

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
from services.onboarding.application.deps import Deps
from services.onboarding.application.devices import devices as admin_devices
from services.onboarding.application.groups import groups as admin_groups
from services.onboarding.application.groups import inventory as admin_inventory
from services.onboarding.application.on_behalf import directory as admin_directory
from services.onboarding.application.on_behalf import on_behalf as admin_on_behalf
from services.onboarding.application.on_behalf import queries as admin_queries
from services.onboarding.application.on_behalf import tenant_actions as admin_tenant_actions
from services.onboarding.application.on_behalf.customer_fact_views import CUSTOMER_FACTS_READ
from services.onboarding.application.provisioning import provisioning as admin_provisioning
from shared.contracts import onboarding as c
from shared.contracts import porting
from shared.events import Envelope, Payload
from shared.mongo import IndexSpec
from shared.topics import ONBOARDING_COMMANDS, ONBOARDING_EVENTS, PORTING_EVENTS

UseCase = Callable[[Deps, Envelope, Any], Awaitable[None]]

COMMAND_HANDLERS: dict[type[Payload], UseCase] = {
    c.RequestPartnerAdministration: admin_on_behalf.request,
    c.EnablePartnerAdministration: admin_on_behalf.enable,
    c.GrantPartnerAdministrator: admin_on_behalf.grant,
    c.RevokePartnerAdministrator: admin_on_behalf.revoke,
    c.OptInPartnerAdministration: admin_on_behalf.opt_in,
    c.OptOutPartnerAdministration: admin_on_behalf.opt_out,
    c.RecordDataProcessingAgreement: admin_on_behalf.record_dpa,
    c.ListManageableTenants: admin_queries.list_tenants,
    c.ActOnTenant: admin_tenant_actions.act,
    c.RouteReportIssue: admin_queries.route,
    c.RecordVendorPhoneConfigured: admin_devices.record_configured,
    c.RegisterCloneGroup: admin_groups.register_clone_group,
    c.CreateCustomerGroup: admin_groups.create,
    c.AssignNumbersToGroup: admin_groups.assign_numbers,
    c.ReleaseNumbersFromGroup: admin_groups.release_numbers,
    c.SetBusinessProfileNumber: admin_groups.set_clid,
    c.EnableVoicePortal: admin_groups.enable_voice_portal,
    c.AddGroupAdminUser: admin_groups.add_admin_user,
    c.RemoveGroupAdminUser: admin_groups.remove_admin_user,
    c.ApplyRecordingLicences: admin_provisioning.apply_licences,
    c.AddNumbersToInventory: admin_inventory.add_numbers,
    c.RequestReportingPartition: admin_provisioning.request_reporting_partition,
    c.RequestCallRecordingCustomer: admin_provisioning.request_call_recording_customer,
    c.RecordProvisioningOutcome: admin_provisioning.record_outcome,
    c.RecordPartitionSynchronised: admin_provisioning.record_synchronised,
    c.RetryProvisioning: admin_provisioning.retry,
}
"""Every command of the on-behalf, devices, groups and provisioning concepts of
`shared.contracts.onboarding`, and its use case."""

PORTING_HANDLERS: dict[type[Payload], UseCase] = {
    porting.PortNumbersAccepted: admin_inventory.port_accepted,
    porting.PortNumbersCompleted: admin_inventory.port_completed,
    porting.PortNumbersCancelled: admin_inventory.port_cancelled,
}
"""§5 flow 3: porting's number facts drive the partner's inventory."""

FACT_HANDLERS: dict[type[Payload], UseCase] = {
    **{fact: admin_directory.record_customer_fact for fact in CUSTOMER_FACTS_READ},
    c.PartnerContactsChanged: admin_directory.record_partner_contacts,
    c.PortNumbersWithdrawn: admin_inventory.numbers_withdrawn,
}
"""Onboarding's own facts this half keeps read models of (or reacts to)."""


def register(deps: Deps) -> None:
    """Register the handlers of this part of onboarding."""
    ctx = deps.ctx
    for topic, handlers in (
        (ONBOARDING_COMMANDS, COMMAND_HANDLERS),
        (PORTING_EVENTS, PORTING_HANDLERS),
        (ONBOARDING_EVENTS, FACT_HANDLERS),
    ):
        for model, use_case in handlers.items():
            ctx.dispatcher.on(topic, model)(functools.partial(use_case, deps))
    for collection in (
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
    ):
        ctx.store(collection)  # their outboxes are relayed, their indexes made
    ctx.index(IndexSpec(RESELLER_TENANTS, [("state.reseller.partner_id", 1)]))
    ctx.index(IndexSpec(CUSTOMER_TENANTS, [("state.administration.reseller_partner_id", 1)]))
    ctx.index(IndexSpec(GROUPS, [("state.group.partner_id", 1)]))
    ctx.index(IndexSpec(AUDIT, [("state.entry.customer_tenant_id", 1)]))
    ctx.index(IndexSpec(GROUP_ID_CLAIMS, [("owner", 1)]))
    ctx.index(IndexSpec(USER_ID_CLAIMS, [("owner", 1)]))
