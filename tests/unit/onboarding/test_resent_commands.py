"""Issue 13 in onboarding: a registration sent again under a new CloudEvents id (same
user, same request id) is answered `onboarding.command.already_handled` with what the
first one did — applied or refused — and registers nothing again."""

from __future__ import annotations

import pytest

from services.onboarding.adapters.partners_documents import PARTNERS
from services.onboarding.application.partners import registry as partners_registry
from services.onboarding.domain.partners.partners import PartnerKind
from tests.unit.onboarding.test_partners_app_fakes import Harness
from tests.unit.onboarding.test_partners_app_partners import NOW, RESELLER, registration

pytestmark = pytest.mark.unit

ANSWER = "onboarding.command.already_handled"


async def test_a_resent_registration_is_answered_with_the_registered_event():
    h = Harness(NOW)
    cmd = registration("P-DIST-7", PartnerKind.DISTRIBUTOR)
    first = await h.send(partners_registry.register, cmd)
    await h.send(partners_registry.register, cmd, first)  # redelivered: silent
    assert h.of_type(ANSWER) == []
    version = h.doc(PARTNERS, "P-DIST-7")["version"]

    again = await h.send(partners_registry.register, cmd)  # a new envelope id

    [registered] = h.of_type("onboarding.partner.registered")
    answer = h.one(ANSWER)
    assert answer.causationid == again.id and answer.subject == "P-DIST-7"
    assert answer.data["outcome"] == "applied"
    assert answer.data["original_command_id"] == first.id
    assert answer.data["request_id"] == cmd.request_id
    assert {"id": registered.id, "type": registered.type} in answer.data["events"]
    assert h.doc(PARTNERS, "P-DIST-7")["version"] == version


async def test_a_resent_refused_registration_is_answered_with_the_refusal():
    h = Harness(NOW)
    cmd = registration("P-X", PartnerKind.TIER1, actor=RESELLER)
    await h.send(partners_registry.register, cmd)
    refused = h.one("onboarding.partner.action_refused")

    await h.send(partners_registry.register, cmd)

    answer = h.one(ANSWER)
    assert (answer.data["outcome"], answer.data["code"]) == ("refused", "forbidden")
    assert answer.data["events"] == [{"id": refused.id, "type": refused.type}]
    assert answer.data["reasons"] == refused.data["reasons"]
    assert len(h.of_type("onboarding.partner.action_refused")) == 1
