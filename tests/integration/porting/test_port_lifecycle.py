"""The porting service on the real Kafka broker and Mongo-wire server, driven only via Kafka."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from services.porting.app import NAME, wire
from services.porting.settings import PortingSettings
from shared.actor import Actor
from shared.contracts import carrier
from shared.contracts import porting as c
from shared.topics import CARRIER_EVENTS, PORTING_COMMANDS, PORTING_EVENTS
from tests.integration.bus import running_service

pytestmark = pytest.mark.integration

LONDON = ZoneInfo("Europe/London")
PARTNER = "partner-7001"
ACTOR = Actor(user_id="user-7001", partner_id=PARTNER, roles=("partner_admin",))
NUMBERS = ["+442079460100", "+442079460101"]


def submission(request_id: str, numbers: list[str], **changes) -> c.SubmitPortRequest:
    values = {
        "request_id": request_id,
        "actor": ACTOR,
        "partner_id": PARTNER,
        "country": "GB",
        "product": "analogue",
        "numbers": numbers,
        "main_billing_number": "020 7946 0100",
        "registered_address": c.AddressIn(
            lines=["Unit 7, Example Park"], city="London", postal_code="EC1A 9ZZ", country="GB"
        ),
        "losing_provider": "Example Telecom Ltd",
        "range_holder": "Example Networks plc",
    }
    values.update(changes)
    return c.SubmitPortRequest(**values)


def of(port_id: str):
    return lambda e: e.subject == port_id


# The scenario pins its own start: Monday 23 Nov 2026, 09:00 in London.
@pytest.mark.parametrize(
    "bus", [{"start": datetime(2026, 11, 23, 9, 0, tzinfo=LONDON)}], indirect=True
)
async def test_a_port_goes_from_submission_to_numbers_live_through_kafka(bus, mongo_url, mongo_db):
    async with running_service(
        NAME, PortingSettings, wire, bus, mongo_url, mongo_db.name, demo_clock=True
    ):
        # A submission with a German number in a UK request is refused with reasons.
        await bus.send(
            PORTING_COMMANDS.name,
            submission("req-bad", [*NUMBERS, "+493012345678"]),
            subject=PARTNER,
        )
        [refused] = await bus.expect(PORTING_EVENTS.name, "porting.port.submission_rejected")
        assert {r["code"] for r in refused.data["reasons"]} == {"number_not_in_country"}

        # A correct one is submitted.
        await bus.send(PORTING_COMMANDS.name, submission("req-1", NUMBERS), subject=PARTNER)
        [submitted] = await bus.expect(PORTING_EVENTS.name, "porting.port.submitted")
        port_id = submitted.subject
        assert submitted.data["numbers"] == NUMBERS

        # The same numbers cannot be in a second active request.
        await bus.send(PORTING_COMMANDS.name, submission("req-2", NUMBERS[:1]), subject=PARTNER)
        [dup] = await bus.expect(
            PORTING_EVENTS.name,
            "porting.port.submission_rejected",
            where=lambda e: e.data["request_id"] == "req-2",
        )
        assert dup.data["reasons"][0]["code"] == "number_already_in_active_port"

        # The carrier rejects; the partner corrects and resubmits.
        await bus.send(
            CARRIER_EVENTS.name,
            carrier.CarrierPortRejected(
                port_id=port_id,
                carrier_ref="CR-1",
                rejected_at=bus.now,
                reasons=[
                    carrier.CarrierReason(code="address_mismatch", message="postcode differs")
                ],
            ),
            subject=port_id,
        )
        await bus.expect(PORTING_EVENTS.name, "porting.port.rejected", of(port_id))
        await bus.send(
            PORTING_COMMANDS.name,
            c.ResubmitPortRequest(
                request_id="req-1-fix",
                actor=ACTOR,
                port_id=port_id,
                corrections=c.PortCorrectionsIn(
                    registered_address=c.AddressIn(
                        lines=["Unit 7, Example Park"],
                        city="London",
                        postal_code="EC1A 9ZY",
                        country="GB",
                    )
                ),
            ),
            subject=port_id,
        )
        await bus.expect(PORTING_EVENTS.name, "porting.port.resubmitted", of(port_id))

        # Accepted on Monday 7 Dec 2026 10:00: 22 working days in England → Mon 11 Jan 2027
        # (25 and 28 Dec and 1 Jan are bank holidays).
        accepted_at = datetime(2026, 12, 7, 10, 0, tzinfo=LONDON)
        await bus.advance_to(accepted_at)
        # Two weeks without a carrier answer walk the escalation matrix up to level 3.
        await bus.expect(
            PORTING_EVENTS.name,
            "porting.port.carrier_answer_overdue",
            where=lambda e: e.data["level"] == 3,
        )
        accept = await bus.send(
            CARRIER_EVENTS.name,
            carrier.CarrierPortAccepted(
                port_id=port_id, carrier_ref="CR-2", accepted_at=accepted_at
            ),
            subject=port_id,
        )
        await bus.send_raw(CARRIER_EVENTS.name, port_id, accept.to_json())  # redelivered
        [accepted] = await bus.expect(PORTING_EVENTS.name, "porting.port.accepted", of(port_id))
        assert accepted.data["port_date"] == "2027-01-11"
        [numbers_in] = await bus.expect(PORTING_EVENTS.name, "porting.numbers.accepted")
        assert numbers_in.data["numbers"] == NUMBERS

        # Three working days before the port date the partner gets the risk notice.
        await bus.advance_to(datetime(2027, 1, 6, 9, 30, tzinfo=LONDON))
        [reminder] = await bus.expect(PORTING_EVENTS.name, "porting.port.reminder_due")
        assert "alarm" in reminder.data["risk_notice"].lower()

        # A cancellation after the cut-off (00:00 on Sat 9 Jan) is late: recorded, escalated.
        reported = datetime.combine(date(2027, 1, 9), time(0, 0), LONDON) + timedelta(hours=9)
        await bus.send(
            CARRIER_EVENTS.name,
            carrier.CarrierPortCancelled(
                port_id=port_id,
                carrier_ref="CR-2",
                cancelled_by="Example Telecom Ltd",
                reported_at=reported,
            ),
            subject=port_id,
        )
        [late] = await bus.expect(
            PORTING_EVENTS.name, "porting.port.late_cancellation_recorded", of(port_id)
        )
        assert late.data["escalation_level"] == 0

        # Completed on port day: the numbers go live.
        await bus.advance_to(datetime(2027, 1, 11, 8, 0, tzinfo=LONDON))
        await bus.send(
            CARRIER_EVENTS.name,
            carrier.CarrierPortCompleted(port_id=port_id, carrier_ref="CR-2", completed_at=bus.now),
            subject=port_id,
        )
        await bus.expect(PORTING_EVENTS.name, "porting.port.completed", of(port_id))
        await bus.expect(PORTING_EVENTS.name, "porting.numbers.completed")

    # Redelivery changed nothing twice; a malformed carrier message went to the DLQ.
    events = await bus.events(PORTING_EVENTS.name)
    assert [e.type for e in events].count("porting.port.accepted") == 1
    assert [e.type for e in events].count("porting.numbers.accepted") == 1
    assert [e.type for e in events].count("porting.port.cancelled") == 0
    doc = await mongo_db.ports.find_one({"_id": port_id})
    history = [h["action"] for h in doc["state"]["port"]["history"]]
    assert history[:4] == ["drafted", "submitted", "rejected", "resubmitted"]
    assert history[-1] == "completed"
    overdue = [e for e in events if e.type == "porting.port.carrier_answer_overdue"]
    assert [e.data["level"] for e in overdue] == [0, 1, 2, 3]  # each level once


async def test_a_malformed_carrier_message_goes_to_the_dlq_and_the_next_is_processed(
    bus, mongo_url, mongo_db
):
    async with running_service(NAME, PortingSettings, wire, bus, mongo_url, mongo_db.name):
        await bus.send_raw(CARRIER_EVENTS.name, "x", b'{"specversion": "1.0", "id": "1"')
        unknown = await bus.send(
            CARRIER_EVENTS.name,
            carrier.CarrierPortCompleted(
                port_id="PRT-NOPE", carrier_ref="CR", completed_at=bus.now
            ),
            subject="PRT-NOPE",
        )
        await bus.send(PORTING_COMMANDS.name, submission("req-9", NUMBERS), subject=PARTNER)
        await bus.expect(PORTING_EVENTS.name, "porting.port.submitted")
        parked = await bus.wait_records(CARRIER_EVENTS.dlq, 2)
    by_code = {dict(r.headers)["x-dlq-error-code"]: r.value for r in parked}
    assert sorted(by_code) == [b"invalid_envelope", b"unknown_port"]
    assert by_code[b"unknown_port"] == unknown.to_json()


async def test_a_command_that_fails_validation_is_rejected_with_reasons_and_dead_lettered(
    bus, mongo_url, mongo_db
):
    async with running_service(NAME, PortingSettings, wire, bus, mongo_url, mongo_db.name):
        bad = submission("req-x", NUMBERS).model_dump(mode="json")
        bad["country"] = "Great Britain"
        envelope = await bus.send(PORTING_COMMANDS.name, submission("req-x", NUMBERS), PARTNER)
        await bus.send_raw(
            PORTING_COMMANDS.name,
            PARTNER,
            envelope.model_copy(update={"id": "cmd-bad", "data": bad}).to_json(),
        )
        [rejected] = await bus.expect(PORTING_EVENTS.name, "porting.command.rejected")
        assert len(await bus.wait_records(PORTING_COMMANDS.dlq, 1)) == 1
    assert rejected.causationid == "cmd-bad"
    assert rejected.data["reasons"][0]["field"] == "country"


async def test_two_instances_share_the_work_and_each_request_is_handled_once(
    bus, mongo_url, mongo_db
):
    async with (
        running_service(NAME, PortingSettings, wire, bus, mongo_url, mongo_db.name),
        running_service(NAME, PortingSettings, wire, bus, mongo_url, mongo_db.name),
    ):
        for i in range(12):
            partner = f"partner-71{i:02d}"
            actor = Actor(user_id=f"user-{i}", partner_id=partner)
            number = f"+44161496{i:04d}"
            await bus.send(
                PORTING_COMMANDS.name,
                submission(f"req-{i}", [number], partner_id=partner, actor=actor),
                subject=partner,
            )
        await bus.expect(PORTING_EVENTS.name, "porting.port.submitted", count=12)
    events = await bus.events(PORTING_EVENTS.name)
    submitted = [e for e in events if e.type == "porting.port.submitted"]
    assert len(submitted) == 12  # none twice, although two consumers were in the group
    assert len({e.subject for e in submitted}) == 12
    assert await mongo_db.ports.count_documents({}) == 12
