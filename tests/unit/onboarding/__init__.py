"""Unit tests of the onboarding domain: pure, no broker, no database.

Sample partners shared by several test modules live here; every name and address is
invented (example.com).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from services.onboarding.domain.activation.activation import ActivationRequest
from services.onboarding.domain.activation.end_customer import (
    EndCustomerData,
    cloud_operations_calendar,
)
from services.onboarding.domain.event import DomainEvent
from services.onboarding.domain.partners.partners import (
    AccountManager,
    AccountManagerRole,
    Contact,
    Language,
    Partner,
    PartnerKind,
)

REGISTERED_AT = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)

CAM = AccountManager(
    "am-cam-1", "Clara Beispiel", "clara.beispiel@vendor.example.com", AccountManagerRole.CAM
)
DAM = AccountManager(
    "am-dam-1", "Daan Voorbeeld", "daan.voorbeeld@vendor.example.com", AccountManagerRole.DAM
)


def sample_distributor(
    partner_id: str = "P-DIST-1", account_manager: AccountManager | None = DAM
) -> Partner:
    partner, _ = Partner.register(
        partner_id=partner_id,
        kind=PartnerKind.DISTRIBUTOR,
        name="Wholesale Voice Example BV",
        country="NL",
        language=Language.NL,
        now=REGISTERED_AT,
        contacts=[Contact("Eva Groothandel", "eva@wholesale.example.com", "commercial")],
        account_manager=account_manager,
    )
    return partner


def sample_reseller(partner_id: str = "P-RES-1", distributor_id: str = "P-DIST-1") -> Partner:
    partner, _ = Partner.register(
        partner_id=partner_id,
        kind=PartnerKind.RESELLER,
        name="Kleinhandel Telefonie Example GmbH",
        country="DE",
        language=Language.DE,
        now=REGISTERED_AT,
        contacts=[Contact("Rudi Verkauf", "rudi@reseller.example.com", "technical")],
        helpdesk_email="helpdesk@reseller.example.com",
        preferred_distributor_id=distributor_id,
    )
    return partner


def sample_tier1(
    partner_id: str = "P-T1-1", account_manager: AccountManager | None = CAM
) -> Partner:
    partner, _ = Partner.register(
        partner_id=partner_id,
        kind=PartnerKind.TIER1,
        name="Direct Cloud Example Ltd",
        country="GB",
        language=Language.EN,
        now=REGISTERED_AT,
        contacts=[Contact("Tom Direct", "tom@direct.example.com", "commercial")],
        account_manager=account_manager,
    )
    return partner


E = TypeVar("E", bound=DomainEvent)


def single(events: list[DomainEvent], kind: type[E]) -> E:
    """The one event of `kind` among `events` (fails if there is not exactly one)."""
    found = [event for event in events if isinstance(event, kind)]
    assert len(found) == 1, f"expected one {kind.__name__}, got {found}"
    return found[0]


# -- tenant activation samples (§1.5) --------------------------------------------------

BERLIN = ZoneInfo("Europe/Berlin")
FRIDAY_15 = datetime(2025, 3, 7, 15, 0, tzinfo=BERLIN)
TUESDAY_15 = datetime(2025, 3, 11, 15, 0, tzinfo=BERLIN)
SENT = datetime(2025, 3, 10, 11, 0, tzinfo=BERLIN)
VALID_UNTIL = SENT + timedelta(hours=72)
MICROSECOND = timedelta(microseconds=1)
CALENDAR = cloud_operations_calendar()
LEGACY = {"old.admin@bakkerij.example.com"}

DATA = EndCustomerData(
    company_name="Bakkerij Voorbeeld BV",
    street="Voorbeeldstraat 1",
    postal_code="1234 AB",
    city="Voorbeeldstad",
    country="NL",
    admin_first_name="Bea",
    admin_last_name="Bakker",
    admin_email="bea@bakkerij.example.com",
    business_activity="Bakery and retail of bread",
    end_use="Office and shop telephony",
)


def submitted_by_reseller() -> ActivationRequest:
    request, _ = ActivationRequest.submit(
        request_id="AR-1",
        partner=sample_reseller(),
        distributor=sample_distributor(),
        data=DATA,
        legacy_emails=LEGACY,
        now=FRIDAY_15 - timedelta(hours=2),
    )
    return request


def at_cloud_operations() -> ActivationRequest:
    request = submitted_by_reseller()
    request.approve(DAM.account_manager_id, FRIDAY_15, CALENDAR)
    return request


def invited() -> ActivationRequest:
    request = at_cloud_operations()
    request.send_invitation("INV-1", SENT)
    return request


def activated() -> ActivationRequest:
    request = invited()
    request.activate("INV-1", "T-555", terms_accepted=True, now=SENT + timedelta(hours=1))
    return request
