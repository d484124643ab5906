"""Support service: tickets on behalf of customers, severity, response clocks, escalations.

Rules: spec/domain.md §4 (seeds 000 and 004). So far only the pure domain exists
(`services.support.domain`); the use cases, adapters and published contracts follow once
the shared use-case core (issue 9) is in place.
"""
