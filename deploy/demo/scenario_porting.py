"""A port request through its whole lifecycle, as a partner and a carrier gateway would play it.

Rejected by our checks (a foreign number), submitted, rejected by the carrier, corrected
and resubmitted, accepted with its port date (22 working days in England), the reminder
with the risk notice, a late cancellation recorded (handled at level 0 of the escalation
matrix), completed.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from deploy.demo.display import escalation_text, rfc3339
from deploy.demo.driver import Driver, step
from shared.actor import Actor
from shared.contracts import carrier
from shared.contracts import porting as c
from shared.topics import CARRIER_EVENTS, PORTING_COMMANDS

LONDON = ZoneInfo("Europe/London")


def _submission(request_id: str, partner: str, numbers: list[str]) -> c.SubmitPortRequest:
    return c.SubmitPortRequest(
        request_id=request_id,
        actor=Actor(user_id="ops.lead@brightline.example.com", partner_id=partner),
        partner_id=partner,
        country="GB",
        product="multi_line",
        numbers=numbers,
        main_billing_number="020 7946 0300",
        registered_address=c.AddressIn(
            lines=["2 Example Yard"], city="London", postal_code="EC1A 1AA", country="GB"
        ),
        losing_provider="Oldline Telecom Ltd",
        range_holder="Rangeholder Networks plc",
    )


async def run(driver: Driver, run_id: str) -> list[str]:
    partner = f"P-BRIGHTLINE-{run_id}"
    block = int(run_id, 36) % 90 * 10  # a fresh block of drama numbers per run
    numbers = [f"+44207946{block + i:04d}" for i in range(3)]

    step("Porting: a partner asks to port three London numbers — one is German by mistake")
    await driver.send(
        PORTING_COMMANDS.name,
        _submission(f"{run_id}-bad", partner, [*numbers[:2], "+49 30 901820"]),
        subject=partner,
    )
    await driver.expect("porting.port.submission_rejected")

    step("Porting: the corrected request is submitted")
    mark = driver.mark()
    await driver.send(
        PORTING_COMMANDS.name, _submission(f"{run_id}-1", partner, numbers), subject=partner
    )
    submitted = await driver.expect("porting.port.submitted", after=mark)
    port_id = submitted.subject or ""

    def of(e: object) -> bool:
        return getattr(e, "subject", None) == port_id

    step("Carrier gateway: the gaining carrier rejects (postcode mismatch)")
    await driver.send(
        CARRIER_EVENTS.name,
        carrier.CarrierPortRejected(
            port_id=port_id,
            carrier_ref=f"GC-{run_id}-1",
            rejected_at=driver.now,
            reasons=[
                carrier.CarrierReason(code="address_mismatch", message="postcode does not match")
            ],
        ),
        subject=port_id,
    )
    await driver.expect("porting.port.rejected", of)

    step("Porting: the partner corrects the address and resubmits")
    await driver.send(
        PORTING_COMMANDS.name,
        c.ResubmitPortRequest(
            request_id=f"{run_id}-1-fix",
            actor=Actor(user_id="ops.lead@brightline.example.com", partner_id=partner),
            port_id=port_id,
            corrections=c.PortCorrectionsIn(
                registered_address=c.AddressIn(
                    lines=["2 Example Yard"], city="London", postal_code="EC1A 1AB", country="GB"
                )
            ),
            comment="postcode corrected",
        ),
        subject=port_id,
    )
    await driver.expect("porting.port.resubmitted", of)

    step("Carrier gateway: accepted the next working morning — port date = 22 working days")
    accepted_at = await driver.advance_to(_next_working_morning(driver.now))
    await driver.send(
        CARRIER_EVENTS.name,
        carrier.CarrierPortAccepted(
            port_id=port_id, carrier_ref=f"GC-{run_id}-2", accepted_at=accepted_at
        ),
        subject=port_id,
    )
    accepted = await driver.expect("porting.port.accepted", of)
    await driver.expect("porting.numbers.accepted", of)
    port_date = date.fromisoformat(accepted.data["port_date"])

    step("Time passes: the reminder with the risk notice arrives before port day")
    await driver.advance_to(datetime.combine(port_date - timedelta(days=1), time(6), LONDON))
    await driver.expect("porting.port.reminder_due", of)

    step("Carrier gateway: the losing provider cancels the day before — too late")
    await driver.send(
        CARRIER_EVENTS.name,
        carrier.CarrierPortCancelled(
            port_id=port_id,
            carrier_ref=f"GC-{run_id}-2",
            cancelled_by="Oldline Telecom Ltd",
            reported_at=driver.now,
            reason="customer contract dispute",
        ),
        subject=port_id,
    )
    late = await driver.expect("porting.port.late_cancellation_recorded", of)

    step("Port day: the carrier completes — the numbers go live")
    await driver.advance_to(datetime.combine(port_date, time(9), LONDON))
    await driver.send(
        CARRIER_EVENTS.name,
        carrier.CarrierPortCompleted(
            port_id=port_id, carrier_ref=f"GC-{run_id}-2", completed_at=driver.now
        ),
        subject=port_id,
    )
    await driver.expect("porting.port.completed", of)
    await driver.expect("porting.numbers.completed", of)
    return [
        f"port {port_id}: {len(numbers)} numbers, rejected once, accepted "
        f"{rfc3339(accepted_at)}, port date {port_date.isoformat()} "
        f"({accepted.data.get('lead_days')} working days)",
        f"late cancellation "
        f"{escalation_text(late.data['escalation_level'], late.data['escalation_role'])}; "
        "the port stayed scheduled and completed",
    ]


def _next_working_morning(now: datetime) -> datetime:
    day = now.astimezone(LONDON).date() + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return datetime.combine(day, time(10), LONDON)
