"""`python -m deploy.demo`: start every service as its own process and play the scenario.

The servers (Kafka, the Mongo-wire server) must be running: `deploy/local/demo.sh` starts
them first. Each service runs in demonstration mode: it reads time from the shared clock
topic, which this driver moves forward so that weeks pass in seconds.
"""

from __future__ import annotations

import asyncio
import importlib
import inspect
import os
import sys
from pathlib import Path

from deploy.demo import processes
from deploy.demo.driver import Driver, console, run_id, summary
from shared.kafka import ensure_topics
from shared.settings import KafkaSettings
from shared.topics import ALL_TOPICS

SERVICES = {"onboarding": 8081, "porting": 8082, "notifications": 8083, "support": 8084}
SCENARIOS = [
    ("onboarding", "deploy.demo.scenario_onboarding_partners"),
    ("porting", "deploy.demo.scenario_porting"),
    ("onboarding", "deploy.demo.scenario_onboarding_admin"),
]


def _available(name: str) -> bool:
    return (processes.ROOT / "services" / name / "__main__.py").exists()


async def main() -> int:
    bootstrap = os.environ.get("PARTNEROPS_KAFKA__BOOTSTRAP_SERVERS", "127.0.0.1:39092")
    run = run_id()
    log_dir = Path(os.environ.get("PARTNEROPS_STATE", processes.ROOT / ".local")) / "logs"
    await ensure_topics(KafkaSettings(bootstrap_servers=bootstrap), [t.name for t in ALL_TOPICS])
    names = [n for n in SERVICES if _available(n)]
    console.print(f"[bold]partnerops demonstration[/bold] run {run}: starting {', '.join(names)}")
    started = [await processes.start_service(n, SERVICES[n], run, log_dir) for n in names]
    lines: list[str] = []
    try:
        for service in started:
            await processes.wait_ready(service)
        async with Driver(bootstrap) as driver:
            for needs, module_name in SCENARIOS:
                if needs not in names:
                    continue
                try:
                    module = importlib.import_module(module_name)
                except ModuleNotFoundError:
                    continue
                wants_run_id = len(inspect.signature(module.run).parameters) > 1
                lines += await (module.run(driver, run) if wants_run_id else module.run(driver))
    except Exception as error:
        console.print(f"[red bold]demonstration failed:[/red bold] {error!r}")
        console.print(f"service logs: {log_dir}")
        return 1
    finally:
        for service in started:
            await processes.stop_service(service)
    summary(lines)
    console.print(f"\nservice logs (JSON): {log_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
