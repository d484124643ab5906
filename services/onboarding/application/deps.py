"""What every onboarding use case needs, built once per process in `app.wire`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from services.onboarding.settings import OnboardingSettings
from shared.runtime import ServiceContext

SOURCE = "/onboarding"


@dataclass
class Deps:
    ctx: ServiceContext
    settings: OnboardingSettings

    def now(self) -> datetime:
        """The one clock."""
        return self.ctx.clock.now()
