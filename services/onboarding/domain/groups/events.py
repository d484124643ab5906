"""Events of customer groups and the partner's number inventory (§1.4, §5 flow 3). None
carries a password or PIN: the aggregates keep those."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from services.onboarding.domain.errors import Reason
from services.onboarding.domain.event import DomainEvent

# -- §1.4 customer groups ---------------------------------------------------------------------


@dataclass(frozen=True)
class GroupCreated(DomainEvent):
    name: ClassVar[str] = "onboarding.group.created"
    group_id: str
    group_name: str
    partner_id: str
    clone_group_id: str
    default_domain: str
    occurred_at: datetime


@dataclass(frozen=True)
class GroupNumbersAdded(DomainEvent):
    name: ClassVar[str] = "onboarding.group.numbers_added"
    group_id: str
    partner_id: str
    numbers: tuple[str, ...]
    occurred_at: datetime


@dataclass(frozen=True)
class GroupNumbersRemoved(DomainEvent):
    name: ClassVar[str] = "onboarding.group.numbers_removed"
    group_id: str
    partner_id: str
    numbers: tuple[str, ...]
    reason: str
    occurred_at: datetime


@dataclass(frozen=True)
class BusinessProfileNumberSet(DomainEvent):
    name: ClassVar[str] = "onboarding.group.business_profile_number_set"
    group_id: str
    partner_id: str
    clid: str
    occurred_at: datetime


@dataclass(frozen=True)
class BusinessProfileNumberCleared(DomainEvent):
    name: ClassVar[str] = "onboarding.group.business_profile_number_cleared"
    group_id: str
    partner_id: str
    clid: str
    reason: str
    occurred_at: datetime


@dataclass(frozen=True)
class VoicePortalEnabled(DomainEvent):
    name: ClassVar[str] = "onboarding.group.voice_portal_enabled"
    group_id: str
    partner_id: str
    number: str | None
    extension: str | None
    external_dial_in: bool
    occurred_at: datetime


@dataclass(frozen=True)
class VoicePortalNumberRemoved(DomainEvent):
    name: ClassVar[str] = "onboarding.group.voice_portal_number_removed"
    group_id: str
    partner_id: str
    number: str
    reason: str
    occurred_at: datetime


@dataclass(frozen=True)
class GroupAdminUserAdded(DomainEvent):
    """An admin user was created; the password (typed or generated) is never in here."""

    name: ClassVar[str] = "onboarding.group.admin_user_added"
    group_id: str
    partner_id: str
    user_id: str
    first_name: str
    last_name: str
    occurred_at: datetime


@dataclass(frozen=True)
class GroupAdminUserRemoved(DomainEvent):
    name: ClassVar[str] = "onboarding.group.admin_user_removed"
    group_id: str
    partner_id: str
    user_id: str
    occurred_at: datetime


@dataclass(frozen=True)
class GroupReadyForUsers(DomainEvent):
    name: ClassVar[str] = "onboarding.group.ready_for_users"
    group_id: str
    partner_id: str
    occurred_at: datetime


@dataclass(frozen=True)
class GroupNotReady(DomainEvent):
    name: ClassVar[str] = "onboarding.group.not_ready"
    group_id: str
    partner_id: str
    reasons: tuple[Reason, ...]
    occurred_at: datetime


# -- §1.4 / §5 flow 3: the partner's number inventory ----------------------------------------


@dataclass(frozen=True)
class PortedNumbersAddedToInventory(DomainEvent):
    name: ClassVar[str] = "onboarding.inventory.ported_numbers_added"
    partner_id: str
    port_id: str
    numbers: tuple[str, ...]
    occurred_at: datetime


@dataclass(frozen=True)
class PortedNumbersActivated(DomainEvent):
    name: ClassVar[str] = "onboarding.inventory.ported_numbers_activated"
    partner_id: str
    port_id: str
    numbers: tuple[str, ...]
    occurred_at: datetime


@dataclass(frozen=True)
class PortNumbersWithdrawn(DomainEvent):
    """A cancelled port took its numbers back out; `groups` tells the partner who held them."""

    name: ClassVar[str] = "onboarding.inventory.port_numbers_withdrawn"
    partner_id: str
    port_id: str
    numbers: tuple[str, ...]
    groups: Mapping[str, tuple[str, ...]]  # group ID -> its withdrawn numbers
    occurred_at: datetime


@dataclass(frozen=True)
class NewNumbersAddedToInventory(DomainEvent):
    name: ClassVar[str] = "onboarding.inventory.new_numbers_added"
    partner_id: str
    numbers: tuple[str, ...]
    occurred_at: datetime


@dataclass(frozen=True)
class InventoryNumbersAssigned(DomainEvent):
    name: ClassVar[str] = "onboarding.inventory.numbers_assigned"
    partner_id: str
    group_id: str
    numbers: tuple[str, ...]
    occurred_at: datetime


@dataclass(frozen=True)
class InventoryNumbersReleased(DomainEvent):
    name: ClassVar[str] = "onboarding.inventory.numbers_released"
    partner_id: str
    group_id: str
    numbers: tuple[str, ...]
    occurred_at: datetime
