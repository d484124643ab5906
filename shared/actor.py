"""Who is acting: every command carries its actor, and the owning service authorises it."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from shared.identifiers import Identifier


class Actor(BaseModel):
    """The user behind a command, with the tenant and partner they act for and their roles."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    user_id: Identifier = Field(description="Platform user id (or a system name)")
    partner_id: Identifier | None = Field(default=None, description="Partner the user works for")
    tenant_id: Identifier | None = Field(default=None, description="Tenant the user belongs to")
    roles: tuple[str, ...] = Field(default=(), description="Roles held, e.g. partner_admin")

    def has_role(self, role: str) -> bool:
        """True when the actor holds `role`."""
        return role in self.roles
