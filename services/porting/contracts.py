"""Published contracts of the porting service: the `data` of its Kafka messages.

The envelope (CloudEvents, with `type` = a model's `EVENT_TYPE`) is written elsewhere.
Three groups:

- commands partners send (`porting.port.*` in the imperative): our own input, so unknown
  fields are refused (`extra="forbid"`); each names its `actor` and an idempotency
  `request_id`;
- the carrier gateway contract (`carrier.port.*`): the gaining carrier's answers, which a
  gateway publishes; unknown fields are ignored so the gateway may send more;
- events we publish (`porting.port.*`, `porting.numbers.*` in the past tense); readers
  must tolerate fields added later, and so do these models (`extra="ignore"`).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, ClassVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from shared.actor import Actor
from shared.events import Command, Payload

E164 = Annotated[str, Field(pattern=r"^\+[1-9]\d{1,14}$", description="Number in E.164 form")]
CountryCode = Annotated[
    str, Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2 country, e.g. GB, DE")
]
NonEmpty = Annotated[str, Field(min_length=1)]


class NumberRangeIn(BaseModel):
    """A block of consecutive numbers, both ends included (national or E.164 form)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    first: NonEmpty = Field(description="First number of the range, e.g. +442079460000")
    last: NonEmpty = Field(description="Last number of the range, e.g. +442079460099")


NumberEntry = Annotated[
    NonEmpty | NumberRangeIn,
    Field(
        description='A number ("020 7946 0000", "+442079460000"), a range as text '
        '("02079460000-0099") or a {first, last} range'
    ),
]


class AddressIn(BaseModel):
    """The registered address of the numbers (where the lines are installed)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    lines: list[NonEmpty] = Field(min_length=1, description="Street lines, building first")
    city: NonEmpty = Field(description="Town or city")
    postal_code: NonEmpty = Field(description="Postcode")
    country: CountryCode = Field(description="Country of the address")


class ReasonOut(BaseModel):
    """A machine-readable reason for a refusal."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    code: str = Field(description="Stable snake_case code, e.g. number_already_in_active_port")
    message: str = Field(description="Explanation for people (English)")
    field: str | None = Field(default=None, description="Request field concerned, if any")
    number: str | None = Field(default=None, description="Number concerned, if any")


# -- commands partners send -------------------------------------------------------


class _Command(Command):
    model_config = ConfigDict(extra="forbid", frozen=True)
    EVENT_TYPE: ClassVar[str]

    request_id: NonEmpty = Field(
        description="Idempotency key chosen by the sender: a repeat has no further effect"
    )
    actor: Actor = Field(description="Who sends the command, for whom, with which roles")


class _PortRequestCommand(_Command):
    partner_id: NonEmpty = Field(description="Partner ID the numbers will belong to")
    country: CountryCode = Field(description="Country the numbers are ported in")
    product: NonEmpty = Field(
        description="Line product the numbers are on, e.g. analogue, multi_line, isdn; "
        "chooses the lead time"
    )
    numbers: list[NumberEntry] = Field(description="Numbers and ranges to port")
    main_billing_number: str | None = Field(
        default=None, description="Main billing number of the account at the losing provider"
    )
    registered_address: AddressIn | None = Field(
        default=None, description="Registered address of the numbers"
    )
    losing_provider: str | None = Field(default=None, description="Losing service provider")
    range_holder: str | None = Field(default=None, description="Range holder of the numbers")
    calendar_subdivision: str | None = Field(
        default=None,
        description="Holiday region (a `holidays` subdivision code), when it is not the one "
        "the registered address gives: GB requests take it from the postcode area (BT: NIR, "
        "Scottish areas: SCT, else ENG for England and Wales); set it for a cross-border "
        "district",
    )
    extra_fields: dict[str, str] = Field(
        default_factory=dict, description="Country-specific fields required by configuration"
    )


class SubmitPortRequest(_PortRequestCommand):
    """Ask for numbers to be ported in; answered by porting.port.submitted or a rejection."""

    EVENT_TYPE: ClassVar[str] = "porting.port.submit"

    comment: str | None = Field(default=None, max_length=2000, description="Note for the team")


class PrecheckPortRequest(_PortRequestCommand):
    """Check portability before submitting; answered by porting.port.prechecked."""

    EVENT_TYPE: ClassVar[str] = "porting.port.precheck"


class PortCorrectionsIn(BaseModel):
    """Corrected fields of a rejected request; fields left out stay as they were."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    product: NonEmpty | None = Field(default=None, description="Corrected line product")
    numbers: list[NumberEntry] | None = Field(default=None, description="All numbers, corrected")
    main_billing_number: str | None = Field(default=None, description="Corrected billing number")
    registered_address: AddressIn | None = Field(default=None, description="Corrected address")
    losing_provider: str | None = Field(default=None, description="Corrected losing provider")
    range_holder: str | None = Field(default=None, description="Corrected range holder")
    calendar_subdivision: str | None = Field(default=None, description="Corrected holiday region")
    extra_fields: dict[str, str] | None = Field(
        default=None, description="Country-specific fields to set (merged key by key)"
    )


class ResubmitPortRequest(_Command):
    """Resubmit a rejected request with corrections; the lead time restarts on acceptance."""

    EVENT_TYPE: ClassVar[str] = "porting.port.resubmit"

    port_id: NonEmpty = Field(description="The rejected port request")
    corrections: PortCorrectionsIn = Field(description="What changes")
    comment: str | None = Field(default=None, max_length=2000, description="Note for the team")


class WithdrawPortRequest(_Command):
    """Withdraw a request before the carrier accepted it."""

    EVENT_TYPE: ClassVar[str] = "porting.port.withdraw"

    port_id: NonEmpty = Field(description="The port request to withdraw")
    reason: str | None = Field(default=None, max_length=2000, description="Why")


# -- carrier gateway contract -------------------------------------------------------


class _CarrierEvent(Payload):
    model_config = ConfigDict(extra="ignore", frozen=True)
    EVENT_TYPE: ClassVar[str]

    port_id: NonEmpty = Field(description="Our port request id, as lodged with the carrier")
    carrier_ref: NonEmpty = Field(description="The carrier's reference of the port order")


class CarrierReason(BaseModel):
    """One reason the carrier gives for a rejection."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    code: NonEmpty = Field(description="Carrier's reason code")
    message: str = Field(description="Carrier's explanation")
    number: str | None = Field(
        default=None, description="Number concerned (E.164), when the reason is per number"
    )


class CarrierPortAccepted(_CarrierEvent):
    """The gaining carrier accepted the port; the port date is computed when not given."""

    EVENT_TYPE: ClassVar[str] = "carrier.port.accepted"

    accepted_at: AwareDatetime = Field(description="When the carrier accepted")
    port_date: date | None = Field(default=None, description="Port date set by the carrier")


class CarrierPortRejected(_CarrierEvent):
    """The gaining carrier rejected the port (usually incomplete or inaccurate data)."""

    EVENT_TYPE: ClassVar[str] = "carrier.port.rejected"

    rejected_at: AwareDatetime = Field(description="When the carrier rejected")
    reasons: list[CarrierReason] = Field(min_length=1, description="Why, one entry per problem")


class CarrierPortCancelled(_CarrierEvent):
    """The losing provider cancelled the accepted port."""

    EVENT_TYPE: ClassVar[str] = "carrier.port.cancelled"

    cancelled_by: NonEmpty = Field(description="The losing provider that cancelled")
    reported_at: AwareDatetime = Field(
        description="When the cancellation was reported; decides whether it is late"
    )
    reason: str | None = Field(default=None, description="Reason given, if any")


class CarrierPortCompleted(_CarrierEvent):
    """The numbers have ported."""

    EVENT_TYPE: ClassVar[str] = "carrier.port.completed"

    completed_at: AwareDatetime = Field(description="When the numbers ported")


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
    reasons: list[ReasonOut] = Field(description="Every reason, one per problem")


class PortPrecheckedV1(Payload):
    """The answer to a pre-check: portable, or every reason why not."""

    model_config = ConfigDict(extra="ignore", frozen=True)
    EVENT_TYPE: ClassVar[str] = "porting.port.prechecked"

    partner_id: str = Field(description="Partner that asked")
    request_id: str = Field(description="The command's request_id")
    portable: bool = Field(description="True when a submission would pass our checks")
    numbers: list[E164] = Field(description="The valid numbers, normalised and expanded")
    reasons: list[ReasonOut] = Field(description="Every reason a submission would be refused")


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

    reasons: list[ReasonOut] = Field(description="The carrier's reasons")
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


class PortActionRefusedV1(_PortEventV1):
    """A command or carrier answer that the request's state does not allow (nothing changed)."""

    EVENT_TYPE: ClassVar[str] = "porting.port.action_refused"

    message_type: str = Field(description="CloudEvents type of the refused command or answer")
    status: str = Field(description="Status of the request when it was refused")
    reasons: list[ReasonOut] = Field(description="Why, machine-readable")


class PortDateRefusedV1(_PortEventV1):
    """A carrier's acceptance was not taken because its port date breaks the rules.

    Read by the carrier gateway: the request stays submitted (awaiting a new acceptance);
    answer again with a date on or after `earliest_port_date`, or without a date to let
    the lead time decide. Reason codes: port_date_not_after_acceptance,
    port_date_not_a_working_day, cancellation_cutoff_passed, port_date_before_lead_time.
    """

    EVENT_TYPE: ClassVar[str] = "porting.port.port_date_refused"

    carrier_ref: str = Field(description="The carrier's reference of the refused acceptance")
    accepted_at: AwareDatetime = Field(description="When the carrier said it accepted")
    port_date: date = Field(description="The port date the carrier stated (refused)")
    reasons: list[ReasonOut] = Field(description="Every rule the port date breaks")
    earliest_port_date: date | None = Field(
        description="First date that would have been accepted, judged when refused"
    )
