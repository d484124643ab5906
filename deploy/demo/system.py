"""The whole system as separate processes, and the scenarios played against it."""

from __future__ import annotations

import importlib
import inspect
import os
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from deploy.demo import processes
from deploy.demo.display import rfc3339
from deploy.demo.driver import STEPS, Driver, Line, console, resolved
from deploy.demo.mail_report import mail_lines, mail_rows
from shared.kafka import ensure_topics
from shared.settings import KafkaSettings
from shared.topics import ALL_TOPICS

DEMO_START = datetime(2030, 12, 2, 8, 0, tzinfo=ZoneInfo("Europe/London"))
"""Where the demonstration's clock starts unless `PARTNEROPS_DEMO_START` (RFC 3339) says
otherwise: a Monday before Christmas, so port dates visibly skip bank holidays. The
scenario never reads today's date: every instant follows from this start."""

SERVICES = ("onboarding", "porting", "notifications", "support")
SCENARIOS = [
    ("onboarding", "deploy.demo.scenario_onboarding_partners"),
    ("porting", "deploy.demo.scenario_porting"),
    ("onboarding", "deploy.demo.scenario_onboarding_admin"),
    ("support", "deploy.demo.scenario_support"),
    ("notifications", "deploy.demo.scenario_notifications"),
]


def available_services() -> list[str]:
    """The services that exist in this checkout (the system grows as they arrive)."""
    return [n for n in SERVICES if (processes.ROOT / "services" / n / "__main__.py").exists()]


async def play(
    bootstrap: str,
    run: str,
    log_dir: Path,
    ports: Mapping[str, int],
    prefix: str,
    start: datetime = DEMO_START,
    keep_running: bool = False,
    mailpit_url: str | None = None,
    mailpit_stays: bool = True,
) -> list[str]:
    """Start every service, wait until ready, play the scenarios, stop; returns a summary.

    The run has its own topic namespace `prefix` (so no earlier run's clock ticks or events
    interfere) and its own databases; its clock starts at `start`. The summary ends with
    every mail delivered (partner, address, language, subject as the catcher at
    `mailpit_url` holds it; default `PARTNEROPS_MAILPIT__URL`). With `keep_running` the
    services are left running after the scenarios (their pids in the last line); otherwise
    each is stopped with SIGTERM and must exit 0. `mailpit_stays` is whether Mailpit is
    still up after the run (`deploy.demo.__main__.mailpit_stays`): only then is its web UI
    named. Every instant printed is RFC 3339 in UTC (`driver.rfc3339`).
    """
    mailpit = mailpit_url or os.environ.get("PARTNEROPS_MAILPIT__URL", "http://127.0.0.1:38025")
    kafka = KafkaSettings(bootstrap_servers=bootstrap, topic_prefix=prefix)
    await ensure_topics(kafka, [t.name for t in ALL_TOPICS])
    names = available_services()
    console.print(
        f"[bold]partnerops demonstration[/bold] run {run} (topics {prefix}*, "
        f"clock starts {rfc3339(start)}): starting {', '.join(names)}"
    )
    env = {
        "PARTNEROPS_KAFKA__TOPIC_PREFIX": prefix,
        "PARTNEROPS_DEMO_CLOCK_START": start.isoformat(),
    }
    # With keep_running the services are meant to outlive this process and its terminal:
    # each in a session of its own (no SIGHUP when the terminal closes, no Ctrl-C).
    started = [
        await processes.start_service(n, ports[n], run, log_dir, env, detached=keep_running)
        for n in names
    ]
    lines: list[Line] = []
    try:
        for service in started:
            await processes.wait_ready(service)
        async with Driver(bootstrap, start, prefix=prefix) as driver:
            STEPS.start(len([s for s in SCENARIOS if s[0] in names]))
            for needs, module_name in SCENARIOS:
                if needs not in names:
                    continue
                STEPS.scenario(module_name.rsplit("scenario_", 1)[-1].replace("_", " "))
                try:
                    module = importlib.import_module(module_name)
                except ModuleNotFoundError as missing:
                    if missing.name != module_name:
                        raise
                    continue
                wants_run_id = len(inspect.signature(module.run).parameters) > 1
                lines += await (module.run(driver, run) if wants_run_id else module.run(driver))
                STEPS.done()
            STEPS.stop()
            rows = await mail_rows(driver.seen, mailpit)
            lines = [*resolved(lines), *mail_lines(rows, mailpit, mailpit_stays)]
    except BaseException:
        STEPS.stop()
        for service in started:
            await processes.stop_service(service)
        raise
    done = resolved(lines)
    if keep_running:
        pids = " ".join(str(s.process.pid) for s in started)
        return [
            *done,
            f"left running (--keep-running): {', '.join(names)}, pids {pids}; "
            f"stop them with `kill {pids}` (SIGTERM, graceful)",
        ]
    exits = {s.name: await processes.stop_service(s) for s in started}
    unclean = {name: code for name, code in exits.items() if code != 0}
    if unclean:
        raise RuntimeError(f"services did not stop cleanly on SIGTERM: {unclean}")
    return [*done, f"{', '.join(exits)} stopped cleanly on SIGTERM (exit code 0)"]
