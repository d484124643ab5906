"""What a carrier gateway publishes (topic `carrier.events`) and reads back from porting.

A carrier gateway relays the gaining carrier's answers to our port requests, keyed by our
`port_id` (use it as the Kafka key). Unknown fields are ignored, so a gateway may send
more. It reads back from `porting.events` why an answer was not taken:
`porting.port.port_date_refused` (the port date it stated breaks a rule; the request
stays submitted) and `porting.port.action_refused` (the request's state does not allow
the answer).
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from shared.contracts import porting
from shared.contracts.common import NonEmpty
from shared.events import Payload
from shared.identifiers import Identifier
from shared.topics import CARRIER_EVENTS, PORTING_EVENTS


class _CarrierEvent(Payload):
    model_config = ConfigDict(extra="ignore", frozen=True)
    EVENT_TYPE: ClassVar[str]

    port_id: Identifier = Field(description="Our port request id, as lodged with the carrier")
    carrier_ref: NonEmpty = Field(description="The carrier's reference of the port order")


class CarrierReason(BaseModel):
    """One reason the carrier gives for a rejection."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    code: NonEmpty = Field(description="Carrier's reason code")
    message: str = Field(description="Carrier's explanation")
    number: str | None = Field(
        default=None, description="Number concerned (E.164), when the reason is per number"
    )


class CarrierPortAccepted(_CarrierEvent):
    """The gaining carrier accepted the port; the port date is computed when not given."""

    EVENT_TYPE: ClassVar[str] = "carrier.port.accepted"

    accepted_at: AwareDatetime = Field(description="When the carrier accepted")
    port_date: date | None = Field(default=None, description="Port date set by the carrier")


class CarrierPortRejected(_CarrierEvent):
    """The gaining carrier rejected the port (usually incomplete or inaccurate data)."""

    EVENT_TYPE: ClassVar[str] = "carrier.port.rejected"

    rejected_at: AwareDatetime = Field(description="When the carrier rejected")
    reasons: list[CarrierReason] = Field(min_length=1, description="Why, one entry per problem")


class CarrierPortCancelled(_CarrierEvent):
    """The losing provider cancelled the accepted port."""

    EVENT_TYPE: ClassVar[str] = "carrier.port.cancelled"

    cancelled_by: NonEmpty = Field(description="The losing provider that cancelled")
    reported_at: AwareDatetime = Field(
        description="When the cancellation was reported; decides whether it is late"
    )
    reason: str | None = Field(default=None, description="Reason given, if any")


class CarrierPortCompleted(_CarrierEvent):
    """The numbers have ported."""

    EVENT_TYPE: ClassVar[str] = "carrier.port.completed"

    completed_at: AwareDatetime = Field(description="When the numbers ported")


EVENTS: list[type[Payload]] = [
    CarrierPortAccepted,
    CarrierPortRejected,
    CarrierPortCancelled,
    CarrierPortCompleted,
]

PUBLISHER = "carrier_gateway"
DESCRIPTION = "Relays the gaining carrier's answers (write a gateway against this)"
PUBLISHES: dict[str, list[type[Payload]]] = {CARRIER_EVENTS.name: EVENTS}
"""What a carrier gateway publishes, per topic (porting consumes it)."""
CONSUMES: dict[str, list[type[Payload]]] = {
    PORTING_EVENTS.name: [porting.PortDateRefusedV1, porting.PortActionRefusedV1]
}
"""Why an answer was not taken: what a gateway reads back from porting's events."""
