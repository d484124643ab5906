"""Integrations a customer group needs (§1.4): the reporting partition and the
call-recording customer, requested from the external systems' adapters, which report the
outcome back; call-recording licences for users.

Facts: `onboarding.provisioning.*`, `onboarding.recording_licences.applied`. Refusals:
`onboarding.provisioning.action_refused`; a command naming a provisioning request that
does not exist is answered by `onboarding.command.rejected`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.common import ActionRefused, NonEmpty, PartnerCommand
from shared.contracts.onboarding._base import (
    GroupCommand,
)
from shared.events import Payload
from shared.identifiers import Identifier

# -- commands ------------------------------------------------------------------------------


class ApplyRecordingLicences(GroupCommand):
    """Apply call-recording licences to users (only once the recording customer exists)."""

    EVENT_TYPE: ClassVar[str] = "onboarding.group.apply_recording_licences"

    user_ids: list[Identifier] = Field(min_length=1, description="The users")


class ReportingAdminIn(BaseModel):
    """A reporting-only admin user of the partition."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    username: NonEmpty = Field(description="Reporting username (unique ignoring case)")
    email: NonEmpty = Field(description="E-mail address")
    partition: str | None = Field(
        default=None, description='The group ID (default); "Any Partition" for partner staff'
    )
    partner_staff: bool = Field(default=False, description="A partner's staff member")


class RequestReportingPartition(GroupCommand):
    """Ask the reporting system for the group's partition, with the guide's field mapping."""

    EVENT_TYPE: ClassVar[str] = "onboarding.provisioning.request_reporting_partition"

    customer_name: NonEmpty = Field(description="Description = the customer's name")
    customer_id: Identifier = Field(description="Billing tag = the customer ID")
    licence_type: NonEmpty = Field(description="Licence type of the partition")
    immediate_sync: bool = Field(default=False, description='"Perform Synchronisation now"')
    admin_users: list[ReportingAdminIn] = Field(default_factory=list, description="Admins")


class RequestCallRecordingCustomer(GroupCommand):
    """Ask the call-recording system for an essential customer for the group."""

    EVENT_TYPE: ClassVar[str] = "onboarding.provisioning.request_call_recording_customer"

    customer_name: NonEmpty = Field(description="Company name")
    customer_reference: str | None = Field(
        default=None, description="Customer reference number (dealer and billing code)"
    )
    admin_name: NonEmpty = Field(description="The customer admin (gets the welcome email)")
    admin_email: NonEmpty = Field(description="The customer admin's e-mail address")
    terms_accepted: bool = Field(description="The recording terms were accepted")


class _ProvisioningCommand(PartnerCommand):
    provisioning_id: Identifier = Field(
        description="The provisioning request (subject of onboarding.provisioning.requested)"
    )


class RecordProvisioningOutcome(_ProvisioningCommand):
    """The external system's adapter reports the outcome: done, or failed with a reason."""

    EVENT_TYPE: ClassVar[str] = "onboarding.provisioning.record_outcome"

    outcome: Literal["done", "failed"] = Field(description="done or failed")
    external_id: Identifier | None = Field(default=None, description="Id in the external system")
    reason: str | None = Field(default=None, description="Why it failed (required then)")


class RecordPartitionSynchronised(_ProvisioningCommand):
    """The reporting partition shows "synchronisation completed"."""

    EVENT_TYPE: ClassVar[str] = "onboarding.provisioning.record_synchronised"


class RetryProvisioning(_ProvisioningCommand):
    """Ask again after a failure."""

    EVENT_TYPE: ClassVar[str] = "onboarding.provisioning.retry"


# -- events --------------------------------------------------------------------------------


class ProvisioningRequested(Payload):
    """Asks the adapter of `kind`'s external system to create what `payload` describes.

    `payload` is the request's exact field mapping (`dataclasses.asdict` of
    `ReportingPartitionRequest` or `CallRecordingCustomerRequest`)."""

    EVENT_TYPE: ClassVar[str] = "onboarding.provisioning.requested"

    request_id: str
    kind: str
    partner_id: str
    group_id: str
    payload: dict[str, Any]
    attempt: int
    occurred_at: datetime


class ProvisioningCompleted(Payload):
    """ProvisioningCompleted(request_id: 'str', kind: 'str', partner_id: 'str', group_id: 'str', external_id: 'str | None', occurred_at: 'datetime')"""  # noqa: E501

    EVENT_TYPE: ClassVar[str] = "onboarding.provisioning.completed"

    request_id: str
    kind: str
    partner_id: str
    group_id: str
    external_id: str | None
    occurred_at: datetime


class ProvisioningFailed(Payload):
    """ProvisioningFailed(request_id: 'str', kind: 'str', partner_id: 'str', group_id: 'str', reason: 'str', attempt: 'int', occurred_at: 'datetime')"""  # noqa: E501

    EVENT_TYPE: ClassVar[str] = "onboarding.provisioning.failed"

    request_id: str
    kind: str
    partner_id: str
    group_id: str
    reason: str
    attempt: int
    occurred_at: datetime


class ReportingPartitionSynchronised(Payload):
    """ReportingPartitionSynchronised(request_id: 'str', partner_id: 'str', group_id: 'str', occurred_at: 'datetime')"""  # noqa: E501

    EVENT_TYPE: ClassVar[str] = "onboarding.provisioning.partition_synchronised"

    request_id: str
    partner_id: str
    group_id: str
    occurred_at: datetime


class RecordingLicencesApplied(Payload):
    """RecordingLicencesApplied(partner_id: 'str', group_id: 'str', user_ids: 'tuple[str, ...]', occurred_at: 'datetime')"""  # noqa: E501

    EVENT_TYPE: ClassVar[str] = "onboarding.recording_licences.applied"

    partner_id: str
    group_id: str
    user_ids: list[str]
    occurred_at: datetime


class ProvisioningActionRefusedV1(ActionRefused):
    """A provisioning request or its outcome was refused."""

    EVENT_TYPE: ClassVar[str] = "onboarding.provisioning.action_refused"

    provisioning_id: str = Field(description="The provisioning request")


COMMANDS: list[type[PartnerCommand]] = [
    ApplyRecordingLicences,
    RequestReportingPartition,
    RequestCallRecordingCustomer,
    RecordProvisioningOutcome,
    RecordPartitionSynchronised,
    RetryProvisioning,
]
"""The commands of this concept."""


EVENTS: list[type[Payload]] = [
    ProvisioningRequested,
    ProvisioningCompleted,
    ProvisioningFailed,
    ReportingPartitionSynchronised,
    RecordingLicencesApplied,
    ProvisioningActionRefusedV1,
]
"""The facts of this concept published on `onboarding.events`."""
