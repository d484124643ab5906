"""Wires the porting service: which messages go to which use case, timers, indexes."""

from __future__ import annotations

from services.porting import contracts as c
from services.porting.adapters.repository import PORTS
from services.porting.application import carrier, submissions, timers
from services.porting.application.deps import Deps
from services.porting.settings import PortingSettings
from shared.events import Envelope
from shared.mongo import IndexSpec
from shared.runtime import ServiceContext
from shared.store import Timer
from shared.topics import CARRIER_EVENTS, PORTING_COMMANDS

NAME = "porting"


def wire(ctx: ServiceContext) -> None:
    """Register porting's handlers on the context (no I/O)."""
    settings = ctx.settings
    rules = settings.rules if isinstance(settings, PortingSettings) else PortingSettings().rules
    deps = Deps(ctx, rules)
    on = ctx.dispatcher.on

    @on(PORTING_COMMANDS, c.SubmitPortRequest)
    async def on_submit(envelope: Envelope, cmd: c.SubmitPortRequest) -> None:
        await submissions.submit(deps, envelope, cmd)

    @on(PORTING_COMMANDS, c.PrecheckPortRequest)
    async def on_precheck(envelope: Envelope, cmd: c.PrecheckPortRequest) -> None:
        await submissions.run_precheck(deps, envelope, cmd)

    @on(PORTING_COMMANDS, c.ResubmitPortRequest)
    async def on_resubmit(envelope: Envelope, cmd: c.ResubmitPortRequest) -> None:
        await submissions.resubmit(deps, envelope, cmd)

    @on(PORTING_COMMANDS, c.WithdrawPortRequest)
    async def on_withdraw(envelope: Envelope, cmd: c.WithdrawPortRequest) -> None:
        await submissions.withdraw(deps, envelope, cmd)

    @on(CARRIER_EVENTS, c.CarrierPortAccepted)
    async def on_carrier_accepted(envelope: Envelope, answer: c.CarrierPortAccepted) -> None:
        await carrier.accepted(deps, envelope, answer)

    @on(CARRIER_EVENTS, c.CarrierPortRejected)
    async def on_carrier_rejected(envelope: Envelope, answer: c.CarrierPortRejected) -> None:
        await carrier.rejected(deps, envelope, answer)

    @on(CARRIER_EVENTS, c.CarrierPortCancelled)
    async def on_carrier_cancelled(envelope: Envelope, answer: c.CarrierPortCancelled) -> None:
        await carrier.cancelled(deps, envelope, answer)

    @on(CARRIER_EVENTS, c.CarrierPortCompleted)
    async def on_carrier_completed(envelope: Envelope, answer: c.CarrierPortCompleted) -> None:
        await carrier.completed(deps, envelope, answer)

    async def on_timer(port_id: str, timer: Timer) -> None:
        await timers.fire(deps, port_id, timer)

    ctx.on_timer(PORTS, on_timer)
    ctx.index(IndexSpec(PORTS, [("state.port.partner_id", 1)]))
    ctx.index(IndexSpec("number_claims", [("port_id", 1)]))
