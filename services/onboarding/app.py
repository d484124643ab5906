"""Wires the onboarding service: which messages go to which use case, timers, indexes."""

from __future__ import annotations

from services.onboarding.application import wiring_admin, wiring_partners
from services.onboarding.application.deps import Deps
from services.onboarding.settings import OnboardingSettings
from shared.runtime import ServiceContext

NAME = "onboarding"


def wire(ctx: ServiceContext) -> None:
    """Register onboarding's handlers on the context (no I/O)."""
    settings = ctx.settings
    if not isinstance(settings, OnboardingSettings):
        # Only the event catalogue wires with plain settings, to read the subscriptions;
        # it never handles a message, so the demonstration key ring does for it.
        settings = OnboardingSettings(demo_clock=True)
    deps = Deps(ctx, settings)
    wiring_partners.register(deps)
    wiring_admin.register(deps)
