"""`partnerops publish FILE`: one command or event, validated, wrapped, published.

With `--wait` the CLI reads every events topic from before it publishes and prints the
first event whose `causationid` is the published event's id, leaving out `PRELIMINARY`
ones (a submission's draft, announced before its decision): every service stamps its
outcomes so (`shared.usecase`: the aggregate's events, its `…action_refused`, a query's
answer; `shared.kafka.dispatcher`: `<service>.command.rejected`). A refusal as outcome
exits with 4.

A command sent again under a new id (the same sender and `request_id`, e.g. after a
`--wait` that timed out) is answered `<service>.command.already_handled`: printed as
"already handled" with the first handling's outcome and events, and its exit code is the
one the first outcome had — 4 when it was refused (or its first decisive event refuses),
else 0.
"""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.panel import Panel
from rich.pretty import Pretty

from cli.context import (
    EXIT_FAILED,
    EXIT_REFUSED,
    Cli,
    Failure,
    cli_of,
    console,
    emit_json,
    escape,
    run,
    setting,
)
from cli.options import MAX_ID, MAX_SECONDS, identifier, path, seconds
from shared.topics import ALL_TOPICS, TopicKind

if TYPE_CHECKING:
    from shared.events import Envelope

EVENTS_TOPICS = [t.name for t in ALL_TOPICS if t.kind is TopicKind.EVENTS]

EXAMPLE = """Examples:

  partnerops publish ticket.json --wait

  partnerops publish - --wait --json < query.json

  partnerops publish --type carrier.port.accepted data.json

Exit codes: 0 published (with --wait: and answered); 1 Kafka unreachable, or no
outcome within --timeout; 2 invalid input, nothing published; 4 the outcome refuses it
(a command sent again is answered "already handled" with the first outcome's code).
"""


def read_input(path: str, limit: int) -> bytes:
    """The bytes of FILE, or of stdin for `-`; more than `limit` bytes (the broker's
    largest message) is refused (`input_too_large`, exit 2) without reading the rest —
    `/dev/zero` or a runaway pipe never fills the memory."""
    try:
        if path == "-":
            data = sys.stdin.buffer.read(limit + 1)
        else:
            with Path(path).open("rb") as source:
                data = source.read(limit + 1)
    except OSError as error:
        raise Failure("unreadable_input", f"{path}: {error.strerror}", exit_code=2) from None
    if len(data) > limit:
        raise Failure(
            "input_too_large",
            f"{path}: more than {limit} bytes, the largest message the broker takes",
            exit_code=2,
            limit=limit,
        )
    return data


async def publish_and_wait(
    cli: Cli,
    topic: str,
    envelope: Envelope,
    wait: bool,
    timeout: float,
    created: list[str] | None = None,
    sent: list[bool] | None = None,
) -> Envelope | None:
    """Publish `envelope` on `topic`; with `wait`, the first event it caused (None when
    none came within `timeout` seconds). `created` receives `topic`'s physical name when
    it did not exist and was created for this publish (`cli.kafka.ensure`); `sent` gets
    True once the broker has the record."""
    from cli.kafka import Reader, ensure, producer
    from shared.binding import encode_structured
    from shared.events import Envelope

    body, headers = encode_structured(envelope)
    key = envelope.subject.encode() if envelope.subject else None
    record_headers = [(k, v.encode()) for k, v in headers.items()]
    async with producer(cli) as client:
        missing = await ensure(cli, client, [topic, *EVENTS_TOPICS] if wait else [topic])
        if created is not None and cli.physical(topic) in missing:
            created.append(cli.physical(topic))
        if not wait:
            await client.send_and_wait(cli.physical(topic), body, key=key, headers=record_headers)
            return None
        async with Reader(cli, EVENTS_TOPICS) as reader:
            await client.send_and_wait(cli.physical(topic), body, key=key, headers=record_headers)
            if sent is not None:
                sent.append(True)
            async for record in reader.records(timeout):
                try:
                    event = Envelope.from_json(record.value or b"")
                except ValueError:
                    continue
                if event.causationid == envelope.id and event.type not in PRELIMINARY:
                    return event
    return None


PRELIMINARY = frozenset({"porting.port.drafted"})
"""Events a command causes *before* its decision, never its outcome: a port submission's
draft is stored (and announced) before its numbers are claimed, and the decision —
`porting.port.submitted` or `porting.port.submission_rejected` — follows (README,
"Porting")."""


def told_interrupted(summary: dict[str, Any], as_json: bool) -> None:
    """Ctrl-C during `--wait`: the command may well be on its way (it is published before
    the wait begins), so its id is told — a script can wait for it with `tail` or resend
    it under the same `request_id` safely."""
    if as_json:
        emit_json({"published": summary, "interrupted": True})
    else:
        console.print(
            f"[yellow]interrupted while waiting[/yellow]: {summary['type']} id {summary['id']} "
            f"was published on {summary['topic']} before the wait"
        )


def published_summary(topic: str, envelope: Envelope) -> dict[str, Any]:
    return {
        "topic": topic,
        "id": envelope.id,
        "type": envelope.type,
        "subject": envelope.subject,
        "correlationid": envelope.correlationid,
    }


ALREADY_HANDLED = ".command.already_handled"


def refuses(outcome: Envelope) -> bool:
    """Whether the outcome refuses what was sent (exit 4). An already-handled answer
    refuses when the first handling was refused, or when the first of its events that is
    not `PRELIMINARY` — what `--wait` printed then — is a refusal
    (`cli.messages.is_refusal`; a submission's draft followed by its rejection)."""
    from cli.messages import is_refusal

    if not outcome.type.endswith(ALREADY_HANDLED):
        return is_refusal(outcome.type)
    if outcome.data.get("outcome") == "refused":
        return True
    types = [e.get("type") for e in outcome.data.get("events") or [] if isinstance(e, dict)]
    decisive = [t for t in types if isinstance(t, str) and t not in PRELIMINARY]
    return bool(decisive) and is_refusal(decisive[0])


def already_handled_line(outcome: Envelope) -> str:
    """One line saying what the first handling of a resent command did."""
    data = outcome.data
    told = ", ".join(
        f"{e.get('type')} {e.get('id')}" for e in data.get("events") or [] if isinstance(e, dict)
    )
    more = int(data.get("events_total") or 0) - len(data.get("events") or [])
    told += f" (+{more} more)" if more > 0 else ""
    first = data.get("original_command_id") or "an earlier id"
    line = (
        f"already handled: request {data.get('request_id')} was {data.get('outcome')} "
        f"under {first} at {data.get('handled_at')}; nothing done again"
    )
    if data.get("outcome") != "refused" and refuses(outcome):
        line += ". Its decision refused it"
    if data.get("outcome") == "refused":
        reasons = "; ".join(
            f"{r.get('code')}: {r.get('message')}"
            for r in data.get("reasons") or []
            if isinstance(r, dict)
        )
        line += f". Refused ({data.get('code')}): {reasons}"
    return f"{line}. Events: {told or 'none'}"


def show_outcome(outcome: Envelope) -> None:
    style = "red" if refuses(outcome) else "green"
    if outcome.type.endswith(ALREADY_HANDLED):
        console.print(f"[{style}]{escape(already_handled_line(outcome))}[/{style}]")
    console.print(
        Panel(
            Pretty(outcome.data),
            title=f"[{style}]{escape(outcome.type)}[/{style}]",
            subtitle=escape(f"id {outcome.id} · subject {outcome.subject}"),
        )
    )


def publish(
    ctx: typer.Context,
    file: Annotated[
        str, typer.Argument(help="JSON file of the message, or - for stdin", callback=path)
    ],
    type_: Annotated[
        str | None,
        typer.Option(
            "--type",
            help="The CloudEvents type; then FILE holds the data alone",
            callback=identifier,
        ),
    ] = None,
    subject: Annotated[
        str | None,
        typer.Option(help="Subject and Kafka key (default: the aggregate id)", callback=identifier),
    ] = None,
    wait: Annotated[bool, typer.Option(help="Wait for the outcome event and print it")] = False,
    timeout: Annotated[
        float,
        typer.Option(callback=seconds(0.1, MAX_SECONDS), help="Seconds --wait waits (0.1-3600)"),
    ] = 30.0,
    as_json: Annotated[bool, typer.Option("--json", help="JSON output for scripts")] = False,
) -> None:
    """Publish a command or event (JSON), validated against its contract, as a CloudEvent
    on its topic; with --wait print the event it caused."""
    cli = cli_of(ctx)

    async def go() -> None:
        from cli.messages import ignored_fields, parse_input, validated, wrap

        message, data, attributes = parse_input(
            read_input(file, cli.settings.kafka.max_message_bytes), type_
        )
        payload = validated(message, data)
        if subject:
            attributes["subject"] = subject
        envelope = wrap(payload, attributes, setting(cli, "source", MAX_ID), datetime.now(UTC))
        ignored = ignored_fields(payload, data)
        created: list[str] = []
        summary = published_summary(message.topic, envelope)
        sent: list[bool] = []
        try:
            outcome = await publish_and_wait(
                cli, message.topic, envelope, wait, timeout, created, sent
            )
        except asyncio.CancelledError:  # Ctrl-C while waiting: say what was published
            if sent:
                told_interrupted(summary, as_json)
            raise
        if ignored:
            summary["ignored_fields"] = ignored
        if created:
            summary["created_topics"] = created
        if as_json:
            emit_json(
                {
                    "published": summary,
                    **(
                        {"outcome": outcome.model_dump(mode="json", exclude_none=True)}
                        if outcome
                        else {}
                    ),
                }
            )
        else:
            console.print(
                f"[green]published[/green] {envelope.type} id {envelope.id} on "
                f"{message.topic} (key {envelope.subject})"
            )
            if ignored:
                console.print(
                    "[yellow]fields the contract does not know, dropped:[/yellow] "
                    + ", ".join(ignored)
                )
            for name in created:
                console.print(
                    f"[yellow]topic {escape(name)} did not exist and was created: no service "
                    "has started in this namespace yet — is --topic-prefix right?[/yellow]"
                )
            if outcome is not None:
                show_outcome(outcome)
        if wait and outcome is None:
            raise Failure(
                "no_outcome",
                f"no event caused by {envelope.id} within {timeout:g} s",
                exit_code=EXIT_FAILED,
                published=summary,
            )
        if outcome is not None and refuses(outcome):
            raise typer.Exit(EXIT_REFUSED)

    run(go())
