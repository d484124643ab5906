"""Facts porting publishes (topic `porting.events`); see the package doc."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, ClassVar

from pydantic import AwareDatetime, ConfigDict, Field

from shared.contracts.common import ActionRefused, Reason
from shared.contracts.porting.commands import CountryCode
from shared.events import Payload

E164 = Annotated[str, Field(pattern=r"^\+[1-9]\d{1,14}$", description="Number in E.164 form")]


# -- events we publish ---------------------------------------------------------------


class _PortEventV1(Payload):
    model_config = ConfigDict(extra="ignore", frozen=True)
    EVENT_TYPE: ClassVar[str]

    partner_id: str = Field(description="Partner the port belongs to")
    port_id: str = Field(description="Port request id")


class PortSubmittedV1(_PortEventV1):
    """A request passed our checks and goes to the carrier."""

    EVENT_TYPE: ClassVar[str] = "porting.port.submitted"

    country: CountryCode = Field(description="Country of the numbers")
    product: str = Field(description="Line product")
    numbers: list[E164] = Field(description="Numbers of the request")
    revision: int = Field(description="Submission round: 1, then +1 per resubmission/restart")


class PortSubmissionRejectedV1(Payload):
    """A submit or resubmit command was refused by our checks."""

    model_config = ConfigDict(extra="ignore", frozen=True)
    EVENT_TYPE: ClassVar[str] = "porting.port.submission_rejected"

    partner_id: str = Field(description="Partner that sent the command")
    request_id: str = Field(description="The command's request_id")
    port_id: str | None = Field(default=None, description="Port request, when one exists")
    reasons: list[Reason] = Field(description="Every reason, one per problem")


class PortPrecheckedV1(Payload):
    """The answer to a pre-check: portable, or every reason why not."""

    model_config = ConfigDict(extra="ignore", frozen=True)
    EVENT_TYPE: ClassVar[str] = "porting.port.prechecked"

    partner_id: str = Field(description="Partner that asked")
    request_id: str = Field(description="The command's request_id")
    portable: bool = Field(description="True when a submission would pass our checks")
    numbers: list[E164] = Field(description="The valid numbers, normalised and expanded")
    reasons: list[Reason] = Field(description="Every reason a submission would be refused")


class PortResubmittedV1(_PortEventV1):
    """A corrected request goes to the carrier again."""

    EVENT_TYPE: ClassVar[str] = "porting.port.resubmitted"

    numbers: list[E164] = Field(description="Numbers of the corrected request")
    corrected_fields: list[str] = Field(description="Fields the partner corrected")
    revision: int = Field(description="Submission round")


class PortAcceptedV1(_PortEventV1):
    """The carrier accepted; the port date is set."""

    EVENT_TYPE: ClassVar[str] = "porting.port.accepted"

    country: CountryCode = Field(description="Country of the numbers")
    carrier_ref: str = Field(description="The carrier's reference")
    numbers: list[E164] = Field(description="Numbers being ported")
    port_date: date = Field(description="Day the numbers port (from 00:00 local time)")
    lead_days: int | None = Field(
        description="Working days from acceptance; null when the carrier set the date"
    )
    cancellation_cutoff: AwareDatetime = Field(
        description="Last instant the losing provider can cancel (00:00, two days before)"
    )
    revision: int = Field(description="Submission round")


class PortRejectedV1(_PortEventV1):
    """The carrier rejected; the partner may correct and resubmit."""

    EVENT_TYPE: ClassVar[str] = "porting.port.rejected"

    reasons: list[Reason] = Field(description="The carrier's reasons")
    revision: int = Field(description="Submission round that was rejected")


class PortCancelledV1(_PortEventV1):
    """The losing provider cancelled in time; porting starts again when `restarted`."""

    EVENT_TYPE: ClassVar[str] = "porting.port.cancelled"

    cancelled_by: str = Field(description="The losing provider")
    reason: str | None = Field(description="Reason given, if any")
    reported_at: AwareDatetime = Field(description="When the cancellation was reported")
    previous_port_date: date = Field(description="The port date that no longer holds")
    numbers: list[E164] = Field(description="Numbers that leave the partner's inventory")
    restarted: bool = Field(description="True: the request awaits a new carrier acceptance")


class PortLateCancellationRecordedV1(_PortEventV1):
    """A cancellation after the cut-off: escalated; the port stays scheduled."""

    EVENT_TYPE: ClassVar[str] = "porting.port.late_cancellation_recorded"

    cancelled_by: str = Field(description="The losing provider")
    reason: str | None = Field(description="Reason given, if any")
    reported_at: AwareDatetime = Field(description="When the cancellation was reported")
    cutoff: AwareDatetime = Field(description="The cut-off it missed")
    port_date: date = Field(description="The port date, unchanged")
    escalation_level: int = Field(description="Escalation matrix level it went to")
    escalation_role: str = Field(description="Role at that level")
    escalation_email: str = Field(description="Contact at that level")


class PortCompletedV1(_PortEventV1):
    """The numbers ported."""

    EVENT_TYPE: ClassVar[str] = "porting.port.completed"

    numbers: list[E164] = Field(description="Numbers now live")
    completed_at: AwareDatetime = Field(description="When they ported")


class PortWithdrawnV1(_PortEventV1):
    """The partner withdrew the request."""

    EVENT_TYPE: ClassVar[str] = "porting.port.withdrawn"

    reason: str | None = Field(description="Why, if given")
    numbers: list[E164] = Field(description="Numbers no longer requested")


class PortSubmissionAbandonedV1(_PortEventV1):
    """A submission never reached its decision (its command failed for good): the draft
    stays a draft and its numbers are free again; the partner submits anew."""

    EVENT_TYPE: ClassVar[str] = "porting.port.submission_abandoned"

    pending_since: AwareDatetime = Field(description="When the draft was stored to be submitted")


class PortDateReminderDueV1(_PortEventV1):
    """The port date is near: remind the partner, with the risk notice."""

    EVENT_TYPE: ClassVar[str] = "porting.port.reminder_due"

    port_date: date = Field(description="Day the numbers port")
    numbers: list[E164] = Field(description="Numbers being ported")
    risk_notice: str = Field(description="What is lost when the numbers port (to pass on)")


class PortCarrierAnswerOverdueV1(_PortEventV1):
    """No carrier answer in time: escalation to a level of the provisioning matrix."""

    EVENT_TYPE: ClassVar[str] = "porting.port.carrier_answer_overdue"

    awaiting_since: AwareDatetime = Field(description="When the request went to the carrier")
    level: int = Field(ge=0, description="Escalation level (0 = provisioning team)")
    role: str = Field(description="Role at that level")
    email: str = Field(description="Contact at that level")


# -- number inventory events (read by onboarding) --------------------------------------


class PortNumbersAccepted(_PortEventV1):
    """Numbers of an accepted port enter the partner's inventory as "porting"."""

    EVENT_TYPE: ClassVar[str] = "porting.numbers.accepted"

    numbers: list[E164] = Field(description="Numbers to add; assignable before port day")
    port_date: date = Field(description="Day they are expected to go live")


class PortNumbersCompleted(_PortEventV1):
    """Numbers of a completed port go live."""

    EVENT_TYPE: ClassVar[str] = "porting.numbers.completed"

    numbers: list[E164] = Field(description="Numbers that are now active")
    completed_at: AwareDatetime = Field(description="When they ported")


class PortNumbersCancelled(_PortEventV1):
    """Numbers of a cancelled port leave the partner's inventory."""

    EVENT_TYPE: ClassVar[str] = "porting.numbers.cancelled"

    numbers: list[E164] = Field(description="Numbers to remove (and unassign from groups)")
    reason: str | None = Field(default=None, description="Why the port was cancelled")


# -- refusals of actions on an existing request ----------------------------------------


class PortActionRefusedV1(ActionRefused):
    """A command or carrier answer that the request's state does not allow (nothing changed)."""

    EVENT_TYPE: ClassVar[str] = "porting.port.action_refused"
    SCHEMA_VERSION: ClassVar[int] = 2
    """v2: the one refusal shape (`ActionRefused`): `command_type` instead of v1's
    `message_type`, with `command_id`, `code`, `details` and `occurred_at`."""

    status: str = Field(description="Status of the request when it was refused")
    partner_id: str = Field(description="Partner the port belongs to")
    port_id: str = Field(description="Port request id")


class PortDateRefusedV1(_PortEventV1):
    """A carrier's acceptance was not taken because its port date (stated, or computed from
    the lead time) or its acceptance instant breaks the rules.

    Read by the carrier gateway: the request stays submitted (awaiting a new acceptance);
    answer again with a date on or after `earliest_port_date`, or without a date to let
    the lead time decide. Reason codes (field port_date): port_date_not_after_acceptance,
    port_date_not_a_working_day, cancellation_cutoff_passed, port_date_before_lead_time,
    port_date_beyond_horizon; (field accepted_at): accepted_at_in_future,
    accepted_at_too_old, accepted_before_submission.
    """

    EVENT_TYPE: ClassVar[str] = "porting.port.port_date_refused"

    carrier_ref: str = Field(description="The carrier's reference of the refused acceptance")
    accepted_at: AwareDatetime = Field(description="When the carrier said it accepted")
    port_date: date | None = Field(
        description="The port date judged (stated by the carrier, else the lead time's); "
        "null when none could be computed from the acceptance instant"
    )
    reasons: list[Reason] = Field(description="Every rule the port date breaks")
    earliest_port_date: date | None = Field(
        description="First date that would have been accepted, judged when refused"
    )


# -- the draft's history (published for the audit trail) ---------------------------------


class _PortHistoryEvent(Payload):
    model_config = ConfigDict(extra="ignore", frozen=True)
    EVENT_TYPE: ClassVar[str]

    port_id: str = Field(description="Port request id")
    partner_id: str = Field(description="Partner the port belongs to")
    occurred_at: datetime = Field(description="When it happened (UTC)")
    version: int = Field(description="Version of the port request after this change")
    actor: str = Field(description="User id of who made the change")


class PortDrafted(_PortHistoryEvent):
    """A port request was drafted (stored before any check; the same event however often
    the draft is rebuilt)."""

    EVENT_TYPE: ClassVar[str] = "porting.port.drafted"

    country: str = Field(description="Country the numbers are ported in (ISO 3166-1 alpha-2)")
    product: str = Field(description="Line product the numbers are on")


class PortDraftUpdated(_PortHistoryEvent):
    """A draft's details were corrected."""

    EVENT_TYPE: ClassVar[str] = "porting.port.draft_updated"

    changed_fields: list[str] = Field(description="Names of the fields that changed")


class PortCommentAdded(_PortHistoryEvent):
    """A comment was added to the request's history."""

    EVENT_TYPE: ClassVar[str] = "porting.port.comment_added"

    comment: str = Field(description="The comment, as written")


EVENTS: list[type[Payload]] = [
    PortDrafted,
    PortDraftUpdated,
    PortCommentAdded,
    PortSubmittedV1,
    PortSubmissionRejectedV1,
    PortPrecheckedV1,
    PortResubmittedV1,
    PortAcceptedV1,
    PortRejectedV1,
    PortCancelledV1,
    PortLateCancellationRecordedV1,
    PortCompletedV1,
    PortWithdrawnV1,
    PortSubmissionAbandonedV1,
    PortDateReminderDueV1,
    PortCarrierAnswerOverdueV1,
    PortNumbersAccepted,
    PortNumbersCompleted,
    PortNumbersCancelled,
    PortActionRefusedV1,
    PortDateRefusedV1,
]
"""Every fact porting publishes on `porting.events` (besides `porting.command.rejected`)."""
