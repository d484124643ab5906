"""The read model of tenants and partners, kept from onboarding's facts (§4, §5.6).

Each onboarding event becomes one `CustomerFact` (its CloudEvents id and `occurred_at`
stamp it) merged into the customer's `TenantRecord`: merging is commutative and
idempotent, so facts arriving twice or out of order converge (`domain.tenants`). A fact
that changes nothing stores nothing.

Product decisions: a customer's number of users is the largest number of licences in use
in any one package (every user holds at least its main licence; none in use says
nothing); a tenant activation names the partner that asked for it as the customer's
reseller (or tier-1) partner.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime

from services.support.adapters.documents import PARTNER_RECORDS, TENANT_RECORDS, PartnerRecord
from services.support.application.deps import Support
from services.support.domain.calendar import Location
from services.support.domain.tenants import (
    CustomerFact,
    Relationship,
    Stamp,
    TenantRecord,
    merge,
)
from shared.contracts import onboarding as on
from shared.events import Envelope
from shared.usecase import Decision

CustomerEvent = (
    on.CustomerRecordedV1
    | on.RelationshipRecordedV1
    | on.RelationshipChangedV1
    | on.CustomerSubscriptionsChangedV1
    | on.TenantAssignedV1
    | on.LicencesUpdatedV1
)
"""Onboarding's customer facts support reads (`shared.contracts.onboarding`)."""


def _relationship(event: CustomerEvent) -> Relationship | None:
    ids = (event.distributor_partner_id, event.reseller_partner_id, event.tier1_partner_id)
    return Relationship(*ids) if any(ids) else None


def fact_of(cause: Envelope, event: CustomerEvent) -> CustomerFact:
    """The customer fact an onboarding event states (None fields say nothing)."""
    fact = CustomerFact(
        customer_id=event.customer_id,
        fact_id=cause.id,
        occurred_at=event.occurred_at,
        tenant_id=event.tenant_id,
        relationship=_relationship(event),
    )
    if isinstance(event, on.CustomerRecordedV1):
        numbers = event.subscription_numbers
        fact = dataclasses.replace(
            fact,
            company_name=event.company_name,
            location=Location(event.country.upper()) if event.country else None,
            subscription_numbers=None if numbers is None else frozenset(numbers),
        )
    elif isinstance(event, on.CustomerSubscriptionsChangedV1):
        fact = dataclasses.replace(fact, subscription_numbers=frozenset(event.subscription_numbers))
    elif isinstance(event, on.LicencesUpdatedV1) and event.balances:
        used = max(b.used for b in event.balances)
        if used > 0:  # no licence in use yet says nothing about the environment's size
            fact = dataclasses.replace(fact, users=used)
    return fact


async def _merge(s: Support, cause: Envelope, fact: CustomerFact) -> None:
    def decide(record: TenantRecord | None, now: datetime) -> Decision[TenantRecord] | None:
        merged = merge(record, fact)
        return None if merged == record else Decision(merged)

    await s.uc.handle(TENANT_RECORDS, fact.customer_id, cause, decide)


async def customer_fact(s: Support, cause: Envelope, event: CustomerEvent) -> None:
    """Merge one onboarding customer fact into the customer's record."""
    await _merge(s, cause, fact_of(cause, event))


async def tenant_activated(s: Support, cause: Envelope, event: on.TenantActivatedV1) -> None:
    """A tenant activated for a known customer ID: its tenant, name and partner.

    Without a customer ID the activation cannot be tied to the customer's record; the
    order's `tenant_assigned` fact brings the tenant then.
    """
    if event.customer_id is None:
        return
    fact = CustomerFact(
        customer_id=event.customer_id,
        fact_id=cause.id,
        occurred_at=event.occurred_at,
        tenant_id=event.tenant_id,
        company_name=event.company_name,
        relationship=Relationship(event.distributor_partner_id, event.partner_id, None),
    )
    await _merge(s, cause, fact)


async def partner_registered(s: Support, cause: Envelope, event: on.PartnerRegisteredV1) -> None:
    """Remember a partner's country (its calendar) and name; the newest fact wins."""
    stamp = Stamp(event.occurred_at, cause.id)

    def decide(record: PartnerRecord | None, now: datetime) -> Decision[PartnerRecord] | None:
        if record is not None and record.stamp is not None and record.stamp >= stamp:
            return None
        country = event.country.upper() if event.country else None
        contact = record.escalation_contact if record else None
        return Decision(
            PartnerRecord(event.partner_id, country, event.company_name, stamp, contact)
        )

    await s.uc.handle(PARTNER_RECORDS, event.partner_id, cause, decide)
