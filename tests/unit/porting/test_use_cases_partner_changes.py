"""Resubmit and withdraw on the in-memory store: happy paths, refusals told once,
redelivery, reused command ids, and what happens to the number claims."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from shared.contracts import carrier as gateway
from shared.contracts import porting as c
from shared.errors import MessageRejected
from shared.store import CommandIdReused
from tests.unit.porting.world import ACTOR, NUMBERS, OTHER, World, submission

pytestmark = pytest.mark.unit

LONDON = ZoneInfo("Europe/London")
AT = datetime(2026, 12, 1, 10, 0, tzinfo=LONDON)


@pytest.fixture
def world() -> World:
    return World()


def fix(port_id: str, request_id: str = "fix-1", **corrections) -> c.ResubmitPortRequest:
    return c.ResubmitPortRequest(
        request_id=request_id,
        actor=ACTOR,
        port_id=port_id,
        corrections=c.PortCorrectionsIn(**corrections),
    )


def withdrawal(port_id: str, request_id: str = "w-1") -> c.WithdrawPortRequest:
    return c.WithdrawPortRequest(request_id=request_id, actor=ACTOR, port_id=port_id, reason="x")


async def rejected(world: World) -> str:
    port_id = await world.submitted()
    no = gateway.CarrierPortRejected(
        port_id=port_id,
        carrier_ref="CR-1",
        rejected_at=AT,
        reasons=[gateway.CarrierReason(code="number_mismatch", message="not ours")],
    )
    await world.carrier(no)
    return port_id


class TestResubmit:
    async def test_corrected_numbers_are_claimed_and_the_dropped_ones_freed(self, world):
        port_id = await rejected(world)
        env = await world.resubmit(fix(port_id, numbers=[NUMBERS[0], "+442079460102"]))
        await world.resubmit(fix(port_id, numbers=[NUMBERS[0], "+442079460102"]), env)
        [resubmitted] = world.events("porting.port.resubmitted")
        assert resubmitted.data["numbers"] == [NUMBERS[0], "+442079460102"]
        assert resubmitted.data["corrected_fields"] == ["numbers"]
        assert resubmitted.data["revision"] == 2
        assert (await world.port(port_id)).status == "submitted"
        assert world.owners() == dict.fromkeys([NUMBERS[0], "+442079460102"], port_id)

    async def test_numbers_another_request_holds_refuse_the_resubmission(self, world):
        port_id = await rejected(world)
        other = await world.submitted("req-2", numbers=["+442079460105"])
        await world.resubmit(fix(port_id, numbers=[*NUMBERS, "+442079460105"]))
        [refused] = world.events("porting.port.action_refused")
        assert refused.data["code"] == "validation_failed"
        assert [r["number"] for r in refused.data["reasons"]] == ["+442079460105"]
        assert (await world.port(port_id)).status == "rejected"
        assert world.owners() == {**dict.fromkeys(NUMBERS, port_id), "+442079460105": other}

    async def test_a_request_that_is_not_rejected_cannot_be_resubmitted(self, world):
        port_id = await world.submitted()
        env = await world.resubmit(fix(port_id, losing_provider="Other Telecom Ltd"))
        await world.resubmit(fix(port_id, losing_provider="Other Telecom Ltd"), env)
        [refused] = world.events("porting.port.action_refused")
        assert refused.data["code"] == "illegal_transition"
        assert refused.data["request_id"] == "fix-1" and refused.data["status"] == "submitted"

    async def test_a_different_resubmission_reusing_a_request_id_is_rejected(self, world):
        port_id = await rejected(world)
        await world.resubmit(fix(port_id, numbers=NUMBERS))
        with pytest.raises(CommandIdReused):
            await world.resubmit(fix(port_id, numbers=["+442079460109"]))
        assert "+442079460109" not in world.owners()

    async def test_another_partner_may_not_resubmit(self, world):
        port_id = await rejected(world)
        command = fix(port_id).model_copy(update={"actor": OTHER})
        with pytest.raises(MessageRejected) as forbidden:
            await world.resubmit(command)
        assert forbidden.value.code == "forbidden"


class TestWithdraw:
    async def test_a_withdrawn_request_frees_its_numbers(self, world):
        port_id = await world.submitted()
        env = await world.withdraw(withdrawal(port_id))
        await world.withdraw(withdrawal(port_id), env)  # redelivered
        [withdrawn] = world.events("porting.port.withdrawn")
        assert withdrawn.data["numbers"] == NUMBERS and withdrawn.data["reason"] == "x"
        assert (await world.port(port_id)).status == "withdrawn"
        assert world.owners() == {} and await world.timers(port_id) == []
        await world.submitted("req-2")  # the numbers are free for another request

    async def test_an_accepted_request_cannot_be_withdrawn_and_keeps_its_numbers(self, world):
        port_id = await world.submitted()
        world.clock.set(AT)
        accept = gateway.CarrierPortAccepted(port_id=port_id, carrier_ref="CR", accepted_at=AT)
        await world.carrier(accept)
        await world.withdraw(withdrawal(port_id))
        [refused] = world.events("porting.port.action_refused")
        assert refused.data["code"] == "illegal_transition"
        assert refused.data["status"] == "accepted"
        assert world.owners() == dict.fromkeys(NUMBERS, port_id)

    async def test_a_different_withdrawal_reusing_a_request_id_is_rejected(self, world):
        port_id = await world.submitted()
        await world.withdraw(withdrawal(port_id))
        other = withdrawal(port_id).model_copy(update={"reason": "changed my mind"})
        with pytest.raises(CommandIdReused):
            await world.withdraw(other)

    async def test_withdrawing_an_unknown_request_is_rejected(self, world):
        with pytest.raises(MessageRejected) as rejected:
            await world.withdraw(withdrawal("PRT-NOPE"))
        assert rejected.value.code == "unknown_port"


async def test_a_refused_submission_leaves_a_draft_the_partner_can_withdraw(world):
    await world.submit(submission("req-bad", ["+493012345678"]))
    [rejected] = world.events("porting.port.submission_rejected")
    await world.withdraw(withdrawal(str(rejected.data["port_id"])))
    assert world.events("porting.port.withdrawn")
