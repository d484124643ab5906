"""`python -m services.notifications`: run one instance of the notifications service."""

import asyncio

from services.notifications.entrypoints import NAME, wire
from services.notifications.settings import NotificationsSettings
from shared.runtime import run_service


def main() -> None:
    asyncio.run(run_service(NAME, NotificationsSettings(), wire))


if __name__ == "__main__":
    main()
