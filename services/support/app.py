"""The support service's name and wiring (`entrypoints.wire`), as the other services have."""

from services.support.entrypoints import NAME, ROUTES, wire

__all__ = ["NAME", "ROUTES", "wire"]
