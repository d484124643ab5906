"""Sending a contact's daily digest when its timer is due (issue 12 "daily digest").

The digest's items not yet sent go out in one mail (template `daily_digest`, in the
contact's language, dated on its wall clock). The mail is a delivery like any other, its
id derived from (digest key, batch number, address), so a timer fired twice, or by two
instances, sends it once. The items it carries are stored in the delivery itself; the
digest marks exactly those as sent, so an item added meanwhile waits for the next batch.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from services.notifications.application.deps import Deps
from services.notifications.application.mailing import Source, deliver, delivery_key
from services.notifications.domain.digest_batch import DigestBatch
from services.notifications.domain.recipients import Audience, Recipient
from services.notifications.mail.compose import content_of
from services.notifications.mail.contexts.maintenance import Digest, DigestItem
from shared.store import Timer
from shared.usecase import Decision

DIGEST_TEMPLATE = "daily_digest"


def batch_source(digest_key: str, batch: int) -> str:
    """The source id of one batch of a digest (what its delivery id derives from)."""
    return f"{digest_key}:batch:{batch}"


async def fire_digest_timer(deps: Deps, digest_key: str, timer: Timer) -> None:
    """Send the digest's unsent items in one mail, then mark them sent."""
    batch = await deps.uc.load(deps.repos.digests, digest_key)
    if batch is None:
        return
    number = batch.batches_sent
    source_id = batch_source(digest_key, number)
    recipient = Recipient(
        email=batch.recipient.email,
        name=batch.recipient.name,
        language=batch.recipient.language,
        timezone=batch.recipient.timezone,
        audience=Audience.PARTNER,
        partner_id=batch.recipient.partner_id,
        contact_id=batch.recipient.contact_id,
    )
    existing = await deps.uc.load(deps.repos.deliveries, delivery_key(source_id, recipient.email))
    if existing is not None:
        items = [str(i) for i in existing.content.get("digest_items", [])]
    else:
        items = [i.source_id for i in batch.unsent]
        if items:
            content = _digest_content(deps, batch, recipient)
            delivery_id = await deliver(
                deps, Source(source_id, "notifications.digest", DIGEST_TEMPLATE), recipient, content
            )
            # Another instance may have created this batch's delivery first, with the items
            # it saw: mark sent exactly what the stored mail carries.
            stored = await deps.uc.load(deps.repos.deliveries, delivery_id)
            if stored is not None:
                items = [str(i) for i in stored.content.get("digest_items", [])]

    def sent(current: DigestBatch | None, now: datetime) -> Decision[DigestBatch] | None:
        if current is None or current.batches_sent != number or not items:
            return None
        return Decision(current.mark_sent(tuple(items)))

    await deps.uc.fire(deps.repos.digests, digest_key, timer, sent)


def _digest_content(deps: Deps, batch: DigestBatch, recipient: Recipient) -> dict[str, object]:
    unsent = batch.unsent
    day = batch.due_at.astimezone(ZoneInfo(recipient.timezone)).date()
    context = Digest(
        digest_date=day,
        items=[DigestItem(subject=i.subject, occurred_at=i.occurred_at) for i in unsent],
        recipient_name=recipient.name,
    )
    rendered = deps.renderer.render(
        DIGEST_TEMPLATE, context, recipient.language, recipient.timezone, recipient.audience
    )
    content = content_of(rendered, recipient, deps.addressing)
    content["digest_items"] = [i.source_id for i in unsent]
    return content
