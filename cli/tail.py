"""`partnerops tail TOPIC`: the events on a topic as they come (or from the beginning),
filtered by type, subject or partner; dead-letter topics (`<topic>.dlq`) too."""

from __future__ import annotations

import fnmatch
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape

from cli.context import Cli, cli_of, console, emit_json, run

if TYPE_CHECKING:
    from cli.kafka import Received
    from shared.events import Envelope

EXAMPLE = """Examples:

  partnerops tail porting.events --type 'porting.port.*' --partner P-100

  partnerops tail support.events --from-beginning --limit 10 --json --no-follow

  partnerops tail support.commands.dlq --from-beginning --no-follow
"""


def event_of(record: Received) -> Envelope | None:
    """The CloudEvent a record carries (either content mode), or None."""
    from shared.binding import Record, UnreadableEvent, decode

    try:
        return decode(Record(record.value, record.key, record.headers))
    except UnreadableEvent:
        return None


def partner_of(event: Envelope) -> str | None:
    """The partner an event concerns: `data.partner_id`, else the actor's partner."""
    data = event.data
    if isinstance(data.get("partner_id"), str):
        return str(data["partner_id"])
    actor = data.get("actor")
    if isinstance(actor, dict) and isinstance(actor.get("partner_id"), str):
        return str(actor["partner_id"])
    return None


def matches(
    event: Envelope | None, types: list[str], subject: str | None, partner: str | None
) -> bool:
    """Whether an event passes the filters (an unreadable record only without filters)."""
    if event is None:
        return not (types or subject or partner)
    if types and not any(fnmatch.fnmatchcase(event.type, t) for t in types):
        return False
    if subject is not None and event.subject != subject:
        return False
    return partner is None or partner_of(event) == partner


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
    dlq = {
        k.removeprefix("x-dlq-"): (v or b"").decode("utf-8", errors="replace")
        for k, v in record.headers
        if k.startswith("x-dlq-")
    }
    if dlq:
        body["dead_letter"] = dlq
    return body


def print_line(record: Received, event: Envelope | None) -> None:
    stamp = datetime.fromtimestamp(record.timestamp_ms / 1000, UTC).strftime("%H:%M:%S")
    where = f"[dim]{stamp} {record.topic}/{record.partition}@{record.offset}[/dim]"
    if event is None:
        code = record.header("x-dlq-error-code")
        console.print(f"{where} [red]unreadable[/red]{f' ({code})' if code else ''}")
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
    async with Reader(cli, [topic], from_beginning=from_beginning) as reader:
        source = reader.records(timeout) if follow_on else reader.until_end()
        async for record in source:
            event = event_of(record)
            if not matches(event, types, subject, partner):
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
            help="Logical topic, e.g. porting.events or support.commands.dlq (the prefix is added)"
        ),
    ],
    type_: Annotated[
        list[str] | None,
        typer.Option("--type", help="Only these types (glob patterns, repeatable)"),
    ] = None,
    subject: Annotated[str | None, typer.Option(help="Only this subject (aggregate id)")] = None,
    partner: Annotated[
        str | None,
        typer.Option(help="Only events about this partner (data.partner_id or the actor's)"),
    ] = None,
    from_beginning: Annotated[bool, typer.Option(help="Start at the oldest record")] = False,
    limit: Annotated[int | None, typer.Option(min=1, help="Stop after N matching events")] = None,
    follow_on: Annotated[
        bool,
        typer.Option(
            "--follow/--no-follow",
            help="Keep waiting for new records (--no-follow: stop at the current end)",
        ),
    ] = True,
    timeout: Annotated[
        float | None, typer.Option(help="Stop following after this many seconds")
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
