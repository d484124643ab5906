"""Who may send which notifications command: one rule, one set of role names.

- maintenance, outages: cloud operations (`cloud_operations`);
- release end of sale: release management (`release_management`) or cloud operations;
- the joint review of a change request: product management (`product_management`);
- contacts: a partner edits only its own (`actor.partner_id`); vendor operations
  (`vendor_operations`) edits any partner's;
- a reschedule request or a change request: a partner for itself (or cloud operations).

A refusal is `NotPermitted` (code `forbidden`): it names the actor and the roles it lacks,
never the partner it may not act for (spec/domain.md §3; README, *Security*).
"""

from __future__ import annotations

from services.notifications.domain.errors import NotPermitted
from shared.actor import Actor

CLOUD_OPERATIONS = "cloud_operations"
RELEASE_MANAGEMENT = "release_management"
PRODUCT_MANAGEMENT = "product_management"
VENDOR_OPERATIONS = "vendor_operations"


def require_role(actor: Actor, *roles: str) -> None:
    """Raise `NotPermitted` unless the actor holds one of `roles`."""
    if not any(actor.has_role(role) for role in roles):
        raise NotPermitted(
            f"{actor.user_id} needs one of the roles {', '.join(roles)}", field="actor"
        )


def require_partner(actor: Actor, partner_id: str, *vendor_roles: str) -> None:
    """A partner acts only for itself; the vendor roles given act for any partner.

    Raises `NotPermitted`, whose message names neither `partner_id` nor anything of it."""
    if actor.partner_id == partner_id or any(actor.has_role(r) for r in vendor_roles):
        return
    raise NotPermitted(f"{actor.user_id} may act only for its own partner", field="actor")
