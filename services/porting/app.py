"""Wires the porting service: which messages go to which use case, timers, indexes."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any

from services.porting.adapters.repository import CLAIMS, PORTS
from services.porting.application import carrier, submissions, timers
from services.porting.application.deps import Deps
from services.porting.settings import PortingSettings
from shared.contracts import carrier as gateway
from shared.contracts import porting as c
from shared.events import Envelope, Payload
from shared.mongo import IndexSpec
from shared.runtime import ServiceContext
from shared.topics import CARRIER_EVENTS, PORTING_COMMANDS, Topic

NAME = "porting"

UseCase = Callable[[Deps, Envelope, Any], Awaitable[None]]

ROUTES: list[tuple[Topic, type[Payload], UseCase]] = [
    (PORTING_COMMANDS, c.SubmitPortRequest, submissions.submit),
    (PORTING_COMMANDS, c.PrecheckPortRequest, submissions.run_precheck),
    (PORTING_COMMANDS, c.ResubmitPortRequest, submissions.resubmit),
    (PORTING_COMMANDS, c.WithdrawPortRequest, submissions.withdraw),
    (CARRIER_EVENTS, gateway.CarrierPortAccepted, carrier.accepted),
    (CARRIER_EVENTS, gateway.CarrierPortRejected, carrier.rejected),
    (CARRIER_EVENTS, gateway.CarrierPortCancelled, carrier.cancelled),
    (CARRIER_EVENTS, gateway.CarrierPortCompleted, carrier.completed),
]
"""Every message porting consumes and the use case that handles it."""


def wire(ctx: ServiceContext) -> None:
    """Register porting's handlers on the context (no I/O)."""
    settings = ctx.settings
    rules = settings.rules if isinstance(settings, PortingSettings) else PortingSettings().rules
    deps = Deps(ctx, rules)
    for topic, model, use_case in ROUTES:
        ctx.dispatcher.on(topic, model)(functools.partial(use_case, deps))
    ctx.on_timer(PORTS, functools.partial(timers.fire, deps))
    ctx.index(IndexSpec(PORTS, [("state.port.partner_id", 1)]))
    ctx.index(IndexSpec(CLAIMS, [("port_id", 1)]))
