"""Onboarding's settings: env prefix ONBOARDING_, falling back to PARTNEROPS_."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from pydantic import Field

from shared.settings import ServiceSettings, service_settings_config


class OnboardingSettings(ServiceSettings):
    """Everything the onboarding service reads from the environment."""

    SERVICE: ClassVar[str] = "onboarding"
    model_config = service_settings_config("ONBOARDING_")

    http_port: int = 8081
    allowed_domains: list[str] = Field(
        default_factory=lambda: ["voice.example.com", "cloud.example.net"],
        description="Default domains a customer group may choose (platform configuration)",
    )
    certification_pass_mark: int = Field(default=12, ge=1, le=15)
    require_dpa: bool = Field(
        default=False, description="Refuse on-behalf actions for tenants without a recorded DPA"
    )
    cloud_operations_holidays: list[date] = Field(
        default_factory=list, description="Extra closed days for the 48-hour invitation clock"
    )
    secret_key: str = Field(
        default="demo-only-key-change-me",
        description="Key sealing retrievable device secrets (SIP passwords); set in production",
    )
    free_packages: list[str] = Field(
        default_factory=lambda: ["Free"],
        description="Product packages that are not paid (a user or tenant on them is not paid)",
    )
