"""Domain events → published contracts (`shared.contracts.support`): the one mapping.

Each domain event class has its contract class written out in `CONTRACTS`; the values are
carried over field by field, with the few renames written out in `RENAMES` (durations
become `…_seconds`, a capacity change's `request_id` its `change_id`, a COP upload's its
`upload_id`). Pydantic validates the result against the explicit contract, so a domain
field that no contract names is simply not published, and a contract field the domain
does not give fails loudly in the tests (every event type is mapped in a test).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from typing import Any, ClassVar

from services.support.domain import events as ev
from services.support.domain import events_requests as er
from services.support.domain.errors import Reason as DomainReason
from services.support.domain.values import PartnerContact
from shared.contracts import support as c
from shared.events import Payload


@dataclass(frozen=True, kw_only=True)
class CapacityActivationRecorded:
    """The counts a partner stated at a tenant's activation (the domain's `establish`
    returns the aggregate only; the application tells it with this event)."""

    name: ClassVar[str] = "support.capacity.activation_recorded"

    tenant_id: str
    partner_id: str
    recorded_by: str
    knowledge_workers: int
    workspace_devices: int
    occurred_at: datetime
    version: int


@dataclass(frozen=True, kw_only=True)
class EscalationContactSet:
    """The partner's generic escalation contact was recorded (an application event)."""

    name: ClassVar[str] = "support.partner.escalation_contact_set"

    partner_id: str
    contact: PartnerContact
    set_by: str
    occurred_at: datetime


CONTRACTS: Mapping[type[Any], type[Payload]] = {
    ev.TicketOpened: c.TicketOpenedV1,
    ev.TicketAcknowledged: c.TicketAcknowledgedV1,
    ev.TicketResponseBreached: c.TicketResponseBreachedV1,
    ev.TicketEscalated: c.TicketEscalatedV1,
    ev.TicketSeverityChanged: c.TicketSeverityChangedV1,
    ev.TicketWorkStarted: c.TicketWorkStartedV1,
    ev.TicketWaitingOnPartner: c.TicketWaitingOnPartnerV1,
    ev.TicketPartnerResponded: c.TicketPartnerRespondedV1,
    ev.TicketStatusUpdated: c.TicketStatusUpdatedV1,
    ev.TicketStatusUpdateMissed: c.TicketStatusUpdateMissedV1,
    ev.TicketResolved: c.TicketResolvedV1,
    ev.TicketClosed: c.TicketClosedV1,
    ev.TicketReopened: c.TicketReopenedV1,
    ev.TicketIncidentLinked: c.TicketIncidentLinkedV1,
    er.IncidentDeclared: c.IncidentDeclaredV1,
    er.IncidentUpdated: c.IncidentUpdatedV1,
    er.IncidentTicketLinked: c.IncidentTicketLinkedV1,
    er.IncidentResolved: c.IncidentResolvedV1,
    EscalationContactSet: c.EscalationContactSetV1,
    CapacityActivationRecorded: c.CapacityActivationRecordedV1,
    er.CapacityChangeRequested: c.CapacityChangeRequestedV1,
    er.CapacityChangeConfirmed: c.CapacityChangeConfirmedV1,
    er.CapacityChangeRefused: c.CapacityChangeRefusedV1,
    er.CopUploadRequested: c.CopUploadRequestedV1,
    er.CopUploadConfirmed: c.CopUploadConfirmedV1,
    er.CopUploadRefused: c.CopUploadRefusedV1,
}
"""Every domain event support publishes and its contract."""

RENAMES: Mapping[type[Any], Mapping[str, str]] = {
    ev.TicketAcknowledged: {"late_by": "late_by_seconds"},
    ev.TicketPartnerResponded: {
        "waited": "waited_seconds",
        "waited_business": "waited_business_seconds",
        "total_waited": "total_waited_seconds",
        "total_waited_business": "total_waited_business_seconds",
    },
    ev.TicketResolved: {
        "resolution_time": "resolution_seconds",
        "resolution_business_time": "resolution_business_seconds",
        "waited": "waited_seconds",
        "waited_business": "waited_business_seconds",
    },
    er.IncidentResolved: {"duration": "duration_seconds"},
    er.CapacityChangeRequested: {"request_id": "change_id"},
    er.CapacityChangeConfirmed: {"request_id": "change_id"},
    er.CapacityChangeRefused: {"request_id": "change_id"},
    er.CopUploadRequested: {"request_id": "upload_id"},
    er.CopUploadConfirmed: {"request_id": "upload_id"},
    er.CopUploadRefused: {"request_id": "upload_id"},
}


def _value(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, DomainReason):
        return value.as_dict()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _value(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list | frozenset | set):
        return [_value(v) for v in value]
    return value


def payloads(event: Any) -> list[Payload]:
    """The contract payloads published for one domain event (one each).

    Raises `KeyError` for an event no contract is written for (a programming error).
    """
    contract = CONTRACTS[type(event)]
    renames = RENAMES.get(type(event), {})
    data = {
        renames.get(f.name, f.name): _value(getattr(event, f.name))
        for f in dataclasses.fields(event)
    }
    return [contract.model_validate(data)]
