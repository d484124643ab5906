"""`python -m services.notifications`: run one instance of the notifications service.

A setting it cannot use ends it with one JSON line on stderr and exit code 2
(`shared.runtime.settings_or_exit`)."""

from services.notifications.entrypoints import NAME, wire
from services.notifications.settings import NotificationsSettings
from shared.runtime import main as run


def main() -> None:
    run(NAME, NotificationsSettings, wire)


if __name__ == "__main__":
    main()
