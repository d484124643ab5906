"""Porting's settings: env prefix PORTING_, falling back to PARTNEROPS_ for shared ones."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from services.porting.domain.policy import PortingRules
from shared.settings import Port, ServiceSettings, service_settings_config


class PortingSettings(ServiceSettings):
    """Everything the porting service reads from the environment."""

    SERVICE: ClassVar[str] = "porting"
    model_config = service_settings_config("PORTING_")

    http_port: Port = 8082
    rules: PortingRules = Field(
        default_factory=PortingRules,
        description="Lead times, required fields, reminders, escalation matrix (JSON)",
    )
