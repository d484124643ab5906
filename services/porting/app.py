"""The porting service's wiring, as `shared.runtime` and the tests import it (see
`entrypoints`)."""

from services.porting.entrypoints import NAME, wire

__all__ = ["NAME", "wire"]
