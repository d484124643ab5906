"""Changes a partner asks for go to a joint review before they are scheduled (domain.md §3).

Examples from seed 004: configuration changes affecting boundary devices or integrations,
deactivating a service, an upgrade for a new feature. A request is under joint review
until the vendor's product management approves or declines it; only an approved request
can become scheduled maintenance (`Maintenance.announce(..., joint_review_approved=True)`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, ClassVar

from services.notifications.domain.errors import ChangeRequestNotPending
from services.notifications.domain.policy import aware
from shared.calendars import Region


class ReviewStatus(StrEnum):
    UNDER_JOINT_REVIEW = "under_joint_review"
    APPROVED = "approved"
    DECLINED = "declined"


@dataclass(frozen=True, kw_only=True)
class ChangeRequestEvent:
    name: ClassVar[str] = "notifications.change_request.event"

    change_request_id: str
    partner_id: str
    occurred_at: datetime
    version: int
    region: str
    summary: str


@dataclass(frozen=True, kw_only=True)
class ChangeRequestSubmitted(ChangeRequestEvent):
    name: ClassVar[str] = "notifications.change_request.submitted"


@dataclass(frozen=True, kw_only=True)
class ChangeRequestApproved(ChangeRequestEvent):
    name: ClassVar[str] = "notifications.change_request.approved"

    reviewed_by: str


@dataclass(frozen=True, kw_only=True)
class ChangeRequestDeclined(ChangeRequestEvent):
    name: ClassVar[str] = "notifications.change_request.declined"

    reviewed_by: str
    reason: str


@dataclass
class ChangeRequest:
    """A partner's request for a change, and its joint review."""

    change_request_id: str
    partner_id: str
    region: Region
    summary: str
    submitted_at: datetime
    status: ReviewStatus = ReviewStatus.UNDER_JOINT_REVIEW
    version: int = 1

    @classmethod
    def submit(
        cls,
        change_request_id: str,
        *,
        partner_id: str,
        region: Region | str,
        summary: str,
        now: datetime,
    ) -> tuple[ChangeRequest, list[ChangeRequestEvent]]:
        """The partner's requirements arrive; the joint review starts."""
        request = cls(
            change_request_id,
            partner_id,
            Region(region),
            summary.strip(),
            aware(now, "now"),
        )
        return request, [ChangeRequestSubmitted(**request._meta(now))]

    @property
    def approved(self) -> bool:
        return self.status is ReviewStatus.APPROVED

    def approve(self, now: datetime, reviewed_by: str) -> list[ChangeRequestEvent]:
        """Product management and the partner agreed: the change may be scheduled."""
        self._require_pending("approve")
        self.status = ReviewStatus.APPROVED
        self.version += 1
        return [ChangeRequestApproved(**self._meta(now), reviewed_by=reviewed_by)]

    def decline(self, now: datetime, reviewed_by: str, reason: str) -> list[ChangeRequestEvent]:
        """The review found the change cannot go ahead, for ``reason``."""
        self._require_pending("decline")
        self.status = ReviewStatus.DECLINED
        self.version += 1
        return [
            ChangeRequestDeclined(**self._meta(now), reviewed_by=reviewed_by, reason=reason.strip())
        ]

    def _require_pending(self, action: str) -> None:
        if self.status is not ReviewStatus.UNDER_JOINT_REVIEW:
            raise ChangeRequestNotPending(
                f"cannot {action} change request {self.change_request_id}: {self.status.value}"
            )

    def _meta(self, now: datetime) -> dict[str, Any]:
        return {
            "change_request_id": self.change_request_id,
            "partner_id": self.partner_id,
            "occurred_at": aware(now, "now"),
            "version": self.version,
            "region": self.region.value,
            "summary": self.summary,
        }
