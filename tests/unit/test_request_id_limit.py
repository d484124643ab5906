"""Every command's `request_id` is bounded (shared `PartnerCommand`: 1–200 characters)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from shared.contracts import published_models
from shared.contracts.common import PartnerCommand

pytestmark = pytest.mark.unit

published_models()  # imports every contract module


def _all(model: type[PartnerCommand]) -> set[type[PartnerCommand]]:
    return {model, *(m for sub in model.__subclasses__() for m in _all(sub))}


COMMANDS = sorted(
    (m for m in _all(PartnerCommand) if "EVENT_TYPE" in vars(m)), key=lambda m: m.EVENT_TYPE
)


def test_every_published_command_shares_the_bound():
    assert COMMANDS, "no commands found"
    for model in COMMANDS:
        schema = model.model_json_schema()["properties"]["request_id"]
        assert (schema.get("minLength"), schema.get("maxLength")) == (1, 200), model.EVENT_TYPE


@pytest.mark.parametrize("length", [0, 201, 10_000])
def test_a_request_id_out_of_bounds_is_refused_with_its_field(length):
    with pytest.raises(ValidationError) as refused:
        PartnerCommand.model_validate(
            {"request_id": "r" * length, "actor": {"user_id": "u-1", "partner_id": "P-1"}}
        )
    assert [e["loc"] for e in refused.value.errors()] == [("request_id",)]
