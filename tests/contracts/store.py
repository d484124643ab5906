"""The aggregate-store port's contract: one class, run on the in-memory store (unit) and on
the Mongo store against the real Mongo-wire server (integration).

A subclass provides the `store` fixture: a fresh, empty store of one collection.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from shared.errors import ConcurrencyConflict, EventTooLarge
from shared.events import Payload, new_event
from shared.store import Change, Outgoing, Stored, Timer

AT = datetime(2031, 3, 3, 8, 0, tzinfo=UTC)


class Noted(Payload):
    EVENT_TYPE = "tests.thing.noted"
    text: str = ""


def _event(subject: str, text: str = "") -> Outgoing:
    return Outgoing(
        "tests.events", new_event(Noted(text=text), source="/t", now=AT, subject=subject)
    )


class StoreContract:
    """What every aggregate store keeps and refuses."""

    store: Any  # fixture from the subclass

    async def test_a_missing_aggregate_loads_as_none(self, store):
        assert await store.load("nope") is None

    async def test_a_saved_aggregate_loads_with_its_version_ids_timers_and_flow(self, store):
        timer = Timer("t1", "remind", AT + timedelta(hours=1), {"level": 2})
        version = await store.save(
            "a1",
            Change({"n": 1, "nested": {"x": [1, 2]}}, [_event("a1")], [timer], "corr-1"),
            expected_version=0,
            handled_id="m1",
        )
        assert version == 1
        stored = await store.load("a1")
        assert stored.version == 1 and stored.state == {"n": 1, "nested": {"x": [1, 2]}}
        assert stored.handled == ["m1"] and stored.correlation_id == "corr-1"
        assert stored.timers == [timer]

    async def test_a_stale_version_is_a_conflict_and_changes_nothing(self, store):
        await store.save("a2", Change({"n": 1}), expected_version=0, handled_id="m1")
        with pytest.raises(ConcurrencyConflict):
            await store.save("a2", Change({"n": 9}), expected_version=0, handled_id="m2")
        first = await store.load("a2")
        await store.save(
            "a2", Change({"n": 2}), expected_version=1, handled_id="m2", previous=first
        )
        with pytest.raises(ConcurrencyConflict):
            await store.save("a2", Change({"n": 9}), expected_version=1, handled_id="m3")
        stored = await store.load("a2")
        assert stored.version == 2 and stored.state == {"n": 2} and stored.handled == ["m1", "m2"]

    async def test_timers_and_flow_are_kept_when_a_change_leaves_them(self, store):
        timer = Timer("t1", "remind", AT)
        await store.save("a3", Change({}, (), [timer], "corr"), expected_version=0, handled_id="m")
        previous = await store.load("a3")
        await store.save(
            "a3", Change({"n": 1}), expected_version=1, handled_id="n", previous=previous
        )
        stored = await store.load("a3")
        assert stored.timers == [timer] and stored.correlation_id == "corr"

    async def test_caller_chosen_keys_with_dots_and_dollars_round_trip(self, store):
        state = {"extra": {"lsp.account_ref": "A-1", "$account": "B", "plain": "%2E"}}
        await store.save("a4", Change(state), expected_version=0, handled_id="m")
        assert (await store.load("a4")).state == state

    async def test_an_event_over_the_size_limit_is_refused_and_nothing_is_stored(self, store):
        store.max_event_bytes = 2_000
        with pytest.raises(EventTooLarge):
            await store.save(
                "a5",
                Change({"n": 1}, [_event("a5", "x" * 5_000)]),
                expected_version=0,
                handled_id="m",
            )
        assert await store.load("a5") is None

    async def test_apply_skips_a_message_it_has_handled(self, store):
        calls: list[int] = []

        def decide(stored: Stored | None) -> Change | None:
            calls.append(1)
            return Change({"n": (stored.state["n"] if stored else 0) + 1})

        first = await store.apply("a6", "m1", decide)
        again = await store.apply("a6", "m1", decide)
        assert first.changed and not again.changed and calls == [1]
        assert (await store.load("a6")).state == {"n": 1}

    async def test_apply_with_nothing_to_do_stores_nothing(self, store):
        applied = await store.apply("a7", "m1", lambda stored: None)
        assert not applied.changed and await store.load("a7") is None

    async def test_concurrent_applies_each_take_effect_exactly_once(self, store):
        def bump(stored: Stored | None) -> Change:
            return Change({"n": (stored.state["n"] if stored else 0) + 1})

        await asyncio.gather(*(store.apply("a8", f"m{i}", bump) for i in range(8)))
        stored = await store.load("a8")
        assert stored.version == 8 and stored.state == {"n": 8}
        assert sorted(stored.handled) == sorted(f"m{i}" for i in range(8))

    async def test_apply_returns_the_outbox_entries_it_wrote(self, store):
        event = _event("a9", "hello")
        applied = await store.apply("a9", "m1", lambda stored: Change({"n": 1}, [event]))
        assert [e["id"] for e in applied.outbox] == [event.envelope.id]

    async def test_an_id_is_bound_to_the_fingerprint_of_the_message_it_handled(self, store):
        from shared.store import CommandIdReused

        first = await store.apply("a10", "m1", lambda s: Change({"n": 1}), "digest-a")
        again = await store.apply("a10", "m1", lambda s: Change({"n": 2}), "digest-a")
        assert first.changed and not again.changed
        with pytest.raises(CommandIdReused):
            await store.apply("a10", "m1", lambda s: Change({"n": 3}), "digest-b")
        assert (await store.load("a10")).state == {"n": 1}

    async def test_a_refusal_record_keeps_the_id_and_the_event_but_no_aggregate(self, store):
        refusal = _event("a11", "refused")
        recorded = await store.apply("a11", "m1", lambda s: Change(None, [refusal]), "digest-a")
        assert recorded.changed and [e["id"] for e in recorded.outbox] == [refusal.envelope.id]
        record = await store.load("a11")
        assert record is not None and not record.exists and record.handled == ["m1"]
        # the same message again is a duplicate; another creates the aggregate over it
        assert not (await store.apply("a11", "m1", lambda s: Change({"n": 1}), "digest-a")).changed
        await store.apply("a11", "m2", lambda s: Change({"n": 1}))
        created = await store.load("a11")
        assert created.exists and created.state == {"n": 1} and created.version == 2
        assert created.handled == ["m1", "m2"]

    async def test_a_value_the_database_cannot_hold_is_refused_and_nothing_is_stored(self, store):
        from shared.errors import UnstorableValue

        for state, timers in (({"n": 2**70}, None), ({}, [Timer("t", "k", AT, {"n": -(2**64)})])):
            with pytest.raises(UnstorableValue) as refused:
                await store.save(
                    "a12", Change(state, (), timers), expected_version=0, handled_id="m"
                )
            assert refused.value.code == "unstorable_value"
        assert await store.load("a12") is None
        # Keys the database would refuse as they are are stored escaped, not refused.
        odd = {"a.b": 1, "$c": {"nul\x00key": [{"d.e": 2}]}}
        await store.save("a12", Change(odd), expected_version=0, handled_id="m")
        stored = await store.load("a12")
        assert stored is not None and stored.state == odd

    async def test_what_a_caller_changes_in_a_loaded_or_saved_state_is_not_stored(self, store):
        state: dict[str, Any] = {"nested": {"items": [{"n": 1}]}, "tags": ["a"]}
        await store.save("a13", Change(state), expected_version=0, handled_id="m1")
        state["nested"]["items"][0]["n"] = 99  # the caller's own objects, changed after
        state["tags"].append("b")
        loaded = await store.load("a13")
        assert loaded is not None
        assert loaded.state == {"nested": {"items": [{"n": 1}]}, "tags": ["a"]}
        loaded.state["nested"]["items"].append({"n": 2})
        again = await store.load("a13")
        assert again is not None and again.state == {"nested": {"items": [{"n": 1}]}, "tags": ["a"]}

    async def test_a_receipt_is_kept_with_its_tracking_id_and_given_back_to_a_duplicate(
        self, store
    ):
        from shared.store import Receipt

        receipt = Receipt.of(
            "ce-1",
            "refused",
            AT,
            [("e1", "tests.thing.action_refused")],
            "over_limit",
            [{"code": "over_limit", "message": "limit 3", "field": "n", "number": None}],
        )
        first = await store.apply(
            "a13", "cmd:P1:r1", lambda s: Change({"n": 1}, (), None, None, receipt), "d"
        )
        assert first.changed and first.receipt is None
        stored = await store.load("a13")
        assert stored.receipts == {"cmd:P1:r1": receipt}
        again = await store.apply("a13", "cmd:P1:r1", lambda s: Change({"n": 2}), "d")
        assert not again.changed and again.receipt == receipt
        assert receipt.is_resend("ce-2") and not receipt.is_resend("ce-1")
        # a message recorded without a receipt (older documents) is a plain duplicate
        await store.apply("a13", "m-plain", lambda s: Change({"n": 3}))
        assert (await store.apply("a13", "m-plain", lambda s: None)).receipt is None

    async def test_receipts_are_kept_for_the_latest_tracking_ids_only(self, store, monkeypatch):
        import shared.documents
        from shared.store import Receipt

        monkeypatch.setattr(shared.documents, "KEEP_HANDLED", 4)
        monkeypatch.setattr(shared.documents, "KEEP_RECEIPTS", 2)
        for i in range(5):
            receipt = Receipt.of(f"ce-{i}", "applied", AT, [(f"e{i}", "tests.thing.noted")])
            await store.apply(
                "a14", f"t{i}", lambda s, r=receipt: Change({"n": 1}, (), None, None, r)
            )
        stored = await store.load("a14")
        assert stored.handled == ["t1", "t2", "t3", "t4"]
        assert sorted(stored.receipts) == ["t3", "t4"]
        assert stored.receipts["t4"].events == (("e4", "tests.thing.noted"),)
        # an older id is still a duplicate, only no longer answered
        older = await store.apply("a14", "t2", lambda s: Change({"n": 9}))
        assert not older.changed and older.receipt is None

    async def test_a_long_cloudevents_id_is_kept_as_its_digest(self, store):
        from shared.store import Receipt

        long_id = "x" * 5_000
        receipt = Receipt.of(long_id, "applied", AT, [])
        assert receipt.message is None and receipt.message_digest is not None
        await store.apply("a15", "t", lambda s: Change({"n": 1}, (), None, None, receipt))
        kept = (await store.load("a15")).receipts["t"]
        assert not kept.is_resend(long_id) and kept.is_resend("x" * 4_999 + "y")
