"""The tracking ids, fingerprints and receipts a document keeps (`kept_handled`): the work
per message follows what leaves the windows, the result is what rebuilding every map from
the kept ids gives."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared import documents
from shared.documents import Stored, kept_handled

pytestmark = pytest.mark.unit

HANDLED, RECEIPTS = 6, 3
"""Small windows, so that a short run of messages fills and overflows both."""


def rebuilt(
    previous: Stored | None, handled_id: str | None, digest: str | None, receipt: Any
) -> tuple[list[str], dict[str, str], dict[str, Any]]:
    """The rules as a rebuild of every map from the kept ids (the earlier implementation)."""
    handled = list(previous.handled) if previous else []
    digests = dict(previous.fingerprints) if previous else {}
    receipts = dict(previous.receipts) if previous else {}
    if handled_id is not None:
        handled.append(handled_id)
        if digest is not None:
            digests[handled_id] = digest
        if receipt is not None:
            receipts[handled_id] = receipt
    del handled[:-HANDLED]
    kept, recent = set(handled), set(handled[-RECEIPTS:])
    return (
        handled,
        {k: v for k, v in digests.items() if k in kept},
        {k: v for k, v in receipts.items() if k in recent},
    )


def stored(handled: list[str], digests: dict[str, str], receipts: dict[str, Any]) -> Stored:
    return Stored("a", 1, {}, handled, [], fingerprints=digests, receipts=receipts)


message = st.tuples(
    st.one_of(st.none(), st.sampled_from("abcdefghijklmnopqrstuvwxyz")),  # ids repeat
    st.booleans(),  # with a fingerprint
    st.booleans(),  # with a receipt
)


@settings(max_examples=300, deadline=None)
@given(st.lists(message, max_size=40))
def test_what_is_kept_is_what_rebuilding_every_map_from_the_kept_ids_gives(messages):
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(documents, "KEEP_HANDLED", HANDLED)
        patch.setattr(documents, "KEEP_RECEIPTS", RECEIPTS)
        mine: Stored | None = None
        theirs: Stored | None = None
        for n, (handled_id, digested, receipted) in enumerate(messages):
            digest = f"d{n}" if digested else None
            receipt: Any = f"r{n}" if receipted else None
            got = kept_handled(mine, handled_id, digest, receipt)
            expected = rebuilt(theirs, handled_id, digest, receipt)
            assert got == expected
            mine, theirs = stored(*got), stored(*expected)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from("abcdefgh"), max_size=10),
    st.dictionaries(st.sampled_from("abcdefghij"), st.just("d"), max_size=10),
    st.dictionaries(st.sampled_from("abcdefghij"), st.just("r"), max_size=10),
    message,
)
def test_a_document_not_written_by_these_rules_is_pruned_in_full(
    handled, digests, receipts, next_message
):
    """More fingerprints than ids, more receipts than the window: rebuilt from the ids
    before the message is recorded (a stray fingerprint never becomes the new message's).
    Every store writes only what `kept_handled` returned, so only a document changed by
    hand can hold strays at all."""
    if len(digests) <= len(handled) and len(receipts) <= RECEIPTS:
        return
    handled = handled[-HANDLED:]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(documents, "KEEP_HANDLED", HANDLED)
        patch.setattr(documents, "KEEP_RECEIPTS", RECEIPTS)
        handled_id, digested, receipted = next_message
        previous = stored(handled, digests, receipts)
        args: tuple[Any, ...] = (
            handled_id,
            "dN" if digested else None,
            "rN" if receipted else None,
        )
        pruned = stored(*rebuilt(previous, None, None, None))  # strays go first ...
        assert kept_handled(previous, *args) == rebuilt(pruned, *args)  # ... then recorded
