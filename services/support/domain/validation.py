"""Checks of a ticket a partner opens on behalf of a customer (spec/domain.md §4, seed 004).

`check_opening` looks at every rule at once and refuses with one `ValidationFailed` that
lists every problem as a `Reason(code, message, field)`; nothing is opened (or stored)
for a refused ticket. Rules:

- the tenant must be a customer tenant of the acting partner (one code, `unknown_tenant`,
  for "unknown" and "another partner's": a refusal reveals nothing about other partners);
- the subscription or service-contract number must be one of the customer's;
- the partner's contact (representative or escalation team): name, phone (E.164 via
  `phonenumbers`), e-mail (`email-validator`) — or the partner's generic escalation
  contact when none is given;
- channel, triage category (and sub-kind), impact and urgency from their lists;
- a description, and an occurred-at that is timezone-aware and not in the future.

An S1/S2 ticket opened online is accepted with the notice `phone_recommended`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from services.support.domain.calendar import Location
from services.support.domain.errors import Reason, ValidationFailed
from services.support.domain.severity import (
    Assessment,
    Impact,
    ImpactShare,
    Severity,
    Urgency,
    assess_impact,
    severity_of,
)
from services.support.domain.tenants import TenantRecord
from services.support.domain.values import (
    SUBKIND_REQUIRED,
    SUBKINDS,
    Channel,
    ContactKind,
    PartnerContact,
    SeverityAssessment,
    Triage,
    TriageCategory,
)

MAX_DESCRIPTION = 10_000
MAX_NAME = 200
PHONE_RECOMMENDED = Reason(
    "phone_recommended",
    "S1 and S2 tickets are best raised by phone; the ticket is open and its clock runs",
    "channel",
)


@dataclass(frozen=True)
class ContactInput:
    """The partner's contact as typed: representative or escalation team."""

    name: str
    phone: str
    email: str
    kind: str = ContactKind.REPRESENTATIVE


@dataclass(frozen=True)
class OpeningRequest:
    """What the partner states when opening a ticket (raw values, checked here)."""

    tenant_id: str
    contract_number: str
    contact: ContactInput | None
    channel: str
    category: str
    description: str
    occurred_at: datetime | None
    impact: Assessment | str
    urgency: str
    subkind: str | None = None


@dataclass(frozen=True)
class CheckedOpening:
    """A request that passed every check, in domain values."""

    tenant_id: str
    customer_id: str
    customer_name: str | None
    customer_location: Location | None
    contract_number: str
    contact: PartnerContact
    channel: Channel
    triage: Triage
    description: str
    occurred_at: datetime | None
    assessment: SeverityAssessment
    notices: tuple[Reason, ...]


def _enum(
    kind: type[StrEnum], value: object, field: str, code: str
) -> tuple[object | None, list[Reason]]:
    if isinstance(value, str) and value in {str(member) for member in kind}:
        return kind(value), []
    allowed = ", ".join(str(member) for member in kind)
    return None, [Reason(code, f"{value!r} is not one of: {allowed}", field)]


def check_phone(
    text: str, field: str, default_country: str | None = None
) -> tuple[str | None, list[Reason]]:
    """The phone number in E.164, or a reason (national numbers need `default_country`)."""
    try:
        number = phonenumbers.parse(text, (default_country or "").upper() or None)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        return None, [Reason("invalid_phone", f"{text!r} is not a valid phone number", field)]
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), []


def check_email(text: str, field: str) -> tuple[str | None, list[Reason]]:
    """The normalised e-mail address, or a reason (syntax only, no DNS look-up)."""
    try:
        return validate_email(text, check_deliverability=False).normalized, []
    except EmailNotValidError as exc:
        return None, [
            Reason("invalid_email", f"{text!r} is not a valid e-mail address: {exc}", field)
        ]


def check_contact(
    given: ContactInput | None, fallback: PartnerContact | None, country: str | None
) -> tuple[PartnerContact | None, list[Reason]]:
    """The ticket's contact: the one given, else the partner's generic escalation contact."""
    if given is None:
        if fallback is not None:
            return fallback, []
        message = "name the partner representative or the partner's escalation team"
        return None, [Reason("contact_missing", message, "contact")]
    kind, reasons = _enum(ContactKind, given.kind, "contact.kind", "unknown_contact_kind")
    name = given.name.strip()
    if not name or len(name) > MAX_NAME:
        reasons.append(Reason("invalid_name", f"a name of 1–{MAX_NAME} characters", "contact.name"))
    phone, phone_reasons = check_phone(given.phone, "contact.phone", country)
    email, email_reasons = check_email(given.email, "contact.email")
    reasons += phone_reasons + email_reasons
    if reasons or phone is None or email is None:
        return None, reasons
    return PartnerContact(ContactKind(str(kind)), name, phone, email), []


def check_triage(category: str, subkind: str | None) -> tuple[Triage | None, list[Reason]]:
    """The triage category and its sub-kind (required for a common fault)."""
    value, reasons = _enum(TriageCategory, category, "category", "unknown_category")
    if value is None:
        return None, reasons
    cat = TriageCategory(str(value))
    allowed = SUBKINDS.get(cat, frozenset())
    if subkind is None and cat in SUBKIND_REQUIRED:
        kinds = ", ".join(sorted(allowed))
        return None, [Reason("subkind_missing", f"a {cat} names its kind: {kinds}", "subkind")]
    if subkind is not None and subkind not in allowed:
        message = f"{subkind!r} is not a kind of {cat}"
        return None, [Reason("unknown_subkind", message, "subkind")]
    return Triage(cat, subkind), []


def check_assessment(
    impact: Assessment | str, urgency: str, known_users: int | None
) -> tuple[SeverityAssessment | None, list[Reason]]:
    """Impact (level or share) × urgency → the severity assessment."""
    level: Impact | None = None
    reasons: list[Reason] = []
    try:
        level, _share = assess_impact(impact, known_users)
    except ValidationFailed as failed:
        reasons += failed.reasons()
    value, urgency_reasons = _enum(Urgency, urgency, "urgency", "unknown_urgency")
    reasons += urgency_reasons
    if reasons or level is None or value is None:
        return None, reasons
    share = impact if isinstance(impact, ImpactShare) else None
    return SeverityAssessment(
        impact=level,
        urgency=Urgency(str(value)),
        severity=severity_of(level, Urgency(str(value))),
        affected_users=share.affected_users if share else None,
        total_users=(share.total_users or known_users) if share else None,
    ), []


def check_opening(
    request: OpeningRequest,
    partner_id: str,
    tenant: TenantRecord | None,
    now: datetime,
    escalation_contact: PartnerContact | None = None,
) -> CheckedOpening:
    """Check every rule of opening a ticket; raise `ValidationFailed` listing every problem.

    `tenant`: the read model's record for `request.tenant_id` (None when unknown).
    `escalation_contact`: the partner's generic escalation contact, used when the request
    names none.
    """
    reasons: list[Reason] = []
    if tenant is None or not tenant.belongs_to(partner_id) or tenant.tenant != request.tenant_id:
        message = f"tenant {request.tenant_id!r} is not a customer tenant of partner {partner_id}"
        reasons.append(Reason("unknown_tenant", message, "tenant_id"))
        tenant = None
    number = request.contract_number.strip()
    if not number:
        message = "a subscription or service-contract number is required"
        reasons.append(Reason("contract_number_missing", message, "contract_number"))
    elif tenant is not None and not tenant.has_subscription(number):
        message = f"{number!r} is not a subscription or service contract of this customer"
        reasons.append(Reason("unknown_contract_number", message, "contract_number"))
    place = tenant.place if tenant else None
    contact, found = check_contact(
        request.contact, escalation_contact, place.country if place else None
    )
    reasons += found
    channel, found = _enum(Channel, request.channel, "channel", "unknown_channel")
    reasons += found
    triage, found = check_triage(request.category, request.subkind)
    reasons += found
    assessment, found = check_assessment(
        request.impact, request.urgency, tenant.number_of_users if tenant else None
    )
    reasons += found
    description = request.description.strip()
    if not description or len(description) > MAX_DESCRIPTION:
        message = f"a description of 1–{MAX_DESCRIPTION} characters is required"
        reasons.append(Reason("invalid_description", message, "description"))
    reasons += _occurred_at_reasons(request.occurred_at, now)
    if reasons:
        raise ValidationFailed(reasons)
    assert tenant is not None and contact is not None and triage is not None
    assert assessment is not None and tenant.tenant is not None
    notices: tuple[Reason, ...] = ()
    if channel is Channel.ONLINE and assessment.severity in (Severity.S1, Severity.S2):
        notices = (PHONE_RECOMMENDED,)
    return CheckedOpening(
        tenant_id=tenant.tenant,
        customer_id=tenant.customer_id,
        customer_name=tenant.name,
        customer_location=place,
        contract_number=number,
        contact=contact,
        channel=Channel(str(channel)),
        triage=triage,
        description=description,
        occurred_at=request.occurred_at,
        assessment=assessment,
        notices=notices,
    )


def _occurred_at_reasons(occurred_at: datetime | None, now: datetime) -> list[Reason]:
    if occurred_at is None:
        return []
    if occurred_at.tzinfo is None or occurred_at.utcoffset() is None:
        return [Reason("naive_datetime", "occurred_at needs a time zone", "occurred_at")]
    if occurred_at > now:
        return [Reason("occurred_in_future", "occurred_at lies in the future", "occurred_at")]
    return []
