"""`<service>.command.already_handled` (issue 13) on an events topic: every service that
reads the topic knows the type (the catalogue lists it) and routes it nowhere, so it is
handled by doing nothing — never dead-lettered as `unknown_event_type`, never mailed."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from services.notifications.mail.registry_internal import ANSWER, NOT_PARTNER_FACING
from shared.contracts import published_types
from shared.contracts.common import command_already_handled_model
from shared.events import new_event
from shared.topics import ALL_TOPICS, PORTING_EVENTS, TopicKind
from tests.unit.test_shared_dispatcher import META, make
from tools.catalogue import consumed_by, services

pytestmark = pytest.mark.unit

AT = datetime(2031, 3, 3, 8, 0, tzinfo=UTC)
EVENTS_TOPICS = [t for t in ALL_TOPICS if t.kind is TopicKind.EVENTS]


def test_each_events_topic_lists_its_owner_s_answer_and_no_service_routes_it():
    known = published_types()
    for topic in EVENTS_TOPICS:
        assert f"{topic.owner}.command.already_handled" in known[topic.name]
    for name, wire in services():
        for models in consumed_by(name, wire).values():
            routed = {m.EVENT_TYPE for m in models}
            assert not {t for t in routed if t.endswith(".command.already_handled")}, name
    for owner in ("onboarding", "porting", "support"):
        assert NOT_PARTNER_FACING[f"{owner}.command.already_handled"] == ANSWER


async def test_a_consumer_of_the_topic_handles_the_answer_by_doing_nothing():
    async def handler(envelope, payload):
        raise AssertionError("not routed")

    dispatcher, publisher = make(handler)
    dispatcher.known_types = published_types()
    answer = command_already_handled_model("porting")(
        command_type="porting.port.submit",
        command_id="c2",
        entity="port",
        aggregate_id="PRT-1",
        outcome="applied",
        handled_at=AT,
        events=[],
        events_total=0,
    )
    envelope = new_event(answer, source="/porting", now=AT, subject="PRT-1")
    await dispatcher.dispatch(PORTING_EVENTS.name, envelope.to_json(), META)
    assert publisher.sent == []  # no dead letter, no rejection
