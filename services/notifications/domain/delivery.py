"""One mail to one recipient, from claim to outcome (issue 12 "Delivery"; domain.md §3).

A `Delivery` exists once per (event, recipient address compared ignoring case): its id
is derived from both, so whoever creates it first holds it, and every later attempt to
create it — a redelivered event, a second instance, a restart — finds it and sends
nothing. It is **created with the claim** (status `sending`, attempt 1): the sender that
created it sends, then records the answer. Statuses:

    sending(n) ──accepted──▶ sent
       │  └────5xx────────▶ failed
       └──4xx / unreachable─▶ pending(n+1) ──its timer──▶ sending(n+1) ...
    sending(n) ──claim expired (the sender stopped)──▶ pending(n+1)

Retries wait with capped exponential backoff (`RetryPolicy`, a durable timer on the
delivery, never an in-process sleep), and give up with a reason after `max_attempts` or
`give_up_after`. A claim lasts `claim_for`, far longer than one SMTP exchange may take; if
it expires while its sender is still in the SMTP exchange (the sender's process knows:
the clock jumped past the claim), the claim is extended (`extend_claim`); otherwise the
sender is taken to have stopped (crashed, killed) before recording, and the mail is sent
again **with the same Message-ID**: the one case where a recipient may get a copy twice —
when the first send was accepted by the SMTP server but its answer never reached our
record (§3: "a lost SMTP reply after DATA is retried with the same Message-ID").
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, ClassVar

from services.notifications.domain.policy import aware
from services.notifications.domain.timers import DueTimer

ATTEMPT = "delivery.attempt"
RECOVER = "delivery.recover"


class DeliveryStatus(StrEnum):
    SENDING = "sending"
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class SendResult(StrEnum):
    """How the SMTP exchange ended: accepted (2xx), try again later, or never (5xx)."""

    ACCEPTED = "accepted"
    TRANSIENT = "transient"
    PERMANENT = "permanent"


@dataclass(frozen=True)
class SendOutcome:
    """The answer of one SMTP attempt: `code` is the SMTP reply code (0 when the server
    could not be reached), `message` its text or the connection error."""

    result: SendResult
    code: int
    message: str

    @classmethod
    def from_reply(cls, code: int, message: str) -> SendOutcome:
        """2xx accepted, 4xx try again, 5xx never (RFC 5321 §4.2.1); anything else transient."""
        if 200 <= code < 300:
            return cls(SendResult.ACCEPTED, code, message)
        if 500 <= code < 600:
            return cls(SendResult.PERMANENT, code, message)
        return cls(SendResult.TRANSIENT, code, message)

    @classmethod
    def unreachable(cls, message: str) -> SendOutcome:
        """The server could not be reached or dropped the connection: try again later."""
        return cls(SendResult.TRANSIENT, 0, message)


@dataclass(frozen=True)
class RetryPolicy:
    """Backoff between attempts: `first_delay` doubled per attempt up to `max_delay`, each
    stretched by up to `jitter` (a share, derived from the delivery id so instances agree
    and retries after an SMTP outage spread out); give up after `max_attempts` or once
    `give_up_after` passed since the delivery was created."""

    first_delay: timedelta = timedelta(seconds=30)
    max_delay: timedelta = timedelta(minutes=30)
    max_attempts: int = 30
    give_up_after: timedelta = timedelta(hours=48)
    claim_for: timedelta = timedelta(minutes=5)
    jitter: float = 0.2

    def delay(self, delivery_id: str, attempt: int) -> timedelta:
        """The wait after failed attempt number `attempt` (1-based)."""
        base = min(self.max_delay, self.first_delay * (2 ** max(0, attempt - 1)))
        digest = hashlib.blake2b(f"{delivery_id}:{attempt}".encode(), digest_size=2).digest()
        share = int.from_bytes(digest, "big") / 0xFFFF
        return base * (1 + self.jitter * share)


@dataclass(frozen=True)
class Attempt:
    """One attempt's outcome, as recorded (`code` 0: no SMTP reply)."""

    number: int
    at: datetime
    result: str
    code: int
    message: str


@dataclass(frozen=True, kw_only=True)
class DeliveryEvent:
    name: ClassVar[str] = "notifications.mail.event"

    delivery_id: str
    event_id: str
    event_type: str
    template: str
    recipient: str
    audience: str
    language: str
    partner_id: str | None
    message_id: str
    attempts: int
    occurred_at: datetime


@dataclass(frozen=True, kw_only=True)
class MailDelivered(DeliveryEvent):
    name: ClassVar[str] = "notifications.mail.delivered"

    smtp_response: str


@dataclass(frozen=True, kw_only=True)
class MailDeferred(DeliveryEvent):
    name: ClassVar[str] = "notifications.mail.deferred"

    code: str
    reason: str
    next_attempt_at: datetime


@dataclass(frozen=True, kw_only=True)
class MailFailed(DeliveryEvent):
    name: ClassVar[str] = "notifications.mail.failed"

    code: str
    reason: str


@dataclass(frozen=True)
class Delivery:
    """One mail to one recipient. `content` is the rendered message (opaque here: subject,
    bodies, headers, attachments), kept so every attempt sends the same bytes."""

    delivery_id: str
    event_id: str
    event_type: str
    template: str
    recipient: str
    audience: str
    language: str
    partner_id: str | None
    message_id: str
    content: Mapping[str, Any]
    created_at: datetime
    status: DeliveryStatus = DeliveryStatus.SENDING
    attempt: int = 1
    claim_until: datetime | None = None
    next_attempt_at: datetime | None = None
    history: tuple[Attempt, ...] = field(default=())
    claim_extensions: int = 0  # times the claim of this attempt was extended (`extend_claim`)

    @classmethod
    def claim_new(cls, *, now: datetime, policy: RetryPolicy, **values: Any) -> Delivery:
        """A new delivery, claimed at once by its creator for attempt 1."""
        now = aware(now, "now")
        return cls(created_at=now, claim_until=now + policy.claim_for, **values)

    # -- timers ----------------------------------------------------------------------

    def pending_timers(self) -> list[DueTimer]:
        """A due attempt while pending; the claim's expiry while sending; none once done."""
        if self.status is DeliveryStatus.PENDING and self.next_attempt_at is not None:
            return [DueTimer(f"attempt:{self.attempt}", ATTEMPT, self.next_attempt_at)]
        if self.status is DeliveryStatus.SENDING and self.claim_until is not None:
            # each extension is a new timer (a fired timer's id counts as handled)
            again = f".{self.claim_extensions}" if self.claim_extensions else ""
            return [DueTimer(f"recover:{self.attempt}{again}", RECOVER, self.claim_until)]
        return []

    def claim(self, attempt: int, now: datetime, policy: RetryPolicy) -> Delivery | None:
        """Take attempt `attempt` (its timer fired): None if it is not due any more."""
        if self.status is not DeliveryStatus.PENDING or self.attempt != attempt:
            return None
        now = aware(now, "now")
        return replace(
            self,
            status=DeliveryStatus.SENDING,
            claim_until=now + policy.claim_for,
            next_attempt_at=None,
            claim_extensions=0,
        )

    def extend_claim(self, attempt: int, now: datetime, policy: RetryPolicy) -> Delivery | None:
        """The claim of `attempt` expired while its sender is known to be still in the SMTP
        exchange (the clock moved past the claim, e.g. a jump of the shared clock): hold
        it for another `claim_for` from `now` instead of sending again. None if that
        attempt is not in flight any more."""
        if self.status is not DeliveryStatus.SENDING or self.attempt != attempt:
            return None
        return replace(
            self,
            claim_until=aware(now, "now") + policy.claim_for,
            claim_extensions=self.claim_extensions + 1,
        )

    def recover(
        self, attempt: int, now: datetime, policy: RetryPolicy
    ) -> tuple[Delivery, list[DeliveryEvent]] | None:
        """The claim of `attempt` expired without a record: its sender stopped. The SMTP
        server may or may not have taken the mail; send again (same Message-ID) at once."""
        if self.status is not DeliveryStatus.SENDING or self.attempt != attempt:
            return None
        outcome = SendOutcome(
            SendResult.TRANSIENT, 0, "the sender stopped before recording the SMTP answer"
        )
        return self._retry(outcome, aware(now, "now"), policy, at_once=True)

    # -- outcome ---------------------------------------------------------------------

    def unbuildable(
        self, attempt: int, reason: str, now: datetime
    ) -> tuple[Delivery, list[DeliveryEvent]] | None:
        """The message of attempt `attempt` cannot be built (its stored content is no
        valid message): it never will be, so fail for good with code
        `unbuildable_message` rather than retry. None if that attempt is not ours."""
        if self.status is not DeliveryStatus.SENDING or self.attempt != attempt:
            return None
        outcome = SendOutcome(SendResult.PERMANENT, 0, reason)
        return self._fail(aware(now, "now"), outcome, "unbuildable_message", reason)

    def record(
        self, attempt: int, outcome: SendOutcome, now: datetime, policy: RetryPolicy
    ) -> tuple[Delivery, list[DeliveryEvent]] | None:
        """Record the answer to attempt `attempt`; None if that attempt is no longer ours
        (its claim expired and another attempt was scheduled)."""
        if self.status is not DeliveryStatus.SENDING or self.attempt != attempt:
            return None
        now = aware(now, "now")
        if outcome.result is SendResult.ACCEPTED:
            done = replace(
                self,
                status=DeliveryStatus.SENT,
                claim_until=None,
                history=(*self.history, self._attempt(now, outcome)),
            )
            return done, [MailDelivered(**done._meta(now), smtp_response=outcome.message)]
        if outcome.result is SendResult.PERMANENT:
            return self._fail(now, outcome, f"smtp_{outcome.code}", outcome.message)
        return self._retry(outcome, now, policy, at_once=False)

    def _retry(
        self, outcome: SendOutcome, now: datetime, policy: RetryPolicy, *, at_once: bool
    ) -> tuple[Delivery, list[DeliveryEvent]]:
        if self.attempt >= policy.max_attempts or now - self.created_at >= policy.give_up_after:
            reason = (
                f"gave up after {self.attempt} attempt(s) over "
                f"{_hours(now - self.created_at)}: {outcome.message}"
            )
            return self._fail(now, outcome, "retries_exhausted", reason)
        due = now if at_once else now + policy.delay(self.delivery_id, self.attempt)
        later = replace(
            self,
            status=DeliveryStatus.PENDING,
            attempt=self.attempt + 1,
            claim_until=None,
            next_attempt_at=due,
            history=(*self.history, self._attempt(now, outcome)),
        )
        code = f"smtp_{outcome.code}" if outcome.code else "smtp_unavailable"
        return later, [
            MailDeferred(**self._meta(now), code=code, reason=outcome.message, next_attempt_at=due)
        ]

    def _fail(
        self, now: datetime, outcome: SendOutcome, code: str, reason: str
    ) -> tuple[Delivery, list[DeliveryEvent]]:
        failed = replace(
            self,
            status=DeliveryStatus.FAILED,
            claim_until=None,
            history=(*self.history, self._attempt(now, outcome)),
        )
        return failed, [MailFailed(**failed._meta(now), code=code, reason=reason)]

    def _attempt(self, now: datetime, outcome: SendOutcome) -> Attempt:
        return Attempt(self.attempt, now, outcome.result.value, outcome.code, outcome.message)

    def _meta(self, now: datetime) -> dict[str, Any]:
        return {
            "delivery_id": self.delivery_id,
            "event_id": self.event_id,
            "event_type": self.event_type,
            "template": self.template,
            "recipient": self.recipient,
            "audience": self.audience,
            "language": self.language,
            "partner_id": self.partner_id,
            "message_id": self.message_id,
            "attempts": len(self.history),
            "occurred_at": now,
        }


def _hours(span: timedelta) -> str:
    hours = span.total_seconds() / 3600
    return f"{hours:.1f} h"
