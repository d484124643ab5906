"""The onboarding service as the runtime starts it: its name and `wire` (see `entrypoints`)."""

from __future__ import annotations

from services.onboarding.entrypoints import NAME, wire

__all__ = ["NAME", "wire"]
