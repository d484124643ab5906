"""Support's published contracts: explicit, `support.*`, one command base, one refusal shape."""

from __future__ import annotations

import pydantic
import pytest

import shared.contracts.support as c
from shared.contracts.common import ActionRefused, PartnerCommand

pytestmark = pytest.mark.unit

ACTOR = {"user_id": "user-1", "partner_id": "partner-1"}


def test_every_type_is_a_support_type_and_unique():
    types = [m.EVENT_TYPE for m in (*c.PUBLISHED, *c.COMMANDS)]
    assert all(t.startswith("support.") for t in types)
    assert len(types) == len(set(types))


def test_commands_share_the_one_command_base_and_refusals_the_one_shape():
    assert all(issubclass(m, PartnerCommand) for m in c.COMMANDS)
    refusals = [m for m in c.PUBLISHED if m.EVENT_TYPE.endswith(".action_refused")]
    assert refusals and all(issubclass(m, ActionRefused) for m in refusals)


def test_a_command_with_an_unknown_field_is_refused():
    with pytest.raises(pydantic.ValidationError):
        c.AcknowledgeTicket.model_validate(
            {"request_id": "r1", "actor": ACTOR, "ticket_id": "t1", "surprise": 1}
        )


def test_impact_is_a_level_or_a_share():
    base = {
        "request_id": "r1",
        "actor": ACTOR,
        "partner_id": "partner-1",
        "tenant_id": "tenant-1",
        "contract_number": "SC-1",
        "channel": "phone",
        "category": "user_question",
        "description": "How do I forward calls?",
        "urgency": "low",
    }
    assert c.OpenTicket.model_validate({**base, "impact": "large"}).impact == "large"
    share = c.OpenTicket.model_validate({**base, "impact": {"affected_users": 3}}).impact
    assert isinstance(share, c.ImpactShareIn) and share.total_users is None
