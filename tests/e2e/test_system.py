"""End to end: every service as its own process, driven only through Kafka."""

from __future__ import annotations

import re

import pytest

from deploy.demo.driver import run_id
from deploy.demo.system import available_services, play
from tests.servers import free_port

pytestmark = pytest.mark.e2e


async def test_the_main_scenario_plays_through_kafka_against_separate_service_processes(
    kafka_bootstrap, mongo_url, mail_catcher, monkeypatch, tmp_path, unique
):
    monkeypatch.setenv("PARTNEROPS_KAFKA__BOOTSTRAP_SERVERS", kafka_bootstrap)
    monkeypatch.setenv("PARTNEROPS_MONGO__URL", mongo_url)
    monkeypatch.setenv("PARTNEROPS_SMTP__HOST", mail_catcher.smtp_host)
    monkeypatch.setenv("PARTNEROPS_SMTP__PORT", str(mail_catcher.smtp_port))
    monkeypatch.setenv("PARTNEROPS_MAILPIT__URL", mail_catcher.url)
    ports = {name: free_port() for name in available_services()}
    lines = await play(kafka_bootstrap, run_id(), tmp_path, ports, prefix=unique("e2e") + ".")
    assert any("port date" in line and "22 working days" in line for line in lines), lines
    assert any(
        "late cancellation handled by the Provisioning team (level 0): not escalated" in line
        for line in lines
    ), lines
    assert any("ready to sell" in line for line in lines), lines
    assert any("co-administrator" in line for line in lines), lines
    assert any("refused (customer_not_opted_in) and audited" in line for line in lines), lines
    assert any("replay of its id refused (command_id_reused)" in line for line in lines), lines
    assert any("refused (paid_plan_through_estore)" in line for line in lines), lines
    assert any("ready for users" in line for line in lines), lines
    assert any("objective met = True; linked to incident" in line for line in lines), lines
    # The S3 escalates on while the later scenarios move the clock: the summary tells every
    # level it reached by the end (level 3 two hours after the breach), not only level 2.
    assert any(
        "breached" in line
        and "escalated 3 times after the response breached: level 1 (duty manager)" in line
        and "level 3 (head of support)" in line
        for line in lines
    ), lines
    # The S1 and the S4 raised to S2 escalate when their status updates are missed.
    for ticket in ("S1 ", "S4 "):
        assert any(
            line.startswith(ticket) and "after a status update was missed: level 1" in line
            for line in lines
        ), lines
    assert any("raised to S2" in line and "waited on the partner 3 h" in line for line in lines)
    assert any("port_accepted" in line and "maintenance_reminder" in line for line in lines), lines
    assert any(f"Mailpit web UI: {mail_catcher.url}" in line for line in lines), lines
    mails = [line for line in lines if re.match(r"^\S+Z mail to ", line)]
    instants = [line.split(" ", 1)[0] for line in mails]
    assert instants == sorted(instants), mails  # in delivery order
    assert any("[de]" in line and "ops-desk-" in line for line in mails), lines
    assert mails and not any("(not in the catcher)" in line for line in mails), mails
    assert any(f"read them in the Mailpit web UI: {mail_catcher.url}" in line for line in lines)
    assert sum("Mailpit web UI" in line for line in lines) == 1, lines
    assert lines[-1].endswith("stopped cleanly on SIGTERM (exit code 0)"), lines
