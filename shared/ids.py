"""Identifiers: ULIDs (sortable by time) and deterministic ids derived from a cause."""

from __future__ import annotations

import hashlib

from ulid import ULID


def new_id() -> str:
    """A fresh, time-sortable unique id."""
    return str(ULID())


def derived_id(*parts: str) -> str:
    """A deterministic id from its parts: the same cause always yields the same id.

    Used so that a redelivered command creates the same aggregate and the same events.
    """
    digest = hashlib.blake2b("\x1f".join(parts).encode(), digest_size=16).hexdigest()
    return digest
