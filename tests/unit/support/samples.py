"""Invented sample data for support unit tests: fictional partners, example.com, no people.

Phone numbers are from Ofcom's drama range (020 7946 0xxx) and invented German ones.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from services.support.domain.calendar import Location
from services.support.domain.policy import SupportPolicy
from services.support.domain.severity import Assessment, Impact, Urgency
from services.support.domain.tenants import CustomerFact, Relationship, TenantRecord, merge
from services.support.domain.ticket import Ticket
from services.support.domain.validation import ContactInput, OpeningRequest, check_opening
from services.support.domain.values import Side

LONDON = ZoneInfo("Europe/London")
BERLIN = ZoneInfo("Europe/Berlin")
TOKYO = ZoneInfo("Asia/Tokyo")

PARTNER = "partner-1001"
OTHER_PARTNER = "partner-2002"
DISTRIBUTOR = "partner-0900"
USER = "user-1001-a"
COLLEAGUE = "user-1001-b"
ENGINEER = "engineer-01"
POLICY = SupportPolicy()
GB = Location("GB")
PARTNER_PLACE = GB
CONTRACT = "SC-000123"


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def local(
    year: int, month: int, day: int, hour: int, minute: int = 0, tz: ZoneInfo = LONDON
) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=tz)


def tenant(
    tenant_id: str = "tenant-gb-01",
    location: Location | None = GB,
    partner: str = PARTNER,
    users: int | None = 200,
    subscriptions: frozenset[str] = frozenset({CONTRACT, "SUB-777"}),
) -> TenantRecord:
    """A customer tenant of `partner`, merged from one invented onboarding fact."""
    fact = CustomerFact(
        customer_id=f"customer-of-{tenant_id}",
        fact_id=f"fact-{tenant_id}",
        occurred_at=utc(2027, 1, 4, 9),
        company_name="Fictional Widgets Ltd",
        tenant_id=tenant_id,
        relationship=Relationship(DISTRIBUTOR, partner, None),
        subscription_numbers=subscriptions,
        users=users,
        location=location,
    )
    return merge(None, fact)


GB_TENANT = tenant()
DE_TENANT = tenant("tenant-de-01", Location("DE"))
JP_TENANT = tenant("tenant-jp-01", Location("JP"))
SCOTTISH_TENANT = tenant("tenant-sct-01", Location("GB", "Scotland"))

CONTACT = ContactInput("Alex Example", "+44 20 7946 0123", "Alex.Example@partner.example.com")


def request(**changes: Any) -> OpeningRequest:
    """A complete S3 opening request for GB_TENANT, with `changes`."""
    values: dict[str, Any] = {
        "tenant_id": "tenant-gb-01",
        "contract_number": CONTRACT,
        "contact": CONTACT,
        "channel": "online",
        "category": "common_fault",
        "subkind": "no_audio",
        "description": "Calls to one site have no audio in either direction.",
        "occurred_at": utc(2027, 3, 8, 8),
        "impact": Impact.INDIVIDUALIZED,
        "urgency": Urgency.HIGH,
    }
    values.update(changes)
    return OpeningRequest(**values)


def open_ticket(
    now: datetime,
    impact: Assessment = Impact.INDIVIDUALIZED,
    urgency: Urgency = Urgency.HIGH,
    record: TenantRecord = GB_TENANT,
    policy: SupportPolicy = POLICY,
    number: int = 1,
    channel: str = "online",
) -> Ticket:
    """A ticket opened at `now` (S3 by default) for `record`, by USER of PARTNER."""
    checked = check_opening(
        request(
            tenant_id=record.tenant,
            impact=impact,
            urgency=urgency,
            channel=channel,
            occurred_at=now - timedelta(hours=1),
        ),
        PARTNER,
        record,
        now,
    )
    ticket, _ = Ticket.open(
        ticket_id=f"ticket-{number}",
        ticket_number=f"NA{number:08d}",
        partner_id=PARTNER,
        opened_by=USER,
        checked=checked,
        partner_location=PARTNER_PLACE,
        policy=policy,
        now=now,
    )
    return ticket


def in_progress(now: datetime, **kwargs: Any) -> Ticket:
    """A ticket opened, acknowledged and worked on, all at `now`."""
    ticket = open_ticket(now, **kwargs)
    ticket.acknowledge(now, ENGINEER, Side.VENDOR, POLICY)
    ticket.start_work(now, ENGINEER, Side.VENDOR)
    return ticket


def replace(record: TenantRecord, **changes: Any) -> TenantRecord:
    return dataclasses.replace(record, **changes)
