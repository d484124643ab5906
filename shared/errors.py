"""The failures a handler signals to the dispatcher (see `shared.kafka`)."""

from __future__ import annotations


class ConcurrencyConflict(Exception):
    """Someone else changed the aggregate between our read and our write: reload and retry."""


class MessageRejected(Exception):
    """Raise from a handler when a well-formed message cannot be acted on at all (e.g. it
    names an aggregate that does not exist): it is dead-lettered with `code` and `reasons`
    and, for a command, answered with a rejection event. Nothing is retried."""

    def __init__(self, code: str, reasons: list[dict[str, str]] | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.reasons = reasons or [{"field": "$", "code": code, "message": code}]


class Transient(Exception):
    """Raise (or wrap) to mark a failure as transient: the message is retried, never dropped."""


class UnstorableValue(MessageRejected):
    """The state a message would lead to holds a value the database cannot store (an
    integer beyond 64 bits, ...): the message is refused with the reason, not retried —
    retrying could never store it, and on the batch path it would hold up every other
    message of the batch."""

    def __init__(self, what: str, error: Exception) -> None:
        super().__init__(
            "unstorable_value",
            [{"field": "$", "code": "unstorable_value", "message": f"{what}: {error}"[:300]}],
        )


class EventTooLarge(MessageRejected):
    """An event (or any record) would exceed the broker's maximum message size, so it
    could never be published: the change that produced it is refused, not stored."""

    def __init__(self, what: str, size: int, limit: int) -> None:
        super().__init__(
            "event_too_large",
            [
                {
                    "field": "$",
                    "code": "event_too_large",
                    "message": f"{what} would be {size} bytes; the broker accepts {limit}",
                }
            ],
        )
        self.size = size
        self.limit = limit
