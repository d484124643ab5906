"""Ticket events support publishes on `support.events` (spec/domain.md §4).

Every ticket event carries what a partner e-mail needs without a look-up: the ticket id
and number (`NA` + 8 digits, the reference to quote), partner, tenant, customer name,
title, the severity in force and the zone of the ticket's business calendar. Instants are
UTC (`…_at`) and, where a partner reads a deadline, also on that zone's wall clock
(`…_local`, with its offset). Durations are seconds. `version` is the ticket's change
counter. Keyed (`subject`) by the ticket id; readers must tolerate fields added later.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from shared.contracts.common import ActionRefused, Reason
from shared.events import Payload

Severity = Literal["S1", "S2", "S3", "S4"]
SideName = Literal["partner", "vendor", "system"]


class ContactOut(BaseModel):
    """The partner's contact on the ticket (phone E.164, e-mail normalised)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    kind: str = Field(description="representative | escalation_team")
    name: str
    phone: str
    email: str


class EscalationContactOut(BaseModel):
    """Who is told at an escalation level."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    role: str
    name: str
    email: str
    phone: str | None = None


class TicketEventV1(Payload):
    """Fields every ticket event carries."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    ticket_id: str = Field(description="The ticket (the Kafka key)")
    ticket_number: str = Field(description="NA + 8 digits: the reference partners quote")
    partner_id: str = Field(description="The partner that raised it (to tell)")
    tenant_id: str = Field(description="The customer's tenant")
    customer_name: str | None = Field(description="The customer company, when known")
    title: str = Field(description="One-line summary")
    severity: Severity = Field(description="The severity in force")
    time_zone: str = Field(description="IANA zone of the ticket's business calendar")
    occurred_at: AwareDatetime = Field(description="When it happened (UTC)")
    version: int = Field(description="The ticket's change counter")


class TicketOpenedV1(TicketEventV1):
    """A ticket was opened; its response clock runs."""

    EVENT_TYPE: ClassVar[str] = "support.ticket.opened"

    opened_by: str = Field(description="The user who opened it")
    channel: Literal["online", "phone"]
    impact: str = Field(description="widespread | large | localized | individualized")
    urgency: str = Field(description="critical | high | medium | low")
    affected_users: int | None = Field(description="When impact was given as a share")
    total_users: int | None = Field(description="When impact was given as a share")
    category: str
    subkind: str | None
    contract_number: str
    contact: ContactOut
    description: str
    problem_occurred_at: AwareDatetime | None
    response_objective: str = Field(description='e.g. "15 minutes", "8 business hours"')
    response_clock_starts_at: AwareDatetime = Field(
        description="When the clock starts counting (next business hour for S3/S4)"
    )
    response_due_at: AwareDatetime
    response_due_local: AwareDatetime
    calendar_source: Literal["customer", "partner"] = Field(
        description="Whose business calendar the S3/S4 clock runs on"
    )
    calendar_country: str
    calendar_subdivision: str | None
    notices: list[Reason] = Field(description="Accepted, but worth knowing (phone_recommended)")


class TicketAcknowledgedV1(TicketEventV1):
    """The vendor acknowledged: the response clock stopped."""

    EVENT_TYPE: ClassVar[str] = "support.ticket.acknowledged"

    acknowledged_by: str
    response_due_at: AwareDatetime
    response_due_local: AwareDatetime
    objective_met: bool = Field(description="Acknowledged at or before the due instant")
    late_by_seconds: float | None = Field(description="How late, when missed")


class TicketResponseBreachedV1(TicketEventV1):
    """Not acknowledged in time: the escalation walk starts (one event per breach; each
    level reached is its own `support.ticket.escalated`)."""

    EVENT_TYPE: ClassVar[str] = "support.ticket.response_breached"

    plan: int = Field(description="Which run of the response clock (severity changes add runs)")
    response_objective: str
    response_due_at: AwareDatetime
    response_due_local: AwareDatetime
    breached_at: AwareDatetime = Field(description="One millisecond after the due instant")


class TicketEscalatedV1(TicketEventV1):
    """An escalation level was reached (one event per level)."""

    EVENT_TYPE: ClassVar[str] = "support.ticket.escalated"

    cause: Literal["response_breached", "status_update_missed"]
    round: int = Field(description="The response plan or status-update round escalated")
    level: int = Field(description="1 = the policy's first level")
    level_name: str = Field(description="The level's name (role), e.g. duty manager")
    contacts: list[EscalationContactOut]
    reached_at: AwareDatetime
    next_level_at: AwareDatetime | None
    next_level_local: AwareDatetime | None


class TicketSeverityChangedV1(TicketEventV1):
    """The partner raised or the vendor lowered the severity (history kept)."""

    EVENT_TYPE: ClassVar[str] = "support.ticket.severity_changed"

    previous_severity: Severity
    side: Literal["partner", "vendor"]
    changed_by: str
    impact: str
    urgency: str
    reason: str | None
    response_replanned: bool = Field(description="The response clock restarted (before ack)")
    response_due_at: AwareDatetime | None
    response_due_local: AwareDatetime | None


class TicketWorkStartedV1(TicketEventV1):
    """The vendor started work; a status and action plan is due by the given time."""

    EVENT_TYPE: ClassVar[str] = "support.ticket.work_started"

    started_by: str
    status_update_due_at: AwareDatetime
    status_update_due_local: AwareDatetime


class TicketWaitingOnPartnerV1(TicketEventV1):
    """The vendor waits on the partner's qualified person; the resolution clock pauses."""

    EVENT_TYPE: ClassVar[str] = "support.ticket.waiting_on_partner"

    by: str
    reason: str = Field(description="What the vendor needs")
    cycle: int = Field(description="1 for the first wait, 2 for the second …")


class TicketPartnerRespondedV1(TicketEventV1):
    """The wait on the partner ended (elapsed and business time recorded)."""

    EVENT_TYPE: ClassVar[str] = "support.ticket.partner_responded"

    by: str
    side: Literal["partner", "vendor"]
    cycle: int
    waited_seconds: float
    waited_business_seconds: float
    total_waited_seconds: float
    total_waited_business_seconds: float
    status_update_due_at: AwareDatetime
    status_update_due_local: AwareDatetime


class TicketStatusUpdatedV1(TicketEventV1):
    """The vendor gave a status and an action plan."""

    EVENT_TYPE: ClassVar[str] = "support.ticket.status_updated"

    by: str
    status_text: str
    action_plan: str
    in_time: bool
    next_update_due_at: AwareDatetime
    next_update_due_local: AwareDatetime


class TicketStatusUpdateMissedV1(TicketEventV1):
    """A status and action plan was not given in time: it is escalated."""

    EVENT_TYPE: ClassVar[str] = "support.ticket.status_update_missed"

    round: int
    update_due_at: AwareDatetime
    update_due_local: AwareDatetime


class TicketResolvedV1(TicketEventV1):
    """The vendor resolved the ticket (times exclude waiting on the partner)."""

    EVENT_TYPE: ClassVar[str] = "support.ticket.resolved"

    resolved_by: str
    resolution: str
    summary: str
    observation_until: AwareDatetime | None = Field(description="Closes by itself then")
    resolution_seconds: float = Field(description="Elapsed, waiting on the partner excluded")
    resolution_business_seconds: float
    waited_seconds: float
    waited_business_seconds: float
    waiting_cycles: int
    reopen_until: AwareDatetime


class TicketClosedV1(TicketEventV1):
    """The ticket closed (by a side, or by itself after observation or its quiet period)."""

    EVENT_TYPE: ClassVar[str] = "support.ticket.closed"

    closed_by: str
    side: SideName
    automatically: bool


class TicketReopenedV1(TicketEventV1):
    """A resolved ticket was reopened; work goes on."""

    EVENT_TYPE: ClassVar[str] = "support.ticket.reopened"

    reopened_by: str
    side: Literal["partner", "vendor"]
    reason: str
    reopen_count: int
    status_update_due_at: AwareDatetime
    status_update_due_local: AwareDatetime


class TicketIncidentLinkedV1(TicketEventV1):
    """The ticket was linked to a vendor-declared incident."""

    EVENT_TYPE: ClassVar[str] = "support.ticket.incident_linked"

    incident_id: str
    linked_by: str


class TicketActionRefusedV1(ActionRefused):
    """A ticket command was refused (an invalid ticket: nothing is stored; an action the
    ticket's state or the actor's side does not allow)."""

    EVENT_TYPE: ClassVar[str] = "support.ticket.action_refused"

    ticket_id: str = Field(description="The ticket (for a refused opening: the id it would get)")
    ticket_number: str | None = Field(default=None, description="When the ticket exists")
    tenant_id: str | None = Field(default=None, description="When the ticket exists")


class EscalationContactSetV1(Payload):
    """The partner's generic escalation contact changed (used on tickets without a named
    representative)."""

    EVENT_TYPE: ClassVar[str] = "support.partner.escalation_contact_set"

    partner_id: str
    contact: ContactOut
    set_by: str
    occurred_at: AwareDatetime


class PartnerActionRefusedV1(ActionRefused):
    """A partner setting was refused (an invalid contact, another partner's)."""

    EVENT_TYPE: ClassVar[str] = "support.partner.action_refused"

    partner_id: str


TICKET_EVENTS: tuple[type[Payload], ...] = (
    TicketOpenedV1,
    TicketAcknowledgedV1,
    TicketResponseBreachedV1,
    TicketEscalatedV1,
    TicketSeverityChangedV1,
    TicketWorkStartedV1,
    TicketWaitingOnPartnerV1,
    TicketPartnerRespondedV1,
    TicketStatusUpdatedV1,
    TicketStatusUpdateMissedV1,
    TicketResolvedV1,
    TicketClosedV1,
    TicketReopenedV1,
    TicketIncidentLinkedV1,
    TicketActionRefusedV1,
    EscalationContactSetV1,
    PartnerActionRefusedV1,
)
