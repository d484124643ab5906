"""What every notifications use case receives, and who may do what.

Use cases get a `Deps`: the use-case core (`UseCases`), the repositories, the maintenance
policy, the delivery retry policy, the renderer, the mail sender and the directory of
contacts and customers. Never the service context or a database handle.

Who may do what is `domain.access` (checked by each use case before anything changes).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from services.notifications.adapters.directory import Directory
from services.notifications.adapters.repositories import Repositories
from services.notifications.adapters.smtp import MailSender
from services.notifications.domain.delivery import RetryPolicy
from services.notifications.domain.policy import MaintenancePolicy
from services.notifications.mail.compose import Addressing
from services.notifications.mail.render import MailRenderer
from shared.calendars import Region
from shared.usecase import UseCases


@dataclass
class Deps:
    uc: UseCases
    repos: Repositories
    policy: MaintenancePolicy
    retry: RetryPolicy
    renderer: MailRenderer
    sender: MailSender
    directory: Directory
    addressing: Addressing
    send_concurrency: int = 8
    in_flight: set[tuple[str, int]] = field(default_factory=set)
    """(delivery id, attempt) of every SMTP exchange this process is in right now: the
    claim's expiry never takes such a live sender for a stopped one (`mailing`)."""

    def region_zone(self, region: Region | str) -> str:
        """The IANA zone of a region (configuration)."""
        return self.policy.zone(region).key
