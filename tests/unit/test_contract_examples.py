"""The example messages in docs/examples are valid against the published contracts."""

from __future__ import annotations

from pathlib import Path

import pytest

from shared.events import Envelope
from tools.catalogue import all_catalogues, all_models

pytestmark = pytest.mark.unit

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "docs" / "examples").glob("*.json"))


def test_there_are_examples_for_the_outside_systems():
    names = {p.stem for p in EXAMPLES}
    assert {"orders.order.placed", "carrier.port.accepted", "porting.port.submit"} <= names


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_an_example_parses_as_a_cloudevent_of_its_type(path: Path):
    envelope = Envelope.from_json(path.read_bytes())
    assert envelope.type == path.stem
    model = all_models(all_catalogues())[envelope.type]
    payload = envelope.parse_data(model)
    assert payload.model_dump(mode="json") == envelope.data
