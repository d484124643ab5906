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


@pytest.mark.unit
def test_a_tickets_escalation_is_told_as_it_stands_when_the_summary_is_written():
    ticket = event("support.ticket.opened", "tk-1")
    driver: Any = SimpleNamespace(seen=[ticket])
    line = lambda: f"S3: {escalation(driver, ticket)}"  # noqa: E731 (as the scenario does)
    for level, name in ((1, "duty manager"), (2, "support manager")):
        driver.seen.append(event("support.ticket.escalated", "tk-1", level=level, level_name=name))
    lines = [line]
    # A later scenario moves the clock on: the ticket reaches level 3 before the summary.
    driver.seen.append(
        event("support.ticket.escalated", "tk-1", level=3, level_name="head of support")
    )
    driver.seen.append(
        event("support.ticket.escalated", "tk-2", level=9, level_name="another ticket")
    )
    assert resolved([*lines, "plain"]) == [
        "S3: escalated to level 3 (head of support) by the end",
        "plain",
    ]


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

    from deploy.demo.driver import default_line, rfc3339

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
def test_a_late_cancellation_at_level_0_is_not_escalated():
    from deploy.demo.scenario_porting import escalation_text

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
