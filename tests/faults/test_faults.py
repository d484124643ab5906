"""The CI-sized fault-injection run: a few hundred events, every fault kind once.

It starts its own Kafka, Mongo-wire server and Mailpit on free ports (never the shared
ones, which it would otherwise restart) and stops them afterwards. The full run is
`uv run python -m tests.faults --events 10000 --seed 7` (README, *Reliability*).
"""

from __future__ import annotations

import logging

import pytest

from tests.faults.run import Options, run_faults

pytestmark = [pytest.mark.faults, pytest.mark.timeout(1200)]


async def test_nothing_is_lost_or_done_twice_while_instances_and_servers_fail(tmp_path):
    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)
    options = Options(events=240, seed=14, state=tmp_path, smtp_down=15.0, settle=10.0)
    verdict = await run_faults(options)
    kinds = {fault["kind"] for fault in verdict.faults}
    assert kinds == {"kill", "kafka", "mongo", "smtp"}, verdict.faults
    assert verdict.facts_expected > 100 and verdict.mails_expected > 0, verdict.to_json()
    assert verdict.lost == 0, verdict.to_json()
    assert verdict.duplicated == 0, verdict.to_json()
    assert verdict.delivered_events_without_mail == 0, verdict.to_json()
