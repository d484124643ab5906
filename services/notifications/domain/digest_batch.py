"""A contact's daily digest being collected (issue 12 "Beyond the anchors"; see `digest`).

One `DigestBatch` per digest key (contact + local date, `digest.plan_delivery`). Each
low-urgency mail the contact takes as a digest adds one item (once per source event);
at the digest's due instant a durable timer sends the items not yet sent in one mail and
marks them sent. An item that arrives after that (another instance's clock a little
behind) gets a later batch of the same digest, sent at once: nothing is dropped and no
item is sent twice. Timer ids carry the batch number, so each batch fires once.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from services.notifications.domain.policy import aware
from services.notifications.domain.timers import DueTimer

DIGEST_SEND = "digest.send"


@dataclass(frozen=True)
class DigestItem:
    """One mail folded into the digest: the event it tells about and its subject line."""

    source_id: str
    template: str
    subject: str
    occurred_at: datetime


@dataclass(frozen=True)
class DigestRecipient:
    """Whom the digest goes to, in which language and zone."""

    email: str
    name: str
    language: str
    timezone: str
    partner_id: str | None
    contact_id: str | None


@dataclass(frozen=True)
class DigestBatch:
    """The items of one digest (see module doc); `sent` holds the source ids already mailed."""

    digest_key: str
    recipient: DigestRecipient
    due_at: datetime
    items: tuple[DigestItem, ...] = ()
    sent: tuple[str, ...] = ()
    batches_sent: int = 0
    created_at: datetime | None = field(default=None)

    @classmethod
    def open(
        cls, digest_key: str, recipient: DigestRecipient, due_at: datetime, now: datetime
    ) -> DigestBatch:
        return cls(digest_key, recipient, aware(due_at, "due_at"), created_at=aware(now, "now"))

    def add(self, item: DigestItem) -> DigestBatch | None:
        """The digest with ``item``; None if that event is already in it."""
        if item.source_id in {i.source_id for i in self.items}:
            return None
        return replace(self, items=(*self.items, item))

    @property
    def unsent(self) -> tuple[DigestItem, ...]:
        """The items not mailed yet, in order of arrival."""
        done = set(self.sent)
        return tuple(i for i in self.items if i.source_id not in done)

    def pending_timers(self) -> list[DueTimer]:
        """One send timer while items wait (due at the digest's hour, or at once if late)."""
        if not self.unsent:
            return []
        return [DueTimer(f"send:{self.batches_sent}", DIGEST_SEND, self.due_at)]

    def mark_sent(self, source_ids: tuple[str, ...]) -> DigestBatch:
        """The batch after ``source_ids`` went out in one mail."""
        return replace(self, sent=(*self.sent, *source_ids), batches_sent=self.batches_sent + 1)
