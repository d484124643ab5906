"""What must exist after the run, counted against what does.

From the inputs (the flows' `Expectation`s and mails per recipient) and what the run
read back (every published event, every dead letter, the services' documents, every
mail in the catcher), it counts:

- **lost**: an expected fact with no event, an expected aggregate with no document, an
  expected mail that never arrived;
- **duplicated effects**: an expected fact published under more than one CloudEvents id
  (the same change made twice), a document the inputs do not explain, more distinct
  mails (Message-IDs) to a recipient than the facts it is told about;
- **redelivered copies** (not effects: at-least-once publication and the one SMTP
  window the README names): records repeating a CloudEvents id already read, copies of
  one Message-ID in the catcher;
- **dead-lettered** records, by topic and code.

`verdict.ok` is False on any loss or duplicated effect.
"""

from __future__ import annotations

import asyncio
import json
import urllib.request
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any

from pymongo import AsyncMongoClient

from shared.store import EXISTING
from tests.faults.chaos import Fault
from tests.faults.eventlog import EventLog
from tests.faults.generator import Flows

AGGREGATES = {
    # (service, collection): the expectation type whose subject is the document id
    ("onboarding", "customers"): "onboarding.customer.recorded",
    ("onboarding", "activation_requests"): "onboarding.activation.requested",
    ("porting", "ports"): "porting.port.submitted",
    ("support", "support_tickets"): "support.ticket.opened",
    ("notifications", "maintenance"): "notifications.maintenance.announced",
}


@dataclass
class Verdict:
    events_sent: int = 0
    facts_expected: int = 0
    facts_lost: list[str] = field(default_factory=list)
    facts_duplicated: list[str] = field(default_factory=list)
    aggregates_expected: int = 0
    aggregates_lost: list[str] = field(default_factory=list)
    aggregates_unexplained: list[str] = field(default_factory=list)
    mails_expected: int = 0
    mails_lost: dict[str, int] = field(default_factory=dict)
    mails_duplicated: dict[str, int] = field(default_factory=dict)
    mails_in_catcher: int = 0
    mail_copies_resent: int = 0
    delivered_events_without_mail: int = 0
    mails_deferred: int = 0  # deliveries deferred at least once (SMTP unreachable)
    events_read: int = 0
    event_copies_redelivered: int = 0
    dead_letters: dict[str, int] = field(default_factory=dict)
    stalled_flows: list[str] = field(default_factory=list)
    ticket_openings_retried: int = 0
    faults: list[dict[str, Any]] = field(default_factory=list)

    @property
    def lost(self) -> int:
        return len(self.facts_lost) + len(self.aggregates_lost) + sum(self.mails_lost.values())

    @property
    def duplicated(self) -> int:
        return (
            len(self.facts_duplicated)
            + len(self.aggregates_unexplained)
            + sum(self.mails_duplicated.values())
        )

    @property
    def ok(self) -> bool:
        return self.lost == 0 and self.duplicated == 0

    def to_json(self) -> str:
        body = asdict(self) | {"lost": self.lost, "duplicated": self.duplicated, "ok": self.ok}
        return json.dumps(body, indent=2, sort_keys=True)


def check_facts(flows: Flows, log: EventLog, verdict: Verdict) -> None:
    verdict.facts_expected = len(flows.expectations)
    for exp in flows.expectations:
        ids = {s.id for s in log.all(exp.type, exp.matches)}
        label = f"{exp.flow}: {exp.type} {exp.subject or dict(exp.where)}"
        if not ids:
            verdict.facts_lost.append(label)
        elif len(ids) > 1:
            verdict.facts_duplicated.append(f"{label} under {len(ids)} ids")
    verdict.events_read = len(log.records)
    verdict.event_copies_redelivered = len(log.records) - len({s.id for s in log.records})
    codes = Counter(f"{d.topic} {d.code}" for d in log.dead_letters)
    verdict.dead_letters = dict(sorted(codes.items()))
    verdict.stalled_flows = list(flows.stalled)
    verdict.ticket_openings_retried = flows.retried_tickets


async def check_aggregates(
    flows: Flows, mongo_url: str, databases: dict[str, str], verdict: Verdict
) -> None:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(mongo_url)
    try:
        for (service, collection), type_ in AGGREGATES.items():
            wanted = {e.subject for e in flows.expectations if e.type == type_ and e.subject}
            stored = {
                str(doc["_id"])
                async for doc in client[databases[service]][collection].find(EXISTING, {"_id": 1})
            }
            verdict.aggregates_expected += len(wanted)
            verdict.aggregates_lost += [f"{collection} {i}" for i in sorted(wanted - stored)]
            verdict.aggregates_unexplained += [f"{collection} {i}" for i in sorted(stored - wanted)]
    finally:
        await client.close()


async def mailpit_messages(url: str) -> list[dict[str, Any]]:
    """Every message summary the catcher holds (paged through its HTTP API)."""

    def fetch(start: int) -> dict[str, Any]:
        address = f"{url}/api/v1/messages?start={start}&limit=500"
        with urllib.request.urlopen(address, timeout=30) as response:
            return dict(json.load(response))

    found: list[dict[str, Any]] = []
    while True:
        page = await asyncio.to_thread(fetch, len(found))
        found += page["messages"]
        if not page["messages"] or len(found) >= page["total"]:
            return found


def check_mails(
    flows: Flows, log: EventLog, messages: list[dict[str, Any]], verdict: Verdict
) -> None:
    verdict.mails_in_catcher = len(messages)
    per_recipient: dict[str, set[str]] = defaultdict(set)
    copies: Counter[str] = Counter()
    for message in messages:
        copies[message["MessageID"]] += 1
        for to in message.get("To") or []:
            per_recipient[to["Address"].lower()].add(message["MessageID"])
    verdict.mail_copies_resent = sum(n - 1 for n in copies.values())
    for recipient, wanted in flows.mails.items():
        verdict.mails_expected += wanted
        have = len(per_recipient.get(recipient.lower(), ()))
        if have < wanted:
            verdict.mails_lost[recipient] = wanted - have
        elif have > wanted:
            verdict.mails_duplicated[recipient] = have - wanted
    delivered = {
        s.data["message_id"].strip("<>")
        for s in log.by_type.get("notifications.mail.delivered", [])
    }
    verdict.delivered_events_without_mail = len(delivered - {m.strip("<>") for m in copies})
    deferred = log.by_type.get("notifications.mail.deferred", [])
    verdict.mails_deferred = len({s.data.get("delivery_id") for s in deferred})


def record_faults(faults: list[Fault], log: EventLog, verdict: Verdict) -> None:
    """Each fault's time down and the time until the affected part published again."""
    for fault in faults:
        if fault.ended is not None:
            prefix = {
                "kafka": "",
                "mongo": "",
                "smtp": "notifications.mail.delivered",
            }.get(fault.kind, fault.target.split("#")[0] + ".")
            after = [s.at for s in log.records if s.at >= fault.ended and s.type.startswith(prefix)]
            fault.recovered = min(after) if after else None
        verdict.faults.append(
            {
                "kind": fault.kind,
                "target": fault.target,
                "down_s": _round(fault.down_seconds),
                "recovered_s": _round(fault.recovery_seconds),
            }
        )


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)
