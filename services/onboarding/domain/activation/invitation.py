"""An activation request's status and its invitation to the customer's admin (§1.5)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from services.onboarding.domain.activation.end_customer import INVITATION_VALID_FOR


class ActivationStatus(StrEnum):
    AWAITING_CHECK = "awaiting_check"  # at the CAM/DAM
    RETURNED = "returned"  # back with the partner, with reasons
    AT_CLOUD_OPERATIONS = "at_cloud_operations"
    INVITATION_SENT = "invitation_sent"
    INVITATION_EXPIRED = "invitation_expired"
    ACTIVATED = "activated"


@dataclass(frozen=True)
class Invitation:
    invitation_id: str
    sent_at: datetime

    @property
    def valid_until(self) -> datetime:
        """The first instant at which the invitation is expired (72 real hours, in UTC)."""
        return self.sent_at.astimezone(UTC) + INVITATION_VALID_FOR

    def is_valid_at(self, now: datetime) -> bool:
        return self.sent_at <= now < self.valid_until
