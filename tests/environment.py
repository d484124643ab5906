"""The environment of a service a test starts in a process of its own: this process's
environment without any setting of the services, so only what the test sets applies."""

from __future__ import annotations

import os

PREFIXES = ("PARTNEROPS_", "PORTING_", "ONBOARDING_", "NOTIFICATIONS_", "SUPPORT_")
"""The prefixes of every service setting's environment variable (`shared.settings`)."""

SECRET = "hunter2-do-not-echo"
"""A password the tests put into settings and then look for in what a service printed."""


def clean_environment() -> dict[str, str]:
    """This process's environment without any setting of the services."""
    return {k: v for k, v in os.environ.items() if not k.upper().startswith(PREFIXES)}
