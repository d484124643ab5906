"""Onboarding's settings: env prefix ONBOARDING_, falling back to PARTNEROPS_."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from pydantic import Field, SecretStr

from shared.settings import ServiceSettings, service_settings_config

DEMO_DEVICE_KEY = "ZGVtby1vbmx5LWtleS1kby1ub3QtdXNlLWluLXByb2Q="  # 32 bytes, demo only


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
    device_secret_keys: dict[str, SecretStr] = Field(
        # Demonstration key only: production sets its own (base64 of 32 random bytes).
        default_factory=lambda: {
            "demo-1": SecretStr("ZGVtby1vbmx5LWtleS1kby1ub3QtdXNlLWluLXByb2Q=")
        },
        description="AES-256-GCM keys by key id (base64, 32 bytes) sealing SIP passwords; "
        "older ids stay to unseal what they sealed",
    )
    device_secret_key_id: str = Field(
        default="demo-1", description="Key id that seals new device secrets"
    )
    free_packages: list[str] = Field(
        default_factory=lambda: ["Free"],
        description="Product packages that are not paid (a user or tenant on them is not paid)",
    )
