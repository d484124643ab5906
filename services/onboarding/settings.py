"""Onboarding's settings: env prefix ONBOARDING_, falling back to PARTNEROPS_."""

from __future__ import annotations

import base64
import binascii
from datetime import date
from typing import ClassVar, Self

from pydantic import Field, SecretStr, model_validator

from shared.settings import Port, ServiceSettings, service_settings_config

DEMO_DEVICE_KEY_ID = "demo-1"
DEMO_DEVICE_KEY = "ZGVtby1vbmx5LWtleS1kby1ub3QtdXNlLWluLXByb2Q="
"""32 bytes published in this repository: demonstration mode only, refused otherwise."""
GENERATE_KEY = "python -c 'import base64,os; print(base64.b64encode(os.urandom(32)).decode())'"


class OnboardingSettings(ServiceSettings):
    """Everything the onboarding service reads from the environment."""

    SERVICE: ClassVar[str] = "onboarding"
    # Errors never echo what was given: the settings carry keys and credentials.
    model_config = service_settings_config("ONBOARDING_") | {"hide_input_in_errors": True}

    http_port: Port = 8081
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
        default_factory=dict,
        description="AES-256-GCM keys by key id (base64, 32 bytes) sealing SIP passwords; "
        "older ids stay to unseal what they sealed. Required outside demonstration mode "
        "(the service refuses to start without a real key); demonstration mode without "
        "one uses the published demonstration key",
    )
    device_secret_key_id: str | None = Field(
        default=None,
        description="Key id that seals new device secrets (default: the ring's only key)",
    )
    free_packages: list[str] = Field(
        default_factory=lambda: ["Free"],
        description="Product packages that are not paid (a user or tenant on them is not paid)",
    )

    @model_validator(mode="after")
    def _real_device_key_outside_demonstration(self) -> Self:
        """Refuse to start with no key, a malformed one, or the published demonstration key
        outside demonstration mode (`demo_clock`). Messages never show a key."""
        if not self.device_secret_keys:
            if not self.demo_clock:
                raise ValueError(
                    "ONBOARDING_DEVICE_SECRET_KEYS is required outside demonstration mode: "
                    'a JSON object {"<key id>": "<base64 of 32 random bytes>"}; generate a '
                    f"key with: {GENERATE_KEY}"
                )
            self.device_secret_keys = {DEMO_DEVICE_KEY_ID: SecretStr(DEMO_DEVICE_KEY)}
        keys = {k: v.get_secret_value() for k, v in self.device_secret_keys.items()}
        if not self.demo_clock and DEMO_DEVICE_KEY in keys.values():
            raise ValueError(
                "the demonstration key in ONBOARDING_DEVICE_SECRET_KEYS is public and is "
                f"refused outside demonstration mode; generate a real one with: {GENERATE_KEY}"
            )
        for key_id, key in keys.items():
            if _key_length(key) != 32:
                raise ValueError(
                    f"device secret key {key_id!r} must be the base64 of 32 bytes (AES-256)"
                )
        if self.device_secret_key_id is None:
            if len(keys) != 1:
                raise ValueError("name the sealing key: ONBOARDING_DEVICE_SECRET_KEY_ID")
            self.device_secret_key_id = next(iter(keys))
        if self.device_secret_key_id not in keys:
            raise ValueError(
                f"ONBOARDING_DEVICE_SECRET_KEY_ID {self.device_secret_key_id!r} is not a key "
                "id of ONBOARDING_DEVICE_SECRET_KEYS"
            )
        return self

    @property
    def sealing_key_id(self) -> str:
        """The key id that seals new device secrets (set by the validation above)."""
        assert self.device_secret_key_id is not None
        return self.device_secret_key_id


def _key_length(key: str) -> int:
    try:
        return len(base64.b64decode(key, validate=True))
    except (binascii.Error, ValueError):
        return -1
