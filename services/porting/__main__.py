"""`python -m services.porting`: run one instance of the porting service."""

import asyncio

from services.porting.entrypoints import NAME, wire
from services.porting.settings import PortingSettings
from shared.runtime import run_service


def main() -> None:
    asyncio.run(run_service(NAME, PortingSettings(), wire))


if __name__ == "__main__":
    main()
