"""What notifications knows about a partner's customers (read model of onboarding's facts).

An affected customer's admin receives maintenance notices (§3: "the notice goes to ...
the affected customers' admins"); a partner's copy lists its own affected customers by
name, never another partner's.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from services.notifications.domain.recipients import CustomerAdmin


@dataclass(frozen=True)
class CustomerRecord:
    """One end customer: its company, the partners that sell to it and its admin.

    `partner_ids` are every partner named for it (distributor, reseller, or the partner
    whose own tenant it is); `language`/`timezone` are unknown from onboarding's facts, so
    an admin is written to in its partner's language (`recipients.resolve_language`).
    """

    customer_id: str
    company_name: str
    partner_ids: tuple[str, ...] = ()
    country: str | None = None
    tenant_id: str | None = None
    admin_name: str | None = None
    admin_email: str | None = None

    def admin(self) -> CustomerAdmin | None:
        """The customer's admin as a recipient, when an address is known."""
        if not self.admin_email:
            return None
        return CustomerAdmin(
            customer_id=self.customer_id,
            partner_id=self.partner_ids[0] if self.partner_ids else None,
            name=self.admin_name or self.company_name,
            email=self.admin_email,
        )

    def merged(self, newer: CustomerRecord) -> CustomerRecord:
        """This record updated with what a later fact knows (unknowns keep the old value)."""
        return replace(
            self,
            company_name=newer.company_name or self.company_name,
            partner_ids=newer.partner_ids or self.partner_ids,
            country=newer.country or self.country,
            tenant_id=newer.tenant_id or self.tenant_id,
            admin_name=newer.admin_name or self.admin_name,
            admin_email=newer.admin_email or self.admin_email,
        )
