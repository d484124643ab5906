"""Support's use cases on the in-memory store: a whole service without broker or database.

`World` runs the real use cases (`services.support.application`) on `UseCases` over
`shared.memory_store`, with a clock the test moves; `send` wraps a contract payload in a
CloudEvents envelope as a partner would; `published` lists what went out (outbox and direct
publications) as envelopes; `tick` moves the clock and fires every due timer.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from services.support.adapters.memory import MemoryDirectory, MemoryTicketNumbers
from services.support.application import timers
from services.support.application.deps import Support
from services.support.application.payloads import payloads
from services.support.domain.calendar import Location
from services.support.domain.policy import SupportPolicy
from shared.clock import FixedClock
from shared.events import Envelope, Payload, new_event
from shared.memory_store import InMemoryAggregateStore, InMemoryOutbox
from shared.store import Timer
from shared.usecase import UseCases

START = datetime.fromisoformat("2027-03-08T10:00:00+00:00")  # a Monday, 10:00 in London
PARTNER = "partner-1001"
OTHER = "partner-2002"
DISTRIBUTOR = "partner-0900"
USER = "user-1001-a"
LEAD = "user-1001-lead"
ENGINEER = "engineer-01"
TENANT = "tenant-gb-01"
CUSTOMER = "customer-gb-01"
CONTRACT = "SC-000123"


def partner_actor(user: str = USER, partner: str = PARTNER, *roles: str) -> dict[str, Any]:
    return {"user_id": user, "partner_id": partner, "roles": list(roles)}


VENDOR = {"user_id": ENGINEER, "roles": ["vendor_support"]}


@dataclass
class World:
    policy: SupportPolicy = field(default_factory=SupportPolicy)
    clock: FixedClock = field(default_factory=lambda: FixedClock(START))
    stores: dict[str, InMemoryAggregateStore] = field(default_factory=dict)
    direct: list[Envelope] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.stores = defaultdict(lambda: InMemoryAggregateStore("support"))
        self.outbox = InMemoryOutbox(self.stores)

        async def publish(topic: str, envelope: Envelope) -> None:
            self.direct.append(envelope)

        self.uc = UseCases(
            service="support",
            events_topic="support.events",
            clock=self.clock,
            stores=lambda name: self.stores[name],
            outbox=self.outbox,
            publish=publish,
            payloads=payloads,
        )
        self.support = Support(
            uc=self.uc,
            policy=self.policy,
            numbers=MemoryTicketNumbers(),
            directory=MemoryDirectory(self.stores),
            default_partner_location=Location("GB"),
        )

    def envelope(self, payload: Payload, subject: str = "x") -> Envelope:
        return new_event(payload, source="/tests", now=self.clock.now(), subject=subject)

    def published(self, kind: str | None = None) -> list[Envelope]:
        """Every envelope published so far (outbox, then direct), of `kind` if given."""
        found = [Envelope.from_json(doc["body"].encode()) for doc in self.outbox.published]
        found += self.direct
        return [e for e in found if kind is None or e.type == kind]

    def types(self) -> list[str]:
        return [e.type for e in self.published()]

    async def tick(self, delta: timedelta) -> None:
        """Move the clock by `delta`, firing due timers in due order as the poller would."""
        target = self.clock.now() + delta
        while True:
            due = self._next_due(target)
            if due is None:
                break
            doc_id, timer = due
            if timer.due_at > self.clock.now():
                self.clock.set(timer.due_at)
            await timers.fire(self.support, doc_id, timer)
        self.clock.set(target)

    def _next_due(self, until: datetime) -> tuple[str, Timer] | None:
        store = self.stores["support_tickets"]
        pending = [
            (timer.due_at, doc_id, timer)
            for doc_id, doc in store.documents.items()
            for timer in doc.timers
            if timer.due_at <= until
        ]
        if not pending:
            return None
        _, doc_id, timer = min(pending, key=lambda p: (p[0], p[1]))
        return doc_id, timer


async def run(w: World, use_case: Any, payload: Payload, subject: str = "x") -> Envelope:
    """Send `payload` to `use_case` as one CloudEvent; returns the envelope sent."""
    cause = w.envelope(payload, subject)
    await use_case(w.support, cause, payload)
    return cause


def open_command(request_id: str = "r1", **changes: Any) -> Any:
    from shared.contracts import support as c

    values: dict[str, Any] = {
        "request_id": request_id,
        "actor": partner_actor(),
        "partner_id": PARTNER,
        "tenant_id": TENANT,
        "contract_number": CONTRACT,
        "contact": {
            "name": "Alex Example",
            "phone": "+44 20 7946 0123",
            "email": "alex@partner.example.com",
        },
        "channel": "online",
        "category": "common_fault",
        "subkind": "no_audio",
        "description": "Calls to one site have no audio.",
        "impact": "individualized",
        "urgency": "high",
    }
    values.update(changes)
    return c.OpenTicket.model_validate(values)


def customer_facts(
    at: datetime,
    tenant_id: str = TENANT,
    customer_id: str = CUSTOMER,
    partner: str = PARTNER,
    country: str = "GB",
    users: int = 200,
    contract: str = CONTRACT,
) -> list[Payload]:
    """Onboarding's facts about one customer tenant of `partner`, as onboarding publishes
    them (`shared.contracts.onboarding`; invented data)."""
    from shared.contracts import onboarding as on

    base: dict[str, Any] = {
        "customer_id": customer_id,
        "occurred_at": at,
        "tenant_id": None,
        "distributor_partner_id": DISTRIBUTOR,
        "reseller_partner_id": partner,
        "tier1_partner_id": None,
    }
    return [
        on.CustomerRecordedV1.model_validate(
            {
                **base,
                "company_name": f"Fictional {customer_id} Ltd",
                "country": country,
                "subscription_numbers": [contract, "SUB-777"],
            }
        ),
        on.RelationshipRecordedV1.model_validate(
            {
                **base,
                "channel": "classic",
                "distributor_acts_as_reseller": False,
                "order_id": f"O-{customer_id}",
            }
        ),
        on.TenantAssignedV1.model_validate({**base, "tenant_id": tenant_id}),
        on.LicencesUpdatedV1.model_validate(
            {
                **base,
                "cause": "licence_assigned",
                "order_id": None,
                "balances": [
                    {
                        "package": "knowledge_worker",
                        "ordered": users,
                        "used": users,
                        "available": 0,
                        "shortfall": 0,
                    }
                ],
            }
        ),
    ]


async def seed_tenant(
    w: World,
    tenant_id: str = TENANT,
    customer_id: str = CUSTOMER,
    partner: str = PARTNER,
    country: str = "GB",
) -> None:
    """Onboarding's facts about one customer tenant of `partner` (invented)."""
    from services.support.application import tenants

    at = w.clock.now() - timedelta(days=30)
    for fact in customer_facts(at, tenant_id, customer_id, partner, country):
        await run(w, tenants.customer_fact, fact)
