"""Partners, orders, the reseller programme, provider onboarding, activation requests."""

from __future__ import annotations

from services.onboarding.application.deps import Deps


def register(deps: Deps) -> None:
    """Register the handlers of this part of onboarding."""
