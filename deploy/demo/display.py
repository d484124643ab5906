"""How the demonstration shows what it prints: instants, durations, event lines.

Display only: the events and what the services store keep their own precision (an
instant's microseconds, durations in seconds); these functions decide what a reader sees.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from rich.markup import escape

from shared.events import Envelope


def rfc3339(value: datetime | str) -> str:
    """An instant as the demonstration prints every instant: RFC 3339 in UTC, whole
    seconds (`2030-12-02T08:00:00Z`; a fraction of a second is dropped, not rounded, so
    an instant is never shown after it happened). Text that is an ISO 8601 instant with
    an offset is converted; other text (a date, a name) is returned as is; a naive
    datetime is taken as UTC."""
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return value
        if parsed.tzinfo is None or "T" not in value:
            return value  # a date, or a local wall-clock time: not an instant
        value = parsed
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def span(seconds: float) -> str:
    """A duration as the demonstration prints every duration: whole minutes in hours and
    minutes (`10 min`, `3 h`, `24 h 30 min`); under a minute in seconds (`45 s`)."""
    if seconds < 60:
        return f"{seconds:.0f} s"
    hours, minutes = divmod(round(seconds / 60), 60)
    if not hours:
        return f"{minutes} min"
    return f"{hours} h" if not minutes else f"{hours} h {minutes} min"


def escalation_text(level: int, role: str) -> str:
    """Where a late cancellation went: level 0 of the provisioning escalation matrix is the
    provisioning team itself, which handles it as usual — not escalated (spec/domain.md
    §2: level 0 provisioning team, 1 team leader, 2 manager, 3 director); a higher level
    is an escalation. The summary, the event line and the partner's mail say the same."""
    if level <= 0:
        return f"handled by the {role} (level 0): not escalated"
    return f"escalated to level {level} ({role})"


VALUE_CHARS = 160
"""How much of one value an event line shows (then "..."): a long text such as a risk
notice is cut, never a whole line."""

ALWAYS_SHOWN = ("ticket_number", "severity")
"""Shown on every line that has them, even unchanged: the ticket's reference (what the
summary names) and the severity in force."""

GLOSSES: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "porting.port.late_cancellation_recorded": lambda d: escalation_text(
        int(d.get("escalation_level", 0)), str(d.get("escalation_role", "provisioning team"))
    ),
}
"""What an event means, said first on its line where the fields alone would leave a
reader to work it out."""

_OPAQUE = re.compile(r"^(?:[0-9a-f]{32}|[0-9A-HJKMNP-TV-Z]{26})$")
"""A 32-hex id or a ULID: kept on the line, after the facts."""


def default_line(envelope: Envelope, before: Mapping[str, Any] | None = None) -> str | None:
    """One event as a line: its type, a gloss where one helps, then its data — the
    aggregate's id (the field holding the subject) and `ALWAYS_SHOWN` first, the facts,
    opaque ids last; no field is dropped, only long values are shortened. `before` is the
    data of the previous event about the same subject: fields with the same value there
    are counted (`+N unchanged`), not repeated, except those shown first."""
    data = {k: v for k, v in envelope.data.items() if k != "actor" and v not in (None, [], {}, "")}
    ids: list[str] = []
    facts: list[str] = []
    opaque: list[str] = []
    unchanged = 0
    for key, value in data.items():
        identity = value == envelope.subject or key in ALWAYS_SHOWN
        if not identity and before is not None and key in before and before[key] == value:
            unchanged += 1
            continue
        shown = f"{key}={_short(value)}"
        if identity:
            ids.append(shown)
        elif isinstance(value, str) and _OPAQUE.match(value):
            opaque.append(shown)
        else:
            facts.append(shown)
    gloss = GLOSSES.get(envelope.type)
    detail = ", ".join(ids + facts + opaque)
    if unchanged:
        detail += f" (+{unchanged} unchanged)"
    if gloss is not None:
        detail = f"{gloss(envelope.data)}; {detail}"
    return f"  [green]→ {envelope.type}[/green] [dim]{escape(detail)}[/dim]"


class EventLines:
    """The driver's printer: `default_line` with the previous data of each subject."""

    def __init__(self) -> None:
        self.last: dict[str, Mapping[str, Any]] = {}

    def __call__(self, envelope: Envelope) -> str | None:
        before = self.last.get(envelope.subject) if envelope.subject else None
        if envelope.subject:
            self.last[envelope.subject] = envelope.data
        return default_line(envelope, before)


def _short(value: Any) -> str:
    if isinstance(value, str):
        value = rfc3339(value)
    if (
        isinstance(value, list)
        and value
        and all(isinstance(v, dict) and "code" in v for v in value)
    ):
        text = "[" + "; ".join(f"{v['code']}: {v.get('message', '')}" for v in value) + "]"
    else:
        text = value if isinstance(value, str) else json.dumps(value, default=str)
    return text if len(text) <= VALUE_CHARS else text[: VALUE_CHARS - 3] + "..."
