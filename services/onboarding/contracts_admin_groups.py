"""Admin-side contracts, part 2: customer groups, the number inventory, integrations (§1.4).

See `contracts_admin` for the overview.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from services.onboarding.contracts_admin_events import AdminCommand, NonEmpty, WriteOnly

# -- §1.4 customer groups and the number inventory --------------------------------------------


class RegisterCloneGroup(AdminCommand):
    """The provisioning team built a clone group for a partner."""

    EVENT_TYPE: ClassVar[str] = "onboarding.clone_group.register"

    partner_id: NonEmpty = Field(description="The partner the clone group is for")
    clone_group_id: NonEmpty = Field(description="The clone group's ID")


class CreateCustomerGroup(AdminCommand):
    """Clone the partner's clone group into a customer group (group ID unique platform-wide)."""

    EVENT_TYPE: ClassVar[str] = "onboarding.group.create"

    partner_id: NonEmpty = Field(description="The partner building the group")
    group_id: NonEmpty = Field(description="Group ID, unique across the platform")
    group_name: NonEmpty = Field(description="Group name (usually the customer's name)")
    clone_group_id: NonEmpty = Field(description="One of the partner's clone groups")
    default_domain: NonEmpty = Field(description="One of the platform's allowed domains")


class _GroupCommand(AdminCommand):
    group_id: NonEmpty = Field(description="The customer group")


class AssignNumbersToGroup(_GroupCommand):
    """Assign numbers of the partner's inventory to the group (porting or active)."""

    EVENT_TYPE: ClassVar[str] = "onboarding.group.assign_numbers"

    numbers: list[NonEmpty] = Field(min_length=1, description="Numbers, E.164")


class ReleaseNumbersFromGroup(_GroupCommand):
    """Give numbers back from the group to the partner's free inventory."""

    EVENT_TYPE: ClassVar[str] = "onboarding.group.release_numbers"

    numbers: list[NonEmpty] = Field(min_length=1, description="Numbers, E.164")


class SetBusinessProfileNumber(_GroupCommand):
    """Set the group's CLID (business profile number), one of its numbers."""

    EVENT_TYPE: ClassVar[str] = "onboarding.group.set_business_profile_number"

    clid: NonEmpty = Field(description="One of the group's numbers, E.164")


class EnableVoicePortal(_GroupCommand):
    """Enable the voice portal with a group number and/or an extension."""

    EVENT_TYPE: ClassVar[str] = "onboarding.group.enable_voice_portal"

    number: str | None = Field(default=None, description="One of the group's numbers")
    extension: str | None = Field(default=None, description="Extension (digits)")
    external_dial_in: bool = Field(
        default=False, description="Callers dial in from outside (a mobile): needs a number"
    )


class AddGroupAdminUser(_GroupCommand):
    """Add an admin user; the password is typed or generated, and only its hash is kept."""

    EVENT_TYPE: ClassVar[str] = "onboarding.group.add_admin_user"

    user_id: NonEmpty = Field(description="name@<default domain>; unique, case-sensitive")
    first_name: NonEmpty = Field(description="First name")
    last_name: NonEmpty = Field(description="Last name")
    password: WriteOnly | None = Field(default=None, description="The typed password")
    generate_password: bool = Field(
        default=False,
        description="Generate one instead: it is never sent anywhere, so the user sets their "
        "own through the platform's password reset",
    )


class RemoveGroupAdminUser(_GroupCommand):
    """Remove an admin user (its user ID becomes free again)."""

    EVENT_TYPE: ClassVar[str] = "onboarding.group.remove_admin_user"

    user_id: NonEmpty = Field(description="The admin user's ID")


class ApplyRecordingLicences(_GroupCommand):
    """Apply call-recording licences to users (only once the recording customer exists)."""

    EVENT_TYPE: ClassVar[str] = "onboarding.group.apply_recording_licences"

    user_ids: list[NonEmpty] = Field(min_length=1, description="The users")


class NumberRangeIn(BaseModel):
    """Consecutive numbers, both ends included."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    first: NonEmpty = Field(description="First number, E.164")
    last: NonEmpty = Field(description="Last number, E.164 (at most 1000 after the first)")


class AddNumbersToInventory(AdminCommand):
    """The provisioning team adds new numbers to a partner's inventory (active at once)."""

    EVENT_TYPE: ClassVar[str] = "onboarding.inventory.add_numbers"

    partner_id: NonEmpty = Field(description="The partner the numbers are for")
    numbers: list[NonEmpty | NumberRangeIn] = Field(
        min_length=1, description="Numbers (E.164) and ranges"
    )


# -- §1.4 integrations: reporting partition and call-recording customer ---------------------


class ReportingAdminIn(BaseModel):
    """A reporting-only admin user of the partition."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    username: NonEmpty = Field(description="Reporting username (unique ignoring case)")
    email: NonEmpty = Field(description="E-mail address")
    partition: str | None = Field(
        default=None, description='The group ID (default); "Any Partition" for partner staff'
    )
    partner_staff: bool = Field(default=False, description="A partner's staff member")


class RequestReportingPartition(_GroupCommand):
    """Ask the reporting system for the group's partition, with the guide's field mapping."""

    EVENT_TYPE: ClassVar[str] = "onboarding.provisioning.request_reporting_partition"

    customer_name: NonEmpty = Field(description="Description = the customer's name")
    customer_id: NonEmpty = Field(description="Billing tag = the customer ID")
    licence_type: NonEmpty = Field(description="Licence type of the partition")
    immediate_sync: bool = Field(default=False, description='"Perform Synchronisation now"')
    admin_users: list[ReportingAdminIn] = Field(default_factory=list, description="Admins")


class RequestCallRecordingCustomer(_GroupCommand):
    """Ask the call-recording system for an essential customer for the group."""

    EVENT_TYPE: ClassVar[str] = "onboarding.provisioning.request_call_recording_customer"

    customer_name: NonEmpty = Field(description="Company name")
    customer_reference: str | None = Field(
        default=None, description="Customer reference number (dealer and billing code)"
    )
    admin_name: NonEmpty = Field(description="The customer admin (gets the welcome email)")
    admin_email: NonEmpty = Field(description="The customer admin's e-mail address")
    terms_accepted: bool = Field(description="The recording terms were accepted")


class _ProvisioningCommand(AdminCommand):
    provisioning_id: NonEmpty = Field(
        description="The provisioning request (subject of onboarding.provisioning.requested)"
    )


class RecordProvisioningOutcome(_ProvisioningCommand):
    """The external system's adapter reports the outcome: done, or failed with a reason."""

    EVENT_TYPE: ClassVar[str] = "onboarding.provisioning.record_outcome"

    outcome: Literal["done", "failed"] = Field(description="done or failed")
    external_id: str | None = Field(default=None, description="Id in the external system")
    reason: str | None = Field(default=None, description="Why it failed (required then)")


class RecordPartitionSynchronised(_ProvisioningCommand):
    """The reporting partition shows "synchronisation completed"."""

    EVENT_TYPE: ClassVar[str] = "onboarding.provisioning.record_synchronised"


class RetryProvisioning(_ProvisioningCommand):
    """Ask again after a failure."""

    EVENT_TYPE: ClassVar[str] = "onboarding.provisioning.retry"
