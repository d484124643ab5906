"""Notifications domain errors: each names the rule it guards and carries a machine-readable code.

A single-rule guard raises its own error. A command that checks many rules at once
(announcing or rescheduling maintenance, replacing a partner's contacts) collects every
failure's `reasons()` and refuses with one `ValidationFailed`, so the caller learns every
problem in one answer. The application maps `code`, `details` and `reasons` onto
rejection events without parsing text.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from shared.refusals import Reason, Refused

__all__ = ["NotificationsError", "Reason", "ValidationFailed"]


class NotificationsError(Refused):
    """Base of every notifications rule violation: a `shared.refusals.Refused`, so the
    use-case core turns it into the aggregate's `notifications.<entity>.action_refused`."""

    code: str = "notifications_error"

    def __init__(
        self, message: str, *, field: str | None = None, details: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message, details=details)
        self.field = field

    def reasons(self) -> tuple[Reason, ...]:
        """The refusal as reasons (one for a single-rule error)."""
        return (Reason(self.code, self.message, self.field),)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, message={self.message!r})"


class ValidationFailed(NotificationsError):
    """Several rules failed at once; `reasons()` lists each of them."""

    code = "validation_failed"

    def __init__(self, reasons: Iterable[Reason]) -> None:
        self._all = tuple(reasons)
        super().__init__("; ".join(r.message for r in self._all) or "validation failed")

    def reasons(self) -> tuple[Reason, ...]:
        return self._all or (Reason(self.code, self.message),)


# -- maintenance schedule (§3 windows, notice, kinds) --------------------------------


class IntervalInvalid(NotificationsError):
    """The maintenance does not end after it starts."""

    code = "end_not_after_start"


class StartInPast(NotificationsError):
    """Planned maintenance must start after it is announced (emergencies excepted)."""

    code = "start_in_past"


class StartOutsideWindow(NotificationsError):
    """Planned maintenance must start inside one of the region's windows (§3)."""

    code = "start_outside_window"


class WeekendWindowInfrastructureOnly(NotificationsError):
    """Weekend windows take the vendor's infrastructure work only (§3)."""

    code = "weekend_window_infrastructure_only"


class NoticeTooShort(NotificationsError):
    """Impactful work starts before the 10th business day after the day of notice (§3)."""

    code = "notice_too_short"


class UpgradeReasonRequired(NotificationsError):
    """The vendor starts an upgrade only for one of the allowed reasons (§3)."""

    code = "upgrade_reason_required"


class EmergencyReasonRequired(NotificationsError):
    """An emergency change names why it cannot wait (§3)."""

    code = "emergency_reason_required"


class CertificateRenewalOutOfRange(NotificationsError):
    """Certificates are renewed 3 to 7 days before they expire (§3)."""

    code = "certificate_renewal_out_of_range"


class JointReviewRequired(NotificationsError):
    """A change a partner asked for is scheduled only after a joint review approved it (§3)."""

    code = "joint_review_required"


# -- maintenance lifecycle and reschedules (§3) ----------------------------------------


class MaintenanceNotActive(NotificationsError):
    """The maintenance is not in a status that allows the change."""

    code = "maintenance_not_active"


class RescheduleReasonRequired(NotificationsError):
    """A reschedule request needs a reason (§3)."""

    code = "reschedule_reason_required"


class UrgentChangeNotReschedulable(NotificationsError):
    """Urgent or emergency changes cannot be rescheduled (§3)."""

    code = "urgent_change_not_reschedulable"


class SameWindow(NotificationsError):
    """A reschedule to the very start and end the work already has changes nothing."""

    code = "same_window"


class UpgradeAlreadyRescheduled(NotificationsError):
    """An upgrade may be rescheduled once (§3)."""

    code = "upgrade_already_rescheduled"


class UpgradeRescheduleTooLate(NotificationsError):
    """An upgrade may be rescheduled up to a week (7 wall-clock days) before it (§3)."""

    code = "upgrade_reschedule_too_late"


class ChangeRequestNotPending(NotificationsError):
    """The joint review of a partner's change request was already decided."""

    code = "change_request_not_pending"


class OutageAlreadyResolved(NotificationsError):
    """An outage is resolved once."""

    code = "outage_already_resolved"


class OutageWithoutRegion(NotificationsError):
    """An outage affects at least one region (its notice goes to that region's contacts)."""

    code = "outage_without_region"


class NoReleaseToRetire(NotificationsError):
    """End of sale needs a release n-2: the train names at least three releases (§3)."""

    code = "no_release_at_end_of_sale"


class NotPermitted(NotificationsError):
    """The actor may not do this (a partner acts for itself; vendor roles for the rest)."""

    code = "forbidden"


# -- contacts and enrolment (§3) -----------------------------------------------------


class InvalidEmailAddress(NotificationsError):
    """The address is not a valid e-mail address (checked with email-validator)."""

    code = "invalid_email"


class InvalidContactName(NotificationsError):
    """A contact's name is a mail display name: one line, no control characters (no CR/LF:
    header injection, RFC 5322 §2.2)."""

    code = "invalid_contact_name"


class UnsupportedLanguage(NotificationsError):
    """Mail is written in English, German or Dutch (§3 product decision)."""

    code = "unsupported_language"


class UnknownTimeZone(NotificationsError):
    """The time zone is not an IANA zone name."""

    code = "unknown_time_zone"


class DuplicateContact(NotificationsError):
    """Two contacts of one partner share an address (compared ignoring case)."""

    code = "duplicate_contact"


class ContactIdTaken(NotificationsError):
    """The partner already has a contact with that id (update it instead)."""

    code = "contact_id_taken"


class UnknownContact(NotificationsError):
    """The partner has no contact with that id."""

    code = "unknown_contact"


class DigestNotAllowed(NotificationsError):
    """Outages, emergencies and S1/S2 incidents are never batched into a digest (§3)."""

    code = "digest_not_allowed"


class InvalidDigestHour(NotificationsError):
    """A digest is sent at a whole local hour, 0 to 23."""

    code = "invalid_digest_hour"


class NoCategories(NotificationsError):
    """A contact is enrolled for at least one alert category."""

    code = "no_categories"


class AlreadyExists(NotificationsError):
    """An aggregate with that id exists already (a different request under the same id)."""

    code = "already_exists"
