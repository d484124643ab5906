"""Who may send which partner-side command: roles, and partners acting for themselves.

Roles (in `Actor.roles`):
- `vendor_operations` — the vendor's partner administration: registers partners, changes
  any partner's master data, records reseller-programme steps (the training platform and
  the certification test report through it), records legacy e-mail addresses.
- `provisioning` — the service provider's provisioning team and coordinators: the steps
  of the onboarding at the service provider (§1.3). `vendor_operations` may do them too.
- `account_manager` — a CAM or DAM, with `user_id` = its account manager id: approves or
  returns the activation requests routed to it and asks for invitation resends (the
  domain checks it is the CAM/DAM the request went to).
- `cloud_operations` — sends and resends invitations, relays tenant activation and the
  co-administrator step from the platform, records legacy addresses, books licences.
- `customer_admin` — the end customer's administrator: activates the tenant when its
  `user_id` is the invited address; adds the partner as co-administrator of its tenant
  (`tenant_id`).
- Partner users (any role) act for their own partner (`Actor.partner_id`): contacts,
  programme registration, agreements, terms URL and e-store, activation requests, and
  licences of their own customers. A reseller's distributor may record the agreements
  and the terms URL (both are passed to it).

A refusal is `onboarding.<entity>.action_refused` with code `forbidden`.
"""

from __future__ import annotations

from collections.abc import Iterable

from services.onboarding.domain.errors import Forbidden
from shared.actor import Actor

VENDOR_OPERATIONS = "vendor_operations"
PROVISIONING = "provisioning"
ACCOUNT_MANAGER = "account_manager"
CLOUD_OPERATIONS = "cloud_operations"
CUSTOMER_ADMIN = "customer_admin"


def has_any_role(actor: Actor, roles: Iterable[str]) -> bool:
    return any(actor.has_role(role) for role in roles)


def require(allowed: bool, actor: Actor, action: str) -> None:
    """Refuse with `forbidden` unless `allowed`."""
    if not allowed:
        raise Forbidden(
            f"{actor.user_id} may not {action}",
            details={"user_id": actor.user_id, "actor_partner_id": actor.partner_id},
        )


def require_role(actor: Actor, action: str, *roles: str) -> None:
    require(has_any_role(actor, roles), actor, action)


def require_partner_or_role(
    actor: Actor, partner_ids: Iterable[str | None], action: str, *roles: str
) -> None:
    """The actor works for one of `partner_ids`, or holds one of `roles`."""
    own = actor.partner_id is not None and actor.partner_id in set(partner_ids)
    require(own or has_any_role(actor, roles), actor, action)
