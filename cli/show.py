"""`partnerops show port-request|ticket|group|contacts`: one aggregate as its owning
service stored it, read-only from that service's Mongo database (no service has a query
API over HTTP). Secrets (password hashes, PINs) are masked as in the logs.

The database is the service's own (`<NAME>_DATABASE`, else the service's name, as the
service reads it; `--database` overrides); the collection and the `_id` are the service's
(`services.<name>.adapters`).
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

import typer
from rich.panel import Panel
from rich.pretty import Pretty
from rich.table import Table

from cli.context import (
    EXIT_INVALID,
    EXIT_NOT_FOUND,
    Cli,
    Failure,
    cli_of,
    console,
    emit_json,
    escape,
    mongo_failure,
    rfc3339,
    run,
)
from cli.options import database as database_check
from cli.options import database_problem, identifier
from shared.settings import ServiceSettings, service_settings_config

app = typer.Typer(
    help="Show a port request, a ticket, a group or a partner's contacts.", no_args_is_help=True
)

TICKET_NUMBER = re.compile(r"^NA\d{8}$")


@dataclass(frozen=True)
class Kind:
    """Where one aggregate type lives: the service, and the module constant naming the
    collection (read when needed: importing a service's adapters takes a while)."""

    name: str
    service: str
    module: str
    constant: str

    @property
    def collection(self) -> str:
        return str(getattr(importlib.import_module(self.module), self.constant))


PORT = Kind("port request", "porting", "services.porting.adapters.repository", "PORTS")
TICKET = Kind("ticket", "support", "services.support.adapters.documents", "TICKETS")
GROUP = Kind("group", "onboarding", "services.onboarding.adapters.admin_group_documents", "GROUPS")
CONTACT_BOOK = Kind(
    "contacts", "notifications", "services.notifications.adapters.repositories", "CONTACTS"
)


def database_of(service: str, given: str | None) -> str:
    """The service's database as the service names it: `<NAME>_DATABASE`, else
    `PARTNEROPS_DATABASE`, else the service's name (`ServiceSettings.database_name`, read
    with the service's prefix but without the rest of its settings, some of which — keys,
    passwords — an operator's shell need not have)."""
    if given:
        return given
    settings = settings_of(service)
    name = str(settings.database_name)
    problem = database_problem(name)
    if problem:
        variable = f"{service.upper()}_DATABASE"
        raise Failure(
            "invalid_database",
            f"{name!r} ({variable} or PARTNEROPS_DATABASE) is no database name: {problem}",
            [{"field": variable, "code": "invalid_database", "message": problem}],
            EXIT_INVALID,
            database=name,
            parameter=variable,
        )
    return name


def settings_of(service: str) -> ServiceSettings:
    """A service's common settings, read with its prefix."""
    return type(
        "Settings",
        (ServiceSettings,),
        {
            "SERVICE": service,
            "model_config": service_settings_config(f"{service.upper()}_"),
            "__module__": __name__,
        },
    )()


def view_of(doc: dict[str, Any], kind: Kind) -> dict[str, Any]:
    """What is shown of a stored document: the state (unwrapped, secrets masked) and the
    store's bookkeeping: `version` is the stored version (`shared.store`: one per stored
    change, what a write is checked against) — an aggregate's own count inside its state
    (porting's `state.version` counts status changes) may differ and is left as stored —,
    pending timers, unpublished events."""
    from shared.logging import redact_secrets
    from shared.store import unescape_keys

    state = unescape_keys(doc.get("state") or {})
    if len(state) == 1 and isinstance(next(iter(state.values())), dict):
        state = next(iter(state.values()))
    state, _ = redact_secrets(state)
    return {
        "kind": kind.name,
        "id": str(doc["_id"]),
        "service": kind.service,
        "version": doc.get("version"),
        "state": state,
        "timers": [
            {"kind": t.get("kind"), "due_at": t.get("due_at")} for t in doc.get("timers") or []
        ],
        "unpublished_events": len(doc.get("outbox") or []),
    }


async def find(cli: Cli, kind: Kind, key: str, database: str | None) -> dict[str, Any]:
    from pymongo import AsyncMongoClient
    from pymongo.errors import PyMongoError

    from shared.store import EXISTING

    url = cli.settings.mongo.url.get_secret_value()
    name = database_of(kind.service, database)
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
        url, tz_aware=True, serverSelectionTimeoutMS=cli.settings.mongo.server_selection_timeout_ms
    )
    try:
        collection = client[name][kind.collection]
        doc = await collection.find_one({"_id": key, **EXISTING})  # not a refusal record
        if doc is None and kind is TICKET and TICKET_NUMBER.match(key):
            doc = await collection.find_one({"state.ticket_number": key})  # a scan: rare
    except PyMongoError as error:
        field = "--database" if database else f"{kind.service.upper()}_DATABASE"
        raise mongo_failure(error, name, field, url) from None
    finally:
        await client.close()
    if doc is None:
        raise Failure(
            f"unknown_{kind.name.replace(' ', '_')}",
            f"no {kind.name} {key} in {name}.{kind.collection}",
            exit_code=EXIT_NOT_FOUND,
            id=key,
            database=name,
        )
    return view_of(doc, kind)


def _text(value: Any) -> str:
    return rfc3339(value) if isinstance(value, datetime) else str(value)


def render(view: dict[str, Any]) -> None:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold")
    table.add_column()
    for field, value in view["state"].items():
        if field == "version":
            field = "version (its own count)"  # not the stored version in the subtitle
        if isinstance(value, dict | list):
            table.add_row(escape(field), Pretty(value, max_length=20))
        else:
            table.add_row(escape(field), escape(_text(value)))
    for timer in view["timers"]:
        table.add_row("[dim]timer[/dim]", escape(f"{timer['kind']} due {_text(timer['due_at'])}"))
    console.print(
        Panel(
            table,
            title=escape(f"{view['kind']} {view['id']}"),
            subtitle=f"{view['service']} · stored version {view['version']}",
        )
    )


def _show(ctx: typer.Context, kind: Kind, key: str, database: str | None, as_json: bool) -> None:
    view = run(find(cli_of(ctx), kind, key, database))
    if as_json:
        emit_json(view)
    else:
        render(view)


DatabaseOpt = Annotated[
    str | None,
    typer.Option(
        help="The service's database (default: as the service names it)",
        callback=database_check,
    ),
]
IdArg = Annotated[str, typer.Argument(callback=identifier)]
JsonOpt = Annotated[bool, typer.Option("--json", help="JSON output")]


@app.command("port-request", epilog="Example:\n\n  partnerops show port-request 01J9ZX... --json")
def port_request(
    ctx: typer.Context, port_id: IdArg, database: DatabaseOpt = None, as_json: JsonOpt = False
) -> None:
    """A port request by its port id (porting's `ports` collection)."""
    _show(ctx, PORT, port_id, database, as_json)


@app.command(
    epilog="Examples:\n\n  partnerops show ticket NA00000042\n\n"
    "  partnerops show ticket 01J9ZX... --json"
)
def ticket(
    ctx: typer.Context,
    ticket: Annotated[
        str, typer.Argument(help="Ticket id or number (NA + 8 digits)", callback=identifier)
    ],
    database: DatabaseOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """A support ticket by its id or its number."""
    _show(ctx, TICKET, ticket, database, as_json)


@app.command(epilog="Example:\n\n  partnerops show group grp-london-1")
def group(
    ctx: typer.Context, group_id: IdArg, database: DatabaseOpt = None, as_json: JsonOpt = False
) -> None:
    """A customer group by its group id (onboarding; admin password hashes masked)."""
    _show(ctx, GROUP, group_id, database, as_json)


@app.command(epilog="Example:\n\n  partnerops show contacts P-100 --json")
def contacts(
    ctx: typer.Context, partner_id: IdArg, database: DatabaseOpt = None, as_json: JsonOpt = False
) -> None:
    """A partner's contacts per alert category, region and language (notifications)."""
    _show(ctx, CONTACT_BOOK, partner_id, database, as_json)
