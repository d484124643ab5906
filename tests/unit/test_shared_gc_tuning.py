"""`shared.runtime.tune_garbage_collector`: what start-up built is frozen, the youngest
generation is collected less often, once per process, and 0 changes nothing.

Each case runs in a fresh interpreter: the collector's settings are process-wide."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

pytestmark = pytest.mark.unit

PROBE = """
import gc, json, sys
from shared.runtime import tune_garbage_collector
from shared.settings import ServiceSettings
before = gc.get_threshold()
for value in json.loads(sys.argv[1]):
    settings = ServiceSettings.model_validate({"gc_young_threshold": value})
    tune_garbage_collector(settings.gc_young_threshold)
print(json.dumps({"before": before, "after": gc.get_threshold(), "frozen": gc.get_freeze_count()}))
"""


def _probe(*values: int) -> dict[str, list[int] | int]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(list(values))],
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, list[int] | int] = json.loads(done.stdout)
    return result


def test_the_default_freezes_start_up_and_collects_the_youngest_generation_less_often() -> None:
    result = _probe(20_000)
    before, after = result["before"], result["after"]
    assert isinstance(before, list) and isinstance(after, list)
    assert after == [20_000, before[1], before[2]]
    assert isinstance(result["frozen"], int) and result["frozen"] > 10_000  # modules, schemas


def test_a_second_call_changes_nothing_more() -> None:
    result = _probe(20_000, 5_000)
    after = result["after"]
    assert isinstance(after, list) and after[0] == 20_000


def test_zero_leaves_pythons_settings() -> None:
    result = _probe(0)
    assert result["after"] == result["before"]
    assert result["frozen"] == 0


def test_a_negative_threshold_is_refused() -> None:
    from pydantic import ValidationError

    from shared.settings import ServiceSettings

    with pytest.raises(ValidationError):
        ServiceSettings.model_validate({"gc_young_threshold": -1})
