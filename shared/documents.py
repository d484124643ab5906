"""What an aggregate document holds, as the stores read and write it (`shared.store`,
`shared.memory_store`, `shared.batch`): the stored aggregate, a change to store, its
outgoing events and durable timers. Layout: see `shared.store`."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from shared.events import Envelope
from shared.keys import escape_keys, unescape_keys
from shared.mongo import Document
from shared.tracking import CommandIdReused

KEEP_HANDLED = 500
"""Tracking ids kept per document. Kafka redelivers only uncommitted (recent) messages of
an aggregate's partition, so 500 covers any redelivery window by orders of magnitude."""

KEEP_RECEIPTS = 100
"""Receipts kept per document: those of the last 100 tracking ids (a resend is a client's
retry after a timeout, seconds or minutes later; an older id is still recognised, its
resend changes nothing, but it is no longer answered)."""
RECEIPT_EVENTS = 20
"""Events a receipt names at most (the rest are counted in `Receipt.events_total`)."""
RECEIPT_REASONS = 10
"""Refusal reasons a receipt keeps at most (the rest are counted in `reasons_total`)."""
RECEIPT_ID_CHARS = 200
"""A CloudEvents id longer than this is kept in a receipt as its digest (`Receipt.key`)."""


@dataclass(frozen=True)
class Receipt:
    """What a command's handling told, kept with its tracking id (bounded: the last
    `KEEP_RECEIPTS` ids of the document keep theirs), so a *resend* — the same command
    under a new CloudEvents id, same tracking id — can be answered with the outcome
    (`shared.usecase`, `<service>.command.already_handled`) while a *redelivery* — the
    same CloudEvents id — stays silent.

    `message`: the CloudEvents id it was handled under (one over `RECEIPT_ID_CHARS` is
    kept as its `message_digest` only); `outcome`: `applied` or `refused`; `handled_at`: when (UTC);
    `events`: (id, type) of the events its change published, at most `RECEIPT_EVENTS`
    of `events_total`; for a refusal its category `code` and at most `RECEIPT_REASONS`
    of `reasons_total` reasons (`{code, message, field, number}`).
    """

    message: str | None
    outcome: str
    handled_at: datetime
    events: tuple[tuple[str, str], ...] = ()
    events_total: int = 0
    code: str | None = None
    reasons: tuple[Document, ...] = ()
    reasons_total: int = 0
    message_digest: str | None = None

    @staticmethod
    def digest(message_id: str) -> str:
        """The digest a CloudEvents id over `RECEIPT_ID_CHARS` is kept as (32 hex)."""
        return hashlib.blake2b(message_id.encode(), digest_size=16).hexdigest()

    @classmethod
    def of(
        cls,
        message_id: str,
        outcome: str,
        handled_at: datetime,
        events: Sequence[tuple[str, str]],
        code: str | None = None,
        reasons: Sequence[Document] = (),
    ) -> Receipt:
        """A receipt of `message_id`'s handling, bounded as the class doc says."""
        short = len(message_id) <= RECEIPT_ID_CHARS
        return cls(
            message=message_id if short else None,
            message_digest=None if short else cls.digest(message_id),
            outcome=outcome,
            # milliseconds, as the database keeps it: the same answer from memory or disk
            handled_at=handled_at.replace(microsecond=handled_at.microsecond // 1000 * 1000),
            events=tuple(events[:RECEIPT_EVENTS]),
            events_total=len(events),
            code=code,
            reasons=tuple(dict(r) for r in reasons[:RECEIPT_REASONS]),
            reasons_total=len(reasons),
        )

    def is_resend(self, message_id: str) -> bool:
        """Whether a message with this CloudEvents id is a resend (another id), not a
        redelivery of the handled message."""
        if len(message_id) <= RECEIPT_ID_CHARS:
            return message_id != self.message
        return self.digest(message_id) != self.message_digest

    def to_doc(self, tracking_id: str) -> Document:
        """As stored: empty and derivable fields left out (a receipt per command adds up)."""
        doc: Document = {
            "id": tracking_id,
            "outcome": self.outcome,
            "at": self.handled_at,
            "events": [[i, t] for i, t in self.events],
        }
        optional = {
            "message": self.message,
            "message_digest": self.message_digest,
            "code": self.code,
            "reasons": [dict(r) for r in self.reasons],
        }
        doc.update({k: v for k, v in optional.items() if v})
        if self.events_total != len(self.events):
            doc["events_total"] = self.events_total
        if self.reasons_total != len(self.reasons):
            doc["reasons_total"] = self.reasons_total
        return doc

    @classmethod
    def from_doc(cls, doc: Document) -> Receipt:
        at = doc["at"]
        events = tuple((str(i), str(t)) for i, t in doc.get("events") or [])
        reasons = tuple(dict(r) for r in doc.get("reasons") or [])
        return cls(
            message=doc.get("message"),
            message_digest=doc.get("message_digest"),
            outcome=doc["outcome"],
            handled_at=at if at.tzinfo else at.replace(tzinfo=UTC),
            events=events,
            events_total=int(doc.get("events_total") or len(events)),
            code=doc.get("code"),
            reasons=reasons,
            reasons_total=int(doc.get("reasons_total") or len(reasons)),
        )


@dataclass(frozen=True)
class Timer:
    """A durable timer: fire `kind` with `data` at `due_at`."""

    id: str
    kind: str
    due_at: datetime
    data: dict[str, Any] = field(default_factory=dict)

    def to_doc(self) -> Document:
        data = escape_keys(self.data)
        return {"id": self.id, "kind": self.kind, "due_at": self.due_at, "data": data}

    @classmethod
    def from_doc(cls, doc: Document) -> Timer:
        return cls(doc["id"], doc["kind"], doc["due_at"], unescape_keys(doc.get("data") or {}))


@dataclass(frozen=True)
class Outgoing:
    """An event to publish once the change that produced it is stored."""

    topic: str
    envelope: Envelope
    key: str | None = None

    def to_doc(self) -> Document:
        return dict(self._doc)

    @functools.cached_property
    def _doc(self) -> Document:
        return {
            "id": self.envelope.id,
            "topic": self.topic,
            "key": self.key or self.envelope.subject,
            "body": self.envelope.to_json().decode(),
        }


@dataclass
class Stored:
    """An aggregate document as read."""

    id: str
    version: int
    state: Document
    handled: list[str]
    timers: list[Timer]
    correlation_id: str | None = None
    fingerprints: dict[str, str] = field(default_factory=dict)
    receipts: dict[str, Receipt] = field(default_factory=dict)
    """Per tracking id (of those kept), what its handling told (`Receipt`)."""
    exists: bool = True
    """False for a *refusal record*: no aggregate (its `state` is `{}`, stored as null),
    only the tracking ids of commands refused before it was created, so a redelivery of
    such a command is a duplicate — its refusal stands — instead of being decided afresh
    (`shared.usecase`)."""

    def has_handled(self, message_id: str, fingerprint: str | None = None) -> bool:
        """Whether the message with this id already changed this document.

        Raises `CommandIdReused` when it did under another `fingerprint` (a different
        command reusing the id); an id recorded without one is taken as a duplicate.
        """
        if message_id not in self.handled:
            return False
        known = self.fingerprints.get(message_id)
        if fingerprint is not None and known is not None and known != fingerprint:
            raise CommandIdReused(message_id)
        return True


@dataclass
class Change:
    """What a use case wants stored: new state, events to publish, the timers now pending.

    `state` None stores a refusal record (see `Stored.exists`): nothing but the tracking id
    and the refusal in the outbox."""

    state: Document | None
    events: Sequence[Outgoing] = ()
    timers: Sequence[Timer] | None = None  # None: leave the pending timers as they are
    correlation_id: str | None = None  # the flow the aggregate belongs to (kept once set)
    receipt: Receipt | None = None  # kept with the tracking id (see `Receipt`)


@dataclass
class Applied:
    """The outcome of `AggregateStore.apply`."""

    changed: bool
    outbox: list[Document] = field(default_factory=list)
    receipt: Receipt | None = None
    """For a message handled before (a duplicate): the receipt kept with its id, if any."""


@dataclass
class Write:
    """One aggregate's update of a batch (`AggregateStore.write_batch`): the aggregate as
    the batch made it, the version stored before, the outbox entries the batch added.
    With `replace_outbox`, every event stored at `base` is known published
    (`shared.outbox_clears`): the outbox becomes `outbox` instead of growing by it."""

    stored: Stored
    base: int
    outbox: list[Document]
    replace_outbox: bool = False


Decide = Callable[[Stored | None], Awaitable[Change | None] | Change | None]
SavedListener = Callable[[str, datetime | None, int], None]
"""Told after each save: (aggregate id, earliest pending timer's due time in UTC or None,
number of events the save put in the outbox)."""


EXISTING: Document = {"state": {"$ne": None}}
"""The filter that leaves refusal records out of a query over aggregates (`Stored.exists`)."""


def stored_from_doc(doc: Document) -> Stored:
    """The `Stored` a document read from the database holds."""
    return Stored(
        id=doc["_id"],
        version=int(doc.get("version", 0)),
        state=unescape_keys(doc.get("state") or {}),
        handled=list(doc.get("handled") or []),
        timers=[Timer.from_doc(t) for t in doc.get("timers") or []],
        correlation_id=doc.get("correlation_id"),
        fingerprints={f["id"]: f["digest"] for f in doc.get("fingerprints") or []},
        receipts={r["id"]: Receipt.from_doc(r) for r in doc.get("receipts") or []},
        exists="state" not in doc or doc["state"] is not None,
    )


def kept_handled(
    previous: Stored | None,
    handled_id: str | None,
    fingerprint: str | None,
    receipt: Receipt | None,
) -> tuple[list[str], dict[str, str], dict[str, Receipt]]:
    """The tracking ids, fingerprints and receipts a document keeps after recording
    `handled_id` (the last `KEEP_HANDLED` ids, their fingerprints, the receipts of the last
    `KEEP_RECEIPTS`).

    Work per call grows with what leaves the windows (one id per message), not with what
    they hold: a busy aggregate keeps 500 ids with their fingerprints, and rebuilding both
    maps for every message cost ~30 µs. Documents are only ever written with what this
    function returns, so what `previous` holds already keeps these rules; one that does not
    (more fingerprints than ids, more receipts than the window) is pruned in full."""
    handled = list(previous.handled) if previous else []
    digests = dict(previous.fingerprints) if previous else {}
    receipts = dict(previous.receipts) if previous else {}
    if len(digests) > len(handled) or len(receipts) > KEEP_RECEIPTS:
        # not kept by these rules (never written here): every map rebuilt from the ids
        kept, recent = set(handled), set(handled[-KEEP_RECEIPTS:])
        digests = {k: v for k, v in digests.items() if k in kept}
        receipts = {k: v for k, v in receipts.items() if k in recent}
    if handled_id is None:
        return handled, digests, receipts
    handled.append(handled_id)
    if fingerprint is not None:
        digests[handled_id] = fingerprint
    if receipt is not None:
        receipts[handled_id] = receipt
    if len(handled) > KEEP_RECEIPTS and receipts:
        left = handled[-KEEP_RECEIPTS - 1]  # the one id that left the receipts' window
        if left in receipts and left not in handled[-KEEP_RECEIPTS:]:
            del receipts[left]
    if len(handled) > KEEP_HANDLED:
        dropped = handled[:-KEEP_HANDLED]
        del handled[:-KEEP_HANDLED]
        for gone in dropped:  # only ids still kept keep a fingerprint (or a receipt)
            if gone not in handled:
                digests.pop(gone, None)
                receipts.pop(gone, None)
    return handled, digests, receipts
