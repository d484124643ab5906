"""From "these people should hear about this event" to mail accepted by the SMTP server.

`send_mails(deps, cause, jobs)` renders every mail first — a context that does not fit its
template rejects the event (dead-lettered with the reasons) before anything is sent — then
delivers each one, at most `send_concurrency` at a time:

* at once: the delivery is **created with the claim** (`Delivery.claim_new`, its id
  derived from the event id and the address lower-cased), so of every handler that meets
  this (event, recipient) — a redelivery, a second instance, a restart — only the one
  whose create was stored sends; then the answer is recorded (`Delivery.record`) at
  once, on the store itself even inside a batch. While the SMTP exchange runs, its claim
  is never taken for a stopped sender's (`Deps.in_flight`, `Delivery.extend_claim`), so
  the only duplicate left is a crash between the server's acceptance and that record;
* or into the contact's daily digest when it takes the category that way and the mail
  is not urgent (`digest.plan_delivery`); the digest's own timer sends it (`digests.py`).

Retries, and the recovery of a claim whose sender stopped, are durable timers on the
delivery (`fire_delivery_timer`).
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from services.notifications.application.deps import Deps
from services.notifications.domain import digest as dg
from services.notifications.domain.contact_fields import address_key
from services.notifications.domain.contacts import Contact
from services.notifications.domain.delivery import ATTEMPT, RECOVER, Delivery, SendOutcome
from services.notifications.domain.digest_batch import DigestBatch, DigestItem, DigestRecipient
from services.notifications.domain.recipients import Recipient
from services.notifications.mail.compose import content_of, message_id, mime
from services.notifications.mail.contexts.base import MailContext
from services.notifications.mail.invite import CalendarInvite
from services.notifications.mail.registry import TEMPLATES
from services.notifications.mail.render import MailError, RenderedMail
from shared.errors import MessageRejected
from shared.events import Envelope
from shared.kafka import TRANSIENT_ERRORS, RetryPolicy
from shared.logging import get_logger
from shared.store import Timer
from shared.usecase import Decision, Outcome

log = get_logger("notifications.mailing")

RECORD_RETRY_SECONDS = 60.0
"""How long an answer that could not be stored (database unreachable) is retried in
place; past that the claim's expiry takes over (the documented duplicate gap)."""


@dataclass(frozen=True)
class MailJob:
    """One mail for one recipient: its template, context and optional calendar invite.

    `contact` (with `partner_timezone`) lets a low-urgency mail go into the contact's
    digest; `urgent`/`severity` mark what must go at once whatever the contact chose.
    """

    recipient: Recipient
    template: str
    context: MailContext
    invite: CalendarInvite | None = None
    contact: Contact | None = None
    partner_timezone: str | None = None
    urgent: bool = False
    severity: str | None = None


def delivery_key(source_id: str, address: str) -> str:
    """The id of the one delivery of `source_id` (an event id) to `address` (any case)."""
    key = f"{source_id}\x1f{address_key(address)}".encode()
    return hashlib.blake2b(key, digest_size=16).hexdigest()


async def send_mails(deps: Deps, cause: Envelope, jobs: Sequence[MailJob]) -> None:
    """Deliver `jobs` for `cause` (see module doc); one mail per address."""
    now = deps.uc.now()
    prepared: list[tuple[MailJob, RenderedMail, dg.Delivery]] = []
    seen: set[str] = set()
    for job in jobs:
        if address_key(job.recipient.email) in seen:
            continue
        seen.add(address_key(job.recipient.email))
        prepared.append((job, render(deps, job), _plan(job, now)))
    gate = asyncio.Semaphore(deps.send_concurrency)

    async def one(job: MailJob, rendered: RenderedMail, plan: dg.Delivery) -> None:
        async with gate:
            if plan.mode is dg.DeliveryMode.DIGEST:
                await add_to_digest(deps, cause, job, rendered, plan.digest_key, plan.due_at)
            else:
                content = content_of(rendered, job.recipient, deps.addressing, job.invite)
                source = Source(cause.id, cause.type, job.template)
                await deliver(deps, source, job.recipient, content, cause=cause)

    results = await asyncio.gather(*(one(*p) for p in prepared), return_exceptions=True)
    for result in results:  # every mail had its turn; now surface the first failure
        if isinstance(result, BaseException):
            raise result


def render(deps: Deps, job: MailJob) -> RenderedMail:
    """Render one job; a mail that cannot be rendered rejects the message (no retry)."""
    context = job.context.model_copy(update={"recipient_name": job.recipient.name})
    try:
        return deps.renderer.render(
            job.template,
            context,
            job.recipient.language,
            job.recipient.timezone,
            job.recipient.audience,
        )
    except MailError as error:
        raise MessageRejected(error.code, [{"field": "$", **r} for r in error.reasons]) from None


def _plan(job: MailJob, now: datetime) -> dg.Delivery:
    spec = TEMPLATES[job.template]
    if job.contact is None:  # not a partner's contact (a customer admin): always at once
        return dg.Delivery(dg.DeliveryMode.SINGLE, now)
    return dg.plan_delivery(
        job.contact,
        spec.category,
        now,
        partner_timezone=job.partner_timezone,
        severity=job.severity,
        emergency=job.urgent or spec.urgent,
    )


@dataclass(frozen=True)
class Source:
    """What a delivery tells about: an event (or a digest batch) and the template used."""

    id: str
    type: str
    template: str


async def deliver(
    deps: Deps,
    source: Source,
    recipient: Recipient,
    content: Mapping[str, Any],
    *,
    cause: Envelope | None = None,
) -> str:
    """Create (and so claim) the delivery of `source` to `recipient` and send it once.

    Returns the delivery id. A delivery that already exists is left to whoever holds it
    (or to its timers): nothing is sent here then.
    """
    delivery_id = delivery_key(source.id, recipient.email)
    mid = message_id(delivery_id, deps.addressing)

    def create(existing: Delivery | None, now: datetime) -> Decision[Delivery] | None:
        if existing is not None:
            return None
        return Decision(
            Delivery.claim_new(
                now=now,
                policy=deps.retry,
                delivery_id=delivery_id,
                event_id=source.id,
                event_type=source.type,
                template=source.template,
                recipient=recipient.email,
                audience=recipient.audience.value,
                language=recipient.language,
                partner_id=recipient.partner_id,
                message_id=mid,
                content=dict(content),
            )
        )

    repo = deps.repos.deliveries
    if cause is not None:
        outcome = await deps.uc.handle(repo, delivery_id, cause, create)
    else:
        created = Timer("create", "delivery.create", deps.uc.now())
        outcome = await deps.uc.fire(repo, delivery_id, created, create)
    if outcome is Outcome.APPLIED:
        await attempt(deps, delivery_id, 1)
    return delivery_id


async def attempt(deps: Deps, delivery_id: str, number: int) -> None:
    """Send attempt `number` of a delivery this instance has just claimed, then record.

    The claim is stored before the mail goes out; the answer is stored the moment it
    comes, outside any batch (`_record`). While the exchange runs, (delivery, attempt) is
    in `deps.in_flight`: the claim's expiry firing meanwhile (the clock moved past it)
    extends the claim instead of sending again (`fire_delivery_timer`)."""
    key = (delivery_id, number)
    if key in deps.in_flight:
        return  # this process is already sending that attempt
    delivery = await deps.uc.load(deps.repos.deliveries, delivery_id)
    if delivery is None or delivery.attempt != number or delivery.status.value != "sending":
        return
    await deps.uc.persist()  # the claim is stored before the mail goes out
    if key in deps.in_flight:
        return
    deps.in_flight.add(key)
    try:
        try:
            message = mime(
                delivery.content,
                message_id=delivery.message_id,
                date=delivery.created_at,
                extra_headers={
                    "X-Partnerops-Event-Id": delivery.event_id,
                    "X-Partnerops-Delivery-Id": delivery.delivery_id,
                },
            )
        except (ValueError, TypeError, KeyError, AttributeError) as error:
            await _unbuildable(deps, delivery_id, number, f"{type(error).__name__}: {error}")
            return
        sender = delivery.content["from_address"]
        outcome = await deps.sender.send(message, sender, delivery.recipient)
        log.info(
            "mail attempt",
            delivery_id=delivery_id,
            attempt=number,
            result=outcome.result.value,
            smtp_code=outcome.code,
        )
        await _record(deps, delivery_id, number, outcome)
    finally:
        deps.in_flight.discard(key)


async def _unbuildable(deps: Deps, delivery_id: str, number: int, reason: str) -> None:
    """Fail a delivery whose message cannot be built, for good (`mail.failed`, code
    `unbuildable_message`): retrying would only fail the same way."""
    log.error("mail cannot be built; delivery failed", delivery_id=delivery_id, reason=reason)
    give_up = Timer(f"answer:{number}", "delivery.answer", deps.uc.now())

    def decide(delivery: Delivery | None, now: datetime) -> Decision[Delivery] | None:
        changed = delivery.unbuildable(number, reason, now) if delivery else None
        return None if changed is None else Decision(*changed)

    with deps.uc.unbatched():  # stored now, not when the batch ends
        await deps.uc.fire(deps.repos.deliveries, delivery_id, give_up, decide)


async def _record(deps: Deps, delivery_id: str, number: int, outcome: SendOutcome) -> None:
    answer = Timer(f"answer:{number}", "delivery.answer", deps.uc.now())

    def decide(delivery: Delivery | None, now: datetime) -> Decision[Delivery] | None:
        changed = delivery.record(number, outcome, now, deps.retry) if delivery else None
        return None if changed is None else Decision(*changed)

    # The project's retry policy (the dispatcher's): capped exponential backoff, jittered.
    policy = RetryPolicy(max_delay=5.0, transient_budget_seconds=RECORD_RETRY_SECONDS)
    loop = asyncio.get_running_loop()
    give_up = loop.time() + policy.transient_budget_seconds
    attempt = 0
    while True:
        try:
            with deps.uc.unbatched():  # stored now, not when the batch ends
                await deps.uc.fire(deps.repos.deliveries, delivery_id, answer, decide)
            return
        except TRANSIENT_ERRORS:
            if loop.time() > give_up:
                log.error("could not record an SMTP answer; the claim's expiry will resend")
                raise
            attempt += 1
            await asyncio.sleep(policy.delay(attempt))


def attempt_of(timer_id: str) -> int:
    """The attempt a delivery timer is about: `attempt:<n>`, `recover:<n>` or, once its
    claim was extended, `recover:<n>.<extensions>`."""
    return int(timer_id.partition(":")[2].partition(".")[0])


async def fire_delivery_timer(deps: Deps, delivery_id: str, timer: Timer) -> None:
    """A retry is due (claim it, send, record) or a claim expired: extended if this process
    is still in that attempt's SMTP exchange, else a resend is scheduled (the sender
    stopped before recording)."""
    number = attempt_of(timer.id)
    repo = deps.repos.deliveries
    if timer.kind == RECOVER:

        def recover(delivery: Delivery | None, now: datetime) -> Decision[Delivery] | None:
            if delivery is None:
                return None
            if (delivery_id, number) in deps.in_flight:  # a live sender: not stopped
                held = delivery.extend_claim(number, now, deps.retry)
                return None if held is None else Decision(held)
            changed = delivery.recover(number, now, deps.retry)
            return None if changed is None else Decision(*changed)

        await deps.uc.fire(repo, delivery_id, timer, recover)
        return
    if timer.kind != ATTEMPT:
        return
    claimed: list[bool] = []

    def claim(delivery: Delivery | None, now: datetime) -> Decision[Delivery] | None:
        claimed.clear()
        taken = delivery.claim(number, now, deps.retry) if delivery else None
        if taken is None:
            return None
        claimed.append(True)
        return Decision(taken)

    if await deps.uc.fire(repo, delivery_id, timer, claim) is Outcome.APPLIED and claimed:
        await attempt(deps, delivery_id, number)


async def add_to_digest(
    deps: Deps,
    cause: Envelope,
    job: MailJob,
    rendered: RenderedMail,
    digest_key: str | None,
    due_at: datetime,
) -> None:
    """Fold one low-urgency mail into the contact's digest (once per event)."""
    assert digest_key is not None
    recipient = job.recipient
    item = DigestItem(cause.id, job.template, rendered.subject, cause.time or deps.uc.now())

    def add(batch: DigestBatch | None, now: datetime) -> Decision[DigestBatch] | None:
        current = batch or DigestBatch.open(
            digest_key,
            DigestRecipient(
                recipient.email,
                recipient.name,
                recipient.language,
                recipient.timezone,
                recipient.partner_id,
                recipient.contact_id,
            ),
            due_at,
            now,
        )
        added = current.add(item)
        return None if added is None else Decision(added)

    await deps.uc.handle(deps.repos.digests, digest_key, cause, add)
