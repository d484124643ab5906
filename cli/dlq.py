"""`partnerops dlq list|show|replay`: dead letters and their replay, once.

A dead letter is a record on `<topic>.dlq` (`shared.dead_letter`): the original value
(secrets masked, cut to the broker's limit), the original key, and `x-dlq-*` headers —
the original topic, partition and offset, the consumer group and service, when it failed,
the error code and reasons (JSON), the original headers (JSON). Its id here is
`<dead-letter topic>:<partition>:<offset>` (logical topic names, without the prefix).

**Replay** publishes the original value, key and headers to the original topic, once.
Once is kept by a claim in the CLI's own Mongo collection `dlq_replays` (database
`partnerops_cli`, or `PARTNEROPS_CLI_DATABASE`): the claim `{_id: <prefix>|<id>}` is
inserted before publishing — a unique `_id` insert, atomic on every Mongo-wire server we
run — so of two operators replaying at once one wins and the other is refused
(`already_replayed`, exit 4). The claim then records the publish (`replayed`). If the
publish fails the claim is removed (nothing was acknowledged); if the CLI dies between the
claim and the publish the claim stays `claimed`, and a later replay is refused too:
at most once, never twice. The replayed record carries `x-dlq-replay-of: <id>`, so a
replay dead-lettered again is traceable. A dead letter whose value was masked
(`x-dlq-redacted`), cut (`x-dlq-truncated`, `x-dlq-key-truncated`) or null is not
replayable: its original bytes are gone.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.panel import Panel
from rich.pretty import Pretty
from rich.table import Table

from cli.context import (
    EXIT_INVALID,
    EXIT_NOT_FOUND,
    EXIT_REFUSED,
    Cli,
    Failure,
    cli_of,
    console,
    emit_json,
    escape,
    mongo_failure,
    rfc3339,
    rfc3339_text,
    run,
    variable_of,
)
from cli.options import MAX_TOPIC, database_problem, shown, text_problem
from cli.options import topic as topic_check
from cli.tail import attributes_of, event_of, original_headers_of
from shared.topics import ALL_TOPICS, dead_letter_topic

if TYPE_CHECKING:
    from cli.kafka import Received

app = typer.Typer(help="Dead letters: list, show, replay once.", no_args_is_help=True)

REPLAYS = "dlq_replays"
_ID = re.compile(
    r"^(?P<topic>[A-Za-z0-9._-]+\.dlq):(?P<partition>[0-9]{1,9}):(?P<offset>[0-9]{1,19})$"
)
ID_FORMAT = "<topic>.dlq:<partition>:<offset>, as `dlq list` prints"
NOT_REPLAYABLE = {
    "x-dlq-redacted": "secrets in it were masked",
    "x-dlq-truncated": "its value was cut to the broker's limit",
    "x-dlq-key-truncated": "its key was cut",
    "x-dlq-null-value": "it was a tombstone (null value)",
}


def dlq_topic(topic: str) -> str:
    return topic if topic.endswith(".dlq") else dead_letter_topic(topic)


def letter_id(record: Received) -> str:
    return f"{record.topic}:{record.partition}:{record.offset}"


def id_problem(value: str) -> str | None:
    """Why `value` is no dead letter's id (None when it is one): ASCII
    `<topic>.dlq:<partition>:<offset>`, the topic in Kafka's characters."""
    if problem := text_problem(value, MAX_TOPIC + 32):
        return problem
    if not _ID.match(value):
        return f"{shown(value)}: expected {ID_FORMAT}"
    return None


def id_check(ctx: Any, param: Any, value: str | None) -> str | None:
    """A dead letter's id argument (`id_problem`): a usage error before anything is read."""
    if value is not None and (problem := id_problem(value)):
        raise typer.BadParameter(problem, ctx=ctx, param=param)
    return value


def parse_id(value: str) -> tuple[str, int, int]:
    """`(topic, partition, offset)` of a dead letter's id (raises `invalid_dead_letter_id`,
    exit 2)."""
    found = _ID.match(value) if id_problem(value) is None else None
    if not found:
        raise Failure(
            "invalid_dead_letter_id",
            id_problem(value) or f"{shown(value)}: expected {ID_FORMAT}",
            exit_code=EXIT_INVALID,
        )
    return found["topic"], int(found["partition"]), int(found["offset"])


def _json_header(record: Received, name: str) -> Any:
    text = record.header(name)
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def describe(record: Received, replay: dict[str, Any] | None) -> dict[str, Any]:
    """A dead letter as JSON: where it came from, why, what it held, its replay."""
    event = event_of(record)
    attributes = attributes_of(record, event)
    value = record.value or b""
    try:
        original: Any = json.loads(value)
    except ValueError:
        original = value[:4000].decode("utf-8", errors="replace")
    blocked = [why for name, why in NOT_REPLAYABLE.items() if record.header(name)]
    if isinstance(_json_header(record, "x-dlq-original-headers"), str):
        blocked.append("its original headers were cut")
    return {
        "id": letter_id(record),
        "original_topic": record.header("x-dlq-original-topic"),
        "original_partition": record.header("x-dlq-partition"),
        "original_offset": record.header("x-dlq-offset"),
        "service": record.header("x-dlq-service"),
        "consumer_group": record.header("x-dlq-consumer-group"),
        "failed_at": rfc3339_text(record.header("x-dlq-failed-at")),
        "error_code": record.header("x-dlq-error-code"),
        "reasons": _json_header(record, "x-dlq-error") or [],
        "type": attributes["type"],
        "event_id": attributes["id"],
        "source": attributes["source"],
        "subject": attributes["subject"],
        "key": record.key.decode("utf-8", errors="replace") if record.key else None,
        "original_headers": _json_header(record, "x-dlq-original-headers") or [],
        "value": original,
        "replayable": not blocked,
        "not_replayable_because": blocked,
        "replay": replay,
    }


class Replays:
    """The CLI's record of replays (see the module doc)."""

    def __init__(self, cli: Cli) -> None:
        from pymongo import AsyncMongoClient

        self.cli = cli
        settings = cli.settings
        if problem := database_problem(settings.database_name):
            variable = variable_of("database")
            raise Failure(
                "invalid_database",
                f"{shown(settings.database_name)} ({variable}) is no database name: {problem}",
                [{"field": variable, "code": "invalid_database", "message": problem}],
                EXIT_INVALID,
                database=settings.database_name,
                parameter=variable,
            )
        self.client: Any = AsyncMongoClient(
            settings.mongo.url.get_secret_value(),
            tz_aware=True,
            serverSelectionTimeoutMS=settings.mongo.server_selection_timeout_ms,
        )
        self.collection = self.client[settings.database_name][REPLAYS]

    async def __aenter__(self) -> Replays:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.client.close()

    def key(self, letter: str) -> str:
        return f"{self.cli.prefix}|{letter}"

    async def of(self, letters: list[str]) -> dict[str, dict[str, Any]]:
        from pymongo.errors import PyMongoError

        if not letters:
            return {}
        try:
            found = self.collection.find({"_id": {"$in": [self.key(x) for x in letters]}})
            return {doc["dead_letter"]: _public(doc) async for doc in found}
        except PyMongoError as error:
            raise self.failure(error) from None

    async def claim(self, letter: str, topic: str) -> None:
        from pymongo.errors import DuplicateKeyError, PyMongoError

        now = datetime.now(UTC)
        try:
            await self.collection.insert_one(
                {
                    "_id": self.key(letter),
                    "dead_letter": letter,
                    "topic": topic,
                    "status": "claimed",
                    "claimed_at": now,
                    "by": self.cli.settings.operator,
                }
            )
        except DuplicateKeyError:
            earlier = await self.collection.find_one({"_id": self.key(letter)}) or {}
            raise Failure(
                "already_replayed",
                f"dead letter {letter} {earlier_replay(earlier)}; a dead letter is replayed once",
                exit_code=EXIT_REFUSED,
                replay=_public(earlier),
            ) from None
        except PyMongoError as error:
            raise self.failure(error) from None

    def failure(self, error: Exception) -> Failure:
        return mongo_failure(
            error,
            self.cli.settings.database_name,
            "PARTNEROPS_CLI_DATABASE",
            self.cli.settings.mongo.url.get_secret_value(),
        )

    async def done(self, letter: str) -> None:
        await self.collection.update_one(
            {"_id": self.key(letter)},
            {"$set": {"status": "replayed", "replayed_at": datetime.now(UTC)}},
        )

    async def release(self, letter: str) -> None:
        await self.collection.delete_one({"_id": self.key(letter), "status": "claimed"})


def earlier_replay(claim: dict[str, Any]) -> str:
    """What the claim of an earlier replay says happened: replayed at `replayed_at` (the
    broker's acknowledgement), or only claimed at `claimed_at` (the publish was never
    confirmed: the CLI stopped in between, or it is under way right now)."""
    by = f" by {claim['by']}" if claim.get("by") else ""
    if claim.get("status") == "replayed" and claim.get("replayed_at"):
        return f"was already replayed at {_instant(claim['replayed_at'])}{by}"
    if claim.get("claimed_at"):
        return (
            f"was claimed for a replay at {_instant(claim['claimed_at'])}{by}, whose publish "
            "was not confirmed (under way, or the CLI stopped before the broker answered)"
        )
    return "is being replayed by another operator"


def _instant(value: Any) -> Any:
    return rfc3339(value) if isinstance(value, datetime) else value


def _public(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in doc.items() if k != "_id"}


def original_headers(record: Received, letter: str) -> list[tuple[str, bytes | None]]:
    """The original record's headers, as the dead letter kept them, plus the replay mark."""
    return [*original_headers_of(record), ("x-dlq-replay-of", letter.encode())]


async def listing(cli: Cli, topic: str | None, limit: int | None) -> list[dict[str, Any]]:
    from cli.kafka import Reader

    topics = [dlq_topic(topic)] if topic else [t.dlq for t in ALL_TOPICS]
    rows: list[dict[str, Any]] = []
    for name in topics:
        try:
            async with Reader(cli, [name], from_beginning=True) as reader:
                async for record in reader.until_end():
                    rows.append(describe(record, None))
        except Failure as failure:
            if topic is not None or failure.code != "unknown_topic":
                raise  # listing every topic skips those not created yet
    async with Replays(cli) as replays:
        done = await replays.of([r["id"] for r in rows])
    for r in rows:
        r["replay"] = done.get(r["id"])
    rows.sort(key=lambda r: r["failed_at"] or "")
    return rows[-limit:] if limit else rows


async def fetch(cli: Cli, letter: str) -> Received:
    from cli.kafka import read_one

    topic, partition, offset = parse_id(letter)
    record = await read_one(cli, topic, partition, offset)
    if record is None:
        raise Failure(
            "unknown_dead_letter", f"no dead letter {letter}", exit_code=EXIT_NOT_FOUND, id=letter
        )
    return record


async def replay(cli: Cli, letter: str) -> dict[str, Any]:
    from cli.kafka import producer

    record = await fetch(cli, letter)
    about = describe(record, None)
    if about["not_replayable_because"]:
        raise Failure(
            "not_replayable",
            f"{letter} cannot be replayed: {'; '.join(about['not_replayable_because'])}",
            exit_code=EXIT_REFUSED,
        )
    original = about["original_topic"]
    if not original:
        raise Failure("not_replayable", f"{letter} names no original topic", exit_code=EXIT_REFUSED)
    topic = cli.logical(original)
    async with Replays(cli) as replays:
        await replays.claim(letter, topic)
        try:
            async with producer(cli) as client:
                sent = await client.send_and_wait(
                    cli.physical(topic),
                    record.value,
                    key=record.key,
                    headers=original_headers(record, letter),
                )
        except BaseException:
            await replays.release(letter)
            raise
        await replays.done(letter)
    return {
        "replayed": letter,
        "topic": topic,
        "partition": sent.partition,
        "offset": sent.offset,
        "type": about["type"],
        "event_id": about["event_id"],
    }


@app.command(
    "list",
    epilog="Examples:\n\n  partnerops dlq list\n\n  partnerops dlq list porting.commands --json",
)
def list_(
    ctx: typer.Context,
    topic: Annotated[
        str | None,
        typer.Argument(
            help="A topic or its .dlq (default: every dead-letter topic)", callback=topic_check
        ),
    ] = None,
    limit: Annotated[
        int | None, typer.Option(min=1, max=1_000_000, help="Only the N latest")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON output")] = False,
) -> None:
    """Dead letters, oldest first: id, when, why, what, whether replayed."""
    rows = run(listing(cli_of(ctx), topic, limit))
    if as_json:
        emit_json({"dead_letters": rows})
        return
    view = Table(title=f"dead letters ({len(rows)})")
    for column in ("id", "failed at", "error", "type", "subject", "replayed"):
        view.add_column(column)
    for r in rows:
        cells = (
            r["id"],
            r["failed_at"],
            r["error_code"],
            r["type"] or "?",
            r["subject"],
            (r["replay"] or {}).get("status"),
        )
        view.add_row(*(escape(str(c or "")) for c in cells))
    console.print(view)


@app.command(epilog="Example:\n\n  partnerops dlq show support.commands.dlq:2:14")
def show(
    ctx: typer.Context,
    letter: Annotated[
        str,
        typer.Argument(metavar="ID", help="<topic>.dlq:<partition>:<offset>", callback=id_check),
    ],
    as_json: Annotated[bool, typer.Option("--json", help="JSON output")] = False,
) -> None:
    """One dead letter: its error reasons, original headers and value, replay status."""
    cli = cli_of(ctx)

    async def go() -> dict[str, Any]:
        record = await fetch(cli, letter)
        async with Replays(cli) as replays:
            done = await replays.of([letter])
        return describe(record, done.get(letter))

    about = run(go())
    if as_json:
        emit_json(about)
        return
    console.print(
        Panel(
            Pretty({k: v for k, v in about.items() if k != "value"}),
            title=f"dead letter {letter}",
            subtitle=about["error_code"] or "",
        )
    )
    console.print(Panel(Pretty(about["value"]), title="original value"))


@app.command(
    "replay",
    epilog="Example:\n\n  partnerops dlq replay support.commands.dlq:2:14\n\n"
    "A second replay of the same dead letter is refused (exit 4).",
)
def replay_(
    ctx: typer.Context,
    letter: Annotated[
        str,
        typer.Argument(metavar="ID", help="<topic>.dlq:<partition>:<offset>", callback=id_check),
    ],
    as_json: Annotated[bool, typer.Option("--json", help="JSON output")] = False,
) -> None:
    """Publish a dead letter's original record to its original topic again, once (after
    the fix that makes it go through)."""
    done = run(replay(cli_of(ctx), letter))
    if as_json:
        emit_json(done)
    else:
        console.print(
            f"[green]replayed[/green] {letter} to {done['topic']} "
            f"(partition {done['partition']}, offset {done['offset']})"
        )
