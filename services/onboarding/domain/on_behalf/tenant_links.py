"""What a partner administrator's link to a customer opens, besides access (§1.6): where a
customer user's "report issue" goes, the partner administrator's list of manageable
tenants, and what a change of reseller ends. Who may act is `domain.access`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Literal

from services.onboarding.domain.access import CustomerView
from services.onboarding.domain.event import DomainEvent
from services.onboarding.domain.on_behalf.events import (
    PartnerAdministrationOptedOut,
    PartnerHelpdeskSwitched,
)

# -- "report issue" routing ------------------------------------------------------------------

ATTACH_LOGS_HINT = "Please attach your client logs to this report."


class ReportIssueDestination(StrEnum):
    PARTNER_HELPDESK = "partner_helpdesk"
    VENDOR_SUPPORT = "vendor_support"


@dataclass(frozen=True)
class ReportIssueRouting:
    """Where a customer user's "report issue" goes, and what they are asked for."""

    destination: ReportIssueDestination
    email: str | None = None  # the partner's helpdesk; vendor support's address is configuration
    hint: str | None = None


def route_report_issue(
    customer: CustomerView, partner_helpdesk_email: str | None
) -> ReportIssueRouting:
    """To the reseller's helpdesk (asking for logs) when enabled and set, else vendor support."""
    if customer.partner_helpdesk_enabled and partner_helpdesk_email:
        return ReportIssueRouting(
            ReportIssueDestination.PARTNER_HELPDESK, partner_helpdesk_email, ATTACH_LOGS_HINT
        )
    return ReportIssueRouting(ReportIssueDestination.VENDOR_SUPPORT)


# -- the partner administrator's tenant list -------------------------------------------------


@dataclass(frozen=True)
class ManageableTenant:
    """A read-model row of the tenant list a partner administrator chooses from."""

    tenant_id: str
    name: str
    main_contact: str
    reseller_partner_id: str
    opted_in: bool


TenantSortKey = Literal["name", "tenant_id", "main_contact"]


def manageable_tenants(
    tenants: Iterable[ManageableTenant],
    reseller_partner_id: str,
    query: str | None = None,
    sort_by: TenantSortKey = "name",
    descending: bool = False,
) -> list[ManageableTenant]:
    """Tenants linked to the reseller and opted in, searched (any case) and sorted."""
    if sort_by not in ("name", "tenant_id", "main_contact"):
        raise ValueError(f"cannot sort tenants by {sort_by!r}")
    needle = (query or "").strip().casefold()
    rows = [
        t
        for t in tenants
        if t.reseller_partner_id == reseller_partner_id
        and t.opted_in
        and (
            not needle or any(needle in v.casefold() for v in (t.name, t.tenant_id, t.main_contact))
        )
    ]
    return sorted(
        rows,
        key=lambda t: (getattr(t, sort_by).casefold(), t.tenant_id),
        reverse=descending,
    )


# -- the customer moves to another reseller --------------------------------------------------

RELATIONSHIP_CHANGED = "system:relationship_changed"
"""`by_user_id` of what a change of reseller ends (no person did it)."""


def relink_customer(
    customer: CustomerView, link_partner_id: str, *, now: datetime
) -> list[DomainEvent]:
    """(product decision) A later order names another reseller: the consent given to the
    previous one ends at once, and so does "report issue" to its helpdesk."""
    previous = customer.reseller_partner_id
    if previous == link_partner_id:
        return []
    events: list[DomainEvent] = []
    if customer.opted_in_at is not None:
        customer.opted_in_at, customer.opted_out_at = None, now
        events.append(
            PartnerAdministrationOptedOut(
                customer.tenant_id, previous, RELATIONSHIP_CHANGED, occurred_at=now
            )
        )
    if customer.partner_helpdesk_enabled:
        customer.partner_helpdesk_enabled = False
        events.append(
            PartnerHelpdeskSwitched(
                customer.tenant_id, previous, False, RELATIONSHIP_CHANGED, False, occurred_at=now
            )
        )
    customer.reseller_partner_id = link_partner_id
    return events
