"""The demonstration's summary: mails in the order they were delivered, the Mailpit web
UI named once, a ticket's escalation as it stands at the end (later scenarios move the
clock on), and the services it leaves running in a session of their own."""

from __future__ import annotations

import asyncio
import os
import signal
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest

from deploy.demo.driver import resolved
from deploy.demo.mail_report import mail_lines, mail_rows
from deploy.demo.scenario_support import escalation
from shared.events import Envelope
from tests.servers import free_port

START = datetime(2030, 12, 2, 8, 0, tzinfo=UTC)


def event(kind: str, subject: str, **data: Any) -> Envelope:
    return Envelope(
        id=f"e-{kind}-{len(str(data))}-{subject}",
        source="/t",
        type=kind,
        subject=subject,
        data=data,
    )


def delivered(minutes: int, recipient: str, template: str) -> Envelope:
    return event(
        "notifications.mail.delivered",
        recipient,
        delivery_id=f"d-{minutes}-{recipient}",
        event_id=f"x-{minutes}",
        event_type="porting.port.accepted",
        template=template,
        recipient=recipient,
        audience="partner",
        language="de",
        partner_id="P-EXAMPLE" if recipient.startswith("z") else "A-EXAMPLE",
        message_id=f"m-{minutes}@example.com",
        attempts=1,
        occurred_at=(START + timedelta(minutes=minutes)).isoformat(),
        smtp_response="250 OK",
    )


@pytest.mark.unit
def test_mails_are_listed_in_delivery_order_and_mailpit_is_named_once():
    seen = [
        delivered(30, "a@example.com", "maintenance_reminder"),
        delivered(10, "z@example.com", "port_accepted"),
        delivered(20, "a@example.com", "maintenance_notice"),
    ]
    ui = f"http://127.0.0.1:{free_port()}"  # nothing answers: subjects unknown
    rows = asyncio.run(mail_rows(seen, ui))
    assert [r.template for r in rows] == [
        "port_accepted",
        "maintenance_notice",
        "maintenance_reminder",
    ]
    assert rows[0].delivered_at == "2030-12-02T08:10:00Z"
    lines = mail_lines(rows, ui)
    assert sum("Mailpit" in line for line in lines) == 1
    assert lines[1].startswith("2030-12-02T08:10:00Z mail to P-EXAMPLE <z@example.com>")


def escalated(ticket: str, level: int, name: str, minutes: float, **data: Any) -> Envelope:
    reached = (START + timedelta(minutes=minutes)).isoformat()
    values = {"cause": "response_breached", "round": 1, "reached_at": reached, **data}
    return event("support.ticket.escalated", ticket, level=level, level_name=name, **values)


@pytest.mark.unit
def test_a_tickets_escalations_are_told_as_they_happened_when_the_summary_is_written():
    ticket = event("support.ticket.opened", "tk-1")
    driver: Any = SimpleNamespace(seen=[ticket])
    line = lambda: f"S3: {escalation(driver, ticket)}"  # noqa: E731 (as the scenario does)
    driver.seen += [escalated("tk-1", 1, "duty manager", 0.001), escalated("tk-1", 2, "sm", 30)]
    lines = [line]
    # A later scenario moves the clock on: the ticket reaches level 3 before the summary.
    driver.seen.append(escalated("tk-1", 3, "head of support", 120))
    driver.seen.append(escalated("tk-1", 3, "head of support", 120))  # redelivered
    driver.seen.append(escalated("tk-2", 9, "another ticket", 5))
    assert resolved([*lines, "plain"]) == [
        "S3: escalated 3 times after the response breached: "
        "level 1 (duty manager) 2030-12-02T08:00:00Z, level 2 (sm) 2030-12-02T08:30:00Z, "
        "level 3 (head of support) 2030-12-02T10:00:00Z",
        "plain",
    ]


@pytest.mark.unit
def test_escalations_of_one_ticket_are_grouped_by_what_set_them_off():
    """The S1 and the S4 (raised to S2) of the demonstration escalated three times each
    after a missed status update; the summary once left that out."""
    ticket = event("support.ticket.opened", "tk-1")
    missed = {"cause": "status_update_missed", "round": 2}
    driver: Any = SimpleNamespace(
        seen=[
            escalated("tk-1", 2, "support manager", 90, **missed),  # seen out of order
            escalated("tk-1", 1, "duty manager", 10),
            escalated("tk-1", 1, "duty manager", 60, **missed),
        ]
    )
    assert escalation(driver, ticket) == (
        "escalated 3 times after the response breached: level 1 (duty manager) "
        "2030-12-02T08:10:00Z; after a status update was missed: level 1 (duty manager) "
        "2030-12-02T09:00:00Z, level 2 (support manager) 2030-12-02T09:30:00Z"
    )
    driver.seen = [escalated("tk-1", 1, "duty manager", 10)]
    assert escalation(driver, ticket).startswith("escalated once after the response breached")


@pytest.mark.integration
@pytest.mark.parametrize("detached", [True, False])
def test_services_left_running_are_in_a_session_of_their_own(tmp_path, detached):
    from deploy.demo import processes

    async def started() -> tuple[int, int]:
        service = await processes.start_service(
            "support", free_port(), "t", tmp_path, detached=detached
        )
        try:
            return service.process.pid, os.getsid(service.process.pid)
        finally:
            service.process.send_signal(signal.SIGKILL)
            await service.process.wait()

    pid, session = asyncio.run(started())
    if detached:
        assert session == pid  # its own session: the terminal's SIGHUP does not reach it
    else:
        assert session == os.getsid(0)


@pytest.mark.unit
def test_mailpit_is_named_only_when_it_stays_up():
    """The summary once named Mailpit's web UI of a Mailpit `demo.sh` stopped right after."""
    rows = asyncio.run(mail_rows([delivered(10, "z@example.com", "port_accepted")], "http://x"))
    kept = mail_lines(rows, "http://127.0.0.1:38025", mailpit_stays=True)
    assert "http://127.0.0.1:38025" in kept[0]
    stopped = mail_lines(rows, "http://127.0.0.1:38025", mailpit_stays=False)
    assert not any("38025" in line for line in stopped)
    assert "Mailpit is stopped at the end of this run" in stopped[0]
    assert "stopped" in mail_lines([], "http://x", mailpit_stays=False)[0]


@pytest.mark.unit
def test_demo_sh_tells_which_servers_it_stops(monkeypatch):
    from deploy.demo.__main__ import mailpit_stays

    monkeypatch.setenv("PARTNEROPS_DEMO_STOPS_SERVERS", "kafka mailpit")
    assert not mailpit_stays(keep_running=False)
    assert mailpit_stays(keep_running=True)
    monkeypatch.setenv("PARTNEROPS_DEMO_STOPS_SERVERS", "kafka")
    assert mailpit_stays(keep_running=False)
    monkeypatch.delenv("PARTNEROPS_DEMO_STOPS_SERVERS")
    assert mailpit_stays(keep_running=False)  # run directly: no server is stopped


@pytest.mark.unit
def test_every_instant_the_demo_prints_is_rfc3339_utc():
    from zoneinfo import ZoneInfo

    from deploy.demo.display import default_line, rfc3339

    london = datetime(2030, 12, 2, 8, 0, tzinfo=ZoneInfo("Europe/London"))
    berlin = datetime(2030, 12, 2, 9, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    assert rfc3339(london) == rfc3339(berlin) == "2030-12-02T08:00:00Z"
    assert rfc3339("2030-12-02T10:00:00+02:00") == "2030-12-02T08:00:00Z"
    assert rfc3339("2030-12-24") == "2030-12-24"  # a date stays a date
    assert rfc3339("P-100") == "P-100"
    line = default_line(event("x.y", "s", due_at="2030-12-02T09:00:00+01:00", day="2030-12-24"))
    assert line is not None
    assert "due_at=2030-12-02T08:00:00Z" in line and "+01:00" not in line


@pytest.mark.unit
def test_instants_are_shown_in_whole_seconds_and_durations_in_hours_and_minutes():
    """A breach one millisecond after its due instant was printed `…09:10:00.001000Z`
    among `…Z` instants without fractions."""
    from deploy.demo.display import rfc3339, span

    assert rfc3339("2031-01-14T09:10:00.001000+00:00") == "2031-01-14T09:10:00Z"
    assert rfc3339(datetime(2031, 1, 14, 9, 10, 59, 999999, tzinfo=UTC)) == "2031-01-14T09:10:59Z"
    assert [span(s) for s in (45, 600, 3 * 3600, 1470 * 60, 3599.9)] == [
        "45 s",
        "10 min",
        "3 h",
        "24 h 30 min",
        "1 h",
    ]


@pytest.mark.unit
def test_an_event_line_hides_nothing_a_reader_needs():
    """Lines were cut at 220 characters: a late cancellation's escalation (level 0, not
    escalated) and a ticket escalation's level fell off the end."""
    from deploy.demo.display import EventLines

    lines = EventLines()
    ticket = {
        "ticket_id": "TKT-1",
        "ticket_number": "NA00000001",
        "partner_id": "P-EXAMPLE",
        "tenant_id": "T-EXAMPLE",
        "customer_name": "Example Bakery GmbH",
        "title": "No user of the customer can place or receive calls. " * 4,
        "severity": "S1",
        "time_zone": "Europe/Berlin",
    }
    opened = lines(event("support.ticket.opened", "TKT-1", **ticket, version=1))
    assert opened is not None and "customer_name=Example Bakery GmbH" in opened
    assert "title=No user" in opened and "..." in opened  # a long value is shortened
    up = lines(
        event(
            "support.ticket.escalated",
            "TKT-1",
            **ticket,
            version=2,
            cause="status_update_missed",
            level=1,
            level_name="duty manager",
            delivery_id="0123456789abcdef0123456789abcdef",
        )
    )
    assert up is not None
    assert "ticket_id=TKT-1, ticket_number=NA00000001, severity=S1, version=2" in up
    assert "level=1, level_name=duty manager" in up
    assert up.index("level_name") < up.index("delivery_id=")  # opaque ids after the facts
    assert "customer_name" not in up and "(+5 unchanged)" in up

    cancelled = {
        "partner_id": "P-EXAMPLE",
        "port_id": "PRT-1",
        "cancelled_by": "Oldline Telecom Ltd",
        "reason": "customer contract dispute",
        "reported_at": "2031-01-12T06:00:00.250000+00:00",
        "cutoff": "2031-01-11T00:00:00+00:00",
        "port_date": "2031-01-13",
        "escalation_level": 0,
        "escalation_role": "Provisioning team",
        "escalation_email": "provisioning@vendor.example.com",
    }
    late = lines(event("porting.port.late_cancellation_recorded", "PRT-1", **cancelled))
    assert late is not None
    assert "handled by the Provisioning team (level 0): not escalated; " in late
    assert "escalation_email=provisioning@vendor.example.com" in late
    assert "reported_at=2031-01-12T06:00:00Z" in late


@pytest.mark.unit
def test_output_without_a_terminal_is_never_hard_wrapped():
    """Without a terminal rich wrapped a service's ready line at 80 columns, splitting its
    log path; tables and panels still wrap inside their cells."""
    import io

    from rich.panel import Panel

    from shared.console import plain_console

    out = io.StringIO()
    console = plain_console(file=out, width=60)
    ready = "  ✓ onboarding ready (pid 1, http :1, log " + "/a/long/path" * 20 + "/onboarding.log)"
    console.print(ready)
    console.print(Panel("word " * 40))
    printed = out.getvalue().splitlines()
    assert printed[0] == ready
    assert all(len(line) <= 60 for line in printed[1:]) and len(printed) > 4
    assert sum(line.count("word") for line in printed) == 40  # nothing cropped


@pytest.mark.unit
def test_every_rich_console_is_a_plain_console():
    """The demonstration, the operator CLI and the fault run print through
    `shared.console.plain_console`; a bare `Console(` would wrap again without a tty."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    made = [
        str(path.relative_to(root))
        for folder in ("cli", "deploy", "services", "shared", "tests", "tools")
        for path in (root / folder).rglob("*.py")
        if path != Path(__file__).resolve()
        and re.search(r"(?<![A-Za-z_])Console\(", path.read_text())
    ]
    assert made == []
    from cli import context
    from deploy.demo import driver, processes
    from shared.console import PlainConsole
    from tests.faults import __main__ as faults

    for console in (driver.console, processes.console, context.console, context.errors):
        assert isinstance(console, PlainConsole)
    assert isinstance(faults.console, PlainConsole)


@pytest.mark.unit
def test_the_admin_scenario_registers_its_partners_before_naming_them():
    """P-SUNRISE and P-DIST-A were registered after orders and a port named them."""
    import inspect

    from deploy.demo import scenario_onboarding_admin

    source = inspect.getsource(scenario_onboarding_admin.run)
    steps = [source.index(f'step("{title}') for title in ("Vendor operations", "Orders")]
    for partner in ("distributor", "reseller"):
        assert steps[0] < source.index(f"_registration({partner}") < steps[1], partner
    assert "_registration(" not in inspect.getsource(scenario_onboarding_admin._group_from_a_port)


@pytest.mark.unit
def test_a_late_cancellation_at_level_0_is_not_escalated():
    from deploy.demo.display import escalation_text

    assert escalation_text(0, "provisioning team") == (
        "handled by the provisioning team (level 0): not escalated"
    )
    assert escalation_text(2, "manager") == "escalated to level 2 (manager)"
    ticket = event("support.ticket.opened", "tk-1")
    driver: Any = SimpleNamespace(seen=[ticket])
    assert escalation(driver, ticket) == "not escalated"


@pytest.mark.unit
def test_every_scenario_takes_the_runs_id():
    """Onboarding's partner scenario drew a second run suffix of its own."""
    import importlib
    import inspect

    from deploy.demo.system import SCENARIOS

    for _, name in SCENARIOS:
        run = importlib.import_module(name).run
        assert len(inspect.signature(run).parameters) == 2, name


def test_a_kept_running_demo_tells_how_to_point_the_cli_at_it():
    from deploy.demo.__main__ import cli_environment

    lines = cli_environment("ab12cd")
    assert "export PARTNEROPS_KAFKA__TOPIC_PREFIX=demo-ab12cd." in lines[1]
    for service in ("onboarding", "porting", "support", "notifications"):
        assert f"{service.upper()}_DATABASE=demo_ab12cd_{service}" in lines[1]
