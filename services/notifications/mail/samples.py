"""Invented sample contexts of every template (previews and tests), by template key."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from services.notifications.mail.contexts import maintenance, onboarding, porting, support
from services.notifications.mail.contexts.base import MailContext

SAMPLES: Mapping[str, MailContext] = MappingProxyType(
    {**onboarding.SAMPLES, **porting.SAMPLES, **support.SAMPLES, **maintenance.SAMPLES}
)
