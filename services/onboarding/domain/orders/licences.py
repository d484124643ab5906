"""A customer's licence ledger (§1.1): licences ordered, in use, and the users holding them.

`LicenceLedger` is the licence half of `orders.CustomerAccount` (it needs the account's
`used`, `licensed_users`, `ledger` and event header). Licences are taken into use by
count (`use_licences`) or assigned to a named user (`assign_licence`), which is also how
onboarding knows, from its own records, which users belong to a customer's tenant and
whether they are paid (§1.6: the partner-administrator role goes only to paid users of
the reseller's own tenant).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from services.onboarding.domain.errors import (
    Duplicate,
    NotEnoughLicences,
    Reason,
    ReleasingUnusedLicences,
    ValidationFailed,
)
from services.onboarding.domain.event import DomainEvent
from services.onboarding.domain.orders.events import (
    LicencesUpdated,
    UserLicenceAssigned,
    UserLicenceUnassigned,
)
from services.onboarding.domain.orders.licence_balance import LicenceBalance

__all__ = ["LicenceBalance", "LicenceLedger", "UserAlreadyLicensed", "UserNotLicensed"]


class UserAlreadyLicensed(Duplicate):
    """A user holds one licence at a time; unassign it before assigning another."""

    code = "user_already_licensed"


class UserNotLicensed(ValidationFailed):
    """Only a licence a user holds can be taken back."""

    def __init__(self, user_id: str) -> None:
        super().__init__([Reason("user_not_licensed", f"{user_id} holds no licence", "user_id")])


class LicenceLedger:
    """Using, releasing, assigning and unassigning licences of a customer account."""

    customer_id: str
    used: dict[str, int]
    licensed_users: dict[str, str]  # user ID -> package

    if TYPE_CHECKING:

        @property
        def ledger(self) -> dict[str, LicenceBalance]: ...

        def _licences_updated(
            self, cause: str, order_id: str | None, now: datetime
        ) -> LicencesUpdated: ...

        def _about(self, now: datetime) -> Any: ...

    def available(self, package: str) -> int:
        balance = self.ledger.get(package)
        return balance.available if balance else 0

    def assigned(self, package: str) -> int:
        """Licences of `package` assigned to named users (part of those in use)."""
        return sum(1 for p in self.licensed_users.values() if p == package)

    def use_licences(self, package: str, count: int, now: datetime) -> list[DomainEvent]:
        """Take `count` licences of `package` into use; never more than are available."""
        _require_positive(count)
        self._require_available(package, count)
        self.used[package] = self.used.get(package, 0) + count
        return [self._licences_updated("licences_used", None, now)]

    def release_licences(self, package: str, count: int, now: datetime) -> list[DomainEvent]:
        """Give back `count` licences of `package` in use (those assigned to users are given
        back by unassigning them)."""
        _require_positive(count)
        in_use = self.used.get(package, 0) - self.assigned(package)
        if count > in_use:
            raise ReleasingUnusedLicences(
                f"only {in_use} {package} licences are in use unassigned",
                details={
                    "customer_id": self.customer_id,
                    "package": package,
                    "requested": count,
                    "used": self.used.get(package, 0),
                    "assigned": self.assigned(package),
                },
            )
        self.used[package] = self.used.get(package, 0) - count
        return [self._licences_updated("licences_released", None, now)]

    def assign_licence(self, user_id: str, package: str, now: datetime) -> list[DomainEvent]:
        """Give `user_id` (a user of the customer's tenant) one licence of `package`."""
        if not user_id.strip():
            raise ValidationFailed([Reason("missing", "user_id is required", "user_id")])
        held = self.licensed_users.get(user_id)
        if held is not None:
            raise UserAlreadyLicensed(
                f"{user_id} holds a {held} licence; unassign it first",
                details={"user_id": user_id, "package": held},
            )
        self._require_available(package, 1)
        self.used[package] = self.used.get(package, 0) + 1
        self.licensed_users[user_id] = package
        return [
            UserLicenceAssigned(**self._about(now), user_id=user_id, package=package),
            self._licences_updated("licence_assigned", None, now),
        ]

    def unassign_licence(self, user_id: str, now: datetime) -> list[DomainEvent]:
        """Take the user's licence back: it is available again."""
        package = self.licensed_users.pop(user_id, None)
        if package is None:
            raise UserNotLicensed(user_id)
        self.used[package] = max(self.used.get(package, 0) - 1, 0)
        return [
            UserLicenceUnassigned(**self._about(now), user_id=user_id, package=package),
            self._licences_updated("licence_unassigned", None, now),
        ]

    def _require_available(self, package: str, count: int) -> None:
        available = self.available(package)
        if count > available:
            raise NotEnoughLicences(
                f"only {available} {package} licences are available",
                details={
                    "customer_id": self.customer_id,
                    "package": package,
                    "requested": count,
                    "available": available,
                },
            )


def _require_positive(count: int) -> None:
    if count < 1:
        raise ValidationFailed([Reason("invalid_count", "count must be at least 1", "count")])
