"""How consumers and the outbox retry: which errors are transient, and the backoff."""

from __future__ import annotations

import random
from dataclasses import dataclass

from aiokafka.errors import KafkaConnectionError, KafkaError
from pymongo.errors import ConnectionFailure

from shared.errors import ConcurrencyConflict, Transient

TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    ConcurrencyConflict,
    Transient,
    ConnectionFailure,
    KafkaConnectionError,
    KafkaError,
    ConnectionError,
    TimeoutError,
)
"""Errors retried in place (then nacked for redelivery), never dead-lettered."""


@dataclass
class RetryPolicy:
    """How long to retry before nacking (transient) or dead-lettering (other errors)."""

    first_delay: float = 0.2
    max_delay: float = 10.0
    transient_budget_seconds: float = 60.0
    other_attempts: int = 3

    def delay(self, attempt: int) -> float:
        """Exponential backoff with jitter."""
        base = min(self.max_delay, self.first_delay * (2 ** (attempt - 1)))
        return base * (0.5 + random.random() / 2)
