"""Porting's wiring: which message goes to which use case, its timers and its indexes.

`ROUTES` is the whole routing table; `wire(ctx)` builds the narrow dependencies every use
case receives (`UseCases` and `Porting`: the port requests' repository, the number claims,
the rules) and registers the handlers, the timer callback and the indexes. No I/O here.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any

from services.porting.adapters.claims import CLAIMS, NumberClaims
from services.porting.adapters.repository import PORTS, ports_holding
from services.porting.application import carrier, submissions, timers
from services.porting.application.porting import Porting
from services.porting.application.published import payloads
from services.porting.settings import PortingSettings
from shared.contracts import carrier as gateway
from shared.contracts import porting as c
from shared.events import Envelope, Payload
from shared.mongo import IndexSpec
from shared.runtime import ServiceContext
from shared.topics import CARRIER_EVENTS, PORTING_COMMANDS, PORTING_EVENTS, Topic
from shared.usecase import UseCases

NAME = "porting"

UseCase = Callable[[UseCases, Porting, Envelope, Any], Awaitable[None]]

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
    """Register porting's handlers, timers and indexes on the context (no I/O)."""
    settings = ctx.settings
    rules = settings.rules if isinstance(settings, PortingSettings) else PortingSettings().rules
    uc = ctx.use_cases(PORTING_EVENTS.name, payloads)
    claims = NumberClaims(ctx.db[CLAIMS], ports_holding(ctx.db[PORTS]))
    porting = Porting.of(claims, rules)
    for topic, model, use_case in ROUTES:
        ctx.dispatcher.on(topic, model)(functools.partial(use_case, uc, porting))
    ctx.on_timer(PORTS, functools.partial(timers.fire, uc, porting))
    ctx.index(IndexSpec(PORTS, [("state.port.partner_id", 1)]))
    ctx.index(IndexSpec(CLAIMS, [("port_id", 1)]))
