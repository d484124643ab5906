"""Single mail or daily digest, and when the digest goes (issue 12, "Beyond the anchors").

A contact may take low-urgency categories (onboarding, porting, support, release
management) as one digest a day at a whole local hour. Never batched: the maintenance and
outages category, outages, emergency changes and S1/S2 incidents or tickets — those go at
once whatever the contact chose.

The digest's due instant is the next occurrence of the contact's hour on its wall clock
strictly after the message arrived (a message arriving exactly at the hour waits for the
next day's digest, so it cannot miss one being assembled). On a spring-forward day an
hour that does not exist resolves to the instant just after the gap; on a fall-back day
an hour that exists twice resolves to its first occurrence.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from services.notifications.domain.contacts import DIGESTIBLE, AlertCategory, Contact
from services.notifications.domain.policy import aware

URGENT_SEVERITIES = frozenset({"S1", "S2"})


class DeliveryMode(StrEnum):
    SINGLE = "single"
    DIGEST = "digest"


@dataclass(frozen=True)
class Delivery:
    """How one message reaches one contact: at once, or in the digest due at `due_at` (UTC).

    `digest_key` names the digest (contact + local date), so every message for the same
    digest is collected under one key and the digest is sent once.
    """

    mode: DeliveryMode
    due_at: datetime
    digest_key: str | None = None


def is_urgent(
    category: AlertCategory,
    *,
    severity: str | None = None,
    emergency: bool = False,
    outage: bool = False,
) -> bool:
    """§3: outages, emergencies and S1/S2 are urgent, and so is the whole maintenance category."""
    return (
        category not in DIGESTIBLE
        or emergency
        or outage
        or (severity or "").upper() in URGENT_SEVERITIES
    )


def next_digest_at(now: datetime, hour: int, timezone: str) -> datetime:
    """The first instant strictly after ``now`` at ``hour``:00 on the zone's wall clock (UTC)."""
    zone = ZoneInfo(timezone)
    now_utc = aware(now, "now")
    day = now_utc.astimezone(zone).date()
    while True:
        candidate = datetime.combine(day, time(hour), tzinfo=zone).astimezone(UTC)
        if candidate > now_utc:
            return candidate
        day += timedelta(days=1)


def plan_delivery(
    contact: Contact,
    category: AlertCategory,
    now: datetime,
    *,
    partner_timezone: str | None = None,
    severity: str | None = None,
    emergency: bool = False,
    outage: bool = False,
) -> Delivery:
    """Send at once, or add to the contact's next digest (see the module docstring)."""
    now_utc = aware(now, "now")
    urgent = is_urgent(category, severity=severity, emergency=emergency, outage=outage)
    if urgent or category not in contact.digest:
        return Delivery(DeliveryMode.SINGLE, now_utc)
    zone = contact.timezone or partner_timezone or "UTC"
    due = next_digest_at(now_utc, contact.digest_hour, zone)
    local_day = due.astimezone(ZoneInfo(zone)).date()
    return Delivery(
        DeliveryMode.DIGEST, due, digest_key=f"digest:{contact.contact_id}:{local_day.isoformat()}"
    )
