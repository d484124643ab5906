"""Answers to support's queries (`support.tickets.list`, `support.tenants.list`,
`support.response_report.request`), published on `support.events` keyed by the query's
request id. Nothing is stored for an answer; a query the actor may not ask is refused
like any command (`support.command.rejected`).
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from shared.contracts.common import Reason
from shared.events import Payload


class _Out(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class TicketSummaryOut(_Out):
    """One line of the ticket overview."""

    ticket_id: str
    ticket_number: str = Field(description="NA + 8 digits")
    partner_id: str
    tenant_id: str
    customer_name: str | None
    title: str
    severity: str = Field(description="S1 | S2 | S3 | S4")
    status: str
    opened_by: str
    opened_at: AwareDatetime
    response_due_at: AwareDatetime
    acknowledged_at: AwareDatetime | None


class TicketsListedV1(Payload):
    """The tickets the asking user may see (§4 visibility), newest first."""

    EVENT_TYPE: ClassVar[str] = "support.tickets.listed"

    request_id: str = Field(description="The query's request id")
    asked_by: str = Field(description="The user who asked")
    partner_id: str | None = Field(description="The asking user's partner (None: the vendor)")
    tickets: list[TicketSummaryOut]
    truncated: bool = Field(description="More tickets match than `limit`")
    occurred_at: AwareDatetime


class TenantOut(_Out):
    """One customer tenant as support knows it from onboarding's events."""

    customer_id: str
    tenant_id: str | None
    company_name: str | None
    country: str | None
    subscription_numbers: list[str]
    users: int | None


class TenantsListedV1(Payload):
    """The customer tenants support knows for the asking user's partner."""

    EVENT_TYPE: ClassVar[str] = "support.tenants.listed"

    request_id: str
    partner_id: str
    tenants: list[TenantOut]
    occurred_at: AwareDatetime


class TallyOut(_Out):
    """Counts of one group of S3/S4 tickets."""

    met: int
    missed: int
    pending: int = Field(description="Not acknowledged and not yet due: not in the share")
    share_met: float | None = Field(description="met / (met + missed); None when none decided")


class PartnerLineOut(_Out):
    """One partner's response-objective figures."""

    partner_id: str
    total: TallyOut
    by_severity: dict[str, TallyOut] = Field(description="Keyed S3 / S4")
    missed_tickets: list[str] = Field(description="Ticket numbers acknowledged late or not")
    meets_target: bool


class ResponseReportAnsweredV1(Payload):
    """The share of S3/S4 tickets acknowledged in time, per partner, against the target."""

    EVENT_TYPE: ClassVar[str] = "support.response_report.answered"

    request_id: str
    asked_by: str
    period_start: AwareDatetime
    period_end: AwareDatetime
    as_of: AwareDatetime
    target: float = Field(description="The objective, 0.95 by default")
    lines: list[PartnerLineOut]
    occurred_at: AwareDatetime


class CapacityCheckedV1(Payload):
    """Answer to `support.capacity.check`: may this many users and devices be configured
    now? Only confirmed capacity counts (a pending change does not, seed 004)."""

    EVENT_TYPE: ClassVar[str] = "support.capacity.checked"

    request_id: str
    tenant_id: str
    knowledge_workers: int
    workspace_devices: int
    confirmed_knowledge_workers: int | None = Field(description="None: no capacity recorded")
    confirmed_workspace_devices: int | None
    within: bool = Field(description="Both counts within the confirmed capacity")
    reasons: list[Reason] = Field(description="Why not, one reason per count beyond it")
    occurred_at: AwareDatetime


ANSWERS: tuple[type[Payload], ...] = (
    TicketsListedV1,
    TenantsListedV1,
    ResponseReportAnsweredV1,
    CapacityCheckedV1,
)
