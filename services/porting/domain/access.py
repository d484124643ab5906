"""Who may act on a port request: one rule, one set of role names (porting's only ones)."""

from __future__ import annotations

from shared.actor import Actor

PROVISIONING = "provisioning"
"""The vendor's provisioning team: may act for any partner (it lodges ports for them)."""


def may_act_for(actor: Actor, partner_id: str) -> bool:
    """A partner acts only for itself; the provisioning team for anyone."""
    return actor.partner_id == partner_id or actor.has_role(PROVISIONING)
