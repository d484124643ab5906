"""How support's aggregates are stored: document `state` ↔ domain object, one `Repository`
per aggregate type (see `shared.usecase`).

The state is the domain dataclass dumped by pydantic's `TypeAdapter` in JSON mode
(instants as ISO 8601 UTC strings, durations as ISO 8601 durations, enums as their
values) and validated back into the same dataclass — no hand-written field lists to drift.
Timers are `shared.store.Timer`s made from the ticket's `pending_timers` (real BSON dates,
so the poller's `next_due_at` query works). The ticket repository depends on the policy
(escalation delays decide when the next level is due), so it is built from it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from pydantic import TypeAdapter

from services.support.domain.calendar import Location
from services.support.domain.incidents import Incident
from services.support.domain.policy import SupportPolicy
from services.support.domain.requests import CopUploadRequest, TenantCapacity
from services.support.domain.tenants import Stamp, TenantRecord
from services.support.domain.ticket import Ticket
from services.support.domain.values import PartnerContact
from shared.contracts import support as c
from shared.mongo import Document
from shared.store import Timer
from shared.usecase import Repository

T = TypeVar("T")

TICKETS = "support_tickets"
TENANTS = "support_tenants"
PARTNERS = "support_partners"
INCIDENTS = "support_incidents"
CAPACITY = "support_capacity"
COP_UPLOADS = "support_cop_uploads"
TICKET_NUMBERS = "support_ticket_numbers"


_ADAPTERS: dict[Any, TypeAdapter[Any]] = {}


def _adapter(kind: Any) -> TypeAdapter[Any]:
    if kind not in _ADAPTERS:
        _ADAPTERS[kind] = TypeAdapter(kind)
    return _ADAPTERS[kind]


def dumper(kind: type[T]) -> Callable[[T], Document]:
    """`aggregate → state` for a dataclass type (JSON-ready values)."""
    return lambda value: _adapter(kind).dump_python(value, mode="json")


def loader(kind: type[T]) -> Callable[[Document], T]:
    """`state → aggregate` for a dataclass type."""
    return lambda doc: _adapter(kind).validate_python(doc)


@dataclass(frozen=True)
class PartnerRecord:
    """What support knows of a partner: from onboarding its country (the calendar a ticket
    falls back on when its customer's is unknown, §4) and name; from the partner itself
    its generic escalation contact (`support.partner.set_escalation_contact`)."""

    partner_id: str
    country: str | None = None
    company_name: str | None = None
    stamp: Stamp | None = None
    escalation_contact: PartnerContact | None = None

    @property
    def location(self) -> Location | None:
        return Location(self.country) if self.country else None


def ticket_timers(ticket: Ticket, policy: SupportPolicy) -> list[Timer]:
    """The durable timers the ticket needs now (breach, escalation levels, closing)."""
    return [Timer(t.id, t.kind, t.due_at, dict(t.data)) for t in ticket.pending_timers(policy)]


def _ticket_about(ticket: Ticket) -> dict[str, Any]:
    return {
        "partner_id": ticket.partner_id,
        "status": str(ticket.status),
        "ticket_number": ticket.ticket_number,
        "tenant_id": ticket.tenant_id,
    }


def tickets(policy: SupportPolicy) -> Repository[Ticket]:
    """The ticket repository under `policy` (its timers depend on the escalation levels)."""
    return Repository[Ticket](
        collection=TICKETS,
        entity="ticket",
        id_field="ticket_id",
        load=loader(Ticket),
        dump=dumper(Ticket),
        refused=c.TicketActionRefusedV1,
        timers=lambda ticket: ticket_timers(ticket, policy),
        about=_ticket_about,
    )


TENANT_RECORDS = Repository[TenantRecord](
    collection=TENANTS,
    entity="customer",
    id_field="customer_id",
    load=loader(TenantRecord),
    dump=dumper(TenantRecord),
    refused=c.TicketActionRefusedV1,  # facts are never refused; the field is required
)

PARTNER_RECORDS = Repository[PartnerRecord](
    collection=PARTNERS,
    entity="partner",
    id_field="partner_id",
    load=loader(PartnerRecord),
    dump=dumper(PartnerRecord),
    refused=c.PartnerActionRefusedV1,
)

INCIDENT_REPO = Repository[Incident](
    collection=INCIDENTS,
    entity="incident",
    id_field="incident_id",
    load=loader(Incident),
    dump=dumper(Incident),
    refused=c.IncidentActionRefusedV1,
    about=lambda i: {"status": str(i.status)},
)

CAPACITY_REPO = Repository[TenantCapacity](
    collection=CAPACITY,
    entity="capacity",
    id_field="tenant_id",
    load=loader(TenantCapacity),
    dump=dumper(TenantCapacity),
    refused=c.CapacityActionRefusedV1,
    about=lambda cap: {"partner_id": cap.partner_id},
)

COP_REPO = Repository[CopUploadRequest](
    collection=COP_UPLOADS,
    entity="cop_upload",
    id_field="upload_id",
    load=loader(CopUploadRequest),
    dump=dumper(CopUploadRequest),
    refused=c.CopUploadActionRefusedV1,
    about=lambda up: {"partner_id": up.partner_id, "status": str(up.status)},
)


def instant(text: str | datetime) -> datetime:
    """A stored instant (ISO 8601 string in a state) as an aware datetime."""
    return text if isinstance(text, datetime) else datetime.fromisoformat(text)
