"""The fault run's workload: a realistic mix planned from a seed, played as flows.

`plan(seed, events)` chooses, with `random.Random(seed)` only, a list of flows whose
input messages add up to about `events`:

- **customer** (onboarding, then support): an order system's order for a new customer of
  a distributor acting as reseller (sometimes delivered twice, sometimes amended), the
  distributor's tenant activation request, its DAM's approval, cloud operations'
  invitation, the customer's activation of the tenant; then the distributor opens a
  ticket for that tenant, which the vendor sometimes acknowledges;
- **port** (porting): a partner's port request for one to three UK numbers and the
  carrier gateway's answer (accepted, or rejected for a postcode mismatch);
- **maintenance** (notifications): cloud operations announce work in a region with the
  ten business days' notice.

Before the flows, a set-up registers the distributors (with their DAM) and enrols the
operations desks notifications writes to: one per port partner (porting mail) and a few
maintenance desks (maintenance mail). Every flow sends one message, waits for the fact
that shows its effect, then sends the next, as the real senders would; it records each
fact it expects (`Expectation`) so that the checker can count what was lost or
duplicated. All companies, people, numbers and addresses are invented (UK numbers from
Ofcom's ranges for drama).
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any

from services.notifications.domain.policy import MaintenancePolicy
from services.onboarding.application.activation.requests import activation_request_id
from services.porting.application.submissions import port_id_for
from services.support.application.tickets import ticket_id_for
from shared.actor import Actor
from shared.calendars import WindowKind
from shared.contracts import carrier
from shared.contracts import notifications as nc
from shared.contracts import onboarding as oc
from shared.contracts import porting as pc
from shared.contracts import support as sc
from shared.contracts.orders import OrderAmended, OrderPlaced
from shared.events import Payload
from shared.topics import (
    CARRIER_EVENTS,
    NOTIFICATIONS_COMMANDS,
    ONBOARDING_COMMANDS,
    ORDERS_EVENTS,
    PORTING_COMMANDS,
    SUPPORT_COMMANDS,
)
from tests.faults.eventlog import EventLog, Match, Seen

OPS = Actor(user_id="ops.faults", roles=("vendor_operations",))
CLOUD_OPS = Actor(user_id="cloudops.faults", roles=("cloud_operations",))
VENDOR_SUPPORT = Actor(user_id="engineer.faults", roles=("vendor_support",))
VENDOR_OPS = Actor(user_id="vendor.ops@partnerops.example.com", roles=("vendor_operations",))

# UK numbers reserved for drama (Ofcom): 1,000 per block, a fresh one per number.
DRAMA_BLOCKS = [
    "+44207946",
    "+44161496",
    "+44121496",
    "+44113496",
    "+44117496",
    "+44114496",
    "+44115496",
    "+44118496",
    "+44141496",
    "+44131496",
    "+44292018",
    "+44289018",
]
MAINTENANCE_REGIONS = ("EU", "UK")

LEARNING = {"unknown_tenant", "unknown_contract_number"}
"""Refusals of an opening that only say support has not read onboarding's facts yet."""

CUSTOMER_WEIGHT, PORT_WEIGHT, MAINTENANCE_WEIGHT = 0.55, 0.40, 0.05


@dataclass(frozen=True)
class Expectation:
    """A fact one input must cause exactly once: `type` with `subject` (or `match`)."""

    flow: str
    type: str
    subject: str | None = None
    where: tuple[tuple[str, Any], ...] = ()
    note: str = ""

    def matches(self, seen: Seen) -> bool:
        if self.subject is not None and seen.subject != self.subject:
            return False
        return all(seen.data.get(k) == v for k, v in self.where)


@dataclass(frozen=True)
class Flow:
    kind: str  # customer | port | maintenance
    index: int
    params: dict[str, Any]

    @property
    def name(self) -> str:
        return f"{self.kind}-{self.index}"

    @property
    def events(self) -> int:
        """How many input messages the flow publishes when nothing is refused."""
        p = self.params
        if self.kind == "customer":
            return 6 + p["redeliver"] + p["amend"] + p["acknowledge"]
        if self.kind == "port":
            return 2
        return 1


@dataclass(frozen=True)
class Plan:
    seed: int
    distributors: list[str]
    port_partners: list[str]
    maintenance_desks: list[tuple[str, str, str]]  # (partner, address, region)
    flows: list[Flow]

    @property
    def events(self) -> int:
        setup = 2 * len(self.distributors) + len(self.port_partners) + len(self.maintenance_desks)
        return setup + sum(f.events for f in self.flows)


def plan(seed: int, events: int) -> Plan:
    """The flows for about `events` input messages, chosen from `seed` alone."""
    rng = random.Random(seed)
    distributors = [f"P-DIST-{seed}-{i}" for i in range(max(2, events // 400))]
    port_partners = [f"P-PORT-{seed}-{i}" for i in range(max(2, events // 500))]
    desks = [
        (f"P-DESK-{seed}-{i}", f"desk{i}-{seed}@maint-desk.example.net", MAINTENANCE_REGIONS[i % 2])
        for i in range(4)
    ]
    flows: list[Flow] = []
    budget = events - 2 * len(distributors) - len(port_partners) - len(desks)
    numbers = 0
    while budget > 0:
        draw = rng.random()
        index = len(flows)
        if draw < CUSTOMER_WEIGHT:
            flow = Flow(
                "customer",
                index,
                {
                    "distributor": rng.choice(distributors),
                    "redeliver": int(rng.random() < 0.1),
                    "amend": int(rng.random() < 0.3),
                    "acknowledge": int(rng.random() < 0.5),
                    "urgency": rng.choice(["critical", "high", "medium", "low"]),
                },
            )
        elif draw < CUSTOMER_WEIGHT + PORT_WEIGHT:
            count = rng.randint(1, 3)
            flow = Flow(
                "port",
                index,
                {
                    "partner": rng.choice(port_partners),
                    "numbers": [_number(numbers + i) for i in range(count)],
                    "answer": "accepted" if rng.random() < 0.75 else "rejected",
                },
            )
            numbers += count
        else:
            flow = Flow("maintenance", index, {"region": rng.choice(MAINTENANCE_REGIONS)})
        flows.append(flow)
        budget -= flow.events
    return Plan(seed, distributors, port_partners, desks, flows)


def _number(n: int) -> str:
    block, line = divmod(n, 1000)
    if block >= len(DRAMA_BLOCKS):
        raise ValueError("the run needs more drama numbers than Ofcom reserves")
    return f"{DRAMA_BLOCKS[block]}{line:04d}"


Send = Callable[[str, Payload, str, int], Any]
"""`send(topic, payload, key, copies)`: publish one CloudEvent `copies` times (same id)."""


@dataclass
class Flows:
    """Plays a plan: `send(topic, payload, key)` publishes; `log` shows the effects."""

    plan: Plan
    send: Send
    log: EventLog
    now: Callable[[], datetime]
    wait: float = 300.0
    expectations: list[Expectation] = field(default_factory=list)
    mails: dict[str, int] = field(default_factory=dict)
    sent: int = 0
    stalled: list[str] = field(default_factory=list)
    retried_tickets: int = 0

    async def _send(self, topic: str, payload: Payload, key: str, copies: int = 1) -> None:
        await self.send(topic, payload, key, copies)
        self.sent += copies

    async def _expect(
        self, flow: str, type_: str, subject: str | None = None, **where: Any
    ) -> Seen | None:
        exp = Expectation(flow, type_, subject, tuple(sorted(where.items())))
        self.expectations.append(exp)
        seen = await self.log.expect(type_, exp.matches, self.wait)
        if seen is None:
            self.stalled.append(f"{flow}: no {type_} ({subject or where})")
        return seen

    # ------------------------------------------------------------------ set-up

    async def setup(self) -> None:
        """Distributors with their DAM; the desks notifications writes to."""
        for partner in self.plan.distributors:
            await self._send(ONBOARDING_COMMANDS.name, _distributor(partner), partner)
        for partner, address, region in self.plan.maintenance_desks:
            contact = _contact(address, ["maintenance_and_outages"], [region])
            await self._send(NOTIFICATIONS_COMMANDS.name, _enrol(partner, contact), partner)
        for partner in self.plan.port_partners:
            contact = _contact(_port_desk(partner), ["porting"], ["UK"])
            await self._send(NOTIFICATIONS_COMMANDS.name, _enrol(partner, contact), partner)
        waits = [
            self._expect("setup", "onboarding.partner.registered", p)
            for p in self.plan.distributors
        ] + [
            self._expect("setup", "notifications.contacts.changed", p)
            for p in [d[0] for d in self.plan.maintenance_desks] + self.plan.port_partners
        ]
        await asyncio.gather(*waits)

    async def run(self, concurrency: int) -> None:
        gate = asyncio.Semaphore(concurrency)

        async def one(flow: Flow) -> None:
            async with gate:
                await getattr(self, f"_{flow.kind}")(flow)

        await asyncio.gather(*(one(f) for f in self.plan.flows))

    # ------------------------------------------------------------------ flows

    async def _customer(self, flow: Flow) -> None:
        p, name = flow.params, flow.name
        dist = p["distributor"]
        customer = f"C-{self.plan.seed}-{flow.index}"
        order = _order(customer, dist, self.now())
        # An order system's at-least-once delivery: sometimes the same event twice.
        await self._send(ORDERS_EVENTS.name, order, customer, 1 + p["redeliver"])
        if await self._expect(name, "onboarding.customer.recorded", customer) is None:
            return
        if p["amend"]:
            amended = _order(customer, dist, self.now(), version=2, licences=25, model=OrderAmended)
            await self._send(ORDERS_EVENTS.name, amended, customer)
            await self.log.expect(
                "onboarding.licences.updated",
                lambda s: s.subject == customer and s.data["balances"][0]["ordered"] == 25,
                self.wait,
            )
        admin = Actor(user_id=f"admin.{flow.index}", partner_id=dist, roles=("partner_admin",))
        submit_id = f"{name}-submit"
        request = activation_request_id(dist, submit_id)
        end_customer = _end_customer(customer)
        submit = oc.SubmitActivationRequest(
            request_id=submit_id,
            actor=admin,
            partner_id=dist,
            customer_id=customer,
            end_customer=end_customer,
        )
        await self._send(ONBOARDING_COMMANDS.name, submit, dist)
        if await self._expect(name, "onboarding.activation.requested", request) is None:
            return
        dam = Actor(user_id=_dam(dist), roles=("account_manager",))
        await self._send(
            ONBOARDING_COMMANDS.name,
            oc.ApproveActivationRequest(
                request_id=f"{name}-approve", actor=dam, activation_request_id=request
            ),
            request,
        )
        if await self._expect(name, "onboarding.activation.forwarded", request) is None:
            return
        invitation = f"INV-{customer}"
        await self._send(
            ONBOARDING_COMMANDS.name,
            oc.SendInvitation(
                request_id=f"{name}-invite",
                actor=CLOUD_OPS,
                activation_request_id=request,
                invitation_id=invitation,
            ),
            request,
        )
        if await self._expect(name, "onboarding.activation.invitation_sent", request) is None:
            return
        tenant = f"T-{customer}"
        customer_admin = Actor(user_id=end_customer.admin_email, roles=("customer_admin",))
        await self._send(
            ONBOARDING_COMMANDS.name,
            oc.ActivateTenant(
                request_id=f"{name}-activate",
                actor=customer_admin,
                activation_request_id=request,
                invitation_id=invitation,
                tenant_id=tenant,
                terms_accepted=True,
            ),
            request,
        )
        if await self._expect(name, "onboarding.customer.tenant_assigned", customer) is None:
            return
        ticket = await self._open_ticket(flow, dist, tenant, f"SUB-{customer}")
        if ticket is None or not p["acknowledge"]:
            return
        await self._send(
            SUPPORT_COMMANDS.name,
            sc.AcknowledgeTicket(request_id=f"{name}-ack", actor=VENDOR_SUPPORT, ticket_id=ticket),
            dist,
        )
        await self._expect(name, "support.ticket.acknowledged", ticket)

    async def _open_ticket(self, flow: Flow, dist: str, tenant: str, contract: str) -> str | None:
        """Open the ticket; support learns the tenant and its subscriptions from onboarding's
        facts on its own time, so an opening refused for not knowing them yet (`LEARNING`)
        is sent again under a new request id, as a partner would — at most 20 times; one
        never opened counts as a lost `support.ticket.opened`."""
        user = Actor(user_id=f"support.{flow.index}", partner_id=dist, roles=("support_lead",))
        for attempt in range(20):
            request_id = f"{flow.name}-ticket-{attempt}"
            ticket = ticket_id_for(dist, request_id)
            opening = sc.OpenTicket.model_validate(
                {
                    "request_id": request_id,
                    "actor": user,
                    "partner_id": dist,
                    "tenant_id": tenant,
                    "contract_number": contract,
                    "contact": {
                        "name": "Robin Example",
                        "phone": "+49 30 901820",
                        "email": f"robin.{flow.index}@{dist.lower()}.example.org",
                    },
                    "channel": "phone",
                    "category": "service_availability",
                    "description": "Calls to one site fail since this morning.",
                    "impact": "localized",
                    "urgency": flow.params["urgency"],
                }
            )
            await self._send(SUPPORT_COMMANDS.name, opening, dist)
            outcome = await self._first(
                ("support.ticket.opened", _subject_is(ticket)),
                ("support.ticket.action_refused", _field_is("ticket_id", ticket)),
            )
            if outcome is None:
                self.expectations.append(Expectation(flow.name, "support.ticket.opened", ticket))
                self.stalled.append(f"{flow.name}: no answer to ticket {ticket}")
                return None
            if outcome.type == "support.ticket.opened":
                self.expectations.append(Expectation(flow.name, "support.ticket.opened", ticket))
                return ticket
            codes = {r.get("code") for r in outcome.data.get("reasons", [])}
            if not codes <= LEARNING:
                self.stalled.append(f"{flow.name}: ticket refused {sorted(codes)}")
                break
            self.retried_tickets += 1
            await asyncio.sleep(1 + attempt)
        # Never opened: the tenant and its subscription exist, so support lost a fact.
        self.expectations.append(Expectation(flow.name, "support.ticket.opened", ticket))
        return None

    async def _first(self, *waits: tuple[str, Match]) -> Seen | None:
        tasks = [asyncio.create_task(self.log.expect(t, m, self.wait)) for t, m in waits]
        try:
            for done in asyncio.as_completed(tasks):
                seen = await done
                if seen is not None:
                    return seen
            return None
        finally:
            for task in tasks:
                task.cancel()

    async def _port(self, flow: Flow) -> None:
        p, name = flow.params, flow.name
        partner = p["partner"]
        request_id = f"{name}-submit"
        port = port_id_for(partner, request_id)
        await self._send(
            PORTING_COMMANDS.name, _port_request(request_id, partner, p["numbers"]), partner
        )
        if await self._expect(name, "porting.port.submitted", port) is None:
            return
        desk = _port_desk(partner)
        self.mails[desk] = self.mails.get(desk, 0) + 1  # port_submitted
        now = self.now()
        if p["answer"] == "accepted":
            answer: Payload = carrier.CarrierPortAccepted(
                port_id=port, carrier_ref=f"GC-{name}", accepted_at=now
            )
        else:
            answer = carrier.CarrierPortRejected(
                port_id=port,
                carrier_ref=f"GC-{name}",
                rejected_at=now,
                reasons=[
                    carrier.CarrierReason(code="address_mismatch", message="postcode differs")
                ],
            )
        await self._send(CARRIER_EVENTS.name, answer, port)
        if p["answer"] == "accepted":
            await self._expect(name, "porting.port.accepted", port)
            await self._expect(name, "porting.numbers.accepted", port)
        else:
            await self._expect(name, "porting.port.rejected", port)
        self.mails[desk] += 1  # port_accepted | port_rejected

    async def _maintenance(self, flow: Flow) -> None:
        region = flow.params["region"]
        policy = MaintenancePolicy()
        now = self.now()
        earliest = policy.earliest_start_date(region, now)
        window = policy.calendar.next_window(
            region, datetime.combine(earliest, time(0), policy.zone(region)), WindowKind.WEEKDAY
        )
        start = window.start.astimezone(UTC)
        maintenance = f"MNT-{self.plan.seed}-{flow.index}"
        await self._send(
            NOTIFICATIONS_COMMANDS.name,
            nc.AnnounceMaintenance(
                request_id=f"{flow.name}-announce",
                actor=CLOUD_OPS,
                maintenance_id=maintenance,
                region=region,
                kind="planned_disruptive",
                start=start,
                end=start + timedelta(hours=2),
                title="Media gateway firmware update",
                description="Calls in progress may drop once while gateways restart.",
            ),
            maintenance,
        )
        if await self._expect(flow.name, "notifications.maintenance.announced", maintenance):
            for _, address, desk_region in self.plan.maintenance_desks:
                if desk_region == region:
                    self.mails[address] = self.mails.get(address, 0) + 1


def _subject_is(subject: str) -> Match:
    return lambda seen: seen.subject == subject


def _field_is(name: str, value: object) -> Match:
    return lambda seen: seen.data.get(name) == value


def _dam(partner: str) -> str:
    return f"dam.{partner.lower()}"


def _port_desk(partner: str) -> str:
    return f"porting-desk@{partner.lower()}.example.net"


def _distributor(partner: str) -> oc.RegisterPartner:
    return oc.RegisterPartner(
        request_id=f"register-{partner}",
        actor=OPS,
        partner_id=partner,
        kind="distributor",
        name=f"Beispiel Distribution {partner[-4:]} GmbH",
        country="DE",
        language="de",
        contacts=[
            oc.ContactIn(name="Jo Example", email=f"jo@{partner.lower()}.example.org", role="sales")
        ],
        helpdesk_email=f"helpdesk@{partner.lower()}.example.org",
        account_manager=oc.AccountManagerIn(
            account_manager_id=_dam(partner),
            name="Dana Example",
            email=f"dana@{partner.lower()}.vendor.example.org",
            role="dam",
        ),
    )


def _contact(address: str, categories: list[str], regions: list[str]) -> nc.ContactIn:
    return nc.ContactIn(
        contact_id="desk",
        name="Operations Desk",
        email=address,
        categories=categories,
        regions=regions,
        language="en",
        timezone="Europe/London",
    )


def _enrol(partner: str, contact: nc.ContactIn) -> nc.EnrolContact:
    return nc.EnrolContact(
        request_id=f"enrol-{partner}", actor=VENDOR_OPS, partner_id=partner, contact=contact
    )


def _order(
    customer: str,
    dist: str,
    now: datetime,
    version: int = 1,
    licences: int = 10,
    model: type[OrderPlaced] | type[OrderAmended] = OrderPlaced,
) -> Any:
    return model.model_validate(
        {
            "order_id": f"O-{customer}",
            "order_version": version,
            "occurred_at": now.isoformat(),
            "channel": "classic",
            "customer": {
                "customer_id": customer,
                "company_name": f"Beispielwerk {customer} GmbH",
                "country": "DE",
                "time_zone": "Europe/Berlin",
                "main_contact": {"name": "Alex Example", "email": "alex@beispielwerk.example.org"},
            },
            "distributor_partner_id": dist,
            "reseller_partner_id": dist,
            "lines": [{"package": "Professional", "licences": licences}],
            "subscription_number": f"SUB-{customer}",
            "reseller_terms_accepted": True,
            "vendor_terms_accepted": True,
        }
    )


def _end_customer(customer: str) -> oc.EndCustomerIn:
    return oc.EndCustomerIn(
        company_name=f"Beispielwerk {customer} GmbH",
        street="Musterstrasse 7",
        postal_code="10117",
        city="Berlin",
        country="DE",
        admin_first_name="Kai",
        admin_last_name="Example",
        admin_email=f"kai.{customer.lower()}@beispielwerk.example.org",
        business_activity="Engineering",
        end_use="Office telephony",
    )


def _port_request(request_id: str, partner: str, numbers: list[str]) -> pc.SubmitPortRequest:
    return pc.SubmitPortRequest(
        request_id=request_id,
        actor=Actor(user_id=f"ops@{partner.lower()}.example.net", partner_id=partner),
        partner_id=partner,
        country="GB",
        product="multi_line",
        numbers=numbers,
        main_billing_number=numbers[0],
        registered_address=pc.AddressIn(
            lines=["9 Example Row"], city="London", postal_code="EC1A 1BB", country="GB"
        ),
        losing_provider="Formerline Telecom Ltd",
        range_holder="Rangekeeper Networks plc",
    )
