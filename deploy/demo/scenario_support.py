"""Demonstration: support, played through Kafka as partners and the vendor's support
centre would.

It uses the customer tenant the onboarding scenario activated (support learnt it from
onboarding's events): an S1 raised by phone and acknowledged in time; an S3 nobody
acknowledges, which breaches and escalates two levels; an S4 whose severity the partner
raises to S2 (the response clock re-planned from the change); a ticket that waits on the
partner and goes on when the partner answers; and a vendor-declared incident, linked to
the S1 and resolved. Hours and business days pass in seconds on the shared clock. All
names, numbers and addresses are invented.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from itertools import groupby
from typing import Any

from deploy.demo.display import rfc3339, span
from deploy.demo.driver import Driver, Line, step
from shared.actor import Actor
from shared.contracts import support as c
from shared.events import Envelope, Payload
from shared.ids import new_id
from shared.topics import SUPPORT_COMMANDS

VENDOR = Actor(user_id="engineer.demo", roles=("vendor_support",))


def _customer(driver: Driver) -> tuple[str, str, str]:
    """(partner, tenant, contract number) of the tenant the onboarding scenario activated."""
    assigned = [e for e in driver.seen if e.type == "onboarding.customer.tenant_assigned"]
    if not assigned:
        raise RuntimeError("the support scenario needs the onboarding scenario's tenant")
    data = assigned[-1].data
    partner = data.get("reseller_partner_id") or data.get("tier1_partner_id")
    recorded = [
        e
        for e in driver.seen
        if e.type == "onboarding.customer.recorded" and e.data["customer_id"] == data["customer_id"]
    ]
    return str(partner), data["tenant_id"], recorded[-1].data["subscription_numbers"][0]


CAUSES = {
    "response_breached": "the response breached",
    "status_update_missed": "a status update was missed",
}


def escalation(driver: Driver, ticket: Envelope) -> str:
    """The ticket's escalations as they happened, from its `support.ticket.escalated`
    events seen when the summary is written (the later scenarios move the clock on and
    escalate it further): how many, and each level reached with its instant, grouped by
    what set them off."""
    steps: dict[str, dict[str, Any]] = {}
    for e in driver.seen:
        if e.type == "support.ticket.escalated" and e.subject == ticket.subject:
            steps.setdefault(e.id, e.data)  # a redelivered event counts once
    reached = sorted(
        (d for d in steps.values() if int(d["level"]) > 0),
        key=lambda d: (datetime.fromisoformat(d["reached_at"]), int(d["level"])),
    )
    if not reached:
        return "not escalated"
    runs = []
    for (cause, _), levels in groupby(reached, key=lambda d: (d["cause"], d.get("round"))):
        walk = ", ".join(
            f"level {d['level']} ({d['level_name']}) {rfc3339(d['reached_at'])}" for d in levels
        )
        runs.append(f"after {CAUSES.get(cause, cause)}: {walk}")
    times = "once" if len(reached) == 1 else f"{len(reached)} times"
    return f"escalated {times} " + "; ".join(runs)


async def run(driver: Driver, run_id: str) -> list[Line]:
    partner, tenant, contract = _customer(driver)
    user = Actor(user_id=f"support.{run_id}", partner_id=partner, roles=("support_lead",))
    await asyncio.sleep(2)  # let support's read model take in onboarding's last facts

    async def send(cmd: Payload) -> Envelope:
        return await driver.send(SUPPORT_COMMANDS.name, cmd, subject=partner)

    def opening(request_id: str, **values: Any) -> c.OpenTicket:
        return c.OpenTicket.model_validate(
            {
                "request_id": request_id,
                "actor": user,
                "partner_id": partner,
                "tenant_id": tenant,
                "contract_number": contract,
                "contact": {
                    "name": "Kim Demo",
                    "phone": "+49 30 901820",
                    "email": f"kim@{partner.lower()}.example.com",
                },
                **values,
            }
        )

    async def opened(request_id: str, **values: Any) -> Envelope:
        mark = driver.mark()
        await send(opening(request_id, **values))
        return await driver.expect(
            "support.ticket.opened",
            lambda e: e.data["opened_by"] == user.user_id and e.data["tenant_id"] == tenant,
            after=mark,
        )

    def of(ticket: Envelope) -> Any:
        return lambda e: e.subject == ticket.subject

    def vendor(model: type[c.PartnerCommand], ticket: Envelope, **values: Any) -> Any:
        return model.model_validate(
            {"request_id": new_id(), "actor": VENDOR, "ticket_id": ticket.subject, **values}
        )

    step("Support: the partner phones in an S1 — nobody can call — acknowledged in 10 minutes")
    s1 = await opened(
        f"{run_id}-s1",
        channel="phone",
        category="service_availability",
        description="No user of the customer can place or receive calls.",
        impact="widespread",
        urgency="critical",
    )
    await driver.tick(timedelta(minutes=10))
    await send(vendor(c.AcknowledgeTicket, s1))
    ack = await driver.expect("support.ticket.acknowledged", of(s1))

    step("Support: a vendor-declared S1 incident; the S1 ticket is linked to it")
    mark = driver.mark()
    await send(
        c.DeclareIncident(
            request_id=f"{run_id}-inc",
            actor=VENDOR,
            severity="S1",
            title="Calls fail for customers in Germany",
            summary="Calls to and from German numbers fail; engineers are on it.",
            regions=["EU"],
            partner_ids=[partner],
        )
    )
    declared = await driver.expect("support.incident.declared", after=mark)
    incident = declared.data["incident_id"]
    await send(vendor(c.LinkTicketToIncident, s1, incident_id=incident))
    await driver.expect("support.incident.ticket_linked", lambda e: e.subject == incident)

    step("Support: an S3 (one user's softphone) that nobody acknowledges in a business day")
    s3 = await opened(
        f"{run_id}-s3",
        channel="online",
        category="common_fault",
        subkind="softphone",
        description="One user's softphone shows no audio.",
        impact={"affected_users": 1, "total_users": 10},
        urgency="high",
    )
    due = datetime.fromisoformat(s3.data["response_due_at"])
    await driver.advance_to(due + timedelta(seconds=1))
    breach = await driver.expect("support.ticket.response_breached", of(s3))
    await driver.expect("support.ticket.escalated", lambda e: of(s3)(e) and e.data["level"] == 1)
    await driver.tick(timedelta(minutes=30))
    await driver.expect("support.ticket.escalated", lambda e: of(s3)(e) and e.data["level"] == 2)

    step("Support: the incident is over")
    await send(
        c.ResolveIncident(
            request_id=f"{run_id}-inc-end",
            actor=VENDOR,
            incident_id=incident,
            summary="A routing table was restored; calls work again.",
        )
    )
    resolved = await driver.expect("support.incident.resolved", lambda e: e.subject == incident)

    step("Support: an S4 question; the partner raises it to S2 — the clock is re-planned")
    s4 = await opened(
        f"{run_id}-s4",
        channel="online",
        category="user_question",
        description="How do users forward calls to voicemail?",
        impact="localized",
        urgency="low",
    )
    await driver.tick(timedelta(hours=1))
    await send(
        c.ChangeTicketSeverity(
            request_id=f"{run_id}-raise",
            actor=user,
            ticket_id=s4.subject or "",
            impact="localized",
            urgency="high",
            reason="Now the whole sales floor asks",
        )
    )
    raised = await driver.expect("support.ticket.severity_changed", of(s4))

    step("Support: the vendor works it, waits on the partner, the partner answers")
    await send(vendor(c.AcknowledgeTicket, s4))
    await driver.expect("support.ticket.acknowledged", of(s4))
    await send(vendor(c.StartWorkOnTicket, s4))
    await driver.expect("support.ticket.work_started", of(s4))
    await send(vendor(c.WaitOnPartner, s4, reason="Which handset model do the users have?"))
    await driver.expect("support.ticket.waiting_on_partner", of(s4))
    await driver.tick(timedelta(hours=3))
    await send(
        c.RecordPartnerResponse(request_id=f"{run_id}-answer", actor=user, ticket_id=s4.subject)
    )
    answered = await driver.expect("support.ticket.partner_responded", of(s4))

    acknowledged_after = datetime.fromisoformat(ack.data["occurred_at"]) - datetime.fromisoformat(
        s1.data["occurred_at"]
    )
    return [
        lambda: (
            f"S1 {s1.data['ticket_number']}: acknowledged after "
            f"{span(acknowledged_after.total_seconds())}, objective met = "
            f"{ack.data['objective_met']}; linked to incident {incident}; {escalation(driver, s1)}"
        ),
        lambda: (
            f"S3 {s3.data['ticket_number']}: due {rfc3339(s3.data['response_due_at'])} "
            f"({s3.data['response_objective']} on the {s3.data['calendar_source']}'s "
            f"calendar), breached {rfc3339(breach.data['breached_at'])}, "
            f"{escalation(driver, s3)}"
        ),
        lambda: (
            f"S4 {s4.data['ticket_number']} raised to {raised.data['severity']}: response due "
            f"{rfc3339(raised.data['response_due_at'])}; waited on the partner "
            f"{span(answered.data['waited_seconds'])}; {escalation(driver, s4)}"
        ),
        f"incident {incident} resolved after {span(resolved.data['duration_seconds'])}",
    ]
