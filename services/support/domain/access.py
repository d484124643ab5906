"""Who may do what in support, and who sees which tickets (spec/domain.md §4; seed 000).

Roles: `vendor_support` (the vendor's support centre, no partner) acknowledges, works,
resolves, links incidents, runs incidents, confirms or refuses capacity changes and COP
uploads, and may act for any partner; `support_lead` (a partner's) sees all of its
partner's tickets. A partner acts only for itself. A refusal for access is `forbidden` and
names the actor, never the partner it may not act for.

Visibility:

- a partner user sees the tickets raised under its own account;
- a partner's support lead (role `support_lead`) sees all of its partner's tickets;
- nobody sees another partner's tickets;
- the vendor's support centre (role `vendor_support`, no partner) sees every ticket: it
  works them.

Any object with `user_id`, `partner_id` and `roles` is a principal (`shared.actor.Actor`
is one), so the application passes its actor as it is.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol, TypeVar

from shared.refusals import FORBIDDEN, Reason, Refused

SUPPORT_LEAD = "support_lead"
VENDOR_SUPPORT = "vendor_support"


class Principal(Protocol):
    """Who asks: a user of a partner (or of the vendor) and its roles."""

    @property
    def user_id(self) -> str: ...

    @property
    def partner_id(self) -> str | None: ...

    @property
    def roles(self) -> Sequence[str]: ...


class Raised(Protocol):
    """A ticket as far as visibility goes: the partner and the user that raised it."""

    @property
    def partner_id(self) -> str: ...

    @property
    def opened_by(self) -> str: ...


T = TypeVar("T", bound=Raised)


def is_vendor_support(principal: Principal) -> bool:
    """A member of the vendor's support centre (a role, and no partner)."""
    return VENDOR_SUPPORT in principal.roles and principal.partner_id is None


def can_see(principal: Principal, ticket: Raised) -> bool:
    """Whether `principal` may see `ticket` (see the module docstring)."""
    if is_vendor_support(principal):
        return True
    if principal.partner_id is None or principal.partner_id != ticket.partner_id:
        return False
    return SUPPORT_LEAD in principal.roles or ticket.opened_by == principal.user_id


def visible(principal: Principal, tickets: Iterable[T]) -> list[T]:
    """The tickets of `tickets` that `principal` may see, in their order."""
    return [ticket for ticket in tickets if can_see(principal, ticket)]


def forbidden(message: str, field: str = "actor") -> Refused:
    """The refusal of an actor acting outside what it may do (code `forbidden`)."""
    return Refused(message, code=FORBIDDEN, reasons=[Reason(FORBIDDEN, message, field)])


def require_partner(principal: Principal, partner_id: str) -> None:
    """A partner acts only for itself; the vendor's support centre for any partner."""
    if is_vendor_support(principal) or principal.partner_id == partner_id:
        return
    raise forbidden(f"{principal.user_id} may act only for its own partner")


def require_vendor(principal: Principal) -> None:
    """Only the vendor's support centre (role `vendor_support`, no partner)."""
    if not is_vendor_support(principal):
        raise forbidden(f"only the vendor's support centre ({VENDOR_SUPPORT}) may do this")
