"""`python -m services.porting`: run one instance of the porting service.

A setting it cannot use ends it with one JSON line on stderr and exit code 2
(`shared.runtime.settings_or_exit`)."""

from services.porting.entrypoints import NAME, wire
from services.porting.settings import PortingSettings
from shared.runtime import main as run


def main() -> None:
    run(NAME, PortingSettings, wire)


if __name__ == "__main__":
    main()
