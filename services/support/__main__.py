"""`python -m services.support`: run one instance of the support service.

A setting it cannot use ends it with one JSON line on stderr and exit code 2
(`shared.runtime.settings_or_exit`)."""

from services.support.app import NAME, wire
from services.support.settings import SupportSettings
from shared.runtime import main as run


def main() -> None:
    run(NAME, SupportSettings, wire)


if __name__ == "__main__":
    main()
