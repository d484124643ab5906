"""Domain events → published CloudEvents (deterministic ids), and the timers a port needs."""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from datetime import datetime

from services.porting.adapters.repository import dump_port
from services.porting.domain import events as ev
from services.porting.domain.model import PortRequest
from services.porting.domain.policy import PortingRules
from shared.contracts import porting as contracts
from shared.domain_events import contracts_by_type, to_payload
from shared.events import Envelope, Payload, new_event
from shared.ids import derived_id
from shared.store import Change, Outgoing, Timer
from shared.topics import PORTING_EVENTS

SOURCE = "/porting"
REMINDER = "reminder"
ESCALATION = "escalation"
ABANDON = "abandon_submission"

CONTRACTS = contracts_by_type(
    m
    for _, m in inspect.getmembers(contracts, inspect.isclass)
    if issubclass(m, Payload) and not m.__name__.startswith("_") and m.EVENT_TYPE
)


def envelope(
    payload: Payload,
    port_id: str,
    event_id: str,
    now: datetime,
    correlation_id: str | None,
    causation_id: str | None = None,
) -> Envelope:
    """A porting event keyed by its port, within the port's flow."""
    return new_event(
        payload,
        source=SOURCE,
        now=now,
        subject=port_id,
        event_id=event_id,
        correlation_id=correlation_id,
        causation_id=causation_id,
    )


def published(
    events: Sequence[ev.PortEvent], correlation_id: str | None, causation_id: str | None = None
) -> list[Outgoing]:
    """The CloudEvents for domain events, plus the number events onboarding reads."""
    out: list[Outgoing] = []
    for event in events:
        payloads: list[Payload] = [to_payload(event, CONTRACTS)]
        payloads.extend(_number_events(event))
        for payload in payloads:
            event_id = derived_id("porting", event.port_id, str(event.version), payload.EVENT_TYPE)
            env = envelope(
                payload, event.port_id, event_id, event.occurred_at, correlation_id, causation_id
            )
            out.append(Outgoing(PORTING_EVENTS.name, env))
    return out


def _number_events(event: ev.PortEvent) -> list[Payload]:
    base = {"partner_id": event.partner_id, "port_id": event.port_id}
    if isinstance(event, ev.PortAccepted):
        return [
            contracts.PortNumbersAccepted(
                **base, numbers=list(event.numbers), port_date=event.port_date
            )
        ]
    if isinstance(event, ev.PortCompleted):
        return [
            contracts.PortNumbersCompleted(
                **base, numbers=list(event.numbers), completed_at=event.completed_at
            )
        ]
    if isinstance(event, ev.PortCancelled):
        # Only an accepted port is cancelled by the losing provider, so its numbers are in
        # the partner's inventory; a withdrawn request never reached it.
        return [contracts.PortNumbersCancelled(**base, numbers=list(event.numbers))]
    return []


def timers_for(request: PortRequest, rules: PortingRules) -> list[Timer]:
    """The durable timers the request needs now (recomputed after every change)."""
    timers: list[Timer] = []
    reminder_at = request.reminder_due_at(rules)
    if reminder_at is not None and request.reminded_for != request.port_date:
        timers.append(
            Timer(f"{REMINDER}:{request.revision}:{request.port_date}", REMINDER, reminder_at)
        )
    abandon_at = request.submission_abandoned_at(rules)
    if abandon_at is not None:
        timers.append(Timer(ABANDON, ABANDON, abandon_at))
    escalation_at = request.next_escalation_at(rules)
    if escalation_at is not None:
        level = 0 if request.escalation_level is None else request.escalation_level + 1
        timers.append(Timer(f"{ESCALATION}:{request.revision}:{level}", ESCALATION, escalation_at))
    return timers


def change(
    request: PortRequest,
    rules: PortingRules,
    outgoing: Sequence[Outgoing],
    correlation_id: str | None,
) -> Change:
    """The stored change: the port, its events, its timers."""
    return Change(
        {"port": dump_port(request), "correlation_id": correlation_id},
        list(outgoing),
        timers_for(request, rules),
    )
