"""What every onboarding use case needs, built once per process in `entrypoints.wire`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from services.onboarding.adapters.read_models import Claims, DirectoryReads, TenantReads
from services.onboarding.settings import OnboardingSettings
from shared.runtime import ServiceContext

SOURCE = "/onboarding"


@dataclass
class Deps:
    """The context (stores, publisher, clock), the settings, and the narrow read and claim
    ports built over the service's database: use cases query through `tenants`,
    `directory` and `claims`, never through a database handle."""

    ctx: ServiceContext
    settings: OnboardingSettings
    tenants: TenantReads = field(init=False)
    directory: DirectoryReads = field(init=False)
    claims: Claims = field(init=False)

    def __post_init__(self) -> None:
        self.tenants = TenantReads(self.ctx.db)
        self.directory = DirectoryReads(self.ctx.db)
        self.claims = Claims.over(self.ctx.db)

    def now(self) -> datetime:
        """The one clock."""
        return self.ctx.clock.now()
