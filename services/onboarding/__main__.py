"""`python -m services.onboarding`: run one instance of the onboarding service."""

import asyncio

from services.onboarding.app import NAME, wire
from services.onboarding.settings import OnboardingSettings
from shared.runtime import run_service


def main() -> None:
    asyncio.run(run_service(NAME, OnboardingSettings(), wire))


if __name__ == "__main__":
    main()
