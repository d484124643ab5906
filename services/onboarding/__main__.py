"""`python -m services.onboarding`: run one instance of the onboarding service.

A setting it cannot use ends it with one JSON line on stderr and exit code 2
(`shared.runtime.settings_or_exit`)."""

from services.onboarding.app import NAME, wire
from services.onboarding.settings import OnboardingSettings
from shared.runtime import main as run


def main() -> None:
    run(NAME, OnboardingSettings, wire)


if __name__ == "__main__":
    main()
