"""Contexts of the mails about porting's events (domain.md §2), with invented samples."""

from __future__ import annotations

from datetime import UTC, date, datetime

from pydantic import AwareDatetime

from services.notifications.mail.contexts.base import MailContext


class Port(MailContext):
    """A port request and its numbers (E.164)."""

    port_id: str
    numbers: list[str]
    country: str = "GB"


class PortSubmitted(Port):
    """porting.port.submitted: lodged with the gaining carrier."""

    product: str


class PortSubmissionRejected(MailContext):
    """porting.port.submission_rejected: our checks refused the request."""

    request_id: str
    port_id: str | None = None
    reasons: list[str]


class PortAccepted(Port):
    """porting.port.accepted: port date (local, country's calendar) and cancellation cut-off."""

    carrier_ref: str
    port_date: date
    lead_days: int | None
    """Working days from acceptance; None when the carrier set the date (published so)."""
    cancellation_cutoff: AwareDatetime


class PortRejected(Port):
    """porting.port.rejected: the carrier refused; correct and resubmit."""

    reasons: list[str]
    revision: int


class PortReminder(Port):
    """porting.port.reminder_due: the risk notice before port day."""

    port_date: date


class PortCompleted(Port):
    """porting.port.completed."""

    completed_at: AwareDatetime


class PortCancelled(Port):
    """porting.port.cancelled: the losing provider cancelled in time; porting restarts."""

    cancelled_by: str
    reason: str | None = None
    previous_port_date: date | None = None
    restarted: bool = True


class LateCancellation(Port):
    """porting.port.late_cancellation_recorded: after the cut-off; the port stays scheduled."""

    cancelled_by: str
    reason: str | None = None
    reported_at: AwareDatetime
    cutoff: AwareDatetime
    port_date: date
    escalation_level: int
    escalation_role: str


_NUMBERS = ["+442079460000", "+442079460001"]
_T = datetime(2026, 6, 3, 13, 30, tzinfo=UTC)

SAMPLES: dict[str, MailContext] = {
    "port_submitted": PortSubmitted(port_id="PORT-0009", numbers=_NUMBERS, product="analogue"),
    "port_submission_rejected": PortSubmissionRejected(
        request_id="REQ-0009", reasons=["+442079460000 is already in another active port."]
    ),
    "port_accepted": PortAccepted(
        port_id="PORT-0009",
        numbers=_NUMBERS,
        carrier_ref="CARR-5512",
        port_date=date(2026, 7, 3),
        lead_days=22,
        cancellation_cutoff=datetime(2026, 6, 30, 23, 0, tzinfo=UTC),
    ),
    "port_rejected": PortRejected(
        port_id="PORT-0009",
        numbers=_NUMBERS,
        reasons=["The range holder does not match the carrier's records."],
        revision=1,
    ),
    "port_reminder": PortReminder(
        port_id="PORT-0009", numbers=_NUMBERS, port_date=date(2026, 7, 3)
    ),
    "port_completed": PortCompleted(port_id="PORT-0009", numbers=_NUMBERS, completed_at=_T),
    "port_cancelled": PortCancelled(
        port_id="PORT-0009",
        numbers=_NUMBERS,
        cancelled_by="losing_provider",
        reason="Customer contract dispute",
        previous_port_date=date(2026, 7, 3),
    ),
    "port_late_cancellation": LateCancellation(
        port_id="PORT-0009",
        numbers=_NUMBERS,
        cancelled_by="losing_provider",
        reason="Customer contract dispute",
        reported_at=datetime(2026, 7, 2, 9, 15, tzinfo=UTC),
        cutoff=datetime(2026, 6, 30, 23, 0, tzinfo=UTC),
        port_date=date(2026, 7, 3),
        escalation_level=0,
        escalation_role="provisioning team",
    ),
}
