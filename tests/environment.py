"""The environment of a service a test starts in a process of its own: this process's
environment without any setting of the services, so only what the test sets applies."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

PREFIXES = ("PARTNEROPS_", "PORTING_", "ONBOARDING_", "NOTIFICATIONS_", "SUPPORT_")
"""The prefixes of every service setting's environment variable (`shared.settings`)."""

SECRET = "hunter2-do-not-echo"
"""A password the tests put into settings and then look for in what a service printed."""


def clean_environment() -> dict[str, str]:
    """This process's environment without any setting of the services."""
    return {k: v for k, v in os.environ.items() if not k.upper().startswith(PREFIXES)}


ROOT = Path(__file__).resolve().parents[1]
"""The repository: where `python -m services.<name>` runs."""


def start_service(
    name: str,
    settings: Mapping[str, str],
    *,
    stdout: int = subprocess.PIPE,
    stderr: int = subprocess.PIPE,
) -> subprocess.Popen[str]:
    """`python -m services.<name>` started from the repository in a process of its own,
    with `settings` as the only service settings of its environment (text pipes, no
    stdin)."""
    return subprocess.Popen(
        [sys.executable, "-m", f"services.{name}"],
        cwd=ROOT,
        env=clean_environment() | dict(settings),
        stdin=subprocess.DEVNULL,
        stdout=stdout,
        stderr=stderr,
        text=True,
    )
