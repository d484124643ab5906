"""What the use-case core tells a sender besides an aggregate's own events: the refusal of
its command (`refusal`) and the answer to a resend (`answer_to_resend`).

**Refusals.** A domain `Refused` becomes the aggregate's `…action_refused`
(`shared.contracts.common.ActionRefused`, the repository's `refused` model) under an id
derived from the command and its fingerprint; a forbidden actor is never told whose
aggregate it is.

**Resends**: a handled command sent again under a new CloudEvents id.

A client that timed out waiting sends its command again under the same `request_id` (the
idempotency key), in a new envelope. The use-case core (`shared.usecase`) recognises it by
its tracking id and changes nothing; with the tracking id it kept a `Receipt` of the
first handling, and from that it answers the resend with
`<service>.command.already_handled` (`shared.contracts.common.CommandAlreadyHandled`):
applied (the ids and types of the events it published) or refused (the refusal's code and
reasons). Deterministic: the answer's id derives from the service, the aggregate, the
tracking id and the resend's id, its data from the receipt, so a redelivered resend
repeats it. A redelivery of the handled message itself (its own CloudEvents id) is not a
resend: it gets no answer (it was told once).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from shared.contracts.common import HandledEvent, Reason, command_already_handled_model
from shared.documents import Outgoing, Receipt
from shared.events import Envelope, Payload
from shared.ids import derived_id
from shared.refusals import FORBIDDEN, Refused
from shared.repository import Repository
from shared.tracking import fingerprint

APPLIED = "applied"
REFUSED = "refused"


def refusal(
    service: str,
    repo: Repository[Any],
    aggregate_id: str,
    aggregate: Any,
    cause: Envelope,
    error: Refused,
    now: datetime,
    extra: Mapping[str, Any] | None = None,
) -> tuple[Payload, str]:
    """The `…action_refused` payload of `cause` refused by `error` and its event id.

    `aggregate`: the aggregate as loaded, None when it does not exist (what
    `repo.about` tells of it); `extra`: what the refusal tells beyond that, over it."""
    about = dict(repo.about(aggregate)) if aggregate is not None else {}
    about.update(extra or {})
    if error.code == FORBIDDEN:  # never tell a refused actor whose aggregate it is
        about = {k: v for k, v in about.items() if not k.endswith("partner_id")}
    payload = repo.refused.model_validate(
        {
            **about,
            repo.id_field: aggregate_id,
            "command_type": cause.type,
            "command_id": cause.id,
            "request_id": cause.data.get("request_id"),
            "code": error.code,
            "reasons": [Reason.of(r) for r in error.reasons()],
            "details": json.loads(json.dumps(error.details, default=str)),
            "occurred_at": now,
        }
    )
    kind = "refused"
    return payload, derived_id(
        service, kind, repo.collection, aggregate_id, cause.id, fingerprint(cause)
    )


def resendable(cause: Envelope | None, message_id: str) -> bool:
    """Whether a resend of `cause` can be recognised under tracking id `message_id`: a
    command (it names its `actor`; no published fact does) tracked by an id not made from
    its CloudEvents id (a new id makes a new tracking id: nothing to answer)."""
    return (
        cause is not None
        and isinstance(cause.data.get("actor"), dict)
        and cause.id not in message_id
    )


def applied_receipt(cause: Envelope, now: datetime, events: Sequence[Outgoing]) -> Receipt:
    """The receipt of `cause`'s stored change, which published `events`."""
    return Receipt.of(cause.id, APPLIED, now, [(e.envelope.id, e.envelope.type) for e in events])


def refused_receipt(cause: Envelope, now: datetime, refusal: Envelope, code: str) -> Receipt:
    """The receipt of `cause`'s refusal (`refusal`: its `…action_refused` event)."""
    reasons = refusal.data.get("reasons") or []
    return Receipt.of(cause.id, REFUSED, now, [(refusal.id, refusal.type)], code, reasons)


def answer_to_resend(
    service: str,
    entity: str,
    collection: str,
    aggregate_id: str,
    cause: Envelope,
    message_id: str,
    receipt: Receipt,
) -> tuple[Payload, str] | None:
    """The `<service>.command.already_handled` payload and its event id for `cause`, found
    handled under tracking id `message_id` of aggregate `aggregate_id` (an `entity` of
    `collection`) with `receipt`; None when `cause` is the handled message itself (a
    redelivery: it was told once)."""
    if not receipt.is_resend(cause.id):
        return None
    actor = cause.data.get("actor")
    request_id = cause.data.get("request_id")
    payload = command_already_handled_model(service)(
        command_type=cause.type,
        command_id=cause.id,
        request_id=request_id if isinstance(request_id, str) else None,
        partner_id=actor.get("partner_id") if isinstance(actor, dict) else None,
        entity=entity,
        aggregate_id=aggregate_id,
        original_command_id=receipt.message,
        outcome=APPLIED if receipt.outcome == APPLIED else REFUSED,
        handled_at=receipt.handled_at,
        events=[HandledEvent(id=i, type=t) for i, t in receipt.events],
        events_total=receipt.events_total,
        code=receipt.code,
        reasons=[Reason.model_validate(r) for r in receipt.reasons],
        reasons_total=receipt.reasons_total,
    )
    answer_id = derived_id(
        service, "already_handled", collection, aggregate_id, message_id, cause.id
    )
    return payload, answer_id
