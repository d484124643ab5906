"""The `partnerops` command: root options and the verbs (see `cli/__init__.py`)."""

from __future__ import annotations

import contextlib
import sys
from typing import Annotated

import typer

from cli import dlq, report, servers, services, show
from cli.context import as_failure, build, fail
from cli.publish import EXAMPLE as PUBLISH_EXAMPLE
from cli.publish import publish
from cli.tail import EXAMPLE as TAIL_EXAMPLE
from cli.tail import tail
from shared.logging import configure_logging

app = typer.Typer(
    name="partnerops",
    help="Operate partnerops: local servers, service processes, messages, dead letters, "
    "reports. Settings come from the services' environment variables "
    "(PARTNEROPS_KAFKA__BOOTSTRAP_SERVERS, PARTNEROPS_MONGO__URL, "
    "PARTNEROPS_KAFKA__TOPIC_PREFIX, ...); the options below override them.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    epilog="Example: partnerops --topic-prefix demo-1. tail support.events --json",
)
app.add_typer(servers.app, name="servers")
app.add_typer(services.app, name="services")
app.command(epilog=PUBLISH_EXAMPLE)(publish)
app.command(epilog=TAIL_EXAMPLE)(tail)
app.add_typer(show.app, name="show")
app.add_typer(dlq.app, name="dlq")
app.add_typer(report.app, name="report")


@app.callback()
def root(
    ctx: typer.Context,
    bootstrap_servers: Annotated[
        str | None,
        typer.Option(help="Kafka bootstrap servers (PARTNEROPS_KAFKA__BOOTSTRAP_SERVERS)"),
    ] = None,
    mongo_url: Annotated[str | None, typer.Option(help="Mongo URL (PARTNEROPS_MONGO__URL)")] = None,
    topic_prefix: Annotated[
        str | None, typer.Option(help="Topic namespace (PARTNEROPS_KAFKA__TOPIC_PREFIX)")
    ] = None,
) -> None:
    """Root options, applied to every verb."""
    cli = build(bootstrap_servers, mongo_url, topic_prefix)
    # The plumbing's logs go to stderr, warnings only: stdout is for the verbs' output.
    configure_logging("partnerops-cli", cli.settings.log_format, "WARNING")
    ctx.obj = cli


def main() -> None:
    """The installed entry point: an error no verb reported is still told as one JSON
    object on stderr (`as_failure`), never as a traceback."""
    try:
        app()
    except Exception as error:
        with contextlib.suppress(typer.Exit):
            fail(as_failure(error))
        sys.exit(as_failure(error).exit_code)
