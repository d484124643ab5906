"""What every onboarding use case needs, built once per process in `entrypoints.wire`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from services.onboarding.adapters.read_models import Claims, DirectoryReads, TenantReads
from services.onboarding.application.common.core import payloads
from services.onboarding.settings import OnboardingSettings
from shared.runtime import ServiceContext
from shared.topics import ONBOARDING_EVENTS
from shared.usecase import UseCases


@dataclass(frozen=True)
class Deps:
    """The use-case core (`uc`: stores, outbox, publish, clock), the settings, and the
    narrow read and claim ports over the service's database: use cases query through
    `tenants`, `directory` and `claims`, never through a database handle or the context."""

    uc: UseCases
    settings: OnboardingSettings
    tenants: TenantReads
    directory: DirectoryReads
    claims: Claims

    @classmethod
    def over(cls, ctx: ServiceContext, settings: OnboardingSettings) -> Deps:
        """The ports over the context's stores and database (wiring only: the context
        itself is not kept)."""
        return cls(
            uc=ctx.use_cases(ONBOARDING_EVENTS.name, payloads),
            settings=settings,
            tenants=TenantReads(ctx.db),
            directory=DirectoryReads(ctx.db),
            claims=Claims.over(ctx.db),
        )

    def now(self) -> datetime:
        """The one clock."""
        return self.uc.now()
