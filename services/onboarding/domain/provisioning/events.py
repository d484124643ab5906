"""Events of a group's integrations (§1.4): reporting partition, call-recording customer."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from services.onboarding.domain.event import DomainEvent

# -- §1.4 integrations: reporting partition and call-recording customer -----------------------


@dataclass(frozen=True)
class ProvisioningRequested(DomainEvent):
    """Asks the adapter of `kind`'s external system to create what `payload` describes.

    `payload` is the request's exact field mapping (`dataclasses.asdict` of
    `ReportingPartitionRequest` or `CallRecordingCustomerRequest`).
    """

    name: ClassVar[str] = "onboarding.provisioning.requested"
    request_id: str
    kind: str
    partner_id: str
    group_id: str
    payload: Mapping[str, Any]
    attempt: int
    occurred_at: datetime


@dataclass(frozen=True)
class ProvisioningCompleted(DomainEvent):
    name: ClassVar[str] = "onboarding.provisioning.completed"
    request_id: str
    kind: str
    partner_id: str
    group_id: str
    external_id: str | None
    occurred_at: datetime


@dataclass(frozen=True)
class ProvisioningFailed(DomainEvent):
    name: ClassVar[str] = "onboarding.provisioning.failed"
    request_id: str
    kind: str
    partner_id: str
    group_id: str
    reason: str
    attempt: int
    occurred_at: datetime


@dataclass(frozen=True)
class ReportingPartitionSynchronised(DomainEvent):
    name: ClassVar[str] = "onboarding.provisioning.partition_synchronised"
    request_id: str
    partner_id: str
    group_id: str
    occurred_at: datetime


@dataclass(frozen=True)
class RecordingLicencesApplied(DomainEvent):
    name: ClassVar[str] = "onboarding.recording_licences.applied"
    partner_id: str
    group_id: str
    user_ids: tuple[str, ...]
    occurred_at: datetime
