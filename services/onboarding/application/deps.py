"""What every onboarding use case needs, built once per process in `entrypoints.wire`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from services.onboarding.adapters.read_models import Claims, DirectoryReads, TenantReads
from services.onboarding.application.common.core import payloads
from services.onboarding.settings import OnboardingSettings
from shared.runtime import ServiceContext
from shared.topics import ONBOARDING_EVENTS
from shared.usecase import UseCases

SOURCE = "/onboarding"


@dataclass
class Deps:
    """The use-case core (`uc`: stores, outbox, publish, clock), the settings, and the
    narrow read and claim ports built over the service's database: use cases query
    through `tenants`, `directory` and `claims`, never through a database handle.

    `ctx` is still here for the concepts not yet on the core (see `docs/DEVELOPING.md`)."""

    ctx: ServiceContext
    settings: OnboardingSettings
    uc: UseCases = field(init=False)
    tenants: TenantReads = field(init=False)
    directory: DirectoryReads = field(init=False)
    claims: Claims = field(init=False)

    def __post_init__(self) -> None:
        self.uc = self.ctx.use_cases(ONBOARDING_EVENTS.name, payloads)
        self.tenants = TenantReads(self.ctx.db)
        self.directory = DirectoryReads(self.ctx.db)
        self.claims = Claims.over(self.ctx.db)

    def now(self) -> datetime:
        """The one clock."""
        return self.uc.now()
