"""The `partnerops` command: root options and the verbs (see `cli/__init__.py`)."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Sequence
from typing import Annotated, NoReturn

import typer

from cli import dlq, options, report, servers, services, show
from cli.context import (
    JSON_ONLY,
    Failure,
    FromEnvironment,
    as_failure,
    build,
    click,
    fail,
    json_requested,
    quiet_libraries,
    reported,
    root_problems,
    tidy,
    usage_failure,
)
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
        typer.Option(
            help="Kafka bootstrap servers, host:port[,host:port] "
            "(PARTNEROPS_KAFKA__BOOTSTRAP_SERVERS)",
            callback=options.bootstrap_servers,
        ),
    ] = None,
    mongo_url: Annotated[
        str | None,
        typer.Option(
            help="Mongo URL, mongodb://... (PARTNEROPS_MONGO__URL)", callback=options.mongo_url
        ),
    ] = None,
    topic_prefix: Annotated[
        str | None,
        typer.Option(
            help="Topic namespace: letters, digits, '.', '_', '-' (PARTNEROPS_KAFKA__TOPIC_PREFIX)",
            callback=options.topic_prefix,
        ),
    ] = None,
) -> None:
    """Root options, applied to every verb. A root option not given takes its environment
    variable's value, checked as the option is (`root_problems`): a bad one is the same
    usage error, naming the option and the variable."""
    with reported():
        cli = build(bootstrap_servers, mongo_url, topic_prefix)
    given = {"bootstrap_servers": bootstrap_servers, "mongo_url": mongo_url}
    given["topic_prefix"] = topic_prefix
    for name, variable, problem in root_problems(cli, given, ctx.invoked_subcommand):
        param = next(p for p in ctx.command.params if p.name == name)
        raise FromEnvironment(problem, variable, ctx, param)
    # The plumbing's logs go to stderr, warnings only: stdout is for the verbs' output;
    # under --json not even those (`quiet_libraries`, set up in `main`).
    configure_logging(
        "partnerops-cli", cli.settings.log_format, "CRITICAL" if JSON_ONLY["on"] else "WARNING"
    )
    ctx.obj = cli


def main(argv: Sequence[str] | None = None) -> NoReturn:
    """The installed entry point. Every failure is one JSON object on stderr, exit code
    as `cli.context` lists: a usage error (unknown option, bad value, missing argument)
    as `usage_error` with the offending parameter (`usage_failure`; without `--json`
    typer's own message comes first), an error no verb reported as `as_failure` — never a
    traceback. Under `--json` nothing else is printed (`quiet_libraries`)."""
    args = list(sys.argv[1:] if argv is None else argv)
    as_json = json_requested(args)
    if as_json:
        quiet_libraries()
    command = typer.main.get_command(app)
    try:
        code = command.main(args=args, prog_name="partnerops", standalone_mode=False)
    except click.NoArgsIsHelpError as error:
        error.show()
        sys.exit(error.exit_code)
    except click.ClickException as error:
        error.message = tidy(error.message)  # input echoed in it: cut, not-UTF-8 escaped
        if not as_json:
            from typer import rich_utils

            rich_utils.rich_format_error(error)
        failure = usage_failure(error)
        with contextlib.suppress(typer.Exit):
            fail(failure)
        sys.exit(failure.exit_code)
    except typer.Abort:
        sys.exit(1)
    except Exception as error:
        failure = error if isinstance(error, Failure) else as_failure(error)
        with contextlib.suppress(typer.Exit):
            fail(failure)
        sys.exit(failure.exit_code)
    sys.exit(code if isinstance(code, int) else 0)
