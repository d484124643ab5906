"""Customer groups and the partner's number inventory (§1.4): clone groups, groups with
numbers, CLID, voice portal and admin users; numbers into the inventory from ports (read
from `shared.contracts.porting`'s `porting.numbers.*`) and from the provisioning team.

Facts: `onboarding.clone_group.registered`, `onboarding.group.*`,
`onboarding.inventory.*`. Refusals: `onboarding.group.action_refused`,
`onboarding.inventory.action_refused`; a command naming a group that does not exist is
answered by `onboarding.command.rejected`.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.common import ActionRefused, NonEmpty, PartnerCommand, Reason, WriteOnly
from shared.contracts.onboarding._base import (
    GroupCommand,
    OnboardingEvent,
)
from shared.events import Payload
from shared.identifiers import Identifier

# -- commands ------------------------------------------------------------------------------


class RegisterCloneGroup(PartnerCommand):
    """The provisioning team built a clone group for a partner."""

    EVENT_TYPE: ClassVar[str] = "onboarding.clone_group.register"

    partner_id: Identifier = Field(description="The partner the clone group is for")
    clone_group_id: Identifier = Field(description="The clone group's ID")


class CreateCustomerGroup(PartnerCommand):
    """Clone the partner's clone group into a customer group (group ID unique platform-wide)."""

    EVENT_TYPE: ClassVar[str] = "onboarding.group.create"

    partner_id: Identifier = Field(description="The partner building the group")
    group_id: Identifier = Field(description="Group ID, unique across the platform")
    group_name: NonEmpty = Field(description="Group name (usually the customer's name)")
    clone_group_id: Identifier = Field(description="One of the partner's clone groups")
    default_domain: NonEmpty = Field(description="One of the platform's allowed domains")


class AssignNumbersToGroup(GroupCommand):
    """Assign numbers of the partner's inventory to the group (porting or active)."""

    EVENT_TYPE: ClassVar[str] = "onboarding.group.assign_numbers"

    numbers: list[NonEmpty] = Field(min_length=1, description="Numbers, E.164")


class ReleaseNumbersFromGroup(GroupCommand):
    """Give numbers back from the group to the partner's free inventory."""

    EVENT_TYPE: ClassVar[str] = "onboarding.group.release_numbers"

    numbers: list[NonEmpty] = Field(min_length=1, description="Numbers, E.164")


class SetBusinessProfileNumber(GroupCommand):
    """Set the group's CLID (business profile number), one of its numbers."""

    EVENT_TYPE: ClassVar[str] = "onboarding.group.set_business_profile_number"

    clid: NonEmpty = Field(description="One of the group's numbers, E.164")


class EnableVoicePortal(GroupCommand):
    """Enable the voice portal with a group number and/or an extension."""

    EVENT_TYPE: ClassVar[str] = "onboarding.group.enable_voice_portal"

    number: str | None = Field(default=None, description="One of the group's numbers")
    extension: str | None = Field(default=None, description="Extension (digits)")
    external_dial_in: bool = Field(
        default=False, description="Callers dial in from outside (a mobile): needs a number"
    )


class AddGroupAdminUser(GroupCommand):
    """Add an admin user; the password is typed or generated, and only its hash is kept."""

    EVENT_TYPE: ClassVar[str] = "onboarding.group.add_admin_user"

    user_id: Identifier = Field(description="name@<default domain>; unique, case-sensitive")
    first_name: NonEmpty = Field(description="First name")
    last_name: NonEmpty = Field(description="Last name")
    password: WriteOnly | None = Field(default=None, description="The typed password")
    generate_password: bool = Field(
        default=False,
        description="Generate one instead: it is never sent anywhere, so the user sets their "
        "own through the platform's password reset",
    )


class RemoveGroupAdminUser(GroupCommand):
    """Remove an admin user (its user ID becomes free again)."""

    EVENT_TYPE: ClassVar[str] = "onboarding.group.remove_admin_user"

    user_id: Identifier = Field(description="The admin user's ID")


class NumberRangeIn(BaseModel):
    """Consecutive numbers, both ends included."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    first: NonEmpty = Field(description="First number, E.164")
    last: NonEmpty = Field(description="Last number, E.164 (at most 1000 after the first)")


class AddNumbersToInventory(PartnerCommand):
    """The provisioning team adds new numbers to a partner's inventory (active at once)."""

    EVENT_TYPE: ClassVar[str] = "onboarding.inventory.add_numbers"

    partner_id: Identifier = Field(description="The partner the numbers are for")
    numbers: list[NonEmpty | NumberRangeIn] = Field(
        min_length=1, description="Numbers (E.164) and ranges"
    )


# -- events --------------------------------------------------------------------------------


class CloneGroupRegisteredV1(OnboardingEvent):
    """The provisioning team built a clone group for a partner; customers are cloned from it."""

    EVENT_TYPE: ClassVar[str] = "onboarding.clone_group.registered"

    partner_id: str = Field(description="The partner")
    clone_group_id: str = Field(description="The clone group's ID")


class GroupCreated(Payload):
    """GroupCreated(group_id: 'str', group_name: 'str', partner_id: 'str', clone_group_id: 'str', default_domain: 'str', occurred_at: 'datetime')"""  # noqa: E501

    EVENT_TYPE: ClassVar[str] = "onboarding.group.created"

    group_id: str
    group_name: str
    partner_id: str
    clone_group_id: str
    default_domain: str
    occurred_at: datetime


class GroupNumbersAdded(Payload):
    """GroupNumbersAdded(group_id: 'str', partner_id: 'str', numbers: 'tuple[str, ...]', occurred_at: 'datetime')"""  # noqa: E501

    EVENT_TYPE: ClassVar[str] = "onboarding.group.numbers_added"

    group_id: str
    partner_id: str
    numbers: list[str]
    occurred_at: datetime


class GroupNumbersRemoved(Payload):
    """GroupNumbersRemoved(group_id: 'str', partner_id: 'str', numbers: 'tuple[str, ...]', reason: 'str', occurred_at: 'datetime')"""  # noqa: E501

    EVENT_TYPE: ClassVar[str] = "onboarding.group.numbers_removed"

    group_id: str
    partner_id: str
    numbers: list[str]
    reason: str
    occurred_at: datetime


class BusinessProfileNumberSet(Payload):
    """BusinessProfileNumberSet(group_id: 'str', partner_id: 'str', clid: 'str', occurred_at: 'datetime')"""  # noqa: E501

    EVENT_TYPE: ClassVar[str] = "onboarding.group.business_profile_number_set"

    group_id: str
    partner_id: str
    clid: str
    occurred_at: datetime


class BusinessProfileNumberCleared(Payload):
    """BusinessProfileNumberCleared(group_id: 'str', partner_id: 'str', clid: 'str', reason: 'str', occurred_at: 'datetime')"""  # noqa: E501

    EVENT_TYPE: ClassVar[str] = "onboarding.group.business_profile_number_cleared"

    group_id: str
    partner_id: str
    clid: str
    reason: str
    occurred_at: datetime


class VoicePortalEnabled(Payload):
    """VoicePortalEnabled(group_id: 'str', partner_id: 'str', number: 'str | None', extension: 'str | None', external_dial_in: 'bool', occurred_at: 'datetime')"""  # noqa: E501

    EVENT_TYPE: ClassVar[str] = "onboarding.group.voice_portal_enabled"

    group_id: str
    partner_id: str
    number: str | None
    extension: str | None
    external_dial_in: bool
    occurred_at: datetime


class VoicePortalNumberRemoved(Payload):
    """VoicePortalNumberRemoved(group_id: 'str', partner_id: 'str', number: 'str', reason: 'str', occurred_at: 'datetime')"""  # noqa: E501

    EVENT_TYPE: ClassVar[str] = "onboarding.group.voice_portal_number_removed"

    group_id: str
    partner_id: str
    number: str
    reason: str
    occurred_at: datetime


class GroupAdminUserAdded(Payload):
    """An admin user was created; the password (typed or generated) is never in here."""

    EVENT_TYPE: ClassVar[str] = "onboarding.group.admin_user_added"

    group_id: str
    partner_id: str
    user_id: str
    first_name: str
    last_name: str
    occurred_at: datetime


class GroupAdminUserRemoved(Payload):
    """GroupAdminUserRemoved(group_id: 'str', partner_id: 'str', user_id: 'str', occurred_at: 'datetime')"""  # noqa: E501

    EVENT_TYPE: ClassVar[str] = "onboarding.group.admin_user_removed"

    group_id: str
    partner_id: str
    user_id: str
    occurred_at: datetime


class GroupReadyForUsers(Payload):
    """GroupReadyForUsers(group_id: 'str', partner_id: 'str', occurred_at: 'datetime')"""

    EVENT_TYPE: ClassVar[str] = "onboarding.group.ready_for_users"

    group_id: str
    partner_id: str
    occurred_at: datetime


class GroupNotReady(Payload):
    """GroupNotReady(group_id: 'str', partner_id: 'str', reasons: 'tuple[Reason, ...]', occurred_at: 'datetime')"""  # noqa: E501

    EVENT_TYPE: ClassVar[str] = "onboarding.group.not_ready"

    group_id: str
    partner_id: str
    reasons: list[Reason]
    occurred_at: datetime


class PortedNumbersAddedToInventory(Payload):
    """PortedNumbersAddedToInventory(partner_id: 'str', port_id: 'str', numbers: 'tuple[str, ...]', occurred_at: 'datetime')"""  # noqa: E501

    EVENT_TYPE: ClassVar[str] = "onboarding.inventory.ported_numbers_added"

    partner_id: str
    port_id: str
    numbers: list[str]
    occurred_at: datetime


class PortedNumbersActivated(Payload):
    """PortedNumbersActivated(partner_id: 'str', port_id: 'str', numbers: 'tuple[str, ...]', occurred_at: 'datetime')"""  # noqa: E501

    EVENT_TYPE: ClassVar[str] = "onboarding.inventory.ported_numbers_activated"

    partner_id: str
    port_id: str
    numbers: list[str]
    occurred_at: datetime


class PortNumbersWithdrawn(Payload):
    """A cancelled port took its numbers back out; `groups` tells the partner who held them."""

    EVENT_TYPE: ClassVar[str] = "onboarding.inventory.port_numbers_withdrawn"

    partner_id: str
    port_id: str
    numbers: list[str]
    groups: dict[str, list[str]]
    occurred_at: datetime


class NewNumbersAddedToInventory(Payload):
    """NewNumbersAddedToInventory(partner_id: 'str', numbers: 'tuple[str, ...]', occurred_at: 'datetime')"""  # noqa: E501

    EVENT_TYPE: ClassVar[str] = "onboarding.inventory.new_numbers_added"

    partner_id: str
    numbers: list[str]
    occurred_at: datetime


class InventoryNumbersAssigned(Payload):
    """InventoryNumbersAssigned(partner_id: 'str', group_id: 'str', numbers: 'tuple[str, ...]', occurred_at: 'datetime')"""  # noqa: E501

    EVENT_TYPE: ClassVar[str] = "onboarding.inventory.numbers_assigned"

    partner_id: str
    group_id: str
    numbers: list[str]
    occurred_at: datetime


class InventoryNumbersReleased(Payload):
    """InventoryNumbersReleased(partner_id: 'str', group_id: 'str', numbers: 'tuple[str, ...]', occurred_at: 'datetime')"""  # noqa: E501

    EVENT_TYPE: ClassVar[str] = "onboarding.inventory.numbers_released"

    partner_id: str
    group_id: str
    numbers: list[str]
    occurred_at: datetime


class GroupActionRefusedV1(ActionRefused):
    """A customer-group command was refused (group ID taken, CLID not in group, …)."""

    EVENT_TYPE: ClassVar[str] = "onboarding.group.action_refused"

    group_id: str = Field(description="The group (or clone group) meant")


class InventoryActionRefusedV1(ActionRefused):
    """Numbers could not enter or leave the partner's inventory."""

    EVENT_TYPE: ClassVar[str] = "onboarding.inventory.action_refused"


COMMANDS: list[type[PartnerCommand]] = [
    RegisterCloneGroup,
    CreateCustomerGroup,
    AssignNumbersToGroup,
    ReleaseNumbersFromGroup,
    SetBusinessProfileNumber,
    EnableVoicePortal,
    AddGroupAdminUser,
    RemoveGroupAdminUser,
    AddNumbersToInventory,
]
"""The commands of this concept."""


EVENTS: list[type[Payload]] = [
    CloneGroupRegisteredV1,
    GroupCreated,
    GroupNumbersAdded,
    GroupNumbersRemoved,
    BusinessProfileNumberSet,
    BusinessProfileNumberCleared,
    VoicePortalEnabled,
    VoicePortalNumberRemoved,
    GroupAdminUserAdded,
    GroupAdminUserRemoved,
    GroupReadyForUsers,
    GroupNotReady,
    PortedNumbersAddedToInventory,
    PortedNumbersActivated,
    PortNumbersWithdrawn,
    NewNumbersAddedToInventory,
    InventoryNumbersAssigned,
    InventoryNumbersReleased,
    GroupActionRefusedV1,
    InventoryActionRefusedV1,
]
"""The facts of this concept published on `onboarding.events`."""
