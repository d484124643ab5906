"""The access matrix's machinery: the expected table, running one cell, judging its answer.

A service's test writes its table by hand from the rules (spec/domain.md, README
*Security*), one row per command type (and tenant, where the command names one), one
column per actor kind:

    command                          tenant  own other dist vendor cust anon none
    porting.port.withdraw            -       A   D     D    A      D    D    D

`A`: the use case acts (no refusal of any kind); `D`: it refuses for access (code
`forbidden`, a `not_…` rule, or `unknown_…` for something that exists but the actor may
not see). Anything else is an unexpected answer. Every denial of an actor from outside the
owner's side must name nothing of the owner (partner id, name, contacts) that the command
did not itself name.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from shared.contracts.common import PartnerCommand
from shared.errors import MessageRejected
from shared.events import Envelope, Payload

ALLOW, DENY = "A", "D"
NO_TENANT = "-"
NONE = "none"
"""The actor kind of a command sent without an actor: the contract refuses it."""


@dataclass(frozen=True)
class Row:
    command_type: str
    tenant: str  # "-", "own" or "other"
    expected: dict[str, str]  # actor kind → A/D


def parse(table: str, prefix: str = "") -> dict[tuple[str, str], Row]:
    """The rows of a table written as aligned text (first line: the column names);
    `prefix` is put before each command type written without it."""
    lines = [line.split() for line in table.strip().splitlines() if line.strip()]
    header, body = lines[0], lines[1:]
    assert header[:2] == ["command", "tenant"], header
    kinds = header[2:]
    rows: dict[tuple[str, str], Row] = {}
    for cells in body:
        assert len(cells) == len(header), f"row {cells[0]} has {len(cells)} cells"
        assert set(cells[2:]) <= {ALLOW, DENY}, cells
        key = (prefix + cells[0], cells[1])
        assert key not in rows, f"row {key} twice"
        rows[key] = Row(key[0], cells[1], dict(zip(kinds, cells[2:], strict=True)))
    return rows


def command_types(routes: Iterable[tuple[Any, type[Payload], Any]]) -> set[str]:
    """Every command (actor-bearing message) a service's routing table consumes."""
    return {
        model.EVENT_TYPE
        for _, model, _ in routes
        if isinstance(model, type) and issubclass(model, PartnerCommand)
    }


@dataclass
class Answer:
    """What one command got: the refusal codes (events and rejection) and all it published."""

    codes: list[str] = field(default_factory=list)
    reason_codes: list[str] = field(default_factory=list)
    told: list[dict[str, Any]] = field(default_factory=list)  # all it published or raised

    @property
    def verdict(self) -> str:
        if not self.codes:
            return ALLOW
        if any(_is_access(code) for code in [*self.codes, *self.reason_codes]):
            return DENY
        return "refused:" + ",".join(self.codes + self.reason_codes)


def _is_access(code: str) -> bool:
    return code == "forbidden" or code.startswith(("not_", "unknown_"))


REFUSALS = (".action_refused", ".command.rejected", ".action_denied")


async def answer_of(
    run: Callable[[], Awaitable[Any]], published: Callable[[], list[Envelope]]
) -> Answer:
    """Run one command; collect all it published (refusals and answers included) and the
    rejection it raised."""
    before = len(published())
    answer = Answer()
    try:
        await run()
    except MessageRejected as rejected:
        answer.codes.append(rejected.code)
        reasons = [dict(r) for r in rejected.reasons]
        answer.reason_codes += [str(r.get("code")) for r in reasons]
        answer.told.append({"rejected": rejected.code, "reasons": reasons})
    for envelope in published()[before:]:
        answer.told.append({"type": envelope.type, "subject": envelope.subject, **envelope.data})
        if envelope.type.endswith(REFUSALS):
            data = envelope.data
            answer.codes.append(str(data.get("code") or "forbidden"))
            answer.reason_codes += [str(r.get("code")) for r in data.get("reasons", [])]
    return answer


def leaked(
    answer: Answer, owner: Sequence[str], command: Payload, records: Sequence[str] = ()
) -> list[str]:
    """The owner's identifying values an answer tells that the command did not name
    (`records`: event types that are the vendor's records, not answers to the actor)."""
    sent = json.dumps(command.model_dump(mode="json"))
    answers = [t for t in answer.told if t.get("type") not in records]
    told = json.dumps(answers, default=str)
    return [value for value in owner if value and value not in sent and value in told]


def without_actor(command: PartnerCommand) -> bool:
    """True when the command's contract refuses it without an actor (the `none` column)."""
    data = command.model_dump(mode="json")
    del data["actor"]
    try:
        type(command).model_validate(data)
    except ValidationError as error:
        return any(e["loc"] == ("actor",) and e["type"] == "missing" for e in error.errors())
    return False


@dataclass
class Cell:
    row: Row
    kind: str
    got: str
    leaks: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        where = f"{self.row.command_type} [tenant {self.row.tenant}] as {self.kind}"
        leak = f"; leaks {self.leaks}" if self.leaks else ""
        return f"{where}: expected {self.row.expected[self.kind]}, got {self.got}{leak}"


def report(service: str, cells: list[Cell]) -> list[str]:
    """Print the matrix size and return every unexpected answer (and every leak)."""
    wrong = [str(c) for c in cells if c.got != c.row.expected[c.kind] or c.leaks]
    print(f"access matrix {service}: {len(cells)} cells, {len(wrong)} unexpected")
    return wrong
