"""`partnerops tail TOPIC`: the events on a topic as they come (or from the beginning),
filtered by type, subject or partner; dead-letter topics (`<topic>.dlq`) too."""

from __future__ import annotations

import base64
import binascii
import fnmatch
import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cli.context import Cli, cli_of, console, emit_json, escape, rfc3339_text, run
from cli.options import MAX_SECONDS, identifier, pattern, seconds
from cli.options import topic as topic_check

if TYPE_CHECKING:
    from cli.kafka import Received
    from shared.events import Envelope

EXAMPLE = """Examples:

  partnerops tail porting.events --type 'porting.port.*' --partner P-100

  partnerops tail support.events --from-beginning --limit 10 --json --no-follow

  partnerops tail support.commands.dlq --from-beginning --no-follow
"""


ATTRIBUTES = ("type", "id", "source", "subject")
"""The CloudEvents attributes told of every record, readable or not."""


def original_headers_of(record: Received) -> list[tuple[str, bytes | None]]:
    """The headers the record had when it was produced: a dead letter's are in
    `x-dlq-original-headers` (JSON `[[name, text | {"base64": ...} | null]]`,
    `shared.dead_letter`), any other record's are its own."""
    text = record.header("x-dlq-original-headers")
    if text is None:
        return list(record.headers)
    try:
        items = json.loads(text)
    except ValueError:
        return []  # cut to fit the broker's limit: no header is trusted
    headers: list[tuple[str, bytes | None]] = []
    for item in items if isinstance(items, list) else []:
        if not (isinstance(item, list) and len(item) == 2 and isinstance(item[0], str)):
            continue
        name, value = item
        if isinstance(value, dict) and isinstance(value.get("base64"), str):
            try:
                headers.append((name, base64.b64decode(value["base64"], validate=True)))
            except (binascii.Error, ValueError):
                continue
        elif value is None:
            headers.append((name, None))
        else:
            headers.append((name, str(value).encode()))
    return headers


def event_of(record: Received) -> Envelope | None:
    """The CloudEvent a record carries (either content mode; a dead letter read with its
    original headers, so a binary-mode event's `ce_*` attributes count), or None."""
    from shared.binding import Record, UnreadableEvent, decode

    try:
        return decode(Record(record.value, record.key, original_headers_of(record)))
    except UnreadableEvent:
        return None


def attributes_of(record: Received, event: Envelope | None) -> dict[str, str | None]:
    """`type`, `id`, `source`, `subject` of a record even when it holds no valid event
    (a dead letter usually does not): from the event, else the binary mode's `ce_*`
    headers (original ones for a dead letter), else the structured JSON value."""
    if event is not None:
        return {name: getattr(event, name) for name in ATTRIBUTES}
    found: dict[str, str | None] = dict.fromkeys(ATTRIBUTES)
    for name, value in original_headers_of(record):
        attribute = name.lower().removeprefix("ce_")
        if name.lower().startswith("ce_") and attribute in found and value is not None:
            found[attribute] = found[attribute] or value.decode("utf-8", errors="replace")
    try:
        body = json.loads(record.value or b"")
    except ValueError:
        body = None
    if isinstance(body, dict):
        for attribute in ATTRIBUTES:
            if found[attribute] is None and isinstance(body.get(attribute), str):
                found[attribute] = body[attribute]
    return found


PARTNER_FIELDS = (
    "partner_id",
    "distributor_partner_id",
    "reseller_partner_id",
    "tier1_partner_id",
    "customer_partner_id",
    "ticket_partner_id",
    "preferred_distributor_id",
)
"""The fields of the contracts' data that name one partner (`shared.contracts`)."""
PARTNER_LISTS = ("partner_ids", "previous_partner_ids")
"""The fields that name several (an incident's audience, a customer's former partners)."""

PARTNER_HELP = (
    "Only events that concern this partner: a partner field of the data names it "
    "(partner_id, distributor_partner_id, reseller_partner_id, tier1_partner_id, "
    "customer_partner_id, ticket_partner_id, preferred_distributor_id, partner_ids, "
    "previous_partner_ids), or the actor's partner_id, or the subject is the partner (its "
    "own aggregate) or an aggregate an earlier event of this tail tied to it. So refusals "
    "whose partner_id is null (an unknown or forbidden target, a command.rejected) are "
    "shown too; with --from-beginning every aggregate of the partner has been seen"
)


def partners_of(event: Envelope) -> set[str]:
    """The partners an event's data names: `PARTNER_FIELDS`, `PARTNER_LISTS`, the actor's
    `partner_id` (a command's)."""
    data = event.data
    found = {str(data[f]) for f in PARTNER_FIELDS if isinstance(data.get(f), str)}
    for name in PARTNER_LISTS:
        values = data.get(name)
        if isinstance(values, list):
            found |= {v for v in values if isinstance(v, str)}
    actor = data.get("actor")
    if isinstance(actor, dict) and isinstance(actor.get("partner_id"), str):
        found.add(actor["partner_id"])
    return found


class Concerns:
    """Whether an event concerns partner P (see `PARTNER_HELP`). A refusal names the
    partner only when the refused aggregate exists and the refusal is not `forbidden`
    (`shared.usecase`: a forbidden one hides whose aggregate it is; a
    `<service>.command.rejected` names no partner at all): it is matched by its subject,
    the aggregate's id, when P's own aggregate (the subject is P) or an aggregate an
    earlier event of this tail tied to P (`--from-beginning` sees them all). At most
    `REMEMBERED` aggregates are remembered, the latest."""

    REMEMBERED = 100_000

    def __init__(self, partner: str) -> None:
        self.partner = partner
        self.aggregates: dict[str, None] = {}

    def __call__(self, event: Envelope) -> bool:
        subject = event.subject
        if self.partner in partners_of(event):
            if subject and subject != self.partner:
                self.aggregates.pop(subject, None)
                self.aggregates[subject] = None
                if len(self.aggregates) > self.REMEMBERED:
                    del self.aggregates[next(iter(self.aggregates))]
            return True
        return subject is not None and (subject == self.partner or subject in self.aggregates)


def matches(
    event: Envelope | None,
    types: list[str],
    subject: str | None,
    concerns: Concerns | None,
) -> bool:
    """Whether an event passes the filters (an unreadable record only without filters)."""
    if event is None:
        return not (types or subject or concerns)
    if concerns is not None and not concerns(event):
        return False  # asked first: it remembers the partner's aggregates it sees
    if types and not any(fnmatch.fnmatchcase(event.type, t) for t in types):
        return False
    return subject is None or event.subject == subject


def line_json(record: Received, event: Envelope | None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "topic": record.topic,
        "partition": record.partition,
        "offset": record.offset,
        "key": record.key.decode("utf-8", errors="replace") if record.key else None,
    }
    if event is not None:
        body["event"] = event.model_dump(mode="json", exclude_none=True)
    else:
        body["unreadable"] = (record.value or b"")[:2000].decode("utf-8", errors="replace")
        body["attributes"] = attributes_of(record, None)
    dlq = {
        k.removeprefix("x-dlq-"): (v or b"").decode("utf-8", errors="replace")
        for k, v in record.headers
        if k.startswith("x-dlq-")
    }
    if "failed-at" in dlq:
        dlq["failed-at"] = rfc3339_text(dlq["failed-at"]) or ""
    if dlq:
        body["dead_letter"] = dlq
    return body


def print_line(record: Received, event: Envelope | None) -> None:
    stamp = datetime.fromtimestamp(record.timestamp_ms / 1000, UTC).strftime("%H:%M:%S")
    where = f"[dim]{stamp} {record.topic}/{record.partition}@{record.offset}[/dim]"
    if event is None:
        code = record.header("x-dlq-error-code")
        kind = attributes_of(record, None)["type"]
        console.print(
            f"{where} [red]unreadable[/red] {escape(kind or '?')}{f' ({code})' if code else ''}"
        )
        return
    data = escape(", ".join(f"{k}={v}" for k, v in list(event.data.items())[:4])[:160])
    console.print(
        f"{where} [bold]{escape(event.type)}[/bold] {escape(event.subject or '')} [dim]{data}[/dim]"
    )


async def follow(
    cli: Cli,
    topic: str,
    types: list[str],
    subject: str | None,
    partner: str | None,
    from_beginning: bool,
    limit: int | None,
    follow_on: bool,
    timeout: float | None,
    as_json: bool,
) -> int:
    from cli.kafka import Reader

    shown = 0
    concerns = Concerns(partner) if partner is not None else None
    async with Reader(cli, [topic], from_beginning=from_beginning) as reader:
        source = reader.records(timeout) if follow_on else reader.until_end()
        async for record in source:
            event = event_of(record)
            if not matches(event, types, subject, concerns):
                continue
            if as_json:
                emit_json(line_json(record, event))
            else:
                print_line(record, event)
            shown += 1
            if limit is not None and shown >= limit:
                break
    return shown


def tail(
    ctx: typer.Context,
    topic: Annotated[
        str,
        typer.Argument(
            help="Logical topic, e.g. porting.events or support.commands.dlq (the prefix is added)",
            callback=topic_check,
        ),
    ],
    type_: Annotated[
        list[str] | None,
        typer.Option(
            "--type", help="Only these types (glob patterns, repeatable)", callback=pattern
        ),
    ] = None,
    subject: Annotated[
        str | None, typer.Option(help="Only this subject (aggregate id)", callback=identifier)
    ] = None,
    partner: Annotated[
        str | None,
        typer.Option(help=PARTNER_HELP, callback=identifier),
    ] = None,
    from_beginning: Annotated[bool, typer.Option(help="Start at the oldest record")] = False,
    limit: Annotated[
        int | None, typer.Option(min=1, max=1_000_000, help="Stop after N matching events")
    ] = None,
    follow_on: Annotated[
        bool,
        typer.Option(
            "--follow/--no-follow",
            help="Keep waiting for new records (--no-follow: stop at the current end)",
        ),
    ] = True,
    timeout: Annotated[
        float | None,
        typer.Option(
            callback=seconds(0.1, MAX_SECONDS),
            help="Stop following after this many seconds (0.1-3600)",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line")] = False,
) -> None:
    """Print the events of a topic as they arrive, with filters."""
    cli = cli_of(ctx)
    run(
        follow(
            cli,
            topic,
            type_ or [],
            subject,
            partner,
            from_beginning,
            limit,
            follow_on,
            timeout,
            as_json,
        )
    )
