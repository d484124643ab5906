"""The demonstration driver's clock (topic `platform.clock`, demonstration mode only)."""

from __future__ import annotations

from shared.events import ClockAdvanced, Payload
from shared.topics import PLATFORM_CLOCK

__all__ = ["DESCRIPTION", "PUBLISHER", "PUBLISHES", "ClockAdvanced"]

PUBLISHER = "demo_driver"
DESCRIPTION = "Demonstration mode only: moves the shared clock"
PUBLISHES: dict[str, list[type[Payload]]] = {PLATFORM_CLOCK.name: [ClockAdvanced]}
"""What the demonstration driver publishes, per topic (every service consumes it)."""
