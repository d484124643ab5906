"""One package in a customer's licence ledger (§1.1): a value carried by the ledger and by
`orders.events.LicencesUpdated` (its own module, so neither imports the other for it)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LicenceBalance:
    """One package in a tenant's ledger: licences `ordered` and `used` (counts)."""

    package: str
    ordered: int
    used: int

    @property
    def available(self) -> int:
        return max(self.ordered - self.used, 0)

    @property
    def shortfall(self) -> int:
        """Licences in use beyond those ordered (after an amendment or cancellation)."""
        return max(self.used - self.ordered, 0)
