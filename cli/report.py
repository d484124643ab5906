"""`partnerops report sla --partner P --period YYYY-MM`: the response-objective report
(share of S3/S4 tickets acknowledged in time, spec/domain.md §4), asked of the support
service as its own query does it: `support.response_report.request` published on
`support.commands`, answered by `support.response_report.answered` (caused by it).

The CLI asks as the vendor's support centre (role `vendor_support`, no partner; user
`PARTNEROPS_CLI_OPERATOR`, default `operator:$USER`), which may see any partner's line.
The period is the calendar month in UTC: [first day 00:00, first day of next month).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Any

import typer
from rich.table import Table

from cli.context import (
    EXIT_FAILED,
    EXIT_INVALID,
    EXIT_REFUSED,
    Failure,
    cli_of,
    console,
    emit_json,
    escape,
    run,
    setting,
)
from cli.options import MAX_ID, MAX_SECONDS, identifier, seconds, shown
from cli.publish import publish_and_wait
from shared.topics import SUPPORT_COMMANDS

app = typer.Typer(help="Reports.", no_args_is_help=True)

_PERIOD = re.compile(r"^([0-9]{4})-([0-9]{2})$")
FIRST_YEAR, LAST_YEAR = 2000, 2100
"""The years a period may fall in: tickets exist only from the system's start, and a year
far ahead is a typing error (3030 for 2030); the end of 9999-12 is no date at all."""


def period_problem(period: str) -> str | None:
    """What is wrong with a `--period` (None when it is a month in range): not ASCII
    (full-width digits), not `YYYY-MM`, a month not 01-12, a year outside
    `FIRST_YEAR`-`LAST_YEAR`."""
    if not period.isascii():
        return f"{shown(period)}: only ASCII digits and '-', as YYYY-MM (e.g. 2030-12)"
    found = _PERIOD.match(period)
    if not found:
        return (
            f"{shown(period)}: expected YYYY-MM, a 4-digit year and a 2-digit month (e.g. 2030-12)"
        )
    year, number = int(found[1]), int(found[2])
    if not 1 <= number <= 12:
        return f"{shown(period)}: month {found[2]} is not 01-12"
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return f"{shown(period)}: year {year} is outside {FIRST_YEAR}-{LAST_YEAR}"
    return None


def period_check(ctx: Any, param: Any, value: str | None) -> str | None:
    """`--period`: a usage error saying what is wrong (`period_problem`)."""
    if value is not None and (problem := period_problem(value)):
        raise typer.BadParameter(problem, ctx=ctx, param=param)
    return value


def month(period: str) -> tuple[datetime, datetime]:
    """[start, end) of a `YYYY-MM` month in UTC (raises an `invalid_period` `Failure`,
    exit 2, saying what is wrong: `period_problem`)."""
    problem = period_problem(period)
    if problem:
        raise Failure(
            "invalid_period",
            problem,
            [{"field": "--period", "code": "invalid_period", "message": problem}],
            exit_code=EXIT_INVALID,
            parameter="--period",
        )
    year, number = int(period[:4]), int(period[5:])
    start = datetime(year, number, 1, tzinfo=UTC)
    end = datetime(year + number // 12, number % 12 + 1, 1, tzinfo=UTC)
    return start, end


def render(answer: dict[str, Any]) -> None:
    target = answer["target"]
    view = Table(
        title=f"response objective {answer['period_start'][:10]} – "
        f"{answer['period_end'][:10]} (target {target:.0%}, as of {answer['as_of']})"
    )
    for column in ("partner", "severity", "met", "missed", "pending", "share met", "meets target"):
        view.add_column(column)
    for line in answer["lines"]:
        groups = [("S3+S4", line["total"]), *sorted(line["by_severity"].items())]
        for severity, tally in groups:
            share = tally["share_met"]
            view.add_row(
                escape(line["partner_id"]),
                severity,
                str(tally["met"]),
                str(tally["missed"]),
                str(tally["pending"]),
                "–" if share is None else f"{share:.1%}",
                ("[green]yes[/]" if line["meets_target"] else "[red]no[/]")
                if severity == "S3+S4"
                else "",
            )
        if line["missed_tickets"]:
            view.add_row("", "missed", escape(", ".join(line["missed_tickets"])), "", "", "", "")
    if not answer["lines"]:
        view.add_row("–", "no S3/S4 tickets in the period", "", "", "", "", "")
    console.print(view)


@app.command(
    epilog="Examples:\n\n  partnerops report sla --partner P-100 --period 2030-12\n\n"
    "  partnerops report sla --partner P-100 --period 2030-12 --json"
)
def sla(
    ctx: typer.Context,
    partner: Annotated[
        str, typer.Option(help="The partner id (at most 200 characters)", callback=identifier)
    ],
    period: Annotated[
        str,
        typer.Option(
            help=f"The month, YYYY-MM in ASCII digits (UTC), years {FIRST_YEAR}-{LAST_YEAR}",
            callback=period_check,
        ),
    ],
    timeout: Annotated[
        float,
        typer.Option(
            callback=seconds(0.1, MAX_SECONDS),
            help="Seconds to wait for support's answer (0.1-3600)",
        ),
    ] = 30.0,
    as_json: Annotated[bool, typer.Option("--json", help="JSON output")] = False,
) -> None:
    """The share of a partner's S3/S4 tickets acknowledged in time in a month, against
    the response objective, asked of the running support service."""
    cli = cli_of(ctx)

    async def go() -> dict[str, Any]:
        from cli.messages import wrap
        from shared.actor import Actor
        from shared.contracts import support as c
        from shared.ids import new_id

        start, end = month(period)
        operator = setting(cli, "operator", MAX_ID)
        source = setting(cli, "source", MAX_ID)
        query = c.RequestResponseReport(
            request_id=f"cli-report-{new_id().lower()}",
            actor=Actor(user_id=operator, roles=("vendor_support",)),
            period_start=start,
            period_end=end,
            partner_id=partner,
        )
        envelope = wrap(query, {"subject": query.request_id}, source, datetime.now(UTC))
        outcome = await publish_and_wait(cli, SUPPORT_COMMANDS.name, envelope, True, timeout)
        if outcome is None:
            raise Failure(
                "no_answer",
                f"support did not answer within {timeout:g} s (is it "
                "running with the same topic prefix?)",
                exit_code=EXIT_FAILED,
            )
        if outcome.type != c.ResponseReportAnsweredV1.EVENT_TYPE:
            raise Failure(
                "report_refused",
                f"support answered {outcome.type}",
                outcome.data.get("reasons"),
                exit_code=EXIT_REFUSED,
                refusal=outcome.data.get("code"),
            )
        return c.ResponseReportAnsweredV1.model_validate(outcome.data).model_dump(mode="json")

    answer = run(go())
    if as_json:
        emit_json(answer)
    else:
        render(answer)
