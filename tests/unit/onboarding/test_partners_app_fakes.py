"""The partner side's harness: the shared one (`tests.fakes.Harness`: the in-memory store
and ports, a fixed clock, what was published), plus documents and timers.

No tests live here; the `test_partners_app*` modules import `Harness`.
"""

from __future__ import annotations

from typing import Any

from shared.actor import Actor
from shared.ids import new_id
from shared.store import Timer
from tests.fakes import Harness as BaseHarness


class Harness(BaseHarness):
    """The shared harness, plus the documents and timers of the partner side."""

    def doc(self, collection: str, aggregate_id: str) -> dict[str, Any]:
        return self.docs(collection)[aggregate_id]

    def timers(self, collection: str, aggregate_id: str) -> list[Timer]:
        return [Timer.from_doc(t) for t in self.doc(collection, aggregate_id)["timers"]]


def actor(user_id: str, *roles: str, partner_id: str | None = None, tenant_id: str | None = None):
    return Actor(user_id=user_id, partner_id=partner_id, tenant_id=tenant_id, roles=roles)


def request_id() -> str:
    return new_id()
