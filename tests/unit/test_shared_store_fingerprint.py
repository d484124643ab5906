"""A tracking id is bound to the whole command it came with (`shared.store.fingerprint`).

The same command again — redelivered, or resent under another envelope id — is a
duplicate; a different command under an id a document already recorded is refused with
`command_id_reused`, never taken for the earlier one.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, cast

import pytest

from shared.events import Command, Envelope, new_event
from shared.kafka import MessageRejected
from shared.store import KEEP_HANDLED, AggregateStore, Change, CommandIdReused, fingerprint
from tests.fakes import FakeDb

pytestmark = pytest.mark.unit

NOW = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)


class Act(Command):
    EVENT_TYPE = "tests.thing.act"
    actor: dict[str, Any]
    target: str
    action: str
    amount: int = 1
    password: str | None = None


def envelope(event_id: str = "E-1", now: datetime = NOW, **changes: Any) -> Envelope:
    values: dict[str, Any] = {
        "actor": {"user_id": "ann@example.com", "roles": ["partner_admin"]},
        "target": "T-1",
        "action": "remove_device",
    }
    values.update(changes)
    return new_event(Act(**values), source="/tests", now=now, subject="x", event_id=event_id)


def test_the_fingerprint_ignores_envelope_id_and_time_but_not_the_command():
    first = fingerprint(envelope())
    assert fingerprint(envelope("E-2", NOW + timedelta(hours=1))) == first
    others = [
        envelope(actor={"user_id": "eve@example.com", "roles": ["partner_admin"]}),
        envelope(target="T-2"),
        envelope(action="set_up_sip_device"),
        envelope(amount=2),
    ]
    digests = {fingerprint(e) for e in others}
    assert first not in digests
    assert len(digests) == len(others)


def test_the_fingerprint_never_depends_on_a_secret_so_it_cannot_leak_one():
    assert fingerprint(envelope(password="first-Secret-1")) == fingerprint(
        envelope(password="other-Secret-2")
    )


def store() -> AggregateStore:
    return AggregateStore(cast(Any, FakeDb()["things"]))


def bump(_: object) -> Change:
    return Change({"n": 1})


async def test_the_same_command_again_is_a_duplicate_under_its_id():
    s = store()
    first = envelope()
    assert (await s.apply("a", first.id, bump, fingerprint(first))).changed
    again = envelope(now=NOW + timedelta(minutes=5))  # redelivered / resent, same command
    assert not (await s.apply("a", again.id, bump, fingerprint(again))).changed


async def test_a_different_command_under_a_recorded_id_is_refused_with_a_reason():
    s = store()
    first = envelope()
    await s.apply("a", first.id, bump, fingerprint(first))
    replay = envelope(action="set_up_sip_device", target="T-9")
    with pytest.raises(CommandIdReused) as refused:
        await s.apply("a", replay.id, bump, fingerprint(replay))
    assert isinstance(refused.value, MessageRejected)  # dead-lettered and answered
    assert refused.value.code == "command_id_reused"
    assert refused.value.reasons[0]["field"] == "id"
    assert (await s.load("a")) is not None
    assert (await s.load("a")).version == 1  # type: ignore[union-attr]


async def test_an_id_recorded_before_fingerprints_existed_stays_a_duplicate():
    s = store()
    await s.apply("a", "E-1", bump)  # no fingerprint: as documents written before
    assert not (await s.apply("a", "E-1", bump, fingerprint(envelope()))).changed


async def test_fingerprints_are_kept_exactly_as_long_as_their_ids():
    s = store()
    for n in range(KEEP_HANDLED + 3):
        e = envelope(f"E-{n}", amount=n)
        await s.apply("a", e.id, bump, fingerprint(e))
    stored = await s.load("a")
    assert stored is not None
    assert len(stored.handled) == KEEP_HANDLED
    assert set(stored.fingerprints) == set(stored.handled)


def test_a_remembered_fingerprint_follows_the_envelope_not_its_id():
    first = envelope()
    digest = fingerprint(first)
    assert fingerprint(first) == digest  # asked again (a use case asks up to four times)
    # The same CloudEvents id with other data (the case `command_id_reused` exists for) and
    # the same object with its data replaced are digested again, never taken from memory.
    other = envelope(target="T-2")
    assert other.id == first.id and fingerprint(other) != digest
    replaced = first.model_copy(update={"data": {**first.data, "target": "T-3"}})
    assert fingerprint(replaced) != digest
    first.data = {**first.data, "target": "T-2"}
    assert fingerprint(first) == fingerprint(other)


def test_only_the_last_envelope_of_a_task_is_remembered():
    from shared import tracking

    for i in range(50):
        fingerprint(envelope(f"E-{i}", amount=i))
    last = tracking._LAST.get()
    assert last is not None and last[0].id == "E-49"  # one envelope held, not fifty


def test_a_secret_under_a_long_key_is_left_out_too():
    def command(secret: str) -> Envelope:
        long_key = "x" * 100 + "_password"  # past the remembered short keys
        return Envelope(id="E-1", source="/tests", type=Act.EVENT_TYPE, data={long_key: secret})

    assert fingerprint(command("first-Secret-1")) == fingerprint(command("other-Secret-2"))
