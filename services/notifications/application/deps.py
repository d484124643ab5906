"""What every notifications use case receives, and who may do what.

Use cases get a `Deps`: the use-case core (`UseCases`), the repositories, the maintenance
policy, the delivery retry policy, the renderer, the mail sender and the directory of
contacts and customers. Never the service context or a database handle.

Authorisation (checked by the use case before anything changes; a refusal is the
aggregate's `…action_refused` with code `forbidden`):
- maintenance, outages: cloud operations (`cloud_operations`);
- release end of sale: release management (`release_management`) or cloud operations;
- the joint review of a change request: product management (`product_management`);
- contacts: a partner edits only its own (`actor.partner_id`); vendor operations
  (`vendor_operations`) edits any partner's;
- a reschedule request or a change request: a partner for itself (or cloud operations).
"""

from __future__ import annotations

from dataclasses import dataclass

from services.notifications.adapters.directory import Directory
from services.notifications.adapters.repositories import Repositories
from services.notifications.adapters.smtp import MailSender
from services.notifications.domain.delivery import RetryPolicy
from services.notifications.domain.errors import NotPermitted
from services.notifications.domain.policy import MaintenancePolicy
from services.notifications.mail.compose import Addressing
from services.notifications.mail.render import MailRenderer
from shared.actor import Actor
from shared.calendars import Region
from shared.usecase import UseCases

CLOUD_OPERATIONS = "cloud_operations"
RELEASE_MANAGEMENT = "release_management"
PRODUCT_MANAGEMENT = "product_management"
VENDOR_OPERATIONS = "vendor_operations"


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

    def region_zone(self, region: Region | str) -> str:
        """The IANA zone of a region (configuration)."""
        return self.policy.zone(region).key


def require_role(actor: Actor, *roles: str) -> None:
    """Raise `NotPermitted` unless the actor holds one of `roles`."""
    if not any(actor.has_role(role) for role in roles):
        raise NotPermitted(
            f"{actor.user_id} needs one of the roles {', '.join(roles)}", field="actor"
        )


def require_partner(actor: Actor, partner_id: str, *vendor_roles: str) -> None:
    """A partner acts only for itself; the vendor roles given act for any partner."""
    if actor.partner_id == partner_id or any(actor.has_role(r) for r in vendor_roles):
        return
    raise NotPermitted(f"{actor.user_id} may not act for partner {partner_id}", field="actor")
