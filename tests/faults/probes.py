"""Probes: one small command per service, to time when it answers again after a fault.

A probe is an ordinary input whose answer is known in advance: onboarding registers a
partner (`onboarding.partner.registered`), porting takes a port request for a fresh
number (`porting.port.submitted`), support refuses a ticket for a tenant it does not know
(`support.ticket.action_refused`, nothing stored), notifications enrols a contact
(`notifications.contacts.changed`). Each probe's fact is also an `Expectation`, so the
checker counts it like any other: a probe lost is a fact lost.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

from services.porting.application.submissions import port_id_for
from services.support.application.tickets import ticket_id_for
from shared.actor import Actor
from shared.contracts import support as sc
from shared.topics import (
    NOTIFICATIONS_COMMANDS,
    ONBOARDING_COMMANDS,
    PORTING_COMMANDS,
    SUPPORT_COMMANDS,
)
from tests.faults import generator as g

SERVICES = ("onboarding", "porting", "support", "notifications")


@dataclass
class Prober:
    flows: g.Flows
    first_number: int  # probes take numbers after the workload's
    count: int = 0

    async def answer_seconds(self, service: str) -> float | None:
        """Send a probe to `service` now; seconds until its answer was read (None: never)."""
        self.count += 1
        name = f"probe-{self.count}"
        seed = self.flows.plan.seed
        started = time.monotonic()
        if service == "onboarding":
            partner = f"P-PROBE-{seed}-{self.count}"
            await self.flows._send(ONBOARDING_COMMANDS.name, g._distributor(partner), partner)
            seen = await self.flows._expect(name, "onboarding.partner.registered", partner)
        elif service == "porting":
            partner = f"P-PROBE-{seed}"
            number = g._number(self.first_number + self.count)
            request = g._port_request(name, partner, [number])
            await self.flows._send(PORTING_COMMANDS.name, request, partner)
            port = port_id_for(partner, name)
            seen = await self.flows._expect(name, "porting.port.submitted", port)
        elif service == "support":
            partner = f"P-PROBE-{seed}"
            actor = Actor(user_id="probe", partner_id=partner, roles=("support_lead",))
            opening = sc.OpenTicket.model_validate(
                {
                    "request_id": name,
                    "actor": actor,
                    "partner_id": partner,
                    "tenant_id": "T-NOBODY",
                    "contract_number": "SUB-NOBODY",
                    "contact": {"name": "Probe", "phone": "+49 30 901820", "email": "p@x.example"},
                    "channel": "phone",
                    "category": "service_availability",
                    "description": "probe",
                    "impact": "localized",
                    "urgency": "low",
                }
            )
            await self.flows._send(SUPPORT_COMMANDS.name, opening, partner)
            ticket = ticket_id_for(partner, name)
            seen = await self.flows._expect(name, "support.ticket.action_refused", ticket_id=ticket)
        else:
            partner = f"P-PROBE-{seed}-{self.count}"
            contact = g._contact(f"probe@{partner.lower()}.example.net", ["porting"], ["UK"])
            await self.flows._send(NOTIFICATIONS_COMMANDS.name, g._enrol(partner, contact), partner)
            seen = await self.flows._expect(name, "notifications.contacts.changed", partner)
        return None if seen is None else time.monotonic() - started

    async def slowest(self, services: tuple[str, ...] = SERVICES) -> float | None:
        """Probe several services at once; the slowest answer (None if one never came)."""
        answers = await asyncio.gather(*(self.answer_seconds(s) for s in services))
        return None if any(a is None for a in answers) else max(a or 0.0 for a in answers)
