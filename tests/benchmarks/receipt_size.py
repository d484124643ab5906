"""What a command's receipt (`shared.documents.Receipt`, issue 13) adds to its aggregate
document, in BSON bytes: a typical one (a ULID, two events) and the largest one (a
200-character CloudEvents id, 20 of 25 events, 10 of 15 reasons), and the
`KEEP_RECEIPTS` a document keeps at most.

`uv run python -m tests.benchmarks.receipt_size`
"""

from __future__ import annotations

from datetime import UTC, datetime

import bson

from shared.documents import KEEP_RECEIPTS, Receipt
from shared.ids import derived_id, new_id

AT = datetime(2031, 1, 1, tzinfo=UTC)
TRACKING = "porting.port.submit:partner-0001:" + "r" * 36


def size(receipt: Receipt) -> int:
    """BSON bytes the receipt adds to a document's `receipts` array."""
    return len(bson.encode({"r": [receipt.to_doc(TRACKING)]})) - len(bson.encode({"r": []}))


def main() -> None:
    typical = Receipt.of(
        new_id(), "applied", AT, [(derived_id(str(i)), "porting.port.submitted") for i in range(2)]
    )
    events = [(derived_id(str(i)), "onboarding.inventory.numbers_released") for i in range(25)]
    reasons = [
        {
            "code": "number_in_another_group",
            "message": f"number +44207946{i:04d} is held by another customer group",
            "field": "numbers",
            "number": f"+44207946{i:04d}",
        }
        for i in range(15)
    ]
    largest = Receipt.of("x" * 200, "refused", AT, events, "validation_failed", reasons)
    print(f"| receipt | bytes | × KEEP_RECEIPTS ({KEEP_RECEIPTS}) |")
    print("| --- | --- | --- |")
    for name, receipt in (("typical (2 events)", typical), ("largest", largest)):
        one = size(receipt)
        print(f"| {name} | {one:,} | {one * KEEP_RECEIPTS / 1024:,.1f} KiB |")


if __name__ == "__main__":
    main()
