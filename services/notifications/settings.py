"""Notifications' settings: env prefix NOTIFICATIONS_, falling back to PARTNEROPS_.

SMTP is `smtp` (`PARTNEROPS_SMTP__HOST`, `…__PORT`, `…__USERNAME`, `…__PASSWORD`,
`…__START_TLS`, `…__USE_TLS`, `…__SENDER`); the defaults reach the local Mailpit.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, ClassVar, Self

from pydantic import Field, model_validator

from services.notifications.domain.delivery import RetryPolicy
from services.notifications.domain.policy import MaintenancePolicy
from services.notifications.mail.compose import Addressing
from services.notifications.mail.render import MailSettings
from shared.settings import Port, ServiceSettings, SmtpSettings, service_settings_config

YEAR_SECONDS = 365 * 24 * 3600.0
"""The longest wait or period a setting of mail delivery takes."""


class NotificationsSettings(ServiceSettings):
    """Everything the notifications service reads from the environment."""

    SERVICE: ClassVar[str] = "notifications"
    model_config = service_settings_config("NOTIFICATIONS_") | {"hide_input_in_errors": True}

    http_port: Port = 8083
    smtp: SmtpSettings = Field(default_factory=SmtpSettings)
    sender_name: str = Field(default="Partner Operations", description="The From display name")
    partner_portal_url: str = "https://partners.partnerops.example.com"
    customer_portal_url: str = "https://portal.partnerops.example.com"
    reminder_hours: list[Annotated[int, Field(gt=0, le=YEAR_SECONDS / 3600)]] = Field(
        default_factory=lambda: [72, 24],
        description="Maintenance reminders, elapsed hours before the start (§3)",
    )
    notice_business_days: int = Field(default=10, ge=0, description="§3 notice period")
    retry_first_seconds: float = Field(
        default=30.0, gt=0, le=YEAR_SECONDS, description="First SMTP retry wait"
    )
    retry_max_seconds: float = Field(
        default=1800.0, gt=0, le=YEAR_SECONDS, description="Longest retry wait"
    )
    retry_max_attempts: int = Field(default=30, ge=1)
    retry_give_up_hours: float = Field(default=48.0, gt=0, le=YEAR_SECONDS / 3600)
    claim_seconds: float = Field(
        default=300.0,
        gt=0,
        le=YEAR_SECONDS,
        description="How long a sender holds a delivery (> SMTP timeout)",
    )
    send_concurrency: int = Field(default=8, ge=1, description="Mails sent at once per event")

    @model_validator(mode="after")
    def _usable_at_start(self) -> Self:
        """Refuse at start what the service would fail on while wiring (a negative reminder,
        a duration past `timedelta`'s range): the settings refusal, not a traceback."""
        try:
            self.policy()
            self.retry()
        except (ValueError, OverflowError) as error:
            raise ValueError(str(error)) from None
        return self

    def policy(self) -> MaintenancePolicy:
        """The §3 rules with this configuration."""
        return MaintenancePolicy(
            notice_business_days=self.notice_business_days,
            reminders=tuple(timedelta(hours=h) for h in self.reminder_hours),
        )

    def retry(self) -> RetryPolicy:
        """Backoff and give-up limits of SMTP delivery."""
        return RetryPolicy(
            first_delay=timedelta(seconds=self.retry_first_seconds),
            max_delay=timedelta(seconds=self.retry_max_seconds),
            max_attempts=self.retry_max_attempts,
            give_up_after=timedelta(hours=self.retry_give_up_hours),
            claim_for=timedelta(seconds=self.claim_seconds),
        )

    def addressing(self) -> Addressing:
        return Addressing(from_address=self.smtp.sender, from_name=self.sender_name)

    def mail(self) -> MailSettings:
        return MailSettings(
            partner_portal_url=self.partner_portal_url,
            customer_portal_url=self.customer_portal_url,
        )
