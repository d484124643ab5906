"""`python -m services.support`: run one instance of the support service."""

import asyncio

from services.support.app import NAME, wire
from services.support.settings import SupportSettings
from shared.runtime import run_service


def main() -> None:
    asyncio.run(run_service(NAME, SupportSettings(), wire))


if __name__ == "__main__":
    main()
