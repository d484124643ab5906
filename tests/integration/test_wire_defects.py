"""The reported instances, on running services: each record is answered or dead-lettered,
never skipped; binary-mode events are handled; dead letters hold no secret."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aiokafka import AIOKafkaProducer
from cloudevents.core.bindings import kafka as ce_kafka
from cloudevents.core.v1.event import CloudEvent

from services.onboarding.app import NAME as ONBOARDING
from services.onboarding.app import wire as onboarding_wire
from services.onboarding.settings import OnboardingSettings
from services.porting.adapters.repository import load_port
from services.porting.app import NAME as PORTING
from services.porting.app import wire as porting_wire
from services.porting.settings import PortingSettings
from shared.actor import Actor
from shared.binding import STRUCTURED_CONTENT_TYPE
from shared.contracts import onboarding as admin
from shared.contracts.orders import OrderPlaced
from shared.contracts.porting import NumberRangeIn
from shared.events import Envelope, new_event
from shared.store import AggregateStore
from shared.topics import (
    ONBOARDING_COMMANDS,
    ONBOARDING_EVENTS,
    ORDERS_EVENTS,
    PORTING_COMMANDS,
    PORTING_EVENTS,
)
from tests.fakes import TEST_DEVICE_KEYS
from tests.integration.bus import Bus, running_service
from tests.integration.onboarding.test_partners import order
from tests.integration.porting.test_port_lifecycle import submission

pytestmark = pytest.mark.integration

NOT_UTF8 = [("content-type", STRUCTURED_CONTENT_TYPE.encode()), ("x-origin", b"\xc3\x28")]
ANSWERS = {"porting.port.submitted", "porting.port.submission_rejected"}
FINAL = {*ANSWERS, "porting.command.rejected"}


async def send(bus: Bus, topic: str, value: bytes, key: str, headers: list[Any]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bus.bootstrap, acks="all")
    await producer.start()
    try:
        await producer.send_and_wait(bus.prefix + topic, value, key=key.encode(), headers=headers)
    finally:
        await producer.stop()


def caused_by(envelope_id: str):
    return lambda e: e.causationid == envelope_id


async def answer_to(bus: Bus, command_id: str) -> Envelope:
    """The porting event answering a command (submitted or refused), waited for."""
    for _ in range(30):
        found = [
            e
            for e in await bus.events(PORTING_EVENTS.name, 1.0)
            if e.causationid == command_id and e.type in FINAL
        ]
        if found:
            return found[0]
    raise AssertionError(f"no answer to {command_id}")


async def test_porting_answers_a_submit_with_a_bad_header_dotted_keys_or_in_binary_mode(
    bus, mongo_url, mongo_db
):
    async with running_service(
        PORTING, PortingSettings, porting_wire, bus, mongo_url, mongo_db.name
    ):
        # (a) a header whose value is not UTF-8
        first = new_event(
            submission("req-h", ["+442079460200"]), source="/t", now=bus.now, subject="P"
        )
        await send(bus, PORTING_COMMANDS.name, first.to_json(), "P", NOT_UTF8)
        assert (await answer_to(bus, first.id)).type in ANSWERS

        # (b) extra fields whose names the database would refuse as keys
        extra = {"lsp.account_ref": "ACC-1", "$account": "B-2", "a\u0000b": "c"}
        second = await bus.send(
            PORTING_COMMANDS.name,
            submission("req-k", ["+442079460210"], extra_fields=extra),
            subject="P",
        )
        answer = await answer_to(bus, second.id)
        assert answer.type == "porting.port.submitted", answer.data
        stored = await AggregateStore(mongo_db.ports).load(str(answer.subject))
        assert stored is not None
        assert dict(load_port(stored.state).details.extra_fields) == extra  # read back exactly

        # binary mode, as the CloudEvents SDK makes it
        data = submission("req-b", ["+442079460220"]).model_dump(mode="json")
        event = CloudEvent(
            attributes={"type": "porting.port.submit", "source": "/sdk", "id": "sdk-submit-1"},
            data=data,
        )
        message = ce_kafka.to_binary_event(event)
        await send(bus, PORTING_COMMANDS.name, message.value, "P", list(message.headers.items()))
        assert (await answer_to(bus, "sdk-submit-1")).type in ANSWERS

        # nothing of the above was dead-lettered
        assert await bus.read(f"{PORTING_COMMANDS.name}.dlq", 1.0) == []


async def test_an_effect_over_the_size_limit_is_refused_with_a_reason_and_nothing_is_stored(
    bus, mongo_url, mongo_db
):
    bus.kafka = bus.kafka.model_copy(update={"max_message_bytes": 16_384})
    async with running_service(
        PORTING, PortingSettings, porting_wire, bus, mongo_url, mongo_db.name
    ):
        many = NumberRangeIn(first="+442079461000", last="+442079461999")  # 1,000 numbers
        numbers: list[Any] = [many]
        sent = await bus.send(PORTING_COMMANDS.name, submission("req-big", numbers), subject="P")
        answer = await answer_to(bus, sent.id)
        # The submission is refused with the reason; its draft holds no number.
        assert answer.type == "porting.port.submission_rejected"
        [reason] = answer.data["reasons"]
        assert reason["code"] == "event_too_large" and "16384" in reason["message"]
        assert await mongo_db.number_claims.count_documents({}) == 0
        [port] = await mongo_db.ports.find().to_list()
        assert port["state"]["port"]["status"] == "draft"
        after = await bus.send(
            PORTING_COMMANDS.name, submission("req-ok", ["+442079460301"]), subject="P"
        )
        assert (await answer_to(bus, after.id)).type in ANSWERS


async def test_onboarding_handles_an_order_with_a_bad_header_and_parks_no_clear_password(
    bus, mongo_url, mongo_db
):
    async with running_service(
        ONBOARDING,
        OnboardingSettings,
        onboarding_wire,
        bus,
        mongo_url,
        mongo_db.name,
        device_secret_keys=TEST_DEVICE_KEYS,
    ):
        placed = new_event(
            OrderPlaced.model_validate(order("C-77")), source="/t", now=bus.now, subject="C-77"
        )
        await send(bus, ORDERS_EVENTS.name, placed.to_json(), "C-77", NOT_UTF8)
        await bus.expect(ONBOARDING_EVENTS.name, "onboarding.customer.recorded",
                         where=caused_by(placed.id))  # fmt: skip

        password = "a typed Passw0rd! for an unknown group"
        command = await bus.send(
            ONBOARDING_COMMANDS.name,
            admin.AddGroupAdminUser(
                request_id="adm-x",
                actor=Actor(user_id="builder@example.com", partner_id="P-1"),
                group_id="no-such-group",
                user_id="ada@voice.example.com",
                first_name="Ada",
                last_name="Example",
                password=password,
            ),
            subject="no-such-group",
        )
        for _ in range(30):  # answered: refused with an event, or dead-lettered
            parked = await bus.read(f"{ONBOARDING_COMMANDS.name}.dlq", 1.0)
            answers = [e for e in await bus.events(ONBOARDING_EVENTS.name, 0.5)
                       if e.causationid == command.id]  # fmt: skip
            if parked or answers:
                break
        else:
            raise AssertionError("the command was neither answered nor dead-lettered")
        everything = [r.value or b"" for r in parked] + [
            json.dumps(r.headers, default=repr).encode() for r in parked
        ]
        everything += [r.value or b"" for r in await bus.read(ONBOARDING_EVENTS.name, 0.5)]
        assert not [blob for blob in everything if password.encode() in blob]
